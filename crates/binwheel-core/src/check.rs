//! `binwheel check` and `binwheel inspect`: any wheel, sdist or binary,
//! judged on its own.
//!
//! [`check_dist`] picks the rules by file name: a `.whl` gets the wheel rules
//! of `wheel`, a `.tar.gz` the sdist rules of `sdist`; both read Core
//! Metadata through `metadata`. `zip` is the bounded reader of wheels,
//! `report` the text and JSON of `binwheel inspect`. This file owns only
//! the choice and PyPI's upload size note. Nothing here knows configuration:
//! the rules for binaries come from `inspect` and `tags`.

use std::path::Path;

pub mod finding;
mod linkage;
mod metadata;
mod report;
mod sdist;
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

/// Every problem with the distribution at `path`, one line each, by its file
/// name: a wheel (`.whl`) or an sdist (`.tar.gz`); anything else is one
/// problem. Empty means PyPI accepts it and binwheel finds nothing wrong.
pub fn check_dist(path: &Path) -> Vec<String> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".whl") {
        check_wheel(path)
    } else if lower.ends_with(".tar.gz") {
        sdist::check_sdist(path)
    } else {
        vec![format!(
            "{file_name} is not a wheel or an sdist: binwheel check takes wheels (.whl) \
             and sdists (.tar.gz, the only sdist format PyPI accepts)"
        )]
    }
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
