//! `dependencies` and `optional-dependencies`: PEP 508 strings -> `Requires-Dist`
//! values, extras (PEP 685 names) -> `Provides-Extra`.
//!
//! Owns: parsing and validating requirements, normalizing extra names and
//! merging `extra == "…"` into a requirement's marker. The name, extras and
//! version part is written in the normalized PEP 508 form; a marker is kept as
//! written (so `python_version` stays `python_version`) and wrapped in
//! parentheses before `and extra == "…"` is added.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use pep508_rs::{ExtraName, MarkerTree, Pep508Url, Requirement, VersionOrUrl};

use super::{sub_span, Extra};
use crate::error::Result;
use crate::toml::{Field, Spanned, Table};

pub(super) fn read_dependencies(project: &Table<'_>) -> Result<Vec<String>> {
    let Some(field) = project.get("dependencies") else {
        return Ok(Vec::new());
    };
    field
        .as_string_list()?
        .iter()
        .enumerate()
        .map(|(i, raw)| parse(&field, i, raw).map(|r| r.requires_dist(None)))
        .collect()
}

pub(super) fn read_optional(project: &Table<'_>) -> Result<Vec<Extra>> {
    let Some(table) = project.table("optional-dependencies")? else {
        return Ok(Vec::new());
    };
    let file = project.file();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut extras = Vec::new();
    for (key, field) in table.entries() {
        let name = ExtraName::from_str(&key.value).map_err(|e| {
            file.error(
                key.span.clone(),
                format!("{:?} in [project.optional-dependencies] is not a valid extra name: {e}", key.value),
                Some("an extra name is ASCII letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit".into()),
            )
        })?;
        if !seen.insert(name.to_string()) {
            return Err(file.error(
                key.span.clone(),
                format!(
                    "the extra {:?} in [project.optional-dependencies] is a second spelling of \"{name}\"",
                    key.value
                ),
                Some("extra names are compared normalized (lowercase, `-` for runs of `-_.`): merge the two lists".into()),
            ));
        }
        let requirements = field
            .as_string_list()?
            .iter()
            .enumerate()
            .map(|(i, raw)| parse(&field, i, raw).map(|r| r.requires_dist(Some(&name))))
            .collect::<Result<Vec<_>>>()?;
        extras.push(Extra {
            name: name.to_string(),
            requirements,
        });
    }
    table.finish();
    Ok(extras)
}

/// A parsed requirement and the marker text exactly as the user wrote it.
struct Parsed {
    requirement: Requirement<UrlText>,
    marker: Option<String>,
}

impl Parsed {
    /// The `Requires-Dist` value, with `extra == "<extra>"` merged into the marker.
    fn requires_dist(&self, extra: Option<&ExtraName>) -> String {
        let mut head = self.requirement.clone();
        head.marker = MarkerTree::TRUE;
        let head = head.to_string();
        let separator = match self.requirement.version_or_url {
            Some(VersionOrUrl::Url(_)) => " ; ",
            _ => "; ",
        };
        match (&self.marker, extra) {
            (None, None) => head,
            (Some(marker), None) => format!("{head}{separator}{marker}"),
            (None, Some(extra)) => format!("{head}{separator}extra == \"{extra}\""),
            (Some(marker), Some(extra)) => {
                format!("{head}{separator}({marker}) and extra == \"{extra}\"")
            }
        }
    }
}

fn parse(field: &Field<'_>, index: usize, raw: &Spanned<String>) -> Result<Parsed> {
    if let Some(problem) = super::bad_requirement_name_end(&raw.value) {
        return Err(field.file.error(
            raw.span.clone(),
            format!(
                "`{}[{index}]` = {:?} is not a valid PEP 508 requirement: {problem}",
                field.key, raw.value
            ),
            Some("package names and extras start and end with a letter or digit, e.g. \"requests[socks]>=2.31\"".into()),
        ));
    }
    let requirement = Requirement::<UrlText>::from_str(&raw.value).map_err(|e| {
        let start = floor_boundary(&e.input, e.start);
        let end = floor_boundary(&e.input, e.start + e.len.max(1));
        let span = if e.input == raw.value {
            sub_span(field.file, raw.span.clone(), &raw.value, start..end.max(start))
        } else {
            raw.span.clone()
        };
        field.file.error(
            span.or_else(|| raw.span.clone()),
            format!(
                "`{}[{index}]` = {:?} is not a valid PEP 508 requirement: {}",
                field.key, raw.value, e.message
            ),
            Some("a requirement looks like \"requests>=2.31\" or \"tomli>=2; python_version < '3.11'\"".into()),
        )
    })?;
    let marker = marker_text(&raw.value, &requirement);
    Ok(Parsed {
        requirement,
        marker,
    })
}

