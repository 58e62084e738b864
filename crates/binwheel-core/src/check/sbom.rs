//! The SBOM rules of `binwheel check` (PEP 770: `.dist-info/sboms/`).
//!
//! Owns two judgements: a wheel whose binaries carry build info (Go build
//! info, cargo-auditable's list) but that has no SBOM gets a note, and an
//! SBOM file named `*.json` that is not JSON is an error. It reads the wheel
//! only through `zip`, and the binaries through `inspect`.

use super::finding::{self as rules, Finding};
use super::zip::{Options, Zip};
use crate::inspect;
use crate::json;

/// The SBOM findings of a wheel whose metadata directory is `dist_info`.
pub(super) fn sbom_findings(wheel: &mut Zip, dist_info: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let prefix = format!("{dist_info}/sboms/");
    let entries = wheel.entries.clone();
    let sboms: Vec<_> = entries
        .iter()
        .filter(|e| e.name.starts_with(&prefix) && !e.name.ends_with('/'))
        .collect();
    for e in &sboms {
        if !e.name.to_ascii_lowercase().ends_with(".json") {
            continue; // SPDX tag-value and other formats are not judged here
        }
        let problem = match wheel.read(e, Options::collect()) {
            Err(p) => Some(p),
            Ok(data) => match std::str::from_utf8(&data.collected) {
                Err(_) => Some("is not UTF-8 text".to_string()),
                Ok(text) => json::parse(text).err(),
            },
        };
        if let Some(p) = problem {
            found.push(
                Finding::new(
                    rules::SBOM_INVALID,
                    format!("not a valid JSON document: {p}"),
                )
                .file(&e.name),
            );
        }
    }
    if !sboms.is_empty() {
        return found;
    }
    for e in entries.iter().filter(|e| !e.name.ends_with('/')) {
        let Ok(data) = wheel.read(e, Options::stream(None)) else {
            continue; // an unreadable member is the archive rules' finding
        };
        let Some(temp) = data.binary else { continue };
        let embedded = inspect::embedded_reader(temp);
        let what: Vec<&str> = [
            embedded
                .iter()
                .any(|s| s.go.is_some())
                .then_some("Go build info"),
            embedded
                .iter()
                .any(|s| s.cargo.is_some())
                .then_some("a cargo-auditable crate list"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !what.is_empty() {
            found.push(
                Finding::new(
                    rules::SBOM_MISSING,
                    format!(
                        "carries {}, but the wheel has no SBOM in {prefix}",
                        what.join(" and ")
                    ),
                )
                .file(&e.name),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::{zip::WheelWriter, Entry};
    use std::path::{Path, PathBuf};

    const DIST: &str = "app-1.0.dist-info";

    fn wheel(dir: &Path, name: &str, fixture: &str, sboms: &[(&str, &str)]) -> PathBuf {
        let path = dir.join(format!("{name}-1.0-py3-none-manylinux_2_17_x86_64.whl"));
        let mut w = WheelWriter::create(&path, 315_532_800, None).unwrap();
        let bin = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/bin")
            .join(fixture);
        w.add(&Entry::file("app/_bin/app", bin, true)).unwrap();
        w.add(&Entry::bytes(
            format!("{DIST}/METADATA"),
            "Metadata-Version: 2.4\nName: app\nVersion: 1.0\n",
        ))
        .unwrap();
        for (file, text) in sboms {
            w.add(&Entry::bytes(format!("{DIST}/sboms/{file}"), *text))
                .unwrap();
        }
        w.finish(&format!("{DIST}/RECORD")).unwrap()
    }

    fn ids(path: &Path) -> Vec<(&'static str, Option<String>)> {
        let mut zip = Zip::open(path).unwrap();
        sbom_findings(&mut zip, DIST)
            .into_iter()
            .map(|f| (f.rule.id, f.file))
            .collect()
    }

    #[test]
    fn build_info_without_an_sbom_is_a_note() {
        let dir = tempfile::tempdir().unwrap();
        for fixture in ["go-deps-linux-amd64", "rust-auditable-linux-x86_64"] {
            let found = ids(&wheel(dir.path(), "app", fixture, &[]));
            assert_eq!(
                found,
                [("BW401", Some("app/_bin/app".to_string()))],
                "{fixture}"
            );
        }
        let mut zip = Zip::open(&wheel(dir.path(), "app", "go-deps-linux-amd64", &[])).unwrap();
        let f = sbom_findings(&mut zip, DIST).remove(0);
        assert_eq!(f.severity, crate::check::finding::Severity::Note);
        assert!(
            f.message.contains(
                "carries Go build info, but the wheel has no SBOM in app-1.0.dist-info/sboms/"
            ),
            "{}",
            f.message
        );
        // A C binary carries nothing: nothing to say.
        assert_eq!(
            ids(&wheel(dir.path(), "app", "linux-x86_64-glibc217", &[])),
            []
        );
    }

    #[test]
    fn sbom_files_must_be_json() {
        let dir = tempfile::tempdir().unwrap();
        let ok = wheel(
            dir.path(),
            "app",
            "go-deps-linux-amd64",
            &[
                ("app.cdx.json", "{\"bomFormat\": \"CycloneDX\"}"),
                ("x.spdx", "SPDXVersion: SPDX-2.3"),
            ],
        );
        assert_eq!(ids(&ok), []);
        let bad = wheel(
            dir.path(),
            "app",
            "go-deps-linux-amd64",
            &[("app.cdx.json", "{\"bomFormat\": ")],
        );
        let mut zip = Zip::open(&bad).unwrap();
        let found = sbom_findings(&mut zip, DIST);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule.id, "BW402");
        assert_eq!(
            found[0].file.as_deref(),
            Some("app-1.0.dist-info/sboms/app.cdx.json")
        );
        assert!(
            found[0]
                .message
                .contains("line 1, column 15: unexpected end"),
            "{}",
            found[0].message
        );
    }
}
