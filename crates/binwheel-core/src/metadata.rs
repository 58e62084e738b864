//! `[project]` (the pyproject.toml specification: PEP 621 with PEP 639) ->
//! validated, typed values -> Core Metadata text (`METADATA` in wheels,
//! `PKG-INFO` in sdists) and `entry_points.txt`.
//!
//! This module owns every rule about the `[project]` table: which keys exist,
//! what each may hold, how each maps to a Core Metadata field and which
//! Metadata-Version that needs. It reads the files the table points at (readme,
//! license files) relative to the project directory. It knows nothing about
//! `[tool.binwheel]`, targets, binaries or archive layout: callers decide where
//! `METADATA`, `entry_points.txt` and the license files go.
//!
//! Submodules: [`license`] (SPDX expressions, license files), `readme`,
//! `requirements` (PEP 508 and extras), `entry_points`, `import_names`
//! (PEP 794) and `render` (the text).

mod entry_points;
mod import_names;
pub mod license;
mod readme;
mod render;
mod requirements;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use crate::error::{did_you_mean, Error, Result};
use crate::toml::{Field, Spanned, Table, TomlFile};

pub use import_names::{ImportName, ImportNames};
pub use license::{License, LicenseFile};

/// Every key the `[project]` table may hold, in the order of the specification.
pub const PROJECT_KEYS: &[&str] = &[
    "name",
    "version",
    "description",
    "readme",
    "requires-python",
    "license",
    "license-files",
    "authors",
    "maintainers",
    "keywords",
    "classifiers",
    "urls",
    "scripts",
    "gui-scripts",
    "entry-points",
    "dependencies",
    "optional-dependencies",
    "import-names",
    "import-namespaces",
    "dynamic",
];

/// The validated `[project]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// Exactly as written (validated against the name format).
    pub name: Spanned<String>,
    pub version: Version,
    /// `description`: the one-line `Summary`.
    pub description: Option<String>,
    pub readme: Option<Readme>,
    pub requires_python: Option<VersionSpecifiers>,
    pub license: Option<License>,
    /// Resolved from `license-files` globs (PEP 639), or from the default
    /// patterns when the key is absent; sorted by `name`, deduplicated.
    pub license_files: Vec<LicenseFile>,
    pub authors: Vec<Person>,
    pub maintainers: Vec<Person>,
    pub keywords: Vec<String>,
    pub classifiers: Vec<String>,
    /// `[project.urls]` as (label, url), in file order.
    pub urls: Vec<(String, String)>,
    /// `[project.scripts]`: name -> object reference (`module:attr`).
    pub scripts: BTreeMap<String, String>,
    /// `[project.gui-scripts]`.
    pub gui_scripts: BTreeMap<String, String>,
    /// `[project.entry-points]`: every other group -> name -> object reference.
    pub entry_points: BTreeMap<String, BTreeMap<String, String>>,
    /// `Requires-Dist` values of `dependencies`.
    pub dependencies: Vec<String>,
    /// `optional-dependencies`, in file order, names normalized.
    pub optional_dependencies: Vec<Extra>,
    /// `import-names` and `import-namespaces` (PEP 794), in file order.
    pub import_names: ImportNames,
    /// `project.dynamic` as written (only keys whose values were supplied
    /// through [`DynamicValues`] can be here).
    pub dynamic: Vec<String>,
}

/// The long description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readme {
    pub text: String,
    /// `Description-Content-Type`, e.g. `text/markdown`.
    pub content_type: String,
    /// The file it came from: (absolute path, relative posix path as written),
    /// so an sdist can include it. `None` for `readme = { text = … }`.
    pub file: Option<(PathBuf, String)>,
}

/// One entry of `authors` or `maintainers`; at least one of the two is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// One `optional-dependencies` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    /// Normalized (PEP 685), as written into `Provides-Extra`.
    pub name: String,
    /// `Requires-Dist` values, each with `extra == "<name>"` merged into its marker.
    pub requirements: Vec<String>,
}

/// Values for keys listed in `project.dynamic`, supplied by the caller.
///
/// Only `version` can be supplied for now; every other key in `dynamic` is an
/// error. A caller that can compute the version (e.g. from another file) puts
/// it here and calls [`Metadata::read_with`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DynamicValues {
    pub version: Option<Version>,
}

impl Metadata {
    /// Read and validate `[project]` (the table from `root.table("project")`);
    /// `root_dir` is the project directory for readme and license files. Calls
    /// `project.finish()` so unknown keys are errors.
    pub fn read(project: Table<'_>, root_dir: &Path) -> Result<Metadata> {
        Self::read_with(project, root_dir, DynamicValues::default())
    }

    /// [`Metadata::read`] with values for keys listed in `project.dynamic`.
    pub fn read_with(
        project: Table<'_>,
        root_dir: &Path,
        supplied: DynamicValues,
    ) -> Result<Metadata> {
        let file = project.file();
        file.conclude(Self::read_all(project, root_dir, supplied))
    }

