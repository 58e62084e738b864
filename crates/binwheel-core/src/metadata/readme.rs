//! `readme`: the long description and its content type.
//!
//! Owns: the string and table forms, content-type inference from the file
//! extension, the allowed content types and charset, reading the file as
//! UTF-8. Knows nothing about how the text is written into metadata.

use std::path::Path;

use super::{check_project_file, relative_path, Readme};
use crate::error::Result;
use crate::toml::{Field, Spanned, Table};

const CONTENT_TYPES: &[&str] = &["text/markdown", "text/x-rst", "text/plain"];

pub(super) fn read(project: &Table<'_>, root_dir: &Path) -> Result<Option<Readme>> {
    let Some(field) = project.get("readme") else {
        return Ok(None);
    };
    if field.item.is_str() {
        let path = field.as_str()?;
        let Some(content_type) = infer_content_type(&path.value) else {
            return Err(field.error(
                format!(
                    "cannot tell the content type of the readme {:?} from its extension",
                    path.value
                ),
                Some(format!(
                    "name a .md, .rst or .txt file, or write readme = {{ file = {:?}, content-type = \"text/markdown\" }} (or \"text/x-rst\", \"text/plain\")",
                    path.value
                )),
            ));
        };
        let (text, file) = read_file(&field, &path, root_dir)?;
        return Ok(Some(Readme {
            text,
            content_type: content_type.to_string(),
            file: Some(file),
        }));
    }
    if !field.item.is_table_like() {
        return Err(field.error(
            "`project.readme` must be a file path or a table",
            Some("e.g. readme = \"README.md\" or readme = { text = \"…\", content-type = \"text/plain\" }".into()),
        ));
    }
    let table = field.as_table()?;
    let path = table.str("file")?;
    let text = table.str("text")?;
    let content_type = table.str("content-type")?;
    table.finish();
    let Some(content_type) = content_type else {
        let example = path
            .as_ref()
            .and_then(|p| infer_content_type(&p.value))
            .unwrap_or("text/markdown");
        return Err(field.error(
            "`project.readme` as a table needs `content-type`",
            Some(format!(
                "add content-type = \"{example}\" (or \"text/x-rst\", \"text/plain\")"
            )),
        ));
    };
    check_content_type(&field, &content_type)?;
    let (text, file) = match (text, path) {
        (Some(_), Some(_)) => {
            return Err(field.error(
                "`project.readme` has both `file` and `text`; they are mutually exclusive",
                Some("keep one of them".into()),
            ))
        }
        (None, None) => {
            return Err(field.error(
                "`project.readme` as a table needs `file` or `text`",
                Some(
                    "e.g. readme = { file = \"README.md\", content-type = \"text/markdown\" }"
                        .into(),
                ),
            ))
        }
        (Some(text), None) => (text.value, None),
        (None, Some(path)) => {
            let (text, file) = read_file(&field, &path, root_dir)?;
            (text, Some(file))
        }
    };
    Ok(Some(Readme {
        text,
        content_type: content_type.value.trim().to_string(),
        file,
    }))
}

/// The content type the pyproject specification assigns to a readme file name.
fn infer_content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "md" => Some("text/markdown"),
        "rst" => Some("text/x-rst"),
        "txt" => Some("text/plain"),
        _ => None,
    }
}

