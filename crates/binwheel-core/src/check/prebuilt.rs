//! BW710 `sdist-prebuilt-only`: an sdist whose `[tool.binwheel]` leaves a
//! binary or library with only a prebuilt `path` for some targets cannot
//! build a wheel for them, since prebuilt files never go into an sdist.
//!
//! Owns reading the sdist's `pyproject.toml` for that one question; the
//! answer itself is `Settings::prebuilt_only`, the same one `build_sdist`
//! warns with. A pyproject.toml binwheel cannot read is left to the other
//! sdist rules.

use std::path::Path;

use super::finding::{Finding, SDIST_PREBUILT_ONLY};
use crate::settings::Settings;
use crate::toml::TomlFile;

/// The BW710 findings for the sdist member `member` (`demo-1.0/pyproject.toml`)
/// holding `text`: one per binary or library that some target cannot build.
pub(super) fn prebuilt_only_findings(member: &str, text: &str) -> Vec<Finding> {
    let Ok(file) = TomlFile::parse(Path::new(member), member, text.to_string()) else {
        return Vec::new();
    };
    let root = file.root();
    let Ok(Some(tool)) = root.table("tool") else {
        return Vec::new();
    };
    let Ok(Some(binwheel)) = tool.table("binwheel") else {
        return Vec::new();
    };
    let Ok(settings) = Settings::read(Some(binwheel)) else {
        return Vec::new();
    };
    settings
        .prebuilt_only()
        .into_iter()
        .map(|(item, targets)| {
            Finding::new(
                SDIST_PREBUILT_ONLY,
                format!(
                    "{item} has only a prebuilt `path` for {}: a wheel cannot be built from this sdist there",
                    targets.join(", ")
                ),
            )
            .file(member)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_prebuilt_only_binary_and_its_targets() {
        let text = "[project]\nname = \"x\"\nversion = \"1\"\n[tool.binwheel.targets]\nlinux-x86_64 = {}\nmacos-arm64 = {}\n\
                    [[tool.binwheel.binary]]\nname = \"x\"\npath = \"bin/{target}/x\"\n\
                    [[tool.binwheel.binary]]\nname = \"y\"\npath = \"bin/{target}/y\"\nbuild = [\"make\", \"{out}\"]\n";
        let found = prebuilt_only_findings("x-1/pyproject.toml", text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].render(),
            "warning[BW710 sdist-prebuilt-only] x-1/pyproject.toml: binary \"x\" has only a prebuilt `path` for linux-x86_64, macos-arm64: a wheel cannot be built from this sdist there"
        );
        assert!(
            prebuilt_only_findings("x-1/pyproject.toml", "[project]\nname = \"x\"\n").is_empty()
        );
        assert!(prebuilt_only_findings("x-1/pyproject.toml", "not toml [").is_empty());
    }
}