    /// [`Metadata::read_with`], recording each key's problem in the file and
    /// going on to the next key.
    fn read_all(project: Table<'_>, root_dir: &Path, supplied: DynamicValues) -> Result<Metadata> {
        let file = project.file();
        let root_dir = std::path::absolute(root_dir)
            .map_err(|e| crate::Error::io("cannot resolve", root_dir, e))?;
        let dynamic = project.keep(read_dynamic(&project, &supplied));
        let is_dynamic = |key: &str| dynamic.iter().flatten().any(|d| d.value == key);

        let name = read_name(&project);
        let version = project.keep(read_version(
            &project,
            is_dynamic("version"),
            supplied.version,
        ));
        let description = project.keep(read_description(&project));
        let readme = project.keep(readme::read(&project, &root_dir));
        let requires_python = project.keep(read_requires_python(&project));
        let license = project.keep(license::read(&project, &root_dir));
        let authors = project.keep(read_people(&project, "authors"));
        let maintainers = project.keep(read_people(&project, "maintainers"));
        let keywords = project.keep(read_keywords(&project));
        let classifiers = project.keep(read_classifiers(&project));
        if let (Some(license), Some(classifiers)) = (&license, &classifiers) {
            let span = license.expression_span();
            project.keep(license::check_classifiers(file, span, classifiers));
        }
        let urls = project.keep(read_urls(&project));
        let scripts = project.keep(entry_points::read_scripts(&project, "scripts"));
        let gui_scripts = project.keep(entry_points::read_scripts(&project, "gui-scripts"));
        if let (Some(scripts), Some(gui_scripts)) = (&scripts, &gui_scripts) {
            project.keep(entry_points::check_script_clash(
                &project,
                scripts,
                gui_scripts,
            ));
        }
        let entry_points = project.keep(entry_points::read_groups(&project));
        let dependencies = project.keep(requirements::read_dependencies(&project));
        let optional_dependencies = project.keep(requirements::read_optional(&project));
        let import_names = project.keep(import_names::read(&project));
        project.finish();

        // Each key read; a problem in any (recorded) leaves no metadata.
        macro_rules! all_read {
            ($($value:ident),*) => {
                let ($(Some($value),)*) = ($($value,)*) else {
                    return Err(Error::recorded());
                };
            };
        }
        all_read!(
            dynamic,
            name,
            version,
            description,
            readme,
            requires_python,
            license,
            authors,
            maintainers,
            keywords,
            classifiers,
            urls,
            scripts,
            gui_scripts,
            entry_points,
            dependencies,
            optional_dependencies,
            import_names
        );
        Ok(Metadata {
            name,
            version,
            description,
            readme,
            requires_python,
            license: license.license,
            license_files: license.files,
            authors,
            maintainers,
            keywords,
            classifiers: classifiers.into_iter().map(|c| c.value).collect(),
            urls,
            scripts,
            gui_scripts,
            entry_points,
            dependencies,
            optional_dependencies,
            import_names,
            dynamic: dynamic.into_iter().map(|d| d.value).collect(),
        })
    }

    /// Whether `[project]` lists `key` in `dynamic` (for callers deciding what
    /// to put into [`DynamicValues`]). Type errors surface later in `read`.
    pub fn lists_dynamic(project: &Table<'_>, key: &str) -> bool {
        project
            .get("dynamic")
            .and_then(|f| f.as_string_list().ok())
            .is_some_and(|list| list.iter().any(|d| d.value == key))
    }

    /// PEP 503-normalized, then `-` -> `_`: the form used in wheel and sdist
    /// filenames and the `.dist-info` directory (e.g. `hello_server`).
    pub fn dist_name(&self) -> String {
        normalize_name(&self.name.value).replace('-', "_")
    }

    /// Normalized PEP 440 string for filenames and metadata (e.g. `1.0.0rc1`).
    pub fn version_string(&self) -> String {
        self.version.to_string()
    }
}

/// PEP 503 normalization: lowercase, every run of `-`, `_` and `.` becomes `-`
/// (`re.sub(r"[-_.]+", "-", name).lower()`), at the ends too. The one
/// normaliser: the build and `binwheel check` compare names through it.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

/// The name format of the Core Metadata specification: ASCII letters and
/// digits, with `.`, `_` and `-` allowed inside.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        }
        _ => false,
    }
}

