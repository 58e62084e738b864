//! `scripts`, `gui-scripts` and `entry-points` -> `entry_points.txt`.
//!
//! Owns: entry point names, groups and object references (the entry points
//! specification) and the text of `entry_points.txt`. Knows nothing about the
//! launchers an installer makes from them.

use std::collections::BTreeMap;

use super::Metadata;
use crate::error::Result;
use crate::toml::{Field, Table};

pub(super) fn read_scripts(project: &Table<'_>, key: &str) -> Result<BTreeMap<String, String>> {
    let Some(field) = project.get(key) else {
        return Ok(BTreeMap::new());
    };
    read_group(&field, true)
}

pub(super) fn check_script_clash(
    project: &Table<'_>,
    scripts: &BTreeMap<String, String>,
    gui_scripts: &BTreeMap<String, String>,
) -> Result<()> {
    if let Some(name) = scripts.keys().find(|name| gui_scripts.contains_key(*name)) {
        let field = project.get("gui-scripts").expect("gui-scripts was read");
        return Err(field.error(
            format!("`{name}` is in both [project.scripts] and [project.gui-scripts]"),
            Some(
                "an installer makes one command per name: keep it in one of the two tables".into(),
            ),
        ));
    }
    Ok(())
}

pub(super) fn read_groups(
    project: &Table<'_>,
) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    let Some(table) = project.table("entry-points")? else {
        return Ok(BTreeMap::new());
    };
    let file = project.file();
    let mut groups = BTreeMap::new();
    for (group, field) in table.entries() {
        let replacement = match group.value.as_str() {
            "console_scripts" => Some("[project.scripts]"),
            "gui_scripts" => Some("[project.gui-scripts]"),
            _ => None,
        };
        if let Some(replacement) = replacement {
            return Err(file.error(
                group.span.clone(),
                format!(
                    "the entry point group `{}` cannot be written in [project.entry-points]",
                    group.value
                ),
                Some(format!("write these entry points in {replacement}")),
            ));
        }
        if let Some(problem) = group_problem(&group.value) {
            let help = match suggest_group(&group.value) {
                Some(s) => format!("rename the group, e.g. `{s}`; group names look like `pytest11` or `myapp.plugins`"),
                None => "group names look like `pytest11` or `myapp.plugins`".into(),
            };
            return Err(file.error(
                group.span.clone(),
                format!("the entry point group {:?} {problem}", group.value),
                Some(help),
            ));
        }
        groups.insert(group.value.clone(), read_group(&field, false)?);
    }
    table.finish();
    Ok(groups)
}

fn read_group(field: &Field<'_>, is_script: bool) -> Result<BTreeMap<String, String>> {
    let table = field.as_table()?;
    let file = field.file;
    let mut out = BTreeMap::new();
    for (name, value) in table.entries() {
        if value.item.is_table_like() && !is_script {
            return Err(value.error(
                format!(
                    "`{}` is a table, but entry point groups are one level deep",
                    value.key
                ),
                Some(format!(
                    "write name = \"module:attr\" pairs directly in [{}]",
                    field.key
                )),
            ));
        }
        let reference = value.as_str()?;
        if let Some(problem) = name_problem(&name.value, is_script) {
            return Err(file.error(
                name.span.clone(),
                format!(
                    "the entry point name {:?} in [{}] {problem}",
                    name.value, field.key
                ),
                Some("use letters, digits, `-`, `_` and `.`, e.g. `my-tool`".into()),
            ));
        }
        let normalized = object_reference(&reference.value, is_script).map_err(|problem| {
            value.error(
                format!(
                    "`{}` = {:?} is not a valid object reference: {problem}",
                    value.key, reference.value
                ),
                Some(if is_script {
                    "write \"package.module:function\"".to_string()
                } else {
                    "write \"package.module\" or \"package.module:object.attr\"".to_string()
                }),
            )
        })?;
        out.insert(name.value, normalized);
    }
    Ok(out)
}

/// Entry point names may hold anything but `=`, must not start with `[` or
/// start/end with whitespace; script names also become file names.
fn name_problem(name: &str, is_script: bool) -> Option<&'static str> {
    if name.is_empty() {
        Some("is empty")
    } else if name.contains(['=', '\n', '\r', '[', ']']) {
        Some("must not contain `=`, `[`, `]` or line breaks")
    } else if name.trim() != name {
        Some("must not start or end with whitespace")
    } else if name.starts_with(['#', ';']) {
        Some("must not start with `#` or `;` (entry_points.txt would read the line as a comment)")
    } else if name.contains(char::is_control) {
        Some("must not contain control characters")
    } else if is_script && (name.contains(['/', '\\']) || name.starts_with('.')) {
        Some("becomes a command file name, so it must not contain `/` or `\\` or start with `.`")
    } else {
        None
    }
}

