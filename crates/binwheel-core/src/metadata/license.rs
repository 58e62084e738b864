//! `license` and `license-files` (PEP 639): SPDX expressions, the legacy
//! table form, and license files found by globs under the project directory.
//!
//! Owns: expression validation and case normalization against the SPDX list
//! shipped in the `spdx` crate, the PEP 639 glob syntax, and the walk that
//! resolves globs into files. Knows nothing about where license files end up
//! in an archive; it only names them by their relative posix path.

use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use super::{check_project_file, field_sub_span, relative_path};
use crate::error::{did_you_mean, Error, Result};
use crate::toml::{Field, Spanned, Table, TomlFile};

/// The license of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum License {
    /// `license = "…"`: a valid, case-normalized SPDX expression, written as
    /// `License-Expression`.
    Expression(String),
    /// Legacy `license = { text = "…" }`, written as `License`.
    Text(String),
    /// Legacy `license = { file = "…" }`: the file (relative posix path) is
    /// shipped as a license file and listed as `License-File`; its text is not
    /// copied into `License`.
    File(String),
}

/// A license file to ship.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LicenseFile {
    /// The file on disk (absolute).
    pub source: PathBuf,
    /// Relative posix path from the project directory, e.g. `LICENSE` or
    /// `licenses/MIT.txt`: the `License-File` value, the path in an sdist and
    /// the path under `.dist-info/licenses/` in a wheel.
    pub name: String,
}

/// Patterns used when `license-files` is absent (the ones PEP 639's drafts
/// proposed and most backends use); matching nothing is fine.
pub const DEFAULT_LICENSE_FILES: &[&str] = &["LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"];

pub(super) struct ReadLicense {
    pub license: Option<License>,
    pub files: Vec<LicenseFile>,
    /// Where the SPDX expression was written, when there is one.
    expression_span: Option<Option<Range<usize>>>,
}

impl ReadLicense {
    pub fn expression_span(&self) -> Option<Option<Range<usize>>> {
        self.expression_span.clone()
    }
}