fn read_dynamic(project: &Table<'_>, supplied: &DynamicValues) -> Result<Vec<Spanned<String>>> {
    let file = project.file();
    let Some(list) = project.string_list("dynamic")? else {
        if supplied.version.is_some() {
            return Err(project.error(
                "a version was supplied from outside [project], but `project.dynamic` does not list \"version\"",
                Some("add dynamic = [\"version\"] and remove `version` from [project]".into()),
            ));
        }
        return Ok(Vec::new());
    };
    check_static_and_dynamic(project)?;
    for entry in &list {
        let key = entry.value.as_str();
        if key == "name" {
            return Err(file.error(
                entry.span.clone(),
                "`name` cannot be dynamic: the project name must be written in [project]",
                Some("remove \"name\" from `dynamic` and write name = \"…\" in [project]".into()),
            ));
        }
        if key == "dynamic" || !PROJECT_KEYS.contains(&key) {
            let help = match did_you_mean(key, PROJECT_KEYS.iter().copied()) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => format!(
                    "`dynamic` lists [project] keys: {}",
                    PROJECT_KEYS[1..PROJECT_KEYS.len() - 1].join(", ")
                ),
            };
            return Err(file.error(
                entry.span.clone(),
                format!("`project.dynamic` lists \"{key}\", which is not a [project] key"),
                Some(help),
            ));
        }
        let supplied_here = key == "version" && supplied.version.is_some();
        if !supplied_here {
            return Err(file.error(
                entry.span.clone(),
                format!("`project.dynamic` lists \"{key}\", but binwheel has no way to fill `{key}` dynamically"),
                Some(format!(
                    "write `{key}` in [project] and remove \"{key}\" from `dynamic`"
                )),
            ));
        }
    }
    if supplied.version.is_some() && !list.iter().any(|d| d.value == "version") {
        return Err(project.error(
            "a version was supplied from outside [project], but `project.dynamic` does not list \"version\"",
            Some("add \"version\" to `dynamic` and remove `version` from [project]".into()),
        ));
    }
    Ok(list)
}

/// A key both written in `[project]` and listed in `project.dynamic` (the
/// pyproject.toml specification: tools "MUST raise an error"). Checked before
/// anything else about `dynamic` and, by [`crate::project::Project::load`],
/// before `[tool.binwheel]`, so this error is the one reported whatever else
/// is configured (a `[tool.binwheel.version]` or not). `name` is exempt: it
/// has its own error. A `dynamic` that is not a list of strings passes here
/// and is reported by [`Metadata::read`].
pub fn check_static_and_dynamic(project: &Table<'_>) -> Result<()> {
    let Some(Ok(list)) = project.get("dynamic").map(|f| f.as_string_list()) else {
        return Ok(());
    };
    let both = list
        .iter()
        .find(|d| d.value != "name" && d.value != "dynamic" && project.contains(&d.value));
    match both {
        None => Ok(()),
        Some(entry) => {
            let key = &entry.value;
            Err(project.file().error(
                entry.span.clone(),
                format!("`{key}` is both written in [project] and listed in `project.dynamic`"),
                Some(format!(
                    "a key is either static or dynamic: remove \"{key}\" from `dynamic`, or remove `{key}` from [project]"
                )),
            ))
        }
    }
}

/// A valid project name made from `raw`: other characters become `-`, then
/// non-alphanumerics are trimmed from both ends; None when nothing valid is left.
pub fn suggest_name(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    is_valid_name(trimmed).then(|| trimmed.to_string())
}

/// `name`, or None with its problem recorded.
fn read_name(project: &Table<'_>) -> Option<Spanned<String>> {
    let name = project.required("name", "write name = \"your-project\" in [project]")?;
    project.keep(check_name(project, name))
}

fn check_name(project: &Table<'_>, name: Spanned<String>) -> Result<Spanned<String>> {
    if !is_valid_name(&name.value) {
        let help = if let Some(suggestion) = suggest_name(&name.value) {
            format!("a name is ASCII letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit, e.g. \"{suggestion}\"")
        } else {
            "a name is ASCII letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit".into()
        };
        return Err(project.file().error(
            name.span.clone(),
            format!(
                "`project.name` = {:?} is not a valid project name",
                name.value
            ),
            Some(help),
        ));
    }
    Ok(name)
}

fn read_version(
    project: &Table<'_>,
    is_dynamic: bool,
    supplied: Option<Version>,
) -> Result<Version> {
    let Some(field) = project.get("version") else {
        if is_dynamic {
            if let Some(version) = supplied {
                return Ok(version);
            }
        }
        project.missing("version", "write version = \"0.1.0\" in [project]");
        return Err(Error::recorded());
    };
    let value = field.as_str()?;
    Version::from_str(&value.value).map_err(|e| {
        field.error(
            format!(
                "bad version: `project.version` = {:?} is not a valid PEP 440 version ({e})",
                value.value
            ),
            Some("a version looks like \"1.2.3\", \"1.2.3rc1\", \"1.2.3.post1\", \"1.2.3.dev4\" or \"2!1.0\"".into()),
        )
    })
}