/// The marker as written, if it parses to the same marker the requirement has;
/// otherwise the library's rendering of it. `None` when there is no marker.
fn marker_text(raw: &str, requirement: &Requirement<UrlText>) -> Option<String> {
    let search_from = match &requirement.version_or_url {
        // The URL ends at whitespace; a `;` inside it is part of the URL.
        Some(VersionOrUrl::Url(_)) => {
            let at = raw.find('@')?;
            let url_start = at + 1 + (raw[at + 1..].len() - raw[at + 1..].trim_start().len());
            raw[url_start..]
                .find(char::is_whitespace)
                .map(|i| url_start + i)
                .unwrap_or(raw.len())
        }
        _ => 0,
    };
    let written = raw[search_from..]
        .find(';')
        .map(|i| raw[search_from + i + 1..].trim())
        .filter(|m| !m.is_empty());
    match written {
        Some(written)
            if MarkerTree::from_str(written).ok().as_ref() == Some(&requirement.marker) =>
        {
            Some(written.to_string())
        }
        _ => requirement.marker.try_to_string(),
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A direct-reference URL kept exactly as written (the default URL type of
/// `pep508_rs` expands environment variables and re-serializes the URL).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct UrlText(String);

impl fmt::Display for UrlText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug)]
struct UrlError(String);

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid URL: {}", self.0)
    }
}

impl std::error::Error for UrlError {}

impl Pep508Url for UrlText {
    type Err = UrlError;

    fn parse_url(url: &str, _working_dir: Option<&Path>) -> std::result::Result<Self, UrlError> {
        pep508_rs::VerbatimUrl::parse_url(url).map_err(|e| UrlError(e.to_string()))?;
        Ok(UrlText(url.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{err, read};

    const MIN: &str = "[project]\nname = \"a\"\nversion = \"1\"\n";

    #[test]
    fn dependencies() {
        let m = read(&format!(
            "{MIN}dependencies = [\"Requests >= 2.31\", \"tomli>=2 ; python_version < '3.11'\", \"pip @ https://example.org/pip-24.0-py3-none-any.whl ; os_name == 'nt'\", \"attrs[tests] (>=22)\"]\n"
        ))
        .unwrap();
        assert_eq!(
            m.dependencies,
            [
                "requests>=2.31",
                "tomli>=2; python_version < '3.11'",
                "pip @ https://example.org/pip-24.0-py3-none-any.whl ; os_name == 'nt'",
                "attrs[tests]>=22",
            ]
        );
    }

    #[test]
    fn bad_requirement_names_the_index() {
        let e = err(&format!(
            "{MIN}dependencies = [\"ok\", \"foo >= 1.0 ; python_version <<< '3'\"]\n"
        ));
        assert!(
            e.starts_with("pyproject.toml:4:52: `project.dependencies[1]` = \"foo >= 1.0 ; python_version <<< '3'\" is not a valid PEP 508 requirement: Expected a valid marker operator"),
            "{e}"
        );
        let e = err(&format!("{MIN}dependencies = [\"foo @ ./local\"]\n"));
        assert!(e.contains("`project.dependencies[0]`"), "{e}");
        assert!(e.contains("invalid URL"), "{e}");
    }

    #[test]
    fn optional_dependencies_merge_markers() {
        let m = read(&format!(
            "{MIN}[project.optional-dependencies]\nDev_Tools = [\"pytest\", \"colorama; sys_platform == 'win32' or os_name == 'nt'\"]\nhttp = []\n"
        ))
        .unwrap();
        assert_eq!(m.optional_dependencies.len(), 2);
        assert_eq!(m.optional_dependencies[0].name, "dev-tools");
        assert_eq!(
            m.optional_dependencies[0].requirements,
            [
                "pytest; extra == \"dev-tools\"",
                "colorama; (sys_platform == 'win32' or os_name == 'nt') and extra == \"dev-tools\"",
            ]
        );
        assert_eq!(m.optional_dependencies[1].name, "http");
        assert!(m.optional_dependencies[1].requirements.is_empty());
    }

    #[test]
    fn extra_names() {
        let e = err(&format!(
            "{MIN}optional-dependencies = {{ \"-bad\" = [] }}\n"
        ));
        assert!(
            e.contains("\"-bad\" in [project.optional-dependencies] is not a valid extra name"),
            "{e}"
        );
        let e = err(&format!(
            "{MIN}optional-dependencies = {{ a_b = [], \"a.b\" = [] }}\n"
        ));
        assert!(e.contains("is a second spelling of \"a-b\""), "{e}");
        let e = err(&format!(
            "{MIN}optional-dependencies = {{ x = [\"???\"] }}\n"
        ));
        assert!(
            e.contains(
                "`project.optional-dependencies.x[0]` = \"???\" is not a valid PEP 508 requirement"
            ),
            "{e}"
        );
    }
}
