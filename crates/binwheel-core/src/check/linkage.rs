//! The linkage rule of `binwheel check`: every binary and library in the
//! wheel finds what it loads, once installed.
//!
//! Owns only turning a wheel's members into the installed layout (where an
//! installer puts `.data/scripts/`, `.data/platlib/` and `.data/purelib/`)
//! and the resolver's answer into findings; the resolution itself is
//! `crate::linkage`, the same one `plan` runs before a build writes anything.

use super::finding::{Finding, LINKAGE_UNRESOLVED};
use crate::inspect::Facts;
use crate::linkage::{self, Shipped};

/// One finding per library that a binary of the wheel loads and the loader
/// will not find. `binaries` are (member name, facts), as the wheel reader
/// collects them.
pub fn linkage_findings(binaries: &[(String, Facts)]) -> Vec<Finding> {
    let installed: Vec<(String, &Facts)> = binaries
        .iter()
        .filter_map(|(name, facts)| installed_path(name).map(|p| (p, facts)))
        .collect();
    let shipped: Vec<Shipped> = installed
        .iter()
        .map(|(path, facts)| Shipped { path, facts })
        .collect();
    linkage::unresolved(&shipped, &[])
        .into_iter()
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