fn read_description(project: &Table<'_>) -> Result<Option<String>> {
    let Some(field) = project.get("description") else {
        return Ok(None);
    };
    let value = field.as_str()?;
    if let Some(problem) = not_one_line(&value.value) {
        return Err(field.error(
            format!("`project.description` {problem} (it becomes the `Summary`)"),
            Some("keep a one-line summary here and put the long text into `readme`".into()),
        ));
    }
    Ok(Some(value.value))
}

fn read_requires_python(project: &Table<'_>) -> Result<Option<VersionSpecifiers>> {
    let Some(field) = project.get("requires-python") else {
        return Ok(None);
    };
    let value = field.as_str()?;
    VersionSpecifiers::from_str(&value.value)
        .map(Some)
        .map_err(|e| {
            let reason = e.to_string();
            let reason = reason
                .lines()
                .next()
                .unwrap_or_default()
                .trim_end_matches(':');
            field.error(
                format!(
                    "`project.requires-python` = {:?} is not a valid version specifier: {reason}",
                    value.value
                ),
                Some(
                    "write comma-separated PEP 440 specifiers, e.g. \">=3.9\" or \">=3.9, <4\""
                        .into(),
                ),
            )
        })
}

fn read_people(project: &Table<'_>, key: &str) -> Result<Vec<Person>> {
    let mut people = Vec::new();
    for table in project.tables(key)? {
        let name = table.str("name")?;
        let email = table.str("email")?;
        let file = table.file();
        if let Some(name) = &name {
            let problem = if name.value.trim().is_empty() {
                Some("is empty".to_string())
            } else if let Some(problem) = not_one_line(&name.value) {
                Some(problem)
            } else if name.value.contains(',') {
                Some("must not contain commas (Core Metadata separates people with commas)".into())
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(file.error(
                    name.span.clone(),
                    format!("`{}.name` {problem}", table.name()),
                    Some(format!(
                        "write one {{ name = …, email = … }} table per person in `project.{key}`"
                    )),
                ));
            }
        }
        if let Some(email) = &email {
            if !is_valid_email(&email.value) {
                return Err(file.error(
                    email.span.clone(),
                    format!("`{}.email` = {:?} is not an email address", table.name(), email.value),
                    Some("write the bare address, e.g. email = \"jane@example.org\", and the name in `name`".into()),
                ));
            }
        }
        if name.is_none() && email.is_none() {
            return Err(table.error(
                format!("`{}` needs a `name`, an `email` or both", table.name()),
                Some("e.g. { name = \"Jane Doe\", email = \"jane@example.org\" }".into()),
            ));
        }
        table.finish();
        people.push(Person {
            name: name.map(|n| n.value),
            email: email.map(|e| e.value),
        });
    }
    Ok(people)
}

/// A plain `local@domain` address: what an RFC 822 `addr-spec` can be without
/// quoting or comments.
fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let ok = |part: &str| {
        !part.is_empty()
            && !part.starts_with('.')
            && !part.ends_with('.')
            && !part.contains("..")
            && part
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"()<>[]:;@\\,\"".contains(c))
    };
    ok(local) && ok(domain)
}

fn read_keywords(project: &Table<'_>) -> Result<Vec<String>> {
    let Some(list) = project.string_list("keywords")? else {
        return Ok(Vec::new());
    };
    let file = project.file();
    list.into_iter()
        .enumerate()
        .map(|(i, keyword)| {
            let problem = if keyword.value.trim().is_empty() {
                Some("is empty".to_string())
            } else if keyword.value.contains(',') {
                Some("must not contain a comma (Core Metadata joins keywords with commas)".into())
            } else {
                not_one_line(&keyword.value)
            };
            match problem {
                Some(problem) => Err(file.error(
                    keyword.span,
                    format!("`project.keywords[{i}]` {problem}"),
                    Some(
                        "write each keyword as its own string, e.g. keywords = [\"cli\", \"http\"]"
                            .into(),
                    ),
                )),
                None => Ok(keyword.value),
            }
        })
        .collect()
}

fn read_classifiers(project: &Table<'_>) -> Result<Vec<Spanned<String>>> {
    let Some(list) = project.string_list("classifiers")? else {
        return Ok(Vec::new());
    };
    for (i, classifier) in list.iter().enumerate() {
        if classifier.value.trim().is_empty() || not_one_line(&classifier.value).is_some() {
            return Err(project.file().error(
                classifier.span.clone(),
                format!("`project.classifiers[{i}]` must be one non-empty line"),
                Some("classifiers look like \"Programming Language :: Python :: 3\"".into()),
            ));
        }
    }
    Ok(list)
}

