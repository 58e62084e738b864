//! What `binwheel check` prints: per file checked, a summary line and its
//! findings as text, or one JSON document (`--json`, described by
//! `docs/check.schema.json`).
//!
//! Owns the layout of both; it must not judge or filter anything (that is
//! the rules' and `gate`'s).

use std::fmt::Write as _;

use super::finding::Severity;
use super::gate::Gated;
use crate::json::Json;

/// One file `binwheel check` looked at, and what came through the gate.
pub struct Checked {
    /// The path as the user wrote it.
    pub path: String,
    pub gated: Gated,
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Note];

fn counted(n: usize, severity: Severity) -> String {
    format!("{n} {}{}", severity.as_str(), if n == 1 { "" } else { "s" })
}

/// `ok`, `ok (2 notes)`, `1 error, 1 warning`, and how many were ignored.
fn summary(g: &Gated) -> String {
    let errors = g.count(Severity::Error);
    let parts: Vec<String> = SEVERITIES
        .iter()
        .map(|s| (g.count(*s), *s))
        .filter(|(n, _)| *n > 0)
        .map(|(n, s)| counted(n, s))
        .collect();
    let mut out = match (errors, parts.is_empty()) {
        (0, true) => "ok".to_string(),
        (0, false) => format!("ok ({})", parts.join(", ")),
        _ => parts.join(", "),
    };
    if g.ignored > 0 {
        let _ = write!(out, "; {} ignored", g.ignored);
    }
    out
}

/// Per file: `path: summary`, then each finding indented; a total line
/// when more than one file was checked.
pub fn text(files: &[Checked]) -> String {
    let mut out = String::new();
    for file in files {
        let _ = writeln!(out, "{}: {}", file.path, summary(&file.gated));
        for f in &file.gated.findings {
            for line in f.render().lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    if files.len() > 1 {
        let total: Vec<String> = SEVERITIES
            .iter()
            .map(|s| counted(files.iter().map(|f| f.gated.count(*s)).sum(), *s))
            .collect();
        let _ = writeln!(out, "{} files checked: {}", files.len(), total.join(", "));
    }
    out
}

fn counts(count: impl Fn(Severity) -> usize) -> Json {
    Json::Object(
        SEVERITIES
            .iter()
            .map(|s| (s.as_str().to_string(), Json::Int(count(*s) as i64)))
            .collect(),
    )
}

/// The document `docs/check.schema.json` describes, on one line.
pub fn json(files: &[Checked], strict: bool) -> String {
    let items = files
        .iter()
        .map(|f| {
            Json::object([
                ("path", Json::str(&f.path)),
                ("passed", Json::Bool(!f.gated.has_errors())),
                ("counts", counts(|s| f.gated.count(s))),
                ("ignored", Json::Int(f.gated.ignored as i64)),
                (
                    "findings",
                    Json::Array(f.gated.findings.iter().map(|x| x.to_json()).collect()),
                ),
            ])
        })
        .collect();
    let document = Json::object([
        ("binwheel", Json::str(crate::VERSION)),
        ("strict", Json::Bool(strict)),
        (
            "passed",
            Json::Bool(files.iter().all(|f| !f.gated.has_errors())),
        ),
        (
            "counts",
            counts(|s| files.iter().map(|f| f.gated.count(s)).sum()),
        ),
        ("files", Json::Array(items)),
    ]);
    format!("{}\n", document.compact())
}

#[cfg(test)]
mod tests {
    use super::super::finding::{Finding, TAG_GLIBC_FLOOR, UPLOAD_SIZE};
    use super::*;

    fn checked(path: &str, findings: Vec<Finding>, ignored: usize) -> Checked {
        Checked {
            path: path.into(),
            gated: Gated { findings, ignored },
        }
    }

    #[test]
    fn text_groups_per_file_with_a_summary() {
        let files = [
            checked("a.whl", vec![], 0),
            checked(
                "b.whl",
                vec![
                    Finding::new(TAG_GLIBC_FLOOR, "p/_bin/x needs more")
                        .file("p/_bin/x")
                        .help("raise it"),
                    Finding::new(UPLOAD_SIZE, "big"),
                ],
                2,
            ),
            checked("c.whl", vec![Finding::new(UPLOAD_SIZE, "big")], 0),
        ];
        assert_eq!(
            text(&files),
            "a.whl: ok\n\
             b.whl: 1 error, 1 note; 2 ignored\n\
             \x20 error[BW101 tag-glibc-floor] p/_bin/x needs more\n\
             \x20   help: raise it\n\
             \x20 note[BW002 upload-size] big\n\
             c.whl: ok (1 note)\n\
             \x20 note[BW002 upload-size] big\n\
             3 files checked: 1 error, 0 warnings, 2 notes\n"
        );
        let doc = json(&files, true);
        assert!(doc.starts_with("{\"binwheel\": \""), "{doc}");
        assert!(
            doc.contains("\"strict\": true, \"passed\": false, \"counts\": {\"error\": 1, \"warning\": 0, \"note\": 2}"),
            "{doc}"
        );
        assert!(doc.contains("{\"rule\": \"BW101\", \"name\": \"tag-glibc-floor\", \"severity\": \"error\", \"file\": \"p/_bin/x\""), "{doc}");
    }
}
