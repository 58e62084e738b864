//! Reading TOML with spans kept, so every error can say `pyproject.toml:14:9`.
//!
//! [`TomlFile`] owns the text and the parsed document. [`Table`] is a typed,
//! read-once view of one table: each getter checks the value's type and
//! remembers the key, and [`Table::finish`] turns any key nobody asked for into
//! an "unknown key" error with a "did you mean" hint. A reading goes on past
//! a mistake: each problem is recorded in the file ([`TomlFile::keep`],
//! [`Table::required`], [`Table::finish`]) and the reader's entry point
//! returns them all at once ([`TomlFile::conclude`]), in file order. This
//! module knows the TOML data model only; what keys mean is for `settings`
//! and `metadata`.

use std::cell::RefCell;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use toml_edit::{Document, Item, Key, TableLike, Value};

use crate::error::{did_you_mean, Error, Result};

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Option<Range<usize>>,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Option<Range<usize>>) -> Self {
        Spanned { value, span }
    }
}

/// A parsed TOML file that can render errors pointing into itself.
pub struct TomlFile {
    /// The file on disk.
    pub path: PathBuf,
    /// How messages name the file (relative to the project, e.g. `pyproject.toml`).
    pub display: String,
    pub text: String,
    doc: Document<String>,
    /// Problems recorded so far by readers that went on past them.
    problems: Mutex<Vec<Error>>,
}

impl TomlFile {
    pub fn load(path: &Path, display: &str) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))?;
        Self::parse(path, display, text)
    }

    pub fn parse(path: &Path, display: &str, text: String) -> Result<Self> {
        let doc = Document::parse(text.clone()).map_err(|e| {
            Error::at(
                display,
                &text,
                e.span(),
                format!("invalid TOML: {}", e.message().trim_end()),
                None,
            )
        })?;
        Ok(TomlFile {
            path: path.to_path_buf(),
            display: display.to_string(),
            text,
            doc,
            problems: Mutex::new(Vec::new()),
        })
    }

    /// Record a problem and go on reading.
    pub fn report(&self, error: Error) {
        if let Ok(mut problems) = self.problems.lock() {
            problems.push(error);
        }
    }

    /// The value, or None after recording the error.
    pub fn keep<T>(&self, result: Result<T>) -> Option<T> {
        result.map_err(|e| self.report(e)).ok()
    }

    /// End a reading: `result` when nothing was recorded, else one error
    /// holding every recorded problem (and `result`'s own), in file order.
    pub fn conclude<T>(&self, result: Result<T>) -> Result<T> {
        let mut problems = match self.problems.lock() {
            Ok(mut problems) => std::mem::take(&mut *problems),
            Err(_) => Vec::new(),
        };
        match result {
            Ok(value) if problems.is_empty() => Ok(value),
            Ok(_) => Err(Error::many(problems)),
            Err(e) => {
                problems.push(e);
                Err(Error::many(problems))
            }
        }
    }

    /// The root table.
    pub fn root(&self) -> Table<'_> {
        Table::new(
            self,
            self.doc.as_table(),
            String::new(),
            self.doc.as_table().span(),
        )
    }

    /// Where bytes `within` of the string `value`, written at `span`, are:
    /// exact when the string is written as it reads (quoted on one line,
    /// no escapes), else the whole of `span`.
    pub fn span_within(
        &self,
        span: Option<Range<usize>>,
        value: &str,
        within: Range<usize>,
    ) -> Option<Range<usize>> {
        let span = span?;
        let raw = self.text.get(span.clone()).unwrap_or_default();
        let plain = ['"', '\''].into_iter().any(|q| {
            raw.len() == value.len() + 2
                && raw.starts_with(q)
                && raw.ends_with(q)
                && raw.get(1..raw.len() - 1) == Some(value)
        });
        if plain && within.end <= value.len() {
            Some(span.start + 1 + within.start..span.start + 1 + within.end)
        } else {
            Some(span)
        }
    }

    /// An error at `span` in this file.
    pub fn error(
        &self,
        span: Option<Range<usize>>,
        message: impl std::fmt::Display,
        help: Option<String>,
    ) -> Error {
        Error::at(&self.display, &self.text, span, message, help)
    }
}

