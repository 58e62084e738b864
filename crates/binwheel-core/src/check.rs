//! `binwheel check` and `binwheel inspect`: any wheel, sdist or binary,
//! judged on its own.
//!
//! [`check_dist`] picks the rules by file name: a `.whl` gets the wheel rules
//! of `wheel` (its binaries sorted into programs and data by `binaries`), a
//! `.tar.gz` the sdist rules of `sdist`; both read Core Metadata through
//! `metadata`, and every rule reports a [`finding::Finding`]. `zip` is the
//! bounded reader of wheels, `gate` what `--ignore` and `--strict` let
//! through, `output` check's text and JSON, `report` the text and JSON of
//! `binwheel inspect`, `signature` the Mach-O code signature rules (which
//! the build applies too) and `sbom` the SBOM rules. This file owns only the choice and PyPI's upload
//! size note. Nothing here knows configuration: the rules for binaries come
//! from `inspect` and `tags`.

use std::path::Path;

use finding::Finding;

mod binaries;
pub mod finding;
pub mod gate;
mod linkage;
mod metadata;
pub mod output;
mod prebuilt;
mod report;
mod sbom;
mod sdist;
pub mod signature;
mod wheel;
mod zip;

pub use report::inspect_report;
pub use wheel::check_wheel;

/// PyPI's default limit on one uploaded file (Warehouse's `MAX_FILESIZE`,
/// 100 MiB); PyPI raises it per project on request.
pub const PYPI_FILE_LIMIT: u64 = 100 << 20;

/// What to say when the file at `path` is over [`PYPI_FILE_LIMIT`]. It is a
/// note, not a problem: the file is right, and PyPI may have raised the
/// project's limit, which nothing here can know; but with the default limit
/// the upload fails, late in a release job, with "File too large".
pub fn upload_size_note(path: &Path) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    (size > PYPI_FILE_LIMIT).then(|| {
        format!(
            "{:.1} MiB ({size} bytes) is over PyPI's default limit of 100 MiB per file: \
             the upload fails (\"File too large\") unless PyPI has raised the project's \
             limit (https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase); \
             a binary without debug information is smaller (Go: -ldflags \"-s -w\"; \
             Rust: strip = true in [profile.release]; C: -s)",
            size as f64 / (1u64 << 20) as f64
        )
    })
}

/// Every finding for the distribution at `path`, by its file name: a wheel
/// (`.whl`) or an sdist (`.tar.gz`); anything else is one error. No error
/// among them means PyPI accepts it and binwheel finds nothing wrong.
pub fn check_dist(path: &Path) -> Vec<Finding> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = file_name.to_ascii_lowercase();
    let mut found = if lower.ends_with(".whl") {
        check_wheel(path)
    } else if lower.ends_with(".tar.gz") {
        sdist::check_sdist(path)
    } else {
        vec![Finding::new(
            finding::NOT_A_DIST,
            format!(
                "{file_name} is not a wheel or an sdist: binwheel check takes wheels (.whl) \
                 and sdists (.tar.gz, the only sdist format PyPI accepts)"
            ),
        )]
    };
    if let Some(note) = upload_size_note(path) {
        found.push(Finding::new(finding::UPLOAD_SIZE, note));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    #[test]
    fn the_upload_limit_is_pypis_and_inclusive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.whl");
        let file = File::create(&path).unwrap();
        // Sparse: no disk is spent on the zeros.
        file.set_len(PYPI_FILE_LIMIT).unwrap();
        assert_eq!(upload_size_note(&path), None, "exactly the limit uploads");
        file.set_len(PYPI_FILE_LIMIT + 1).unwrap();
        let note = upload_size_note(&path).expect("one byte over is refused by PyPI");
        assert!(note.starts_with("100.0 MiB (104857601 bytes) is over PyPI's default limit"));
        assert!(note.contains("storage-limits#requesting-a-file-size-limit-increase"));
        assert_eq!(upload_size_note(&dir.path().join("missing.whl")), None);
    }
}
