//! What a release pipeline lets through: rules ignored for some files, and
//! strictness (warnings count as errors).
//!
//! Owns parsing `RULE[:GLOB]` (from `--ignore` and `[tool.binwheel.check]
//! ignore`) and applying a gate to findings. It must not judge anything and
//! knows no configuration file: callers hand it the texts.

use globset::{GlobBuilder, GlobMatcher};

use super::finding::{rule_named, Finding, Rule, Severity};

/// One `RULE[:GLOB]`: the rule, by id or name, and optionally the files it
/// is ignored for.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub rule: Rule,
    /// The glob as written; `None` ignores the rule for every file.
    pub glob: Option<String>,
    matcher: Option<GlobMatcher>,
}

impl Ignore {
    /// `BW112`, `tag-vcruntime`, `BW112:*.exe`, `BW013:*/testdata/*`. A `*`
    /// in the glob crosses `/`, so `*.exe` matches `pkg/_bin/tool.exe`.
    pub fn parse(text: &str) -> Result<Ignore, String> {
        let (rule_text, glob) = match text.split_once(':') {
            Some((r, g)) => (r.trim(), Some(g.trim())),
            None => (text.trim(), None),
        };
        let rule = rule_named(rule_text).ok_or_else(|| {
            format!(
                "{rule_text:?} is not a rule of binwheel check: write a rule id (BW112) or \
                 name (tag-vcruntime), optionally with :GLOB for the files (BW112:*.exe); \
                 docs/check.md lists the rules"
            )
        })?;
        let matcher = match glob {
            None => None,
            Some("") => return Err(format!("{text:?}: the glob after ':' is empty")),
            Some(g) => Some(
                GlobBuilder::new(g)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| format!("{text:?}: {g:?} is not a valid glob ({})", e.kind()))?
                    .compile_matcher(),
            ),
        };
        Ok(Ignore {
            rule,
            glob: glob.map(str::to_string),
            matcher,
        })
    }

    fn covers(&self, f: &Finding) -> bool {
        f.rule.id == self.rule.id
            && match (&self.matcher, &f.file) {
                (None, _) => true,
                (Some(m), Some(file)) => m.is_match(file),
                (Some(_), None) => false,
            }
    }
}

/// The rules ignored and whether warnings count as errors.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    pub strict: bool,
    pub ignore: Vec<Ignore>,
}

/// Findings after the gate: those kept (warnings raised to errors when
/// strict) and how many were ignored.
#[derive(Debug, Clone, Default)]
pub struct Gated {
    pub findings: Vec<Finding>,
    pub ignored: usize,
}

impl Gated {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

impl Gate {
    /// `strict` and the `RULE[:GLOB]` texts, each checked.
    pub fn new(strict: bool, ignore: &[String]) -> Result<Gate, String> {
        let ignore = ignore
            .iter()
            .map(|t| Ignore::parse(t))
            .collect::<Result<_, _>>()?;
        Ok(Gate { strict, ignore })
    }

    /// Both gates at once: strict if either is, every ignore of both.
    pub fn and(mut self, other: Gate) -> Gate {
        self.strict |= other.strict;
        self.ignore.extend(other.ignore);
        self
    }

    /// The findings the ignores leave, warnings raised when strict, errors
    /// first (in their order), then warnings, then notes.
    pub fn apply(&self, findings: Vec<Finding>) -> Gated {
        let total = findings.len();
        let mut findings: Vec<Finding> = findings
            .into_iter()
            .filter(|f| !self.ignore.iter().any(|i| i.covers(f)))
            .map(|mut f| {
                if self.strict && f.severity == Severity::Warning {
                    f.severity = Severity::Error;
                }
                f
            })
            .collect();
        findings.sort_by_key(|f| f.severity);
        Gated {
            ignored: total - findings.len(),
            findings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::finding::{TAG_GLIBC_FLOOR, TAG_VCRUNTIME, UPLOAD_SIZE};
    use super::*;

    fn findings() -> Vec<Finding> {
        vec![
            Finding::new(TAG_VCRUNTIME, "a").file("pkg/_bin/tool.exe"),
            Finding::new(TAG_VCRUNTIME, "b").file("pkg/_bin/helper.dll"),
            Finding::new(TAG_GLIBC_FLOOR, "c").file("pkg/_bin/tool"),
            Finding::new(UPLOAD_SIZE, "d"),
        ]
    }

    fn ids(g: &Gated) -> Vec<(&str, Severity)> {
        g.findings.iter().map(|f| (f.rule.id, f.severity)).collect()
    }

    #[test]
    fn ignore_by_id_or_name_and_glob() {
        let gate = Gate::new(false, &["BW112:*.exe".into()]).unwrap();
        let gated = gate.apply(findings());
        assert_eq!(gated.ignored, 1);
        assert_eq!(
            ids(&gated),
            [
                ("BW101", Severity::Error),
                ("BW112", Severity::Warning),
                ("BW002", Severity::Note)
            ]
        );
        let gate = Gate::new(false, &["tag-vcruntime".into(), "bw101".into()]).unwrap();
        assert_eq!(ids(&gate.apply(findings())), [("BW002", Severity::Note)]);
        // A glob never matches a finding about no file.
        let gate = Gate::new(false, &["BW002:*".into()]).unwrap();
        assert_eq!(gate.apply(findings()).ignored, 0);
    }

    #[test]
    fn strict_makes_warnings_errors_and_only_errors_fail() {
        let lenient = Gate::default().apply(findings());
        assert_eq!(lenient.count(Severity::Warning), 2);
        let gate = Gate::new(true, &[]).unwrap();
        let strict = gate.apply(findings());
        assert_eq!(strict.count(Severity::Error), 3);
        assert_eq!(strict.count(Severity::Note), 1);
        let only_notes = Gate::new(true, &["BW101".into(), "BW112".into()])
            .unwrap()
            .apply(findings());
        assert!(!only_notes.has_errors());
    }

    #[test]
    fn bad_ignores_name_the_fix() {
        let err = Gate::new(false, &["BW999".into()]).unwrap_err();
        assert!(err.contains("\"BW999\" is not a rule"), "{err}");
        assert!(err.contains("docs/check.md"), "{err}");
        let err = Gate::new(false, &["BW112:".into()]).unwrap_err();
        assert!(err.contains("the glob after ':' is empty"), "{err}");
        let err = Gate::new(false, &["BW112:[".into()]).unwrap_err();
        assert!(err.contains("is not a valid glob"), "{err}");
    }
}