/// A read-once view of one TOML table (standard or inline).
pub struct Table<'a> {
    file: &'a TomlFile,
    table: &'a dyn TableLike,
    /// Dotted name for messages, e.g. `tool.binwheel`; empty for the root.
    name: String,
    span: Option<Range<usize>>,
    seen: RefCell<Vec<String>>,
    /// Required keys found missing, with their help, reported by `finish`.
    missing: RefCell<Vec<(String, String)>>,
}

/// A single value read from a table, with its key's location.
pub struct Field<'a> {
    pub file: &'a TomlFile,
    /// Full dotted key, e.g. `tool.binwheel.package`.
    pub key: String,
    pub key_span: Option<Range<usize>>,
    pub item: &'a Item,
}

impl<'a> Field<'a> {
    /// Span of the value, else of the key.
    pub fn span(&self) -> Option<Range<usize>> {
        self.item.span().or_else(|| self.key_span.clone())
    }

    /// An error about this value.
    pub fn error(&self, message: impl std::fmt::Display, help: Option<String>) -> Error {
        self.file.error(self.span(), message, help)
    }

    fn type_error(&self, expected: &str) -> Error {
        self.error(
            format!(
                "`{}` must be {expected}, found {}",
                self.key,
                describe(self.item)
            ),
            None,
        )
    }

    pub fn as_str(&self) -> Result<Spanned<String>> {
        match self.item.as_str() {
            Some(s) => Ok(Spanned::new(s.to_string(), self.span())),
            None => Err(self.type_error("a string")),
        }
    }

    pub fn as_bool(&self) -> Result<Spanned<bool>> {
        match self.item.as_bool() {
            Some(b) => Ok(Spanned::new(b, self.span())),
            None => Err(self.type_error("true or false")),
        }
    }

    pub fn as_integer(&self) -> Result<Spanned<i64>> {
        match self.item.as_integer() {
            Some(i) => Ok(Spanned::new(i, self.span())),
            None => Err(self.type_error("an integer")),
        }
    }

    /// An array of strings.
    pub fn as_string_list(&self) -> Result<Vec<Spanned<String>>> {
        let Some(array) = self.item.as_array() else {
            return Err(self.type_error("an array of strings"));
        };
        array
            .iter()
            .enumerate()
            .map(|(i, v)| match v.as_str() {
                Some(s) => Ok(Spanned::new(s.to_string(), v.span())),
                None => Err(self.file.error(
                    v.span().or_else(|| self.span()),
                    format!(
                        "`{}[{i}]` must be a string, found {}",
                        self.key,
                        describe_value(v)
                    ),
                    None,
                )),
            })
            .collect()
    }

    /// A table (standard `[a.b]` or inline `{ … }`).
    pub fn as_table(&self) -> Result<Table<'a>> {
        match self.item.as_table_like() {
            Some(t) => Ok(Table::new(self.file, t, self.key.clone(), self.span())),
            None => Err(self.type_error("a table")),
        }
    }

    /// An array of tables (`[[a.b]]` or `a.b = [{ … }, …]`).
    pub fn as_tables(&self) -> Result<Vec<Table<'a>>> {
        if let Some(aot) = self.item.as_array_of_tables() {
            return Ok(aot
                .iter()
                .enumerate()
                .map(|(i, t)| Table::new(self.file, t, format!("{}[{i}]", self.key), t.span()))
                .collect());
        }
        if let Some(array) = self.item.as_array() {
            return array
                .iter()
                .enumerate()
                .map(|(i, v)| match v.as_inline_table() {
                    Some(t) => Ok(Table::new(
                        self.file,
                        t,
                        format!("{}[{i}]", self.key),
                        t.span(),
                    )),
                    None => Err(self.file.error(
                        v.span(),
                        format!(
                            "`{}[{i}]` must be a table, found {}",
                            self.key,
                            describe_value(v)
                        ),
                        None,
                    )),
                })
                .collect();
        }
        Err(self.type_error("an array of tables"))
    }
}