fn read_urls(project: &Table<'_>) -> Result<Vec<(String, String)>> {
    let Some(table) = project.table("urls")? else {
        return Ok(Vec::new());
    };
    let file = project.file();
    let mut urls = Vec::new();
    for (label, field) in table.entries() {
        let url = field.as_str()?;
        let problem = if label.value.trim().is_empty() {
            Some("is empty".to_string())
        } else if label.value.chars().count() > 32 {
            Some("is longer than 32 characters, the Core Metadata limit for URL labels".into())
        } else if label.value.contains(',') || not_one_line(&label.value).is_some() {
            Some("must be one line without commas (Core Metadata writes `label, url`)".into())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(file.error(
                label.span,
                format!("the URL label {:?} in [project.urls] {problem}", label.value),
                Some("use a short label such as Homepage, Documentation, Repository, Issues or Changelog".into()),
            ));
        }
        if let Err(reason) = check_url(&url.value) {
            return Err(field.error(
                format!(
                    "`{}` = {:?} is not a valid URL: {reason}",
                    field.key, url.value
                ),
                Some("write an absolute URL such as \"https://example.org/docs\"".into()),
            ));
        }
        urls.push((label.value, url.value));
    }
    table.finish();
    Ok(urls)
}

/// Why a value that becomes one line of METADATA cannot be one: a line
/// break would start a new header, and other control characters (a bell, an
/// escape, NUL) have no business in metadata and trip up the tools that read
/// it. A tab is whitespace and passes.
fn not_one_line(value: &str) -> Option<String> {
    if value.contains(['\n', '\r']) {
        return Some("must be one line".into());
    }
    value
        .chars()
        .find(|&c| c.is_control() && c != '\t')
        .map(|c| format!("contains the control character U+{:04X}", c as u32))
}

/// An absolute URL with a scheme, kept as written.
fn check_url(url: &str) -> std::result::Result<(), String> {
    if url.is_empty() || url.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err("it is empty or contains whitespace or a control character".into());
    }
    pep508_rs::VerbatimUrl::parse_url(url)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A path written in [project] (readme, legacy license file) as a normalized
/// relative posix path (`.` and empty components dropped), or why it cannot
/// name a file inside the project directory.
fn relative_path(path: &str) -> std::result::Result<String, &'static str> {
    if path.starts_with(['/', '\\']) || path.as_bytes().get(1) == Some(&b':') {
        return Err("is an absolute path");
    }
    if path.contains('\\') {
        return Err("uses `\\`; separate path components with `/`");
    }
    if path.contains(char::is_control) {
        return Err("contains a control character");
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("leaves the project directory with `..`"),
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err("is empty");
    }
    Ok(parts.join("/"))
}

/// A PEP 508 requirement whose package name or an extra ends in `.`, `-` or
/// `_` with more text after it (`"foo- >=1"`, `"rich[cli-]"`): pep508_rs 0.9
/// panics on those instead of returning an error, so they are refused first.
/// Returns what is wrong.
pub(crate) fn bad_requirement_name_end(raw: &str) -> Option<String> {
    let punct = |s: &str| s.chars().last().filter(|c| matches!(c, '.' | '-' | '_'));
    let s = raw.trim_start();
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None; // the parser's own error says what is wrong
    }
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(s.len());
    if let Some(c) = punct(&s[..end]) {
        return Some(format!("the package name ends with `{c}`"));
    }
    let extras = s[end..].trim_start().strip_prefix('[')?;
    let extras = extras.split(']').next().unwrap_or(extras);
    extras
        .split(',')
        .map(str::trim)
        .find_map(|extra| punct(extra).map(|c| format!("the extra `{extra}` ends with `{c}`")))
}

/// Whether `path` (a file named in [project]) may be read into an artifact:
/// through any symlinks it must lead to a regular file inside `root_dir`.
/// Checked before the file is opened, so a pipe is never read (which could
/// block) and no file outside the project reaches a wheel. A path that does
/// not resolve (missing, a dangling link) passes: the caller reports it.
fn check_project_file(root_dir: &Path, path: &Path) -> std::result::Result<(), String> {
    let Ok(real) = path.canonicalize() else {
        return Ok(());
    };
    let root = root_dir
        .canonicalize()
        .unwrap_or_else(|_| root_dir.to_path_buf());
    if !real.starts_with(&root) {
        return Err(format!(
            "resolves to {}, outside the project; binwheel packs only files inside the project",
            real.display()
        ));
    }
    match real.metadata() {
        Ok(m) if !m.is_file() && !m.is_dir() => {
            Err("is not a regular file (a pipe, socket or device?)".into())
        }
        _ => Ok(()),
    }
}

/// The span of `inner` (a byte range of `value`) inside the TOML string literal
/// at `span`, when the literal spells `value` without escapes; else `span`.
fn sub_span(
    file: &TomlFile,
    span: Option<Range<usize>>,
    value: &str,
    inner: Range<usize>,
) -> Option<Range<usize>> {
    let outer = span.clone()?;
    let literal = file.text.get(outer.clone())?;
    let quoted = literal.len() == value.len() + 2
        && (literal.starts_with('"') || literal.starts_with('\''))
        && &literal[1..literal.len() - 1] == value;
    if quoted && inner.end <= value.len() {
        Some(outer.start + 1 + inner.start..outer.start + 1 + inner.end.max(inner.start + 1))
    } else {
        span
    }
}