pub(super) fn read(project: &Table<'_>, root_dir: &Path) -> Result<ReadLicense> {
    let license_field = project.get("license");
    let files_field = project.get("license-files");
    let mut license = None;
    let mut expression_span = None;
    let mut files = Vec::new();
    if let Some(field) = &license_field {
        if let Some(expr) = field.item.as_str() {
            license = Some(License::Expression(expression(field, expr)?));
            expression_span = Some(field.span());
        } else if field.item.is_table_like() {
            license = Some(license_table(
                field,
                files_field.as_ref(),
                root_dir,
                &mut files,
            )?);
        } else {
            return Err(field.error(
                "`project.license` must be an SPDX license expression string",
                Some("e.g. license = \"MIT\" or license = \"Apache-2.0 OR MIT\"".into()),
            ));
        }
    }
    match &files_field {
        Some(field) => listed_files(field, root_dir, &mut files)?,
        None => default_files(project, root_dir, &mut files)?,
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files.dedup_by(|a, b| a.name == b.name);
    Ok(ReadLicense {
        license,
        files,
        expression_span,
    })
}

/// `license = "<SPDX expression>"`, canonicalized.
fn expression(field: &Field<'_>, expr: &str) -> Result<String> {
    canonicalize_expression(expr).map_err(|e| {
        field.file.error(
            field_sub_span(field, expr, e.range),
            format!(
                "`project.license` = {expr:?} is not a valid SPDX license expression: {}",
                e.message
            ),
            Some(e.help),
        )
    })
}

/// The legacy table form: `license = { text = "…" }` or `{ file = "…" }`
/// (whose file joins `files`).
fn license_table(
    field: &Field<'_>,
    files_field: Option<&Field<'_>>,
    root_dir: &Path,
    files: &mut Vec<LicenseFile>,
) -> Result<License> {
    if let Some(files_field) = files_field {
        return Err(field.error(
            "the table form of `project.license` cannot be combined with `license-files` (PEP 639)",
            Some(format!(
                "write the license as an SPDX expression, e.g. license = \"MIT\", and list its files in `license-files` (at {})",
                files_field.key
            )),
        ));
    }
    let file = field.file;
    let table = field.as_table()?;
    let text = table.str("text")?;
    let path = table.str("file")?;
    table.finish();
    match (text, path) {
        (Some(_), Some(_)) => Err(field.error(
            "`project.license` has both `text` and `file`; they are mutually exclusive",
            Some(
                "better: write license = \"<SPDX expression>\" and license-files = [\"LICENSE\"]"
                    .into(),
            ),
        )),
        (None, None) => Err(field.error(
            "`project.license` as a table needs `text` or `file`",
            Some("better: write license = \"<SPDX expression>\", e.g. license = \"MIT\"".into()),
        )),
        (Some(text), None) => Ok(License::Text(text.value)),
        (None, Some(path)) => {
            let span = path.span.clone();
            let found = legacy_file(file, &path, root_dir)?;
            check_utf8(file, span, &found, None)?;
            let license = License::File(found.name.clone());
            files.push(found);
            Ok(license)
        }
    }
}

/// The files `license-files` globs match; each glob must match one.
fn listed_files(field: &Field<'_>, root_dir: &Path, files: &mut Vec<LicenseFile>) -> Result<()> {
    let file = field.file;
    for (i, pattern) in field.as_string_list()?.into_iter().enumerate() {
        let key = format!("{}[{i}]", field.key);
        if let Err((problem, inner, help)) = check_glob(&pattern.value) {
            let span = super::sub_span(file, pattern.span.clone(), &pattern.value, inner);
            return Err(file.error(
                span,
                format!(
                    "`{key}` = {:?} is not a valid license-files glob: {problem}",
                    pattern.value
                ),
                Some(help),
            ));
        }
        let names = glob_files(root_dir, &pattern.value)
            .map_err(|e| Error::io("cannot search", root_dir, e))?;
        if names.is_empty() {
            return Err(no_match(file, &key, &pattern, root_dir));
        }
        for name in names {
            let found = inside(file, pattern.span.clone(), root_dir, name)?;
            check_utf8(file, pattern.span.clone(), &found, None)?;
            files.push(found);
        }
    }
    Ok(())
}

/// Without `license-files`: what the default patterns find.
fn default_files(project: &Table<'_>, root_dir: &Path, files: &mut Vec<LicenseFile>) -> Result<()> {
    let file = project.file();
    for pattern in DEFAULT_LICENSE_FILES {
        let names =
            glob_files(root_dir, pattern).map_err(|e| Error::io("cannot search", root_dir, e))?;
        for name in names {
            let found = inside(file, project.span(), root_dir, name)?;
            check_utf8(
                file,
                project.span(),
                &found,
                Some(format!(
                    "it was picked up by the default license-files patterns ({}); set `license-files` in [project] to choose the files",
                    DEFAULT_LICENSE_FILES.join(", ")
                )),
            )?;
            files.push(found);
        }
    }
    Ok(())
}

/// `License ::` classifiers next to a license expression are an error (PEP 639).
pub(super) fn check_classifiers(
    file: &TomlFile,
    expression_span: Option<Option<Range<usize>>>,
    classifiers: &[Spanned<String>],
) -> Result<()> {
    if expression_span.is_none() {
        return Ok(());
    }
    for (i, classifier) in classifiers.iter().enumerate() {
        if classifier.value.split("::").next().map(str::trim) == Some("License") {
            return Err(file.error(
                classifier.span.clone(),
                format!(
                    "`project.classifiers[{i}]` = {:?} is a license classifier, which PEP 639 forbids next to a `license` expression",
                    classifier.value
                ),
                Some("remove the `License ::` classifiers: `project.license` already states the license".into()),
            ));
        }
    }
    Ok(())
}

fn legacy_file(file: &TomlFile, path: &Spanned<String>, root_dir: &Path) -> Result<LicenseFile> {
    let name = relative_path(&path.value).map_err(|problem| {
        file.error(
            path.span.clone(),
            format!("`project.license.file` = {:?} {problem}", path.value),
            Some(
                "name a file inside the project directory with `/` separators, e.g. \"LICENSE\""
                    .into(),
            ),
        )
    })?;
    let source = root_dir.join(&name);
    if !source.is_file() {
        return Err(file.error(
            path.span.clone(),
            format!(
                "`project.license.file` names {:?}, which is not a file in the project directory",
                path.value
            ),
            Some("the path is relative to the directory of pyproject.toml".into()),
        ));
    }
    inside(file, path.span.clone(), root_dir, name)
}

/// The license file `name` (relative to `root_dir`), refused when it leads
/// outside the project or is not a regular file.
fn inside(
    file: &TomlFile,
    span: Option<Range<usize>>,
    root_dir: &Path,
    name: String,
) -> Result<LicenseFile> {
    let source = root_dir.join(&name);
    check_project_file(root_dir, &source).map_err(|problem| {
        file.error(
            span,
            format!("license file `{name}` {problem}"),
            Some("copy the file into the project instead of linking to it".into()),
        )
    })?;
    Ok(LicenseFile { source, name })
}

fn check_utf8(
    file: &TomlFile,
    span: Option<Range<usize>>,
    found: &LicenseFile,
    help: Option<String>,
) -> Result<()> {
    let bytes =
        std::fs::read(&found.source).map_err(|e| Error::io("cannot read", &found.source, e))?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err(file.error(
            span,
            format!("license file `{}` is not UTF-8 text", found.name),
            Some(help.unwrap_or_else(|| {
                "license files must be UTF-8 (PEP 639): convert the file, or leave it out".into()
            })),
        ));
    }
    Ok(())
}

