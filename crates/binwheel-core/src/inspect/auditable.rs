//! cargo-auditable's dependency list: the `.dep-v0` section a Rust binary
//! built with `cargo auditable` carries.
//!
//! The section holds zlib-compressed JSON (the rust-audit-info format):
//! `{"packages": [{"name", "version", "source", "kind", "dependencies": [index…],
//! "root"}]}`, where `source` is "crates.io", "local", "git", "registry" or
//! "other", `kind` "runtime" (default) or "build", and `dependencies` index
//! into `packages`. This module owns decoding it; `embedded` finds the section.
//! Decompression stops at [`MAX_JSON`] bytes, so a zip bomb costs nothing.

use std::io::Read;

use crate::json::{self, Json};

/// Largest decompressed list read. Real ones are tens of kilobytes.
pub const MAX_JSON: u64 = 8 << 20;
/// Most packages kept.
const MAX_PACKAGES: usize = 100_000;

/// The crates a binary was built from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CargoDeps {
    pub packages: Vec<Crate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    pub name: String,
    pub version: String,
    /// "crates.io", "local", "git", "registry", "other".
    pub source: String,
    /// Used only at build time (a build script's dependency).
    pub build_only: bool,
    /// Indexes into [`CargoDeps::packages`].
    pub dependencies: Vec<usize>,
    /// The crate the binary is (the workspace member built).
    pub root: bool,
}

impl CargoDeps {
    pub fn root(&self) -> Option<&Crate> {
        self.packages.iter().find(|p| p.root)
    }
}

/// Decode a `.dep-v0` section's bytes.
pub fn read(section: &[u8]) -> Result<CargoDeps, String> {
    let mut text = Vec::new();
    flate2::read::ZlibDecoder::new(section)
        .take(MAX_JSON + 1)
        .read_to_end(&mut text)
        .map_err(|e| format!("cargo-auditable data (.dep-v0): not zlib data: {e}"))?;
    if text.len() as u64 > MAX_JSON {
        return Err(format!(
            "cargo-auditable data (.dep-v0): decompresses to more than {} MiB",
            MAX_JSON >> 20
        ));
    }
    let text = std::str::from_utf8(&text)
        .map_err(|_| "cargo-auditable data (.dep-v0): not UTF-8 text".to_string())?;
    parse(text)
}

/// Read the JSON dependency list.
pub fn parse(text: &str) -> Result<CargoDeps, String> {
    let bad = |what: &str| format!("cargo-auditable data (.dep-v0): {what}");
    let doc = json::parse(text).map_err(|e| bad(&format!("invalid JSON: {e}")))?;
    let Some(Json::Array(items)) = doc.get("packages") else {
        return Err(bad("no \"packages\" list"));
    };
    if items.len() > MAX_PACKAGES {
        return Err(bad(&format!("more than {MAX_PACKAGES} packages")));
    }
    let mut packages = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |key: &str| item.get(key).and_then(Json::as_str);
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            return Err(bad(&format!("package {i} lacks a name or a version")));
        };
        let dependencies = match item.get("dependencies") {
            None => Vec::new(),
            Some(Json::Array(deps)) => deps
                .iter()
                .map(|d| match d {
                    Json::Int(n) if (0..items.len() as i64).contains(n) => Ok(*n as usize),
                    _ => Err(bad(&format!(
                        "package {i} ({name}) depends on {}, not a package index",
                        d.compact()
                    ))),
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(bad(&format!("package {i}: \"dependencies\" is not a list"))),
        };
        packages.push(Crate {
            name: name.to_string(),
            version: version.to_string(),
            source: field("source").unwrap_or("crates.io").to_string(),
            build_only: field("kind") == Some("build"),
            dependencies,
            root: matches!(item.get("root"), Some(Json::Bool(true))),
        });
    }
    Ok(CargoDeps { packages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn reads_a_dependency_list() {
        let text = r#"{"packages":[
            {"name":"app","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},
            {"name":"itoa","version":"1.0.11","source":"crates.io"},
            {"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"}]}"#;
        let deps = read(&zlib(text.as_bytes())).unwrap();
        assert_eq!(deps.packages.len(), 3);
        assert_eq!(deps.root().unwrap().name, "app");
        assert_eq!(deps.packages[0].dependencies, vec![1, 2]);
        assert!(deps.packages[2].build_only);
        assert!(!deps.packages[1].root);
    }

    #[test]
    fn bad_lists_are_errors() {
        for (text, want) in [
            ("{}", "no \"packages\" list"),
            (
                r#"{"packages":[{"name":"a"}]}"#,
                "lacks a name or a version",
            ),
            (
                r#"{"packages":[{"name":"a","version":"1","dependencies":[5]}]}"#,
                "not a package index",
            ),
            ("[", "invalid JSON"),
        ] {
            let err = read(&zlib(text.as_bytes())).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
        assert!(read(b"not zlib").unwrap_err().contains("not zlib"));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_cap() {
        let bomb = zlib(&vec![b' '; (MAX_JSON + 100) as usize]);
        assert!(bomb.len() < 100_000);
        assert!(read(&bomb).unwrap_err().contains("more than 8 MiB"));
    }
}