/// A field's span narrowed to `inner` of its string value (see [`sub_span`]).
fn field_sub_span(field: &Field<'_>, value: &str, inner: Range<usize>) -> Option<Range<usize>> {
    sub_span(field.file, field.span(), value, inner)
}

#[cfg(test)]
mod test_support {
    use std::path::Path;

    use super::{DynamicValues, Metadata};
    use crate::error::Result;
    use crate::toml::TomlFile;

    /// Parse `toml` as `<dir>/pyproject.toml` and read its [project].
    pub fn read_in(dir: &Path, toml: &str) -> Result<Metadata> {
        read_with_in(dir, toml, DynamicValues::default())
    }

    pub fn read_with_in(dir: &Path, toml: &str, supplied: DynamicValues) -> Result<Metadata> {
        let file = TomlFile::parse(&dir.join("pyproject.toml"), "pyproject.toml", toml.into())?;
        let root = file.root();
        let project = root.table("project")?.expect("test toml has [project]");
        Metadata::read_with(project, dir, supplied)
    }

    /// Read from a fresh empty directory.
    pub fn read(toml: &str) -> Result<Metadata> {
        let dir = tempfile::tempdir().unwrap();
        read_in(dir.path(), toml)
    }

    /// The error message of reading `toml` from a fresh empty directory.
    pub fn err(toml: &str) -> String {
        match read(toml) {
            Ok(m) => panic!("expected an error, got {m:?}"),
            Err(e) => e.message().to_string(),
        }
    }

    pub fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{err, read, read_with_in};
    use super::*;

    const MIN: &str = "[project]\nname = \"Hello.Server\"\nversion = \"1.0.0-RC1\"\n";

    #[test]
    fn minimal_name_and_version() {
        let m = read(MIN).unwrap();
        assert_eq!(m.name.value, "Hello.Server");
        assert_eq!(m.dist_name(), "hello_server");
        assert_eq!(m.version_string(), "1.0.0rc1");
    }

    #[test]
    fn normalizes_names() {
        assert_eq!(normalize_name("Friendly-Bard"), "friendly-bard");
        assert_eq!(normalize_name("FRIENDLY_._BARD"), "friendly-bard");
        assert_eq!(normalize_name("a.b"), "a-b");
        // PEP 503 keeps a separator at either end (as one `-`); `binwheel
        // check` once dropped it and so disagreed with the build.
        assert_eq!(normalize_name("-Foo"), "-foo");
        assert_eq!(normalize_name("_.foo__"), "-foo-");
        assert!(is_valid_name("a"));
        assert!(is_valid_name("a.b-c_d9"));
        assert!(!is_valid_name("-a"));
        assert!(!is_valid_name("a b"));
        assert!(!is_valid_name(""));
    }

    #[test]
    fn bad_name() {
        let e = err("[project]\nname = \"hello world!\"\nversion = \"1\"\n");
        assert!(
            e.starts_with(
                "pyproject.toml:2:8: `project.name` = \"hello world!\" is not a valid project name"
            ),
            "{e}"
        );
        assert!(e.contains("e.g. \"hello-world\""), "{e}");
    }

    #[test]
    fn missing_name() {
        let e = err("[project]\nversion = \"1\"\n");
        assert!(e.contains("`project.name` is required but missing"), "{e}");
    }

    #[test]
    fn bad_version() {
        let e = err("[project]\nname = \"a\"\nversion = \"1.0-foo\"\n");
        assert!(
            e.starts_with("pyproject.toml:3:11: bad version: `project.version` = \"1.0-foo\" is not a valid PEP 440 version"),
            "{e}"
        );
        assert!(e.contains("help: a version looks like \"1.2.3\""), "{e}");
    }

    #[test]
    fn missing_version() {
        let e = err("[project]\nname = \"a\"\n");
        assert!(
            e.contains("`project.version` is required but missing"),
            "{e}"
        );
    }

    #[test]
    fn description_is_one_line() {
        let m = read(&format!("{MIN}description = \"A server\"\n")).unwrap();
        assert_eq!(m.description.as_deref(), Some("A server"));
        let e = err(&format!("{MIN}description = \"\"\"two\nlines\"\"\"\n"));
        assert!(e.contains("`project.description` must be one line"), "{e}");
        let tab = read(&format!("{MIN}description = \"A\\tserver\"\n")).unwrap();
        assert_eq!(tab.description.as_deref(), Some("A\tserver"));
    }