fn no_match(file: &TomlFile, key: &str, pattern: &Spanned<String>, root_dir: &Path) -> Error {
    let literal = !pattern.value.contains(['*', '?', '[']);
    let help = if literal && root_dir.join(&pattern.value).is_dir() {
        format!(
            "`{0}` is a directory: write \"{0}/*\" (or \"{0}/**/*\") to ship the files in it",
            pattern.value
        )
    } else {
        "patterns are relative to the directory of pyproject.toml and case-sensitive; \
         hidden files and directories match only when the pattern names them"
            .into()
    };
    file.error(
        pattern.span.clone(),
        format!("`{key}` = {:?} matches no file", pattern.value),
        Some(help),
    )
}

/// Checks the PEP 639 glob syntax: alphanumerics, `_`, `-`, `.`, `*`, `?`,
/// `**` as a whole path component, `[…]` classes of verbatim characters (with
/// `-` ranges), `/` separators, relative, no `..`. On failure: what is wrong,
/// where (byte range in `pattern`) and how to fix it.
pub fn check_glob(pattern: &str) -> std::result::Result<(), (String, Range<usize>, String)> {
    let all = 0..pattern.len();
    if pattern.is_empty() {
        return Err((
            "it is empty".into(),
            all,
            "write a path such as \"LICENSE\"".into(),
        ));
    }
    if pattern.starts_with('/') {
        return Err((
            "it is an absolute path".into(),
            0..1,
            "patterns are relative to the directory of pyproject.toml: drop the leading `/`".into(),
        ));
    }
    let mut offset = 0;
    for component in pattern.split('/') {
        let range = offset..offset + component.len();
        offset += component.len() + 1;
        match component {
            "" => {
                return Err((
                    "it has an empty path component (`//` or a trailing `/`)".into(),
                    range.start.saturating_sub(1)..range.start.max(1),
                    "separate components with a single `/`; to match a directory's files write \"dir/*\"".into(),
                ))
            }
            ".." => {
                return Err((
                    "it leaves the project directory with `..`".into(),
                    range,
                    "license files must be inside the project directory; copy or move the file there".into(),
                ))
            }
            "." => {
                return Err((
                    "it has a `.` component".into(),
                    range,
                    "drop the `./`: patterns are already relative to the project directory".into(),
                ))
            }
            "**" => continue,
            _ => {}
        }
        if let Some(at) = component.find("**") {
            let start = range.start + at;
            return Err((
                "`**` must be a whole path component".into(),
                start..start + 2,
                "write `**` between slashes, e.g. \"licenses/**/*.txt\"".into(),
            ));
        }
        check_characters(component, range.start)?;
    }
    Ok(())
}