/// `type/subtype[; charset=UTF-8][; variant=GFM|CommonMark]`, as Core Metadata
/// and PyPI accept it.
fn check_content_type(field: &Field<'_>, content_type: &Spanned<String>) -> Result<()> {
    let file = field.file;
    let err = |message: String, help: &str| {
        file.error(content_type.span.clone(), message, Some(help.to_string()))
    };
    let mut parts = content_type.value.split(';');
    let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    if !CONTENT_TYPES.contains(&mime.as_str()) {
        return Err(err(
            format!(
                "the readme content type {:?} is not supported",
                content_type.value
            ),
            "use \"text/markdown\", \"text/x-rst\" or \"text/plain\"",
        ));
    }
    for param in parts {
        let Some((key, value)) = param.split_once('=') else {
            return Err(err(
                format!(
                    "the readme content type {:?} has a parameter without `=`",
                    content_type.value
                ),
                "parameters look like \"; charset=UTF-8\"",
            ));
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim().trim_matches('"');
        if key == "charset" && !value.eq_ignore_ascii_case("utf-8") {
            return Err(err(
                format!("the readme charset {value:?} is not supported"),
                "binwheel reads readmes as UTF-8 only: convert the file and write charset=UTF-8 (or leave charset out)",
            ));
        }
        if key == "variant" && mime == "text/markdown" && !matches!(value, "GFM" | "CommonMark") {
            return Err(err(
                format!("the Markdown variant {value:?} is not supported"),
                "use variant=GFM or variant=CommonMark (or leave variant out)",
            ));
        }
    }
    Ok(())
}

fn read_file(
    field: &Field<'_>,
    path: &Spanned<String>,
    root_dir: &Path,
) -> Result<(String, (std::path::PathBuf, String))> {
    let file = field.file;
    let name = relative_path(&path.value).map_err(|problem| {
        file.error(
            path.span.clone(),
            format!("the readme path {:?} {problem}", path.value),
            Some(
                "name a file inside the project directory with `/` separators, e.g. \"README.md\""
                    .into(),
            ),
        )
    })?;
    let source = root_dir.join(&name);
    check_project_file(root_dir, &source).map_err(|problem| {
        file.error(
            path.span.clone(),
            format!("the readme file {:?} {problem}", path.value),
            Some("copy the readme into the project instead of linking to it".into()),
        )
    })?;
    let bytes = match std::fs::read(&source) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || source.is_dir() => {
            return Err(file.error(
                path.span.clone(),
                format!("the readme file {:?} does not exist", path.value),
                Some("the path is relative to the directory of pyproject.toml".into()),
            ))
        }
        Err(e) => return Err(crate::Error::io("cannot read", &source, e)),
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        file.error(
            path.span.clone(),
            format!("the readme file {:?} is not UTF-8 text", path.value),
            Some("save the readme as UTF-8".into()),
        )
    })?;
    Ok((text, (source, name)))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, read_in, write};

    const MIN: &str = "[project]\nname = \"a\"\nversion = \"1\"\n";

    #[test]
    fn string_form_infers_content_type() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "README.md", "# Hello\n");
        write(dir.path(), "docs/intro.RST", "Hello\n=====\n");
        write(dir.path(), "README.txt", "plain");
        let m = read_in(dir.path(), &format!("{MIN}readme = \"README.md\"\n")).unwrap();
        let readme = m.readme.unwrap();
        assert_eq!(readme.text, "# Hello\n");
        assert_eq!(readme.content_type, "text/markdown");
        assert_eq!(readme.file.unwrap().1, "README.md");
        let m = read_in(dir.path(), &format!("{MIN}readme = \"./docs/intro.RST\"\n")).unwrap();
        let readme = m.readme.unwrap();
        assert_eq!(readme.content_type, "text/x-rst");
        assert_eq!(readme.file.unwrap().1, "docs/intro.RST");
        let m = read_in(dir.path(), &format!("{MIN}readme = \"README.txt\"\n")).unwrap();
        assert_eq!(m.readme.unwrap().content_type, "text/plain");
    }

    #[test]
    fn unknown_extension_asks_for_content_type() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "README.adoc", "= Hello");
        let e = read_in(dir.path(), &format!("{MIN}readme = \"README.adoc\"\n")).unwrap_err();
        assert!(
            e.message()
                .contains("cannot tell the content type of the readme \"README.adoc\""),
            "{e}"
        );
        assert!(
            e.message().contains("content-type = \"text/markdown\""),
            "{e}"
        );
    }

    #[test]
    fn readme_missing_names_the_path() {
        let e = err(&format!("{MIN}readme = \"docs/README.md\"\n"));
        assert!(
            e.starts_with("pyproject.toml:4:10: the readme file \"docs/README.md\" does not exist"),
            "{e}"
        );
    }

    #[test]
    fn readme_outside_the_project() {
        let e = err(&format!("{MIN}readme = \"../README.md\"\n"));
        assert!(e.contains("leaves the project directory"), "{e}");
    }

    #[test]
    fn table_forms() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "README", "Hello");
        let m = read_in(
            dir.path(),
            &format!("{MIN}readme = {{ file = \"README\", content-type = \"text/markdown; charset=UTF-8; variant=CommonMark\" }}\n"),
        )
        .unwrap();
        let readme = m.readme.unwrap();
        assert_eq!(readme.text, "Hello");
        assert_eq!(
            readme.content_type,
            "text/markdown; charset=UTF-8; variant=CommonMark"
        );
        let m = read_in(
            dir.path(),
            &format!("{MIN}readme = {{ text = \"Inline\", content-type = \"text/x-rst\" }}\n"),
        )
        .unwrap();
        assert_eq!(m.readme.unwrap().file, None);
    }

    #[test]
    fn bad_tables() {
        let e = err(&format!("{MIN}readme = {{ text = \"x\" }}\n"));
        assert!(e.contains("needs `content-type`"), "{e}");
        let e = err(&format!(
            "{MIN}readme = {{ text = \"x\", file = \"y\", content-type = \"text/plain\" }}\n"
        ));
        assert!(e.contains("both `file` and `text`"), "{e}");
        let e = err(&format!(
            "{MIN}readme = {{ text = \"x\", content-type = \"text/html\" }}\n"
        ));
        assert!(e.contains("\"text/html\" is not supported"), "{e}");
        let e = err(&format!(
            "{MIN}readme = {{ text = \"x\", content-type = \"text/plain; charset=latin-1\" }}\n"
        ));
        assert!(e.contains("charset \"latin-1\" is not supported"), "{e}");
        let e = err(&format!(
            "{MIN}readme = {{ text = \"x\", content-type = \"text/markdown; variant=Foo\" }}\n"
        ));
        assert!(e.contains("variant \"Foo\""), "{e}");
        let e = err(&format!(
            "{MIN}readme = {{ text = \"x\", content_type = \"text/plain\" }}\n"
        ));
        assert!(e.contains("did you mean `content-type`?"), "{e}");
    }

    #[test]
    fn readme_must_be_utf8() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("README.md"), [0xff, 0xfe]).unwrap();
        let e = read_in(dir.path(), &format!("{MIN}readme = \"README.md\"\n")).unwrap_err();
        assert!(e.message().contains("is not UTF-8 text"), "{e}");
    }
}
