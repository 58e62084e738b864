//! A binary's CycloneDX 1.6 SBOM (PEP 770: `.dist-info/sboms/`), written from
//! what its compiler embedded (`inspect::Embedded`), not from a lock file.
//!
//! The document names the binary (with its SHA-256) as `metadata.component`,
//! then the main module or root crate, every dependency module or crate with
//! its package URL, the toolchain, and who depends on whom. It is
//! deterministic: no serial number, and a timestamp only when
//! `SOURCE_DATE_EPOCH` gives one, so wheels stay byte-identical. This module
//! knows no configuration and writes no file; `plan` puts the text into the
//! wheel.

use std::collections::BTreeSet;

use crate::inspect::auditable::CargoDeps;
use crate::inspect::gobuildinfo::{GoBuildInfo, GoModule};
use crate::inspect::Embedded;
use crate::json::Json;

/// The binary an SBOM describes.
pub struct Binary<'a> {
    /// Its name in the configuration ("hello").
    pub name: &'a str,
    /// Its path inside the wheel ("hello/_bin/hello").
    pub archive_path: &'a str,
    /// Hex SHA-256 of its bytes.
    pub sha256: &'a str,
}

/// The CycloneDX JSON for `binary`, or `None` when nothing is embedded in it.
/// `epoch` is `SOURCE_DATE_EPOCH` (seconds), the only source of a timestamp.
pub fn cyclonedx(binary: &Binary, embedded: &[Embedded], epoch: Option<i64>) -> Option<String> {
    if embedded.iter().all(Embedded::is_empty) {
        return None;
    }
    let mut doc = Doc::default();
    let binary_ref = format!("binary:{}", binary.name);
    for slice in embedded {
        if let Some(go) = &slice.go {
            doc.go(go, &binary_ref);
        }
        if let Some(cargo) = &slice.cargo {
            doc.cargo(cargo, &binary_ref, slice.rustc.as_deref());
        }
    }
    let mut metadata = Vec::new();
    if let Some(t) = epoch {
        metadata.push(("timestamp".to_string(), Json::String(rfc3339(t))));
    }
    metadata.push((
        "tools".into(),
        Json::object([(
            "components",
            Json::Array(vec![Json::object([
                ("type", Json::str("application")),
                ("name", Json::str("binwheel")),
                ("version", Json::str(env!("CARGO_PKG_VERSION"))),
            ])]),
        )]),
    ));
    metadata.push((
        "component".into(),
        Json::object([
            ("type", Json::str("application")),
            ("bom-ref", Json::str(&binary_ref)),
            ("name", Json::str(binary.name)),
            (
                "hashes",
                Json::Array(vec![Json::object([
                    ("alg", Json::str("SHA-256")),
                    ("content", Json::str(binary.sha256)),
                ])]),
            ),
            (
                "properties",
                properties(&[("binwheel:path", binary.archive_path)]),
            ),
        ]),
    ));
    let mut dependencies = vec![Json::object([
        ("ref", Json::str(&binary_ref)),
        ("dependsOn", Json::strings(&doc.binary_deps)),
    ])];
    dependencies.extend(doc.dependencies);
    let bom = Json::object([
        (
            "$schema",
            Json::str("http://cyclonedx.org/schema/bom-1.6.schema.json"),
        ),
        ("bomFormat", Json::str("CycloneDX")),
        ("specVersion", Json::str("1.6")),
        ("version", Json::Int(1)),
        ("metadata", Json::Object(metadata)),
        ("components", Json::Array(doc.components)),
        ("dependencies", Json::Array(dependencies)),
    ]);
    Some(bom.pretty() + "\n")
}

/// Components and relations gathered from every slice; a component already
/// present (the same bom-ref from another slice of a fat binary) is kept once.
#[derive(Default)]
struct Doc {
    components: Vec<Json>,
    dependencies: Vec<Json>,
    refs: BTreeSet<String>,
    binary_deps: Vec<String>,
}

impl Doc {
    fn add(&mut self, bom_ref: &str, component: Json, depends_on: Option<Vec<String>>) -> bool {
        if !self.refs.insert(bom_ref.to_string()) {
            return false;
        }
        self.components.push(component);
        if let Some(deps) = depends_on {
            self.dependencies.push(Json::object([
                ("ref", Json::str(bom_ref)),
                ("dependsOn", Json::strings(&deps)),
            ]));
        }
        true
    }