/// The characters of one glob component starting at byte `start`: letters,
/// digits, `_-.*?` and `[…]` classes.
fn check_characters(
    component: &str,
    start: usize,
) -> std::result::Result<(), (String, Range<usize>, String)> {
    let mut chars = component.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = start + i;
        match c {
            '[' => {
                let mut closed = false;
                let mut empty = true;
                for (j, d) in chars.by_ref() {
                    if d == ']' {
                        closed = true;
                        break;
                    }
                    if !(d.is_alphanumeric() || matches!(d, '_' | '-' | '.')) {
                        let at = start + j;
                        return Err((
                            format!("`{d}` is not allowed inside `[…]`"),
                            at..at + d.len_utf8(),
                            "a class holds only the characters to match and `-` ranges, e.g. \"LICEN[CS]E\"".into(),
                        ));
                    }
                    empty = false;
                }
                if !closed || empty {
                    return Err((
                        "it has an unclosed or empty `[…]`".into(),
                        at..start + component.len(),
                        "close the class, e.g. \"LICEN[CS]E\"".into(),
                    ));
                }
            }
            '\\' => {
                return Err((
                    "`\\` is not a path separator here".into(),
                    at..at + 1,
                    "separate path components with `/`".into(),
                ))
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '*' | '?') => {}
            c => {
                return Err((
                    format!(
                        "`{}` is not allowed in a license-files pattern",
                        c.escape_debug()
                    ),
                    at..at + c.len_utf8(),
                    "patterns may hold letters, digits, `_`, `-`, `.`, `*`, `?`, `**`, `[…]` and `/`; match other characters with `?`".into(),
                ))
            }
        }
    }
    Ok(())
}

/// Relative posix paths of the regular files (or links to them) under `root`
/// that `pattern` (valid per [`check_glob`]) matches, sorted. `*` and `?`
/// never cross `/`; symlinked directories are not followed; hidden files and
/// directories are skipped unless the pattern has a component starting with `.`.
pub fn glob_files(root: &Path, pattern: &str) -> std::io::Result<Vec<String>> {
    let components: Vec<&str> = pattern.split('/').collect();
    let Some(first_glob) = components.iter().position(|c| c.contains(['*', '?', '['])) else {
        let path = root.join(pattern);
        return Ok(if path.is_file() {
            vec![pattern.to_string()]
        } else {
            Vec::new()
        });
    };
    let prefix = components[..first_glob].join("/");
    let base = root.join(&prefix);
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    // A linked directory leading out of the project is not searched (with
    // `**` below a link to `/` that would walk the whole file system).
    if !base.canonicalize()?.starts_with(root.canonicalize()?) {
        return Err(std::io::Error::other(format!(
            "`{prefix}` resolves to {}, outside the project; binwheel packs only files inside the project",
            base.canonicalize()?.display()
        )));
    }
    let rest = &components[first_glob..];
    let walk = Walk {
        matcher: GlobBuilder::new(pattern)
            .literal_separator(true)
            .backslash_escape(false)
            .build()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?
            .compile_matcher(),
        max_depth: if rest.contains(&"**") {
            usize::MAX
        } else {
            rest.len()
        },
        hidden: components.iter().any(|c| c.starts_with('.')),
    };
    let mut out = Vec::new();
    walk.dir(&base, &prefix, 1, &mut out)?;
    out.sort();
    Ok(out)
}

