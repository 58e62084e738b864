//! Core Metadata rules shared by wheels (`METADATA`) and sdists
//! (`PKG-INFO`): the header fields, and Name and Version against the file name.
//!
//! It must not know archives: callers hand it the text.

use std::str::FromStr;

use super::finding::{self as rules, Finding};
use crate::metadata::normalize_name;

/// Every value of `key` among the header fields of Core Metadata
/// (`METADATA`, `PKG-INFO`): the lines before the first blank one, without
/// continuation lines. Keys compare case-insensitively.
pub(super) fn metadata_fields<'a>(
    text: &'a str,
    key: &'a str,
) -> impl Iterator<Item = String> + 'a {
    text.lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(move |l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(key)
                .then(|| v.trim().to_string())
        })
}

/// The first value of `key` in Core Metadata.
pub(super) fn metadata_field(text: &str, key: &str) -> Option<String> {
    metadata_fields(text, key).next()
}

/// Core Metadata's Name and Version (in the file `what`: `METADATA`, or
/// an sdist's `{top}/PKG-INFO`) against the distribution's file name.
pub(super) fn check_metadata(
    what: &str,
    text: &str,
    name: &str,
    version: &str,
    problems: &mut Vec<Finding>,
) {
    let name_rule = |m: String| Finding::new(rules::METADATA_NAME, m).file(what);
    let version_rule = |m: String| Finding::new(rules::METADATA_VERSION, m).file(what);
    match metadata_field(text, "Name") {
        Some(found) if normalize_name(&found) != normalize_name(name) => problems.push(name_rule(
            format!("{what} says Name: {found}, but the filename says {name}"),
        )),
        None => problems.push(name_rule(format!("{what} has no Name"))),
        _ => {}
    }
    match metadata_field(text, "Version") {
        Some(found) => {
            let same = match (
                pep440_rs::Version::from_str(&found),
                pep440_rs::Version::from_str(&version.replace('_', "-")),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => found == version,
            };
            if !same {
                problems.push(version_rule(format!(
                    "{what} says Version: {found}, but the filename says {version}"
                )));
            }
        }
        None => problems.push(version_rule(format!("{what} has no Version"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalize() {
        assert_eq!(normalize_name("Foo__Bar.baz"), "foo-bar-baz");
    }
}