    fn depend(&mut self, bom_ref: String) {
        if !self.binary_deps.contains(&bom_ref) {
            self.binary_deps.push(bom_ref);
        }
    }

    fn go(&mut self, go: &GoBuildInfo, _binary: &str) {
        let version = go.go_version.trim_start_matches("go");
        let toolchain = format!("pkg:golang/stdlib@{}", purl_escape(version));
        self.add(
            &toolchain,
            Json::object([
                ("type", Json::str("library")),
                ("bom-ref", Json::str(&toolchain)),
                ("name", Json::str("stdlib")),
                ("version", Json::str(version)),
                (
                    "description",
                    Json::String(format!(
                        "the Go toolchain {} and the standard library it linked in",
                        go.go_version
                    )),
                ),
                ("purl", Json::str(&toolchain)),
                (
                    "properties",
                    properties(&[("binwheel:toolchain", &go.go_version)]),
                ),
            ]),
            Some(Vec::new()),
        );
        self.depend(toolchain);
        let deps: Vec<String> = go.deps.iter().map(go_ref).collect();
        if let Some(main) = &go.main {
            let main_ref = go_ref(main);
            let mut extra = go_properties(main);
            extra.extend(
                go.settings
                    .iter()
                    .map(|(k, v)| (format!("binwheel:go:build:{k}"), v.clone())),
            );
            self.add(
                &main_ref,
                go_component(main, "application", extra),
                Some(deps.clone()),
            );
            self.depend(main_ref);
        } else {
            for dep in &deps {
                self.depend(dep.clone());
            }
        }
        for dep in &go.deps {
            self.add(
                &go_ref(dep),
                go_component(dep, "library", go_properties(dep)),
                Some(Vec::new()),
            );
        }
    }

    fn cargo(&mut self, cargo: &CargoDeps, _binary: &str, rustc: Option<&str>) {
        let refs: Vec<String> = cargo
            .packages
            .iter()
            .map(|p| {
                format!(
                    "pkg:cargo/{}@{}",
                    purl_escape(&p.name),
                    purl_escape(&p.version)
                )
            })
            .collect();
        if let Some(version) = rustc {
            let toolchain = format!("rustc@{version}");
            self.add(
                &toolchain,
                Json::object([
                    ("type", Json::str("application")),
                    ("bom-ref", Json::str(&toolchain)),
                    ("name", Json::str("rustc")),
                    ("version", Json::str(version)),
                    (
                        "description",
                        Json::str(
                            "the Rust compiler that built the binary (from its .comment section)",
                        ),
                    ),
                ]),
                Some(Vec::new()),
            );
            self.depend(toolchain);
        }
        for (i, p) in cargo.packages.iter().enumerate() {
            let mut fields = vec![
                (
                    "type".to_string(),
                    Json::str(if p.root { "application" } else { "library" }),
                ),
                ("bom-ref".into(), Json::str(&refs[i])),
                ("name".into(), Json::str(&p.name)),
                ("version".into(), Json::str(&p.version)),
            ];
            if p.build_only {
                fields.push(("scope".into(), Json::str("excluded")));
            }
            if p.source == "crates.io" {
                fields.push(("purl".into(), Json::str(&refs[i])));
            }
            fields.push((
                "properties".into(),
                properties(&[("binwheel:cargo:source", &p.source)]),
            ));
            let deps = p.dependencies.iter().map(|&d| refs[d].clone()).collect();
            self.add(&refs[i], Json::Object(fields), Some(deps));
            if p.root {
                self.depend(refs[i].clone());
            }
        }
    }
}

/// A Go module's bom-ref and purl: `pkg:golang/<path>@<version>`.
fn go_ref(m: &GoModule) -> String {
    let path: Vec<String> = m.path.split('/').map(purl_escape).collect();
    match m.version.as_str() {
        "" | "(devel)" => format!("pkg:golang/{}", path.join("/")),
        v => format!("pkg:golang/{}@{}", path.join("/"), purl_escape(v)),
    }
}