struct Walk {
    matcher: GlobMatcher,
    max_depth: usize,
    hidden: bool,
}

impl Walk {
    fn dir(
        &self,
        dir: &Path,
        rel: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) -> std::io::Result<()> {
        let mut entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue; // not representable in metadata
            };
            if name.starts_with('.') && !self.hidden {
                continue;
            }
            let rel_path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if entry.file_type()?.is_dir() {
                if depth < self.max_depth {
                    self.dir(&entry.path(), &rel_path, depth + 1, out)?;
                }
            } else if self.matcher.is_match(Path::new(&rel_path)) && entry.path().is_file() {
                out.push(rel_path);
            }
        }
        Ok(())
    }
}

/// Why a license expression is invalid: a message, the byte range in the
/// expression and a help line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpressionError {
    pub message: String,
    pub range: Range<usize>,
    pub help: String,
}

/// Validate an SPDX license expression and case-normalize it: identifiers as
/// on the SPDX list, `AND`/`OR`/`WITH` in capitals, `LicenseRef-` prefixes,
/// single spaces, no space inside parentheses. Deprecated identifiers are
/// accepted; `DocumentRef-` and `AdditionRef-` are not (PEP 639).
pub fn canonicalize_expression(expr: &str) -> std::result::Result<String, ExpressionError> {
    let mut out: Vec<(String, Range<usize>)> = Vec::new();
    let mut after_with = false;
    for (start, token) in tokens(expr) {
        let range = start..start + token.len();
        let lower = token.to_ascii_lowercase();
        match lower.as_str() {
            "(" | ")" => {
                out.push((token.to_string(), range));
                after_with = false;
                continue;
            }
            "and" | "or" | "with" => {
                out.push((lower.to_ascii_uppercase(), range));
                after_with = lower == "with";
                continue;
            }
            _ => {}
        }
        let canonical = canonical_identifier(token, range.clone(), after_with)?;
        out.push((canonical, range));
        after_with = false;
    }
    if out.is_empty() {
        return Err(fail("it is empty".into(), 0..expr.len(), SEE));
    }

    join_and_parse(expr, out)
}

const SEE: &str = "use identifiers from the SPDX license list (https://spdx.org/licenses/), e.g. \"MIT\" or \"Apache-2.0 OR MIT\"; for a license not on the list write \"LicenseRef-<name>\"";

fn fail(message: String, range: Range<usize>, help: &str) -> ExpressionError {
    ExpressionError {
        message,
        range,
        help: help.to_string(),
    }
}

/// One identifier (`token` at `range`) in its canonical spelling: an SPDX
/// license or, after WITH, an exception; or a LicenseRef.
fn canonical_identifier(
    token: &str,
    range: Range<usize>,
    after_with: bool,
) -> std::result::Result<String, ExpressionError> {
    Ok(if after_with {
        match spdx::identifiers::EXCEPTIONS
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(token))
        {
            Some(e) => e.name.to_string(),
            None => {
                let help = did_you_mean(token, spdx::identifiers::EXCEPTIONS.iter().map(|e| e.name))
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| "after WITH comes an exception from https://spdx.org/licenses/exceptions-index.html".into());
                return Err(fail(
                    format!("unknown license exception `{token}`"),
                    range,
                    &help,
                ));
            }
        }
    } else if let Some(suffix) = strip_prefix_ignore_case(token, "LicenseRef-") {
        if suffix.is_empty()
            || !suffix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return Err(fail(
                format!("`{token}` is not a valid LicenseRef"),
                range,
                "write LicenseRef- followed by letters, digits, `.` and `-`, e.g. \"LicenseRef-Proprietary\"",
            ));
        }
        format!("LicenseRef-{suffix}")
    } else if strip_prefix_ignore_case(token, "DocumentRef-").is_some()
        || strip_prefix_ignore_case(token, "AdditionRef-").is_some()
    {
        return Err(fail(
            format!("`{token}` is not allowed in Python package metadata"),
            range,
            "PEP 639 allows SPDX identifiers and LicenseRef-<name> only",
        ));
    } else {
        let (base, plus) = match token.strip_suffix('+') {
            Some(base) if find_license(token).is_none() => (base, "+"),
            _ => (token, ""),
        };
        match find_license(base) {
            Some(name) => format!("{name}{plus}"),
            None => {
                let help = did_you_mean(token, spdx::identifiers::LICENSES.iter().map(|l| l.name))
                    .map(|s| format!("did you mean `{s}`? ({SEE})"))
                    .unwrap_or_else(|| SEE.to_string());
                return Err(fail(
                    format!("unknown license identifier `{token}`"),
                    range,
                    &help,
                ));
            }
        }
    })
}