    #[test]
    fn control_characters_never_reach_metadata() {
        // TOML escapes let any character into a string; one-line metadata
        // values refuse the control characters (a tab is whitespace).
        for (toml, says) in [
            (
                "description = \"ring \\u0007\"\n",
                "`project.description` contains the control character U+0007",
            ),
            (
                "authors = [{ name = \"Nul \\u0000 Byte\" }]\n",
                "contains the control character U+0000",
            ),
            (
                "keywords = [\"esc\\u001b[31m\"]\n",
                "contains the control character U+001B",
            ),
            (
                "classifiers = [\"A \\u0085 B\"]\n",
                "must be one non-empty line",
            ),
            (
                "urls = { \"Home\\u0008\" = \"https://x.org\" }\n",
                "must be one line without commas",
            ),
            (
                "urls = { Home = \"https://x.org/\\u007f\" }\n",
                "control character",
            ),
        ] {
            let e = err(&format!("{MIN}{toml}"));
            assert!(e.contains(says), "{toml}: {e}");
            assert!(e.contains("pyproject.toml:"), "{e}");
        }
    }

    #[test]
    fn requires_python() {
        let m = read(&format!("{MIN}requires-python = \">=3.9,<4\"\n")).unwrap();
        assert_eq!(m.requires_python.unwrap().to_string(), ">=3.9, <4");
        let e = err(&format!("{MIN}requires-python = \">=3.9,,\"\n"));
        assert!(
            e.contains("`project.requires-python` = \">=3.9,,\" is not a valid version specifier"),
            "{e}"
        );
    }

    #[test]
    fn authors_and_maintainers() {
        let m = read(&format!(
            "{MIN}authors = [{{ name = \"Jane Doe\", email = \"jane@example.org\" }}, {{ name = \"Bob\" }}, {{ email = \"x@y.z\" }}]\n\
             [[project.maintainers]]\nname = \"J. R.\"\nemail = \"jr@example.org\"\n"
        ))
        .unwrap();
        assert_eq!(m.authors.len(), 3);
        assert_eq!(
            m.authors[1],
            Person {
                name: Some("Bob".into()),
                email: None
            }
        );
        assert_eq!(m.maintainers[0].name.as_deref(), Some("J. R."));
    }