fn go_properties(m: &GoModule) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !m.sum.is_empty() {
        // An h1: sum hashes the module's file list, not one file: CycloneDX's
        // hashes are for the component's own bytes, so it is a property.
        out.push(("binwheel:go:sum".to_string(), m.sum.clone()));
    }
    if let Some(r) = &m.replace {
        let mut to = r.path.clone();
        // A local directory replacement has no version ("(devel)" in Go 1.24+).
        if !r.version.is_empty() && r.version != "(devel)" {
            to = format!("{to}@{}", r.version);
        }
        out.push(("binwheel:go:replaced-by".to_string(), to));
        if !r.sum.is_empty() {
            out.push(("binwheel:go:replacement-sum".to_string(), r.sum.clone()));
        }
    }
    out
}

fn go_component(m: &GoModule, kind: &str, props: Vec<(String, String)>) -> Json {
    let bom_ref = go_ref(m);
    let mut fields = vec![
        ("type".to_string(), Json::str(kind)),
        ("bom-ref".into(), Json::str(&bom_ref)),
        ("name".into(), Json::str(&m.path)),
    ];
    if !m.version.is_empty() {
        fields.push(("version".into(), Json::str(&m.version)));
    }
    fields.push(("purl".into(), Json::str(&bom_ref)));
    if !props.is_empty() {
        let pairs: Vec<(&str, &str)> = props
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        fields.push(("properties".into(), properties(&pairs)));
    }
    Json::Object(fields)
}

fn properties(pairs: &[(&str, &str)]) -> Json {
    Json::Array(
        pairs
            .iter()
            .map(|(k, v)| Json::object([("name", Json::str(k)), ("value", Json::str(v))]))
            .collect(),
    )
}

/// Percent-encode one purl segment: everything but `A-Za-z0-9.-_~`.
fn purl_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Seconds since the epoch as `2024-05-01T12:00:00Z`.
fn rfc3339(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let (y, m, d) = crate::write::zip::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::gobuildinfo::parse_modinfo;
    use crate::json;

    fn go_embedded() -> Vec<Embedded> {
        let text = "path\texample.com/app\n\
            mod\texample.com/app\tv1.0.0\t\n\
            dep\texample.org/depa\tv1.2.3\n\
            =>\t../depa\t\n\
            dep\tgithub.com/Foo/bar\tv0.0.0+incompatible\th1:abc=\n\
            build\tGOOS=linux\n";
        vec![Embedded {
            go: Some(parse_modinfo("go1.22.5", text).unwrap()),
            ..Embedded::default()
        }]
    }

    fn binary() -> Binary<'static> {
        Binary {
            name: "app",
            archive_path: "app/_bin/app",
            sha256: "00",
        }
    }

    #[test]
    fn go_modules_become_components_with_purls() {
        let text = cyclonedx(&binary(), &go_embedded(), None).unwrap();
        let doc = json::parse(&text).unwrap();
        assert_eq!(doc.get("specVersion"), Some(&Json::str("1.6")));
        assert!(doc.get("metadata").unwrap().get("timestamp").is_none());
        let Some(Json::Array(components)) = doc.get("components") else {
            panic!()
        };
        let purls: Vec<&str> = components
            .iter()
            .filter_map(|c| c.get("purl").and_then(Json::as_str))
            .collect();
        assert_eq!(
            purls,
            [
                "pkg:golang/stdlib@1.22.5",
                "pkg:golang/example.com/app@v1.0.0",
                "pkg:golang/example.org/depa@v1.2.3",
                "pkg:golang/github.com/Foo/bar@v0.0.0%2Bincompatible",
            ]
        );
        assert!(text.contains("\"binwheel:go:replaced-by\""));
        assert!(text.contains("\"binwheel:go:sum\""));
        // The same input gives the same bytes.
        assert_eq!(cyclonedx(&binary(), &go_embedded(), None).unwrap(), text);
    }

    #[test]
    fn timestamp_only_from_source_date_epoch() {
        let text = cyclonedx(&binary(), &go_embedded(), Some(1_700_000_000)).unwrap();
        assert!(
            text.contains("\"timestamp\": \"2023-11-14T22:13:20Z\""),
            "{text}"
        );
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn nothing_embedded_gives_no_document() {
        assert_eq!(cyclonedx(&binary(), &[Embedded::default()], None), None);
    }

    #[test]
    fn purl_segments_are_escaped() {
        assert_eq!(purl_escape("a b@c/d+e~f"), "a%20b%40c%2Fd%2Be~f");
    }
}