impl<'a> Table<'a> {
    fn new(
        file: &'a TomlFile,
        table: &'a dyn TableLike,
        name: String,
        span: Option<Range<usize>>,
    ) -> Self {
        Table {
            file,
            table,
            name,
            span,
            seen: RefCell::new(Vec::new()),
            missing: RefCell::new(Vec::new()),
        }
    }

    /// The value, or None after recording the error in the file.
    pub fn keep<T>(&self, result: Result<T>) -> Option<T> {
        self.file.keep(result)
    }

    pub fn file(&self) -> &'a TomlFile {
        self.file
    }

    /// Dotted name of this table for messages (`tool.binwheel`).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    fn full_key(&self, key: &str) -> String {
        if self.name.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.name)
        }
    }

    /// The field `key`, if present; marks it as read.
    pub fn get(&self, key: &str) -> Option<Field<'a>> {
        self.seen.borrow_mut().push(key.to_string());
        let (k, item): (&Key, &Item) = self.table.get_key_value(key)?;
        if item.is_none() {
            return None;
        }
        Some(Field {
            file: self.file,
            key: self.full_key(key),
            key_span: k.span(),
            item,
        })
    }

    /// Mark `keys` as read without reading them: a problem (reported) made
    /// their values moot, so `finish` neither asks for them nor reports them.
    pub fn skip(&self, keys: &[&str]) {
        let mut seen = self.seen.borrow_mut();
        seen.extend(keys.iter().map(|k| k.to_string()));
    }

    /// Whether `key` is present (does not mark it as read).
    pub fn contains(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    pub fn str(&self, key: &str) -> Result<Option<Spanned<String>>> {
        self.get(key).map(|f| f.as_str()).transpose()
    }

    pub fn bool(&self, key: &str) -> Result<Option<Spanned<bool>>> {
        self.get(key).map(|f| f.as_bool()).transpose()
    }

    pub fn integer(&self, key: &str) -> Result<Option<Spanned<i64>>> {
        self.get(key).map(|f| f.as_integer()).transpose()
    }

    pub fn string_list(&self, key: &str) -> Result<Option<Vec<Spanned<String>>>> {
        self.get(key).map(|f| f.as_string_list()).transpose()
    }

    pub fn table(&self, key: &str) -> Result<Option<Table<'a>>> {
        self.get(key).map(|f| f.as_table()).transpose()
    }

    pub fn tables(&self, key: &str) -> Result<Vec<Table<'a>>> {
        Ok(self
            .get(key)
            .map(|f| f.as_tables())
            .transpose()?
            .unwrap_or_default())
    }

    /// Every key with its field, in file order (marks all as read).
    pub fn entries(&self) -> Vec<(Spanned<String>, Field<'a>)> {
        self.table
            .iter()
            .filter_map(|(k, _)| {
                let (key, item) = self.table.get_key_value(k)?;
                self.seen.borrow_mut().push(k.to_string());
                Some((
                    Spanned::new(k.to_string(), key.span()),
                    Field {
                        file: self.file,
                        key: self.full_key(k),
                        key_span: key.span(),
                        item,
                    },
                ))
            })
            .collect()
    }

    /// A required string; stops at the first problem.
    pub fn required_str(&self, key: &str, help: &str) -> Result<Spanned<String>> {
        match self.str(key)? {
            Some(s) => Ok(s),
            None => Err(self.missing_error(key, help)),
        }
    }

    /// A required string, or None with its problem recorded. A missing key
    /// is reported by `finish`: as an unknown key's "did you mean" when the
    /// table has a key spelled close to it (`paht` for `path`), else as
    /// "required but missing".
    pub fn required(&self, key: &str, help: &str) -> Option<Spanned<String>> {
        let value = self.keep(self.str(key)).flatten();
        if value.is_none() && !self.contains(key) {
            self.missing(key, help);
        }
        value
    }

    /// Record that the required `key` is missing; `finish` reports it (see
    /// [`Table::required`]).
    pub fn missing(&self, key: &str, help: &str) {
        self.missing
            .borrow_mut()
            .push((key.to_string(), help.to_string()));
    }

    fn missing_error(&self, key: &str, help: &str) -> Error {
        self.file.error(
            self.span(),
            format!("`{}` is required but missing", self.full_key(key)),
            Some(help.to_string()),
        )
    }

    /// An error for this table as a whole.
    pub fn error(&self, message: impl std::fmt::Display, help: Option<String>) -> Error {
        self.file.error(self.span(), message, help)
    }

    /// Record every key that no getter asked for, and every missing
    /// required key.
    pub fn finish(self) {
        let seen: Vec<String> = self.seen.borrow().clone();
        self.report_unread(seen.iter().map(String::as_str).collect());
    }

    /// Record every key that `known` (a description of this table's keys)
    /// lacks, and every missing required key; the hint suggests or lists
    /// `known`, not only the keys this reading asked for. A key the reader
    /// asked for that `known` lacks, or a known key present but never read,
    /// is a bug in the reader, which debug builds (the tests) stop on.
    pub fn finish_known(self, known: &[&str]) {
        {
            let seen = self.seen.borrow();
            debug_assert!(
                seen.iter().all(|k| known.contains(&k.as_str())),
                "[{}] reads keys its description lacks: {seen:?} vs {known:?}",
                self.name
            );
            for key in self.unread() {
                debug_assert!(!known.contains(&key), "[{}] ignored `{key}`", self.name);
            }
        }
        self.report_unread(known.to_vec());
    }

    /// Unknown keys (each suggesting one of `candidates`, or a missing
    /// required key spelled close to it), then the missing keys no unknown
    /// key accounts for.
    fn report_unread(&self, candidates: Vec<&str>) {
        let mut missing = self.missing.take();
        let unknown: Vec<&str> = self
            .unread()
            .filter(|key| !candidates.contains(key))
            .collect();
        for key in unknown {
            let names = missing.iter().map(|(name, _)| name.as_str());
            let error = match did_you_mean(key, names) {
                Some(name) => {
                    let name = name.to_string();
                    missing.retain(|(m, _)| *m != name);
                    self.unknown_with(
                        key,
                        format!("did you mean `{name}`? (`{name}` is required)"),
                    )
                }
                None => self.unknown(key, candidates.clone()),
            };
            self.file.report(error);
        }
        for (key, help) in missing {
            self.file.report(self.missing_error(&key, &help));
        }
    }

    /// Whether a key that is not one of `names` is spelled close to one of
    /// them (`gti-tag` for `git-tag`).
    pub fn has_unknown_close_to(&self, names: &[&str]) -> bool {
        self.table
            .iter()
            .map(|(key, _)| key)
            .filter(|key| !names.contains(key))
            .any(|key| did_you_mean(key, names.iter().copied()).is_some())
    }

    /// Keys present in the table that no getter asked for, in file order.
    fn unread(&self) -> impl Iterator<Item = &'a str> + '_ {
        let table: &'a dyn TableLike = self.table;
        table
            .iter()
            .map(|(key, _)| key)
            .filter(move |key| !self.seen.borrow().iter().any(|s| s == key))
    }

    /// "unknown key" at `key`, with a hint drawn from `candidates`.
    fn unknown(&self, key: &str, candidates: Vec<&str>) -> Error {
        let help = match did_you_mean(key, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => {
                let mut known = candidates;
                known.sort_unstable();
                known.dedup();
                format!("known keys: {}", known.join(", "))
            }
        };
        self.unknown_with(key, help)
    }

    fn unknown_with(&self, key: &str, help: String) -> Error {
        let span = self.table.get_key_value(key).and_then(|(k, _)| k.span());
        let where_ = if self.name.is_empty() {
            "at the top level".to_string()
        } else {
            format!("in [{}]", self.name)
        };
        self.file
            .error(span, format!("unknown key `{key}` {where_}"), Some(help))
    }
}

