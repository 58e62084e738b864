//! The Mach-O code signature rules (BW3xx), for `binwheel check` and for
//! the build.
//!
//! Owns what a slice's signature means for a machine that runs it: macOS on
//! Apple Silicon kills arm64 code that is not signed, and kills any signed
//! code whose page hashes no longer match. It reads only the facts
//! `inspect` verified; it knows no wheel and no configuration, so the plan
//! can refuse the same binaries the check reports.

use super::finding::{
    Finding, MACHO_ARM64_UNSIGNED, MACHO_SIGNATURE_MISMATCH, MACHO_SIGNATURE_UNCHECKED,
};
use crate::inspect::{Facts, Kind, MachoSlice, SignatureStatus};
use crate::target::Arch;

/// What to run to sign again, ad hoc (what Go and zig do when they link).
const RESIGN: &str = "codesign -s - -f";

/// The signature findings for every slice of `facts` that macOS would run
/// (executables, dylibs and bundles) in the file `file`.
pub fn signature_findings(file: &str, facts: &Facts) -> Vec<Finding> {
    let Some(m) = &facts.macho else {
        return Vec::new();
    };
    m.slices
        .iter()
        .filter(|s| matches!(s.kind, Kind::Executable | Kind::SharedLibrary))
        .filter_map(|s| {
            let which = if m.fat {
                format!("its {} slice", s.cpu)
            } else {
                format!("this {} Mach-O", s.cpu)
            };
            slice_finding(s, &which).map(|f| f.file(file).help(help(s, file)))
        })
        .collect()
}

fn is_arm64(s: &MachoSlice) -> bool {
    s.arch == Some(Arch::Aarch64) || s.cpu == "arm64e"
}

fn slice_finding(s: &MachoSlice, which: &str) -> Option<Finding> {
    let Some(sig) = &s.signature else {
        return is_arm64(s).then(|| {
            Finding::new(
                MACHO_ARM64_UNSIGNED,
                format!(
                    "{which} has no code signature (no LC_CODE_SIGNATURE): macOS on Apple \
                     Silicon kills unsigned arm64 code at launch"
                ),
            )
        });
    };
    let how = format!("{} signature ({})", sig.kind.describe(), sig.hash.name());
    match &sig.status {
        SignatureStatus::Verified { .. } => None,
        SignatureStatus::Mismatch { page, offset } => Some(Finding::new(
            MACHO_SIGNATURE_MISMATCH,
            format!(
                "{which} was modified after signing: page {page} (bytes {offset}..{}) no longer \
                 matches its {how}; the binary will be killed at launch",
                offset.saturating_add(sig.page_size).min(sig.code_limit)
            ),
        )),
        SignatureStatus::Invalid(why) => Some(Finding::new(
            MACHO_SIGNATURE_MISMATCH,
            format!(
                "{which} has a broken code signature ({why}); the binary will be killed at launch"
            ),
        )),
        SignatureStatus::Unchecked(why) => Some(Finding::new(
            MACHO_SIGNATURE_UNCHECKED,
            format!("{which} has a {how} that binwheel could not verify: {why}"),
        )),
    }
}

fn help(s: &MachoSlice, name: &str) -> String {
    match &s.signature {
        None => format!(
            "sign it: `{RESIGN} {name}` (ad hoc) or with your Developer ID; Go and zig sign \
             arm64 binaries when they link, so something removed the signature afterwards"
        ),
        Some(sig) if matches!(sig.status, SignatureStatus::Unchecked(_)) => {
            "check it on a Mac: `codesign --verify --verbose` ".to_string() + name
        }
        Some(_) => format!(
            "re-sign it after the last change: `{RESIGN} {name}` (or with your Developer ID); \
             tools that edit a binary (strip, install_name_tool, patchers) must run before signing"
        ),
    }
}
