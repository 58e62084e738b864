//! The one error type of binwheel.
//!
//! An [`Error`] is a finished message for a person: it names the file, the key
//! (with line and column when the input has them), what was found, what was
//! expected and how to fix it. Callers above the core (the PyO3 glue, the CLI)
//! print it as it is and never add a traceback. This module knows nothing
//! about configuration; it only renders.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::Path;

/// A rendered, user-facing error: one problem, or several found in one
/// reading (then rendered in file order with a closing count line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    problems: Vec<Problem>,
}

/// One problem of an [`Error`]: its rendered text, and where it is, for
/// putting several in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    text: String,
    /// The file as messages name it, when the problem is in one.
    file: Option<String>,
    /// Byte offset in that file.
    offset: Option<usize>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error whose message is already complete.
    pub fn new(message: impl Into<String>) -> Self {
        Self::located(message.into(), None, None)
    }

    fn located(message: String, file: Option<&str>, offset: Option<usize>) -> Self {
        Error {
            problems: vec![Problem {
                text: message.clone(),
                file: file.map(str::to_string),
                offset,
            }],
            message,
        }
    }

    /// Every problem of `errors` in one error: in file order (by file, then
    /// position; problems without a position first), each once, then
    /// "error: N problems in FILE". One problem renders as itself.
    pub fn many(errors: impl IntoIterator<Item = Error>) -> Self {
        let mut problems: Vec<Problem> = Vec::new();
        for problem in errors.into_iter().flat_map(|e| e.problems) {
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
        problems.sort_by(|a, b| (&a.file, a.offset).cmp(&(&b.file, b.offset)));
        let message = match problems.as_slice() {
            [] => "no problem found".to_string(),
            [one] => one.text.clone(),
            all => {
                let mut files: Vec<&str> = all.iter().filter_map(|p| p.file.as_deref()).collect();
                files.dedup();
                let place = match files.as_slice() {
                    [file] => format!(" in {file}"),
                    _ => String::new(),
                };
                let texts: Vec<&str> = all.iter().map(|p| p.text.as_str()).collect();
                format!(
                    "{}\n\nerror: {} problems{place}",
                    texts.join("\n\n"),
                    all.len()
                )
            }
        };
        Error { message, problems }
    }

    /// An error whose problems are already recorded where the reading
    /// collects them ([`crate::toml::TomlFile::conclude`]): it adds none.
    pub fn recorded() -> Self {
        Self::many([])
    }

    /// How many problems this error holds.
    pub fn count(&self) -> usize {
        self.problems.len()
    }

    /// An I/O failure while `action` (e.g. "reading") `path`.
    pub fn io(action: &str, path: &Path, err: io::Error) -> Self {
        Error::new(format!("{action} {}: {err}", path.display()))
    }

    /// An error that points into a text file: `file:line:col: message`, the
    /// offending line with a caret under the span, and an optional help line.
    pub fn at(
        file_name: &str,
        text: &str,
        span: Option<Range<usize>>,
        message: impl fmt::Display,
        help: Option<String>,
    ) -> Self {
        let mut out = String::new();
        let offset = span.as_ref().map(|s| s.start).filter(|&s| s <= text.len());
        match span {
            Some(span) if span.start <= text.len() => {
                let (line, col, line_text) = locate(text, span.start);
                out.push_str(&format!("{file_name}:{line}:{col}: {message}"));
                let width = span
                    .end
                    .min(span.start + line_text.len().saturating_sub(col - 1))
                    .saturating_sub(span.start)
                    .max(1);
                let gutter = line.to_string().len();
                out.push_str(&format!(
                    "\n{:gutter$} |\n{line} | {line_text}\n{:gutter$} | {}{}",
                    "",
                    "",
                    " ".repeat(display_width(&line_text[..col - 1])),
                    "^".repeat(width.min(80)),
                ));
            }
            _ => out.push_str(&format!("{file_name}: {message}")),
        }
        if let Some(help) = help {
            out.push_str("\n  help: ");
            out.push_str(&help);
        }
        Error::located(out, Some(file_name), offset)
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefix the message with context, e.g. the binary or target concerned.
    pub fn context(self, context: impl fmt::Display) -> Self {
        let problem = self.problems.first().filter(|_| self.problems.len() == 1);
        Error::located(
            format!("{context}: {}", self.message),
            problem.and_then(|p| p.file.as_deref()),
            problem.and_then(|p| p.offset),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// 1-based line and column (in bytes) of byte `offset`, and that line's text.
fn locate(text: &str, offset: usize) -> (usize, usize, String) {
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[..line_start].matches('\n').count() + 1;
    let line_text = text[line_start..line_end].trim_end_matches('\r');
    let col = (offset - line_start + 1).min(line_text.len() + 1);
    (line, col, line_text.to_string())
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum::<usize>()
}

/// "did you mean `x`?" for the closest of `candidates` to `got`, if close enough.
pub fn did_you_mean<'a>(
    got: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(got, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_column_and_caret() {
        let text = "[project]\nname = 3\n";
        let err = Error::at(
            "pyproject.toml",
            text,
            Some(17..18),
            "`project.name` must be a string",
            Some("write name = \"hello\"".into()),
        );
        assert_eq!(
            err.message(),
            "pyproject.toml:2:8: `project.name` must be a string\n  |\n2 | name = 3\n  |        ^\n  help: write name = \"hello\""
        );
    }

    #[test]
    fn renders_without_span() {
        let err = Error::at("pyproject.toml", "", None, "missing [project]", None);
        assert_eq!(err.message(), "pyproject.toml: missing [project]");
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("nmae", ["name", "path"]), Some("name"));
        assert_eq!(did_you_mean("zzz", ["name", "path"]), None);
    }
}