/// `s` as a quoted TOML basic string: JSON's escapes are TOML's, and every
/// control character and DEL is escaped.
pub fn quote(s: &str) -> String {
    crate::json::string(s)
}

fn describe(item: &Item) -> String {
    match item {
        Item::None => "nothing".into(),
        Item::Value(v) => describe_value(v),
        Item::Table(_) => "a table".into(),
        Item::ArrayOfTables(_) => "an array of tables".into(),
    }
}

fn describe_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string {:?}", s.value()),
        Value::Integer(i) => format!("the integer {}", i.value()),
        Value::Float(f) => format!("the float {}", f.value()),
        Value::Boolean(b) => format!("the boolean {}", b.value()),
        Value::Datetime(d) => format!("the datetime {}", d.value()),
        Value::Array(_) => "an array".into(),
        Value::InlineTable(_) => "a table".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> TomlFile {
        TomlFile::parse(Path::new("pyproject.toml"), "pyproject.toml", text.into()).unwrap()
    }

    #[test]
    fn reads_typed_values_and_spans() {
        let f = file("[tool.binwheel]\npackage = \"hello\"\n");
        let root = f.root();
        let tool = root.table("tool").unwrap().unwrap();
        let bw = tool.table("binwheel").unwrap().unwrap();
        let package = bw.str("package").unwrap().unwrap();
        assert_eq!(package.value, "hello");
        assert_eq!(&f.text[package.span.unwrap()], "\"hello\"");
        bw.finish();
        f.conclude(Ok(())).unwrap();
    }

    #[test]
    fn unknown_key_suggests_the_close_one() {
        let f = file("[tool.binwheel]\npakage = \"hello\"\n");
        let root = f.root();
        let bw = root
            .table("tool")
            .unwrap()
            .unwrap()
            .table("binwheel")
            .unwrap()
            .unwrap();
        let _ = bw.str("package");
        bw.finish();
        let err = f.conclude(Ok(())).unwrap_err();
        assert!(err
            .message()
            .starts_with("pyproject.toml:2:1: unknown key `pakage` in [tool.binwheel]"));
        assert!(err.message().ends_with("help: did you mean `package`?"));
    }

    #[test]
    fn type_errors_name_key_and_found_value() {
        let f = file("[project]\nname = 3\n");
        let root = f.root();
        let project = root.table("project").unwrap().unwrap();
        let err = project.str("name").unwrap_err();
        assert!(err.message().starts_with(
            "pyproject.toml:2:8: `project.name` must be a string, found the integer 3"
        ));
    }

    #[test]
    fn quotes_for_toml_and_json() {
        assert_eq!(
            quote("a\"b\\c\nd\u{1}\u{7f}é"),
            "\"a\\\"b\\\\c\\nd\\u0001\\u007fé\""
        );
    }

    #[test]
    fn arrays_of_tables_both_spellings() {
        let f = file("a = [{x = 1}]\n[[b]]\nx = 2\n");
        let root = f.root();
        assert_eq!(root.tables("a").unwrap().len(), 1);
        let b = root.tables("b").unwrap();
        assert_eq!(b[0].integer("x").unwrap().unwrap().value, 2);
        assert_eq!(b[0].name(), "b[0]");
    }

    #[test]
    fn invalid_toml_points_at_the_line() {
        let err = TomlFile::parse(
            Path::new("pyproject.toml"),
            "pyproject.toml",
            "[project]\nname = \n".into(),
        )
        .err()
        .unwrap();
        assert!(err.message().starts_with("pyproject.toml:2:"), "{err}");
        assert!(err.message().contains("invalid TOML"), "{err}");
    }
}