    #[test]
    fn bad_people() {
        let e = err(&format!("{MIN}authors = [{{ name = \"Doe, Jane\" }}]\n"));
        assert!(
            e.contains("`project.authors[0].name` must not contain commas"),
            "{e}"
        );
        let e = err(&format!(
            "{MIN}authors = [{{ email = \"Jane <jane@x.org>\" }}]\n"
        ));
        assert!(e.contains("is not an email address"), "{e}");
        let e = err(&format!("{MIN}authors = [{{}}]\n"));
        assert!(
            e.contains("`project.authors[0]` needs a `name`, an `email` or both"),
            "{e}"
        );
        let e = err(&format!(
            "{MIN}maintainers = [{{ name = \"a\", mail = \"a@b.c\" }}]\n"
        ));
        assert!(
            e.contains("unknown key `mail` in [project.maintainers[0]]"),
            "{e}"
        );
        assert!(e.contains("did you mean `email`?"), "{e}");
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("a@b.c"));
        assert!(is_valid_email("first.last+tag@sub.example.org"));
        assert!(!is_valid_email("a"));
        assert!(!is_valid_email("a@"));
        assert!(!is_valid_email("a b@c.d"));
        assert!(!is_valid_email("a@b@c"));
        assert!(!is_valid_email("<a@b.c>"));
    }

    #[test]
    fn keywords_and_classifiers() {
        let m = read(&format!(
            "{MIN}keywords = [\"cli\", \"http\"]\nclassifiers = [\"Programming Language :: Rust\"]\n"
        ))
        .unwrap();
        assert_eq!(m.keywords, ["cli", "http"]);
        assert_eq!(m.classifiers, ["Programming Language :: Rust"]);
        let e = err(&format!("{MIN}keywords = [\"a,b\"]\n"));
        assert!(
            e.contains("`project.keywords[0]` must not contain a comma"),
            "{e}"
        );
    }

    #[test]
    fn urls() {
        let m = read(&format!(
            "{MIN}[project.urls]\nRepository = \"https://example.org/r\"\nHomepage = \"https://example.org\"\n"
        ))
        .unwrap();
        assert_eq!(
            m.urls,
            [
                (
                    "Repository".to_string(),
                    "https://example.org/r".to_string()
                ),
                ("Homepage".to_string(), "https://example.org".to_string())
            ]
        );
        let e = err(&format!("{MIN}urls = {{ Docs = \"example.org\" }}\n"));
        assert!(
            e.contains("`project.urls.Docs` = \"example.org\" is not a valid URL"),
            "{e}"
        );
        let e = err(&format!("{MIN}urls = {{ \"a, b\" = \"https://x.org\" }}\n"));
        assert!(e.contains("must be one line without commas"), "{e}");
        let e = err(&format!(
            "{MIN}urls = {{ {} = \"https://x.org\" }}\n",
            "a".repeat(33)
        ));
        assert!(e.contains("longer than 32 characters"), "{e}");
    }

    #[test]
    fn unknown_key_suggests() {
        let e = err(&format!("{MIN}licence = \"MIT\"\n"));
        assert!(
            e.starts_with("pyproject.toml:4:1: unknown key `licence` in [project]"),
            "{e}"
        );
        assert!(e.ends_with("help: did you mean `license`?"), "{e}");
    }

    #[test]
    fn name_in_dynamic() {
        let e = err("[project]\nname = \"a\"\nversion = \"1\"\ndynamic = [\"name\"]\n");
        assert!(
            e.starts_with("pyproject.toml:4:12: `name` cannot be dynamic"),
            "{e}"
        );
    }

    #[test]
    fn static_and_dynamic() {
        let e = err("[project]\nname = \"a\"\nversion = \"1\"\ndynamic = [\"version\"]\n");
        assert!(
            e.contains("`version` is both written in [project] and listed in `project.dynamic`"),
            "{e}"
        );
    }

    #[test]
    fn static_and_dynamic_comes_first() {
        // Listed after a key binwheel cannot fill, and after a typo: the
        // specification's error is still the one reported.
        for dynamic in [
            "[\"readme\", \"version\"]",
            "[\"dependencis\", \"version\"]",
        ] {
            let e = err(&format!(
                "[project]\nname = \"a\"\nversion = \"1\"\ndynamic = {dynamic}\n"
            ));
            assert!(e.starts_with("pyproject.toml:4:"), "{e}");
            assert!(
                e.contains(
                    "`version` is both written in [project] and listed in `project.dynamic`"
                ),
                "{e}"
            );
            assert!(e.contains("help: a key is either static or dynamic"), "{e}");
        }
        // A supplied version does not hide it either.
        let dir = tempfile::tempdir().unwrap();
        let supplied = DynamicValues {
            version: Some(Version::from_str("2.0.0").unwrap()),
        };
        let e = read_with_in(
            dir.path(),
            "[project]\nname = \"a\"\nversion = \"1\"\ndynamic = [\"version\"]\n",
            supplied,
        )
        .unwrap_err();
        assert!(e.message().contains("is both written"), "{e}");
    }

    #[test]
    fn dynamic_without_a_source() {
        let e = err("[project]\nname = \"a\"\ndynamic = [\"version\"]\n");
        assert!(
            e.contains("binwheel has no way to fill `version` dynamically"),
            "{e}"
        );
        assert!(e.contains("help: write `version` in [project]"), "{e}");
        let e = err("[project]\nname = \"a\"\nversion = \"1\"\ndynamic = [\"readme\"]\n");
        assert!(e.contains("no way to fill `readme` dynamically"), "{e}");
        let e = err("[project]\nname = \"a\"\nversion = \"1\"\ndynamic = [\"dependencis\"]\n");
        assert!(
            e.contains("lists \"dependencis\", which is not a [project] key"),
            "{e}"
        );
        assert!(e.contains("did you mean \"dependencies\"?"), "{e}");
    }

    #[test]
    fn dynamic_version_supplied() {
        let dir = tempfile::tempdir().unwrap();
        let supplied = DynamicValues {
            version: Some(Version::from_str("2.0.0").unwrap()),
        };
        let toml = "[project]\nname = \"a\"\ndynamic = [\"version\"]\n";
        let m = read_with_in(dir.path(), toml, supplied.clone()).unwrap();
        assert_eq!(m.version_string(), "2.0.0");
        assert_eq!(m.dynamic, ["version"]);
        let e = read_with_in(
            dir.path(),
            "[project]\nname = \"a\"\nversion = \"1\"\n",
            supplied,
        )
        .unwrap_err();
        assert!(e.message().contains("does not list \"version\""), "{e}");
    }

    #[test]
    fn lists_dynamic() {
        let file = TomlFile::parse(
            Path::new("pyproject.toml"),
            "pyproject.toml",
            "[project]\ndynamic = [\"version\"]\n".into(),
        )
        .unwrap();
        let root = file.root();
        let project = root.table("project").unwrap().unwrap();
        assert!(Metadata::lists_dynamic(&project, "version"));
        assert!(!Metadata::lists_dynamic(&project, "readme"));
    }

    #[test]
    fn sub_span_narrows_plain_literals_only() {
        let text = "a = \"xyz\"\nb = \"x\\u0079z\"\n".to_string();
        let file = TomlFile::parse(Path::new("p.toml"), "p.toml", text).unwrap();
        assert_eq!(sub_span(&file, Some(4..9), "xyz", 1..2), Some(6..7));
        assert_eq!(sub_span(&file, Some(14..24), "xyz", 1..2), Some(14..24));
    }
}