/// Why `group` is not a group name: the entry points specification says
/// groups are "one or more groups of letters, numbers and underscores,
/// separated by dots" (`^\w+(\.\w+)*$`). binwheel reads `\w` as ASCII
/// letters, digits and `_`: Python's `re` would take any Unicode letter or
/// digit, but no ASCII-only rule can accept a name that regex refuses, and a
/// dash, a space or an empty part between dots is refused by both.
fn group_problem(group: &str) -> Option<String> {
    if group.is_empty() {
        return Some("is empty".into());
    }
    if let Some(c) = group.chars().find(|c| !c.is_ascii()) {
        return Some(format!(
            "contains {c:?}: binwheel allows only ASCII letters, digits and `_` in group names, separated by dots"
        ));
    }
    if let Some(c) = group
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
    {
        return Some(format!(
            "contains {c:?}: group names are letters, digits and `_`, separated by dots"
        ));
    }
    if group.split('.').any(str::is_empty) {
        return Some(
            "has an empty part: dots separate parts, so it may not start or end with one or hold two in a row"
                .into(),
        );
    }
    None
}

/// A valid group name made from `group`: other characters become `_`, empty
/// parts between dots are dropped; `None` when nothing is left.
fn suggest_group(group: &str) -> Option<String> {
    let cleaned: String = group
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let parts: Vec<&str> = cleaned.split('.').filter(|p| !p.is_empty()).collect();
    let suggestion = parts.join(".");
    (group_problem(&suggestion).is_none() && !suggestion.is_empty()).then_some(suggestion)
}

/// `module.path[:object.attr]` with Python identifiers, whitespace around `:`
/// dropped. Scripts need the `:object` part.
fn object_reference(reference: &str, need_attr: bool) -> std::result::Result<String, &'static str> {
    let (module, attr) = match reference.split_once(':') {
        Some((module, attr)) => (module.trim(), Some(attr.trim())),
        None => (reference.trim(), None),
    };
    if reference.contains('[') {
        return Err("extras in entry points are not supported");
    }
    if !dotted_identifiers(module) {
        return Err("the module part must be dotted Python identifiers");
    }
    match attr {
        Some(attr) if !dotted_identifiers(attr) => {
            Err("the part after `:` must be dotted Python identifiers")
        }
        Some(attr) => Ok(format!("{module}:{attr}")),
        None if need_attr => Err("a script needs the function after `:`"),
        None => Ok(module.to_string()),
    }
}

fn dotted_identifiers(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        })
}

