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

/// A rendered, user-facing error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error whose message is already complete.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
        }
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
        Error::new(out)
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefix the message with context, e.g. the binary or target concerned.
    pub fn context(self, context: impl fmt::Display) -> Self {
        Error::new(format!("{context}: {}", self.message))
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
