//! The linkage rule of `binwheel check`: every binary and library in the
//! wheel finds what it loads, once installed.
//!
//! Owns only turning a wheel's members into the installed layout (where an
//! installer puts `.data/scripts/`, `.data/platlib/` and `.data/purelib/`)
//! and the resolver's answer into findings; the resolution itself is
//! `crate::linkage`, the same one `plan` runs before a build writes anything.

use std::collections::HashSet;

use super::binaries::Member;
use super::finding::{Finding, LINKAGE_UNRESOLVED};
use crate::linkage::{self, Shipped};

/// One finding per library that a binary of the wheel loads and the loader
/// will not find. `programs` are the wheel's binaries that it presents as
/// runnable, with the libraries they link ([`super::binaries::judge`]).
/// A library the wheel does not ship at all, needed by a member in
/// `reported` (which a tag rule already flagged for it: BW110, BW111), is
/// left to that rule, so one defect is one finding.
pub(super) fn linkage_findings(programs: &[&Member], reported: &HashSet<String>) -> Vec<Finding> {
    let installed: Vec<(String, &Member)> = programs
        .iter()
        .filter_map(|m| installed_path(&m.name).map(|p| (p, *m)))
        .collect();
    let shipped: Vec<Shipped> = installed
        .iter()
        .map(|(path, m)| Shipped {
            path,
            facts: &m.facts,
        })
        .collect();
    linkage::unresolved(&shipped, &[])
        .into_iter()
        .filter(|u| {
            let member = installed
                .iter()
                .find(|(path, _)| *path == u.file)
                .map(|(_, m)| m.name.as_str());
            u.shipped_at.is_some() || !member.is_some_and(|m| reported.contains(m))
        })
        .map(|u| {
            Finding::new(LINKAGE_UNRESOLVED, u.message())
                .file(u.file.clone())
                .help(u.help())
        })
        .collect()
}

/// Where an installer puts the wheel member `name`, below site-packages
/// (`<scripts>/` for `.data/scripts/`); `None` for `.data/data/` and
/// `.data/headers/`, which land in places no binary can name.
fn installed_path(name: &str) -> Option<String> {
    let Some((top, rest)) = name.split_once('/') else {
        return Some(name.to_string());
    };
    if !top.ends_with(".data") {
        return Some(name.to_string());
    }
    let (scheme, rest) = rest.split_once('/')?;
    match scheme {
        "scripts" => Some(format!("{}/{rest}", linkage::SCRIPTS)),
        "purelib" | "platlib" => Some(rest.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_members_install_where_installers_put_them() {
        assert_eq!(installed_path("a/_bin/x").as_deref(), Some("a/_bin/x"));
        assert_eq!(
            installed_path("a-1.data/scripts/x").as_deref(),
            Some("<scripts>/x")
        );
        assert_eq!(
            installed_path("a-1.data/platlib/a/lib/x.so").as_deref(),
            Some("a/lib/x.so")
        );
        assert_eq!(installed_path("a-1.data/data/share/x"), None);
    }
}