impl Metadata {
    /// `entry_points.txt`, with `extra_console` (name, object reference) merged
    /// into `console_scripts`; `None` when there are no entry points at all.
    /// On a name clash the `[project.scripts]` entry is kept: callers that add
    /// commands check [`Metadata::scripts`] first.
    pub fn entry_points_txt(&self, extra_console: &[(String, String)]) -> Option<String> {
        let mut console = self.scripts.clone();
        for (name, reference) in extra_console {
            console
                .entry(name.clone())
                .or_insert_with(|| reference.clone());
        }
        let groups = [
            ("console_scripts", &console),
            ("gui_scripts", &self.gui_scripts),
        ]
        .into_iter()
        .chain(self.entry_points.iter().map(|(g, e)| (g.as_str(), e)));
        let mut out = String::new();
        for (group, entries) in groups {
            if entries.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("[{group}]\n"));
            for (name, reference) in entries {
                out.push_str(&format!("{name} = {reference}\n"));
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, read};
    use super::*;

    const MIN: &str = "[project]\nname = \"a\"\nversion = \"1\"\n";

    #[test]
    fn scripts_and_groups() {
        let m = read(&format!(
            "{MIN}[project.scripts]\nhello = \"hello.cli:main\"\nabc = \"abc : run\"\n\
             [project.gui-scripts]\nhello-gui = \"hello.gui:main\"\n\
             [project.entry-points.\"pytest11\"]\nhello = \"hello.plugin\"\n\
             [project.entry-points.\"hello.plugins\"]\nb = \"hello.b:B.make\"\n"
        ))
        .unwrap();
        assert_eq!(m.scripts["abc"], "abc:run");
        assert_eq!(
            m.entry_points_txt(&[("hello-server".into(), "hello._bin:run".into())]).unwrap(),
            "[console_scripts]\nabc = abc:run\nhello = hello.cli:main\nhello-server = hello._bin:run\n\n\
             [gui_scripts]\nhello-gui = hello.gui:main\n\n\
             [hello.plugins]\nb = hello.b:B.make\n\n\
             [pytest11]\nhello = hello.plugin\n"
        );
    }

    #[test]
    fn no_entry_points() {
        let m = read(MIN).unwrap();
        assert_eq!(m.entry_points_txt(&[]), None);
        assert_eq!(
            m.entry_points_txt(&[("x".into(), "x._bin:run".into())])
                .unwrap(),
            "[console_scripts]\nx = x._bin:run\n"
        );
    }

    #[test]
    fn project_scripts_win_a_clash() {
        let m = read(&format!("{MIN}scripts = {{ x = \"a:b\" }}\n")).unwrap();
        assert_eq!(
            m.entry_points_txt(&[("x".into(), "other:c".into())])
                .unwrap(),
            "[console_scripts]\nx = a:b\n"
        );
    }

    #[test]
    fn console_scripts_group_is_an_error() {
        let e = err(&format!(
            "{MIN}[project.entry-points.console_scripts]\nx = \"a:b\"\n"
        ));
        assert!(
            e.starts_with("pyproject.toml:4:23: the entry point group `console_scripts` cannot be written in [project.entry-points]"),
            "{e}"
        );
        assert!(
            e.contains("help: write these entry points in [project.scripts]"),
            "{e}"
        );
        let e = err(&format!(
            "{MIN}entry-points = {{ gui_scripts = {{ x = \"a:b\" }} }}\n"
        ));
        assert!(e.contains("[project.gui-scripts]"), "{e}");
    }

    #[test]
    fn bad_references_and_names() {
        let e = err(&format!("{MIN}scripts = {{ x = \"a.b\" }}\n"));
        assert!(e.contains("`project.scripts.x` = \"a.b\" is not a valid object reference: a script needs the function"), "{e}");
        let e = err(&format!("{MIN}scripts = {{ x = \"a-b:c\" }}\n"));
        assert!(e.contains("dotted Python identifiers"), "{e}");
        let e = err(&format!("{MIN}scripts = {{ \"a/b\" = \"a:c\" }}\n"));
        assert!(e.contains("must not contain `/`"), "{e}");
        let e = err(&format!(
            "{MIN}scripts = {{ x = \"a:b\" }}\ngui-scripts = {{ x = \"a:c\" }}\n"
        ));
        assert!(
            e.contains("`x` is in both [project.scripts] and [project.gui-scripts]"),
            "{e}"
        );
        let e = err(&format!("{MIN}[project.entry-points.a.b]\nx = \"a:b\"\n"));
        assert!(e.contains("entry point groups are one level deep"), "{e}");
    }

    #[test]
    fn group_names_follow_the_spec() {
        // `^\w+(\.\w+)*$` with an ASCII `\w`.
        for ok in ["pytest11", "myapp.plugins", "_a.b_c.D9", "a"] {
            assert!(group_problem(ok).is_none(), "{ok}");
        }
        for (bad, says) in [
            ("my group", "contains ' '"),
            ("bad-name", "contains '-'"),
            ("a..b", "has an empty part"),
            (".a", "has an empty part"),
            ("a.", "has an empty part"),
            ("", "is empty"),
            (
                "plugins.données",
                "contains 'é': binwheel allows only ASCII",
            ),
        ] {
            let problem = group_problem(bad).unwrap_or_default();
            assert!(problem.starts_with(says), "{bad:?}: {problem}");
        }
        assert_eq!(suggest_group("my group").as_deref(), Some("my_group"));
        assert_eq!(suggest_group("a..b.").as_deref(), Some("a.b"));
        assert_eq!(suggest_group("..."), None);
    }

    #[test]
    fn bad_group_names_are_refused_where_written() {
        let e = err(&format!(
            "{MIN}[project.entry-points.\"my group\"]\nx = \"a:b\"\n"
        ));
        assert!(
            e.starts_with("pyproject.toml:4:23: the entry point group \"my group\" contains ' '"),
            "{e}"
        );
        assert!(
            e.contains("\n4 | [project.entry-points.\"my group\"]\n"),
            "{e}"
        );
        assert!(e.contains("^"), "{e}");
        assert!(e.contains("help: rename the group, e.g. `my_group`"), "{e}");
        let e = err(&format!(
            "{MIN}entry-points = {{ \"a..b\" = {{ x = \"a:b\" }} }}\n"
        ));
        assert!(
            e.starts_with("pyproject.toml:4:18: the entry point group \"a..b\" has an empty part"),
            "{e}"
        );
        assert!(e.contains("e.g. `a.b`"), "{e}");
        // A dash is fine in an entry point name, not in a group name.
        let m = read(&format!(
            "{MIN}[project.entry-points.\"my.group\"]\nmy-name = \"a:b\"\n"
        ))
        .unwrap();
        assert_eq!(m.entry_points["my.group"]["my-name"], "a:b");
        let e = err(&format!(
            "{MIN}[project.entry-points.bad-name]\nx = \"a:b\"\n"
        ));
        assert!(
            e.contains("the entry point group \"bad-name\" contains '-'"),
            "{e}"
        );
        assert!(e.contains("e.g. `bad_name`"), "{e}");
    }

    #[test]
    fn object_references() {
        assert_eq!(object_reference("a.b:c.d", true).unwrap(), "a.b:c.d");
        assert_eq!(object_reference(" a : c ", true).unwrap(), "a:c");
        assert_eq!(object_reference("a.b", false).unwrap(), "a.b");
        assert!(object_reference("a:b [extra]", true).is_err());
        assert!(object_reference("1a:b", true).is_err());
        assert!(object_reference("a:", true).is_err());
        assert!(object_reference("a..b:c", true).is_err());
    }
}
