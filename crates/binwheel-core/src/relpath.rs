//! Relative paths from untrusted text: pyproject paths, archive entries,
//! link targets. Does a path stay inside the directory it is relative to?
//!
//! Owns the one answer, on every platform at once: `/` and `\` both
//! separate, and `/x`, `\x` and `C:x` are absolute, because a wheel or an
//! sdist made on one system is unpacked on the others. It knows nothing of
//! the file system: symbolic links on disk are `Project::check_inside`'s.

/// How a path would leave its directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// It starts at a root: `/`, `\` or a drive letter (`C:`).
    Absolute,
    /// It has a `..` component.
    ParentDir,
}

/// Whether `path` starts at a root on some system.
pub fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with(['/', '\\']) || (b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic())
}

/// How `path` could leave the directory it is relative to, if it could:
/// absolute, or with any `..` component.
pub fn escape(path: &str) -> Option<Escape> {
    if is_absolute(path) {
        Some(Escape::Absolute)
    } else if path.split(['/', '\\']).any(|c| c == "..") {
        Some(Escape::ParentDir)
    } else {
        None
    }
}

/// `path` taken from the directory `base` (a list of components), with `.`
/// and `..` resolved as text; `None` when it is absolute or climbs above
/// the root.
pub fn resolve<'a>(base: &[&'a str], path: &'a str) -> Option<Vec<&'a str>> {
    if is_absolute(path) {
        return None;
    }
    let mut at = base.to_vec();
    for c in path.split(['/', '\\']) {
        match c {
            "" | "." => {}
            ".." => {
                at.pop()?;
            }
            c => at.push(c),
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_on_any_system() {
        for path in ["/etc/passwd", "\\x", "C:x", "c:\\x"] {
            assert_eq!(escape(path), Some(Escape::Absolute), "{path}");
        }
        assert!(!is_absolute("1:x") && !is_absolute("bin/C:x"));
    }

    #[test]
    fn a_parent_component_with_either_separator() {
        for path in ["..", "a/../../b", "a\\..\\b", "bin/.."] {
            assert_eq!(escape(path), Some(Escape::ParentDir), "{path}");
        }
        for path in ["bin/x", "a..b/c", "./x", "bin/{target}/x..y"] {
            assert_eq!(escape(path), None, "{path}");
        }
    }

    #[test]
    fn resolving_stays_under_the_root_or_fails() {
        assert_eq!(resolve(&["a", "b"], "../c"), Some(vec!["a", "c"]));
        assert_eq!(resolve(&["a"], "./x/./y"), Some(vec!["a", "x", "y"]));
        assert_eq!(resolve(&["a"], "../../x"), None);
        assert_eq!(resolve(&[], "/x"), None);
        assert_eq!(resolve(&["a"], "b\\..\\..\\..\\x"), None);
    }
}