/// The canonical tokens joined into one expression, checked by the SPDX
/// parser; a parse error points at the original token.
fn join_and_parse(
    expr: &str,
    out: Vec<(String, Range<usize>)>,
) -> std::result::Result<String, ExpressionError> {
    // Join, remembering where each token landed to map parse errors back.
    let mut text = String::new();
    let mut placed: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    for (token, range) in out {
        if !text.is_empty() && !text.ends_with('(') && token != ")" {
            text.push(' ');
        }
        placed.push((text.len()..text.len() + token.len(), range));
        text.push_str(&token);
    }
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        allow_postfix_plus_on_gpl: true,
        ..spdx::ParseMode::STRICT
    };
    if let Err(e) = spdx::Expression::parse_mode(&text, mode) {
        let range = placed
            .iter()
            .find(|(at, _)| at.end > e.span.start)
            .map(|(_, original)| original.clone())
            .unwrap_or(expr.len()..expr.len());
        return Err(fail(
            e.reason.to_string(),
            range,
            "combine identifiers with AND, OR and WITH, and balance the parentheses, e.g. \"(MIT OR Apache-2.0) AND BSD-3-Clause\"",
        ));
    }
    Ok(text)
}

fn find_license(id: &str) -> Option<&'static str> {
    spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(id))
        .map(|l| l.name)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Whitespace-separated tokens with `(` and `)` split off, with byte offsets.
