//! `import-names` and `import-namespaces` (PEP 794) -> `Import-Name` and
//! `Import-Namespace`.
//!
//! Owns: what an entry may be (a dotted Python identifier, optionally
//! followed by `; private`), duplicates, a name listed under both keys, and
//! the empty `import-names = []`. It does not look at the files a wheel
//! ships: PEP 794 leaves it to the project to list its names truthfully, and
//! binwheel never fills these keys unasked.

use crate::error::Result;
use crate::keys::PYTHON_KEYWORDS;
use crate::toml::{Spanned, Table};

/// One entry of `import-names` or `import-namespaces`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportName {
    /// The dotted name, e.g. `azure.mgmt.search`.
    pub name: String,
    /// Written with `; private`: not part of the project's public API.
    pub private: bool,
}

impl ImportName {
    /// The field value: `name`, or `name; private` (the spaces around `;`
    /// that PEP 794 allows are written as one after it).
    pub fn field_value(&self) -> String {
        if self.private {
            format!("{}; private", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// The two keys, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportNames {
    /// `import-names`: `None` when the key is absent; `Some([])` for
    /// `import-names = []` (a project with no import names at all).
    pub names: Option<Vec<ImportName>>,
    /// `import-namespaces`, empty when absent.
    pub namespaces: Vec<ImportName>,
}

const KEYS: [&str; 2] = ["import-names", "import-namespaces"];

/// One key's entries with the span each was written at (for later errors).
type Entries = Vec<(Spanned<String>, ImportName)>;

pub(super) fn read(project: &Table<'_>) -> Result<ImportNames> {
    let file = project.file();
    let names = read_key(project, KEYS[0])?;
    let namespaces = read_key(project, KEYS[1])?;
    let listed = |v: &Option<Entries>| v.as_ref().map(Vec::len);
    if listed(&names) == Some(0) && listed(&namespaces).unwrap_or(0) > 0 {
        let first = &namespaces.as_ref().expect("listed")[0].0;
        return Err(file.error(
            first.span.clone(),
            "`project.import-names = []` says the project has no import names, but `project.import-namespaces` lists some",
            Some("list the names the project provides in `import-names`, or remove `import-namespaces`".into()),
        ));
    }
    if let (Some(names), Some(namespaces)) = (&names, &namespaces) {
        for (spanned, namespace) in namespaces {
            if names.iter().any(|(_, n)| n.name == namespace.name) {
                return Err(file.error(
                    spanned.span.clone(),
                    format!(
                        "{:?} is listed in both `project.import-names` and `project.import-namespaces`",
                        namespace.name
                    ),
                    Some("a name is provided either exclusively (`import-names`) or shared with other projects (`import-namespaces`): keep it in one of the two (PEP 794)".into()),
                ));
            }
        }
    }
    let strip = |v: Option<Entries>| {
        v.map(|entries| entries.into_iter().map(|(_, n)| n).collect::<Vec<_>>())
    };
    Ok(ImportNames {
        names: strip(names),
        namespaces: strip(namespaces).unwrap_or_default(),
    })
}

fn read_key(project: &Table<'_>, key: &str) -> Result<Option<Entries>> {
    let Some(list) = project.string_list(key)? else {
        return Ok(None);
    };
    let file = project.file();
    let mut out: Entries = Vec::new();
    for (i, entry) in list.into_iter().enumerate() {
        let parsed = match parse(&entry.value) {
            Ok(parsed) => parsed,
            Err(problem) => {
                let help = if entry.value.is_empty() && key == KEYS[0] {
                    "a project with no import names at all writes `import-names = []`".to_string()
                } else {
                    "write a dotted Python name, optionally marked private: \"spam\", \"spam.eggs\" or \"_spam; private\"".to_string()
                };
                return Err(file.error(
                    entry.span.clone(),
                    format!("`project.{key}[{i}]` = {:?} {problem}", entry.value),
                    Some(help),
                ));
            }
        };
        if let Some(j) = out.iter().position(|(_, n)| n.name == parsed.name) {
            return Err(file.error(
                entry.span.clone(),
                format!(
                    "`project.{key}` lists {:?} twice (entries {j} and {i})",
                    parsed.name
                ),
                Some("list each name once; mark it `; private` there if it is private".into()),
            ));
        }
        out.push((entry, parsed));
    }
    Ok(Some(out))
}

/// `name` or `name ; private` (any spaces around `;`), where `name` is dotted
/// Python identifiers, none a keyword: what `str.isidentifier()` and
/// `keyword.iskeyword()` say, as `packaging` checks the fields.
fn parse(entry: &str) -> std::result::Result<ImportName, String> {
    if entry.trim().is_empty() {
        return Err("is empty".into());
    }
    if entry.trim() != entry {
        return Err("starts or ends with whitespace".into());
    }
    let (name, private) = match entry.split_once(';') {
        Some((name, option)) if option.trim() == "private" => (name.trim_end(), true),
        Some((_, option)) => {
            return Err(format!(
                "has {:?} after `;`; the only option is `private`",
                option.trim()
            ))
        }
        None => (entry, false),
    };
    for part in name.split('.') {
        if part.is_empty() {
            return Err("has an empty part between dots".into());
        }
        if !is_python_identifier(part) {
            return Err(format!("has {part:?}, which is not a Python identifier"));
        }
        if PYTHON_KEYWORDS.contains(&part) {
            return Err(format!("has {part:?}, which is a Python keyword"));
        }
    }
    Ok(ImportName {
        name: name.to_string(),
        private,
    })
}

/// Python's `str.isidentifier()`: a character of Unicode's XID_Start or `_`,
/// then XID_Continue characters.
fn is_python_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, read};
    use super::*;

    const MIN: &str = "[project]\nname = \"a\"\nversion = \"1\"\n";

    fn name(name: &str, private: bool) -> ImportName {
        ImportName {
            name: name.into(),
            private,
        }
    }

    #[test]
    fn entries() {
        assert_eq!(parse("spam"), Ok(name("spam", false)));
        assert_eq!(
            parse("azure.mgmt.search"),
            Ok(name("azure.mgmt.search", false))
        );
        assert_eq!(parse("_spam; private"), Ok(name("_spam", true)));
        assert_eq!(parse("_spam   ;private"), Ok(name("_spam", true)));
        assert_eq!(parse("données"), Ok(name("données", false)));
        assert_eq!(name("_spam", true).field_value(), "_spam; private");
        for (bad, says) in [
            ("", "is empty"),
            (" spam", "starts or ends with whitespace"),
            ("spam; public", "has \"public\" after `;`"),
            ("spam;", "has \"\" after `;`"),
            ("a..b", "has an empty part"),
            ("a.", "has an empty part"),
            ("my-pkg", "\"my-pkg\", which is not a Python identifier"),
            ("1abc", "not a Python identifier"),
            ("a.class", "\"class\", which is a Python keyword"),
            ("a\u{0300}b.\u{0300}x", "not a Python identifier"), // a combining mark cannot start
        ] {
            let problem = parse(bad).unwrap_err();
            assert!(problem.contains(says), "{bad:?}: {problem}");
        }
        // Soft keywords are identifiers (`import match` works).
        assert!(parse("match.case.type").is_ok());
    }

    #[test]
    fn both_keys_read() {
        let m = read(&format!(
            "{MIN}import-names = [\"azure.mgmt.search\", \"_azure_search ; private\"]\n\
             import-namespaces = [\"azure\", \"azure.mgmt\"]\n"
        ))
        .unwrap();
        assert_eq!(
            m.import_names.names,
            Some(vec![
                name("azure.mgmt.search", false),
                name("_azure_search", true)
            ])
        );
        assert_eq!(
            m.import_names.namespaces,
            [name("azure", false), name("azure.mgmt", false)]
        );
        assert_eq!(read(MIN).unwrap().import_names, ImportNames::default());
        let empty = read(&format!("{MIN}import-names = []\n")).unwrap();
        assert_eq!(empty.import_names.names, Some(vec![]));
    }

    #[test]
    fn refusals_point_at_the_entry() {
        let e = err(&format!("{MIN}import-names = [\"spam\", \"my-pkg\"]\n"));
        assert!(
            e.starts_with("pyproject.toml:4:25: `project.import-names[1]` = \"my-pkg\" has \"my-pkg\", which is not a Python identifier"),
            "{e}"
        );
        assert!(e.contains("help: write a dotted Python name"), "{e}");
        let e = err(&format!(
            "{MIN}import-names = [\"spam\", \"spam; private\"]\n"
        ));
        assert!(
            e.starts_with("pyproject.toml:4:25: `project.import-names` lists \"spam\" twice (entries 0 and 1)"),
            "{e}"
        );
        let e = err(&format!(
            "{MIN}import-names = [\"spam\"]\nimport-namespaces = [\"eggs\", \"spam\"]\n"
        ));
        assert!(
            e.starts_with("pyproject.toml:5:30: \"spam\" is listed in both `project.import-names` and `project.import-namespaces`"),
            "{e}"
        );
        assert!(
            e.contains("help: a name is provided either exclusively"),
            "{e}"
        );
        let e = err(&format!("{MIN}import-names = [\"\"]\n"));
        assert!(e.contains("is empty"), "{e}");
        assert!(
            e.contains("help: a project with no import names at all writes `import-names = []`"),
            "{e}"
        );
        let e = err(&format!(
            "{MIN}import-names = []\nimport-namespaces = [\"azure\"]\n"
        ));
        assert!(e.starts_with("pyproject.toml:5:22: `project.import-names = []` says the project has no import names"), "{e}");
        let e = err(&format!("{MIN}import-names = \"spam\"\n"));
        assert!(e.contains("pyproject.toml:4:"), "{e}");
        let e = err(&format!("{MIN}dynamic = [\"import-names\"]\n"));
        assert!(
            e.contains("no way to fill `import-names` dynamically"),
            "{e}"
        );
    }
}