fn tokens(expr: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in expr.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(s) = start.take() {
                out.push((s, &expr[s..i]));
            }
            if c == '(' || c == ')' {
                out.push((i, &expr[i..i + 1]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &expr[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, read, read_in, write};
    use super::*;

    const MIN: &str = "[project]\nname = \"a\"\nversion = \"1\"\n";

    #[test]
    fn normalizes_expressions() {
        let ok = |s: &str| canonicalize_expression(s).unwrap();
        assert_eq!(ok("mit"), "MIT");
        assert_eq!(
            ok("mit and (apache-2.0 or bsd-2-clause)"),
            "MIT AND (Apache-2.0 OR BSD-2-Clause)"
        );
        assert_eq!(ok("  ( MIT  OR Apache-2.0 )  "), "(MIT OR Apache-2.0)");
        assert_eq!(
            ok("gpl-2.0-or-later with classpath-exception-2.0"),
            "GPL-2.0-or-later WITH Classpath-exception-2.0"
        );
        assert_eq!(ok("licenseref-Proprietary"), "LicenseRef-Proprietary");
        assert_eq!(ok("GPL-2.0+"), "GPL-2.0+");
        assert_eq!(ok("Apache-2.0+"), "Apache-2.0+");
    }

    #[test]
    fn rejects_bad_expressions() {
        let e = canonicalize_expression("MIT OR Foo-1.0").unwrap_err();
        assert_eq!(e.message, "unknown license identifier `Foo-1.0`");
        assert_eq!(e.range, 7..14);
        let e = canonicalize_expression("Apache-2").unwrap_err();
        assert!(e.help.contains("did you mean `Apache-2.0`?"), "{e:?}");
        let e = canonicalize_expression("MIT WITH Apache-2.0").unwrap_err();
        assert_eq!(e.message, "unknown license exception `Apache-2.0`");
        let e = canonicalize_expression("MIT AND").unwrap_err();
        assert_eq!(e.range, 7..7, "{e:?}");
        let e = canonicalize_expression("(MIT").unwrap_err();
        assert!(e.message.contains("paren"), "{e:?}");
        assert!(canonicalize_expression("MIT OR OR Apache-2.0").is_err());
        assert!(canonicalize_expression("").is_err());
        assert!(canonicalize_expression("DocumentRef-x:LicenseRef-y").is_err());
        assert!(canonicalize_expression("LicenseRef-").is_err());
    }

    #[test]
    fn license_expression_in_project() {
        let m = read(&format!("{MIN}license = \"mit OR apache-2.0\"\n")).unwrap();
        assert_eq!(
            m.license,
            Some(License::Expression("MIT OR Apache-2.0".into()))
        );
    }

    #[test]
    fn bad_spdx_points_at_the_identifier() {
        let e = err(&format!("{MIN}license = \"MIT OR Nope\"\n"));
        assert!(
            e.starts_with("pyproject.toml:4:19: `project.license` = \"MIT OR Nope\" is not a valid SPDX license expression: unknown license identifier `Nope`"),
            "{e}"
        );
        assert!(e.contains("\n  |                   ^^^^\n"), "{e}");
    }

    #[test]
    fn license_classifier_with_expression() {
        let e = err(&format!(
            "{MIN}license = \"MIT\"\nclassifiers = [\"License :: OSI Approved :: MIT License\"]\n"
        ));
        assert!(e.contains("`project.classifiers[0]` = \"License :: OSI Approved :: MIT License\" is a license classifier"), "{e}");
        // Without an expression the (deprecated) classifier is accepted.
        read(&format!(
            "{MIN}classifiers = [\"License :: OSI Approved :: MIT License\"]\n"
        ))
        .unwrap();
    }

    #[test]
    fn legacy_text_table() {
        let m = read(&format!(
            "{MIN}license = {{ text = \"Do what you like.\" }}\n"
        ))
        .unwrap();
        assert_eq!(m.license, Some(License::Text("Do what you like.".into())));
        let e = err(&format!(
            "{MIN}license = {{ text = \"a\", file = \"b\" }}\n"
        ));
        assert!(e.contains("both `text` and `file`"), "{e}");
        let e = err(&format!("{MIN}license = {{}}\n"));
        assert!(e.contains("needs `text` or `file`"), "{e}");
    }

    #[test]
    fn legacy_file_table_ships_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "COPYING.txt", "text");
        let m = read_in(
            dir.path(),
            &format!("{MIN}license = {{ file = \"COPYING.txt\" }}\n"),
        )
        .unwrap();
        assert_eq!(m.license, Some(License::File("COPYING.txt".into())));
        assert_eq!(m.license_files.len(), 1);
        assert_eq!(m.license_files[0].name, "COPYING.txt");
        assert!(m.license_files[0].source.is_absolute());
        let e = read_in(
            dir.path(),
            &format!("{MIN}license = {{ file = \"NOPE\" }}\n"),
        )
        .unwrap_err();
        assert!(
            e.message().contains("names \"NOPE\", which is not a file"),
            "{e}"
        );
        let e = read_in(
            dir.path(),
            &format!("{MIN}license = {{ file = \"COPYING.txt\" }}\nlicense-files = []\n"),
        )
        .unwrap_err();
        assert!(
            e.message()
                .contains("cannot be combined with `license-files`"),
            "{e}"
        );
    }

    #[test]
    fn license_files_globs() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "LICENSE", "MIT");
        write(dir.path(), "licenses/MIT.txt", "MIT");
        write(dir.path(), "licenses/sub/BSD.txt", "BSD");
        write(dir.path(), "licenses/notes.md", "x");
        write(dir.path(), ".hidden/LICENSE.txt", "x");
        let m = read_in(
            dir.path(),
            &format!("{MIN}license = \"MIT\"\nlicense-files = [\"LICEN[CS]E\", \"licenses/**/*.txt\", \"LICENSE\"]\n"),
        )
        .unwrap();
        let names: Vec<_> = m.license_files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["LICENSE", "licenses/MIT.txt", "licenses/sub/BSD.txt"]
        );
        assert_eq!(
            m.license_files[1].source,
            std::path::absolute(dir.path().join("licenses/MIT.txt")).unwrap()
        );

        // `*` does not cross directories.
        let m = read_in(
            dir.path(),
            &format!("{MIN}license-files = [\"licenses/*\"]\n"),
        )
        .unwrap();
        let names: Vec<_> = m.license_files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["licenses/MIT.txt", "licenses/notes.md"]);

        // license-files without a license string is fine; [] ships nothing.
        let m = read_in(dir.path(), &format!("{MIN}license-files = []\n")).unwrap();
        assert!(m.license_files.is_empty());
    }

    #[test]
    fn default_license_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "LICENSE-MIT", "MIT");
        write(dir.path(), "NOTICE", "n");
        write(dir.path(), "docs/LICENSE", "not at the root");
        let m = read_in(dir.path(), MIN).unwrap();
        let names: Vec<_> = m.license_files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["LICENSE-MIT", "NOTICE"]);
        assert!(read(MIN).unwrap().license_files.is_empty());
    }

    #[test]
    fn glob_matching_nothing() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "licenses/MIT.txt", "MIT");
        let e = read_in(
            dir.path(),
            &format!("{MIN}license-files = [\"LICENSE*\"]\n"),
        )
        .unwrap_err();
        assert!(
            e.message().starts_with(
                "pyproject.toml:4:18: `project.license-files[0]` = \"LICENSE*\" matches no file"
            ),
            "{e}"
        );
        let e = read_in(
            dir.path(),
            &format!("{MIN}license-files = [\"licenses\"]\n"),
        )
        .unwrap_err();
        assert!(
            e.message()
                .contains("`licenses` is a directory: write \"licenses/*\""),
            "{e}"
        );
    }

    #[test]
    fn glob_escaping_or_invalid() {
        let e = err(&format!("{MIN}license-files = [\"../LICENSE\"]\n"));
        assert!(
            e.starts_with("pyproject.toml:4:19: `project.license-files[0]` = \"../LICENSE\" is not a valid license-files glob: it leaves the project directory with `..`"),
            "{e}"
        );
        let e = err(&format!("{MIN}license-files = [\"/etc/LICENSE\"]\n"));
        assert!(e.contains("it is an absolute path"), "{e}");
        let e = err(&format!("{MIN}license-files = [\"a\\\\b\"]\n"));
        assert!(e.contains("is not a path separator"), "{e}");
        let e = err(&format!("{MIN}license-files = [\"LICENSE{{,.txt}}\"]\n"));
        assert!(e.contains("`{` is not allowed"), "{e}");
        let e = err(&format!("{MIN}license-files = [\"a**\"]\n"));
        assert!(e.contains("`**` must be a whole path component"), "{e}");
        let e = err(&format!("{MIN}license-files = [\"LICEN[CS\"]\n"));
        assert!(e.contains("unclosed or empty"), "{e}");
    }

    #[test]
    fn license_files_must_be_utf8() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("LICENSE"), [0xff, 0xfe, 0x00]).unwrap();
        let e = read_in(dir.path(), MIN).unwrap_err();
        assert!(
            e.message()
                .contains("license file `LICENSE` is not UTF-8 text"),
            "{e}"
        );
        assert!(
            e.message().contains("default license-files patterns"),
            "{e}"
        );
    }

    #[test]
    fn license_must_be_string_or_table() {
        let e = err(&format!("{MIN}license = 3\n"));
        assert!(
            e.contains("`project.license` must be an SPDX license expression string"),
            "{e}"
        );
    }
}
