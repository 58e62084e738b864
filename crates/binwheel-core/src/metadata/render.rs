//! Core Metadata text: `METADATA` (wheels) and `PKG-INFO` (sdists).
//!
//! Owns: field names, field order, the Metadata-Version each field needs, how
//! people and multi-line values are written. Output is a pure function of the
//! validated [`Metadata`], so it is deterministic.

use super::{License, Metadata, Person};

/// Metadata-Versions this module can write, lowest first.
const VERSIONS: &[(u8, u8)] = &[
    (1, 0),
    (1, 1),
    (1, 2),
    (2, 1),
    (2, 2),
    (2, 3),
    (2, 4),
    (2, 5),
];

/// The floor for `METADATA`: the wheel specification asks for 1.1 or later.
const WHEEL_FLOOR: (u8, u8) = (1, 1);
/// The floor for `PKG-INFO`: the sdist specification asks for 2.2 or later.
const SDIST_FLOOR: (u8, u8) = (2, 2);

impl Metadata {
    /// `METADATA` text (for wheels). `dynamic` lists Core Metadata field names
    /// (e.g. `"Requires-Dist"`) to emit as `Dynamic:` (PEP 643); empty for
    /// wheels built by binwheel.
    pub fn core_metadata(&self, dynamic: &[&str]) -> String {
        self.render(dynamic, WHEEL_FLOOR)
    }

    /// `PKG-INFO` text (for sdists): like [`Metadata::core_metadata`], but at
    /// least Metadata-Version 2.2 as the sdist specification requires.
    pub fn pkg_info(&self, dynamic: &[&str]) -> String {
        self.render(dynamic, SDIST_FLOOR)
    }

    /// The lowest Metadata-Version covering every field written (and `floor`).
    fn metadata_version(&self, dynamic: &[&str], floor: (u8, u8)) -> (u8, u8) {
        let mut needed = floor;
        let mut need = |v: (u8, u8)| needed = needed.max(v);
        if !self.classifiers.is_empty() {
            need((1, 1));
        }
        if !self.maintainers.is_empty()
            || !self.urls.is_empty()
            || self.requires_python.is_some()
            || !self.dependencies.is_empty()
            || self
                .optional_dependencies
                .iter()
                .any(|e| !e.requirements.is_empty())
        {
            need((1, 2));
        }
        if self.readme.is_some() || !self.optional_dependencies.is_empty() {
            need((2, 1));
        }
        if !dynamic.is_empty() {
            need((2, 2));
        }
        if matches!(self.license, Some(License::Expression(_))) || !self.license_files.is_empty() {
            need((2, 4));
        }
        // PEP 794; older upload tools refuse 2.5, so only when asked for.
        if self.import_names.names.is_some() || !self.import_names.namespaces.is_empty() {
            need((2, 5));
        }
        debug_assert!(VERSIONS.contains(&needed));
        needed
    }

    fn render(&self, dynamic: &[&str], floor: (u8, u8)) -> String {
        debug_assert!(
            dynamic
                .iter()
                .all(|d| !["name", "version", "metadata-version"]
                    .contains(&d.to_ascii_lowercase().as_str())),
            "Name, Version and Metadata-Version cannot be Dynamic"
        );
        let (major, minor) = self.metadata_version(dynamic, floor);
        let mut out = Headers::default();
        out.field("Metadata-Version", &format!("{major}.{minor}"));
        out.field("Name", &self.name.value);
        out.field("Version", &self.version_string());
        for field in dynamic {
            out.field("Dynamic", field);
        }
        if let Some(summary) = &self.description {
            out.field("Summary", summary);
        }
        if !self.keywords.is_empty() {
            out.field("Keywords", &self.keywords.join(","));
        }
        out.people("Author", &self.authors);
        out.people("Maintainer", &self.maintainers);
        match &self.license {
            Some(License::Expression(expr)) => out.field("License-Expression", expr),
            Some(License::Text(text)) => out.folded("License", text),
            Some(License::File(_)) | None => {}
        }
        for file in &self.license_files {
            out.field("License-File", &file.name);
        }
        for classifier in &self.classifiers {
            out.field("Classifier", classifier);
        }
        for (label, url) in &self.urls {
            out.field("Project-URL", &format!("{label}, {url}"));
        }
        if let Some(requires_python) = &self.requires_python {
            out.field("Requires-Python", &requires_python.to_string());
        }
        for requirement in &self.dependencies {
            out.field("Requires-Dist", requirement);
        }
        for extra in &self.optional_dependencies {
            out.field("Provides-Extra", &extra.name);
            for requirement in &extra.requirements {
                out.field("Requires-Dist", requirement);
            }
        }
        match &self.import_names.names {
            // `import-names = []`: one empty field, "no import names at all".
            Some(names) if names.is_empty() => out.0.push_str("Import-Name:\n"),
            Some(names) => {
                for name in names {
                    out.field("Import-Name", &name.field_value());
                }
            }
            None => {}
        }
        for namespace in &self.import_names.namespaces {
            out.field("Import-Namespace", &namespace.field_value());
        }
        let mut text = out.0;
        if let Some(readme) = &self.readme {
            text.push_str(&format!(
                "Description-Content-Type: {}\n",
                readme.content_type
            ));
            text.push('\n');
            text.push_str(&readme.text);
        }
        text
    }
}

#[derive(Default)]
struct Headers(String);

impl Headers {
    /// A single-line field (values were validated to be one line).
    fn field(&mut self, name: &str, value: &str) {
        debug_assert!(!value.contains(['\n', '\r']), "{name} must be one line");
        self.0.push_str(name);
        self.0.push_str(": ");
        self.0.push_str(value);
        self.0.push('\n');
    }

    /// A multi-line field: continuation lines are indented (RFC 822 folding),
    /// so blank lines in the value stay inside the field.
    fn folded(&mut self, name: &str, value: &str) {
        self.0.push_str(name);
        self.0.push(':');
        // A lone CR is a line break to email parsers too: fold at it, never
        // write it (it would end the field and start a bogus header).
        let value = value.replace("\r\n", "\n").replace('\r', "\n");
        for (i, line) in value.lines().enumerate() {
            self.0.push_str(if i == 0 { " " } else { "\n        " });
            self.0.push_str(line);
        }
        self.0.push('\n');
    }

    /// `Author`/`Author-email` (or `Maintainer…`) per the pyproject spec:
    /// names without email go to the first, everything with an email to the
    /// second as `name <email>`; several people are joined with commas.
    fn people(&mut self, field: &str, people: &[Person]) {
        let names: Vec<&str> = people
            .iter()
            .filter(|p| p.email.is_none())
            .filter_map(|p| p.name.as_deref())
            .collect();
        let emails: Vec<String> = people
            .iter()
            .filter_map(|p| {
                let email = p.email.as_deref()?;
                Some(match p.name.as_deref() {
                    Some(name) => format!("{} <{email}>", display_name(name)),
                    None => email.to_string(),
                })
            })
            .collect();
        if !names.is_empty() {
            self.field(field, &names.join(", "));
        }
        if !emails.is_empty() {
            self.field(&format!("{field}-email"), &emails.join(", "));
        }
    }
}

/// An RFC 822 display name: quoted when it holds special characters.
fn display_name(name: &str) -> String {
    if name.contains(|c: char| "()<>[]:;@\\,.\"".contains(c)) {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{read, read_in, write};

    const MIN: &str = "[project]\nname = \"Hello-Server\"\nversion = \"1.0.0-rc.1\"\n";

    #[test]
    fn minimal() {
        let m = read(MIN).unwrap();
        assert_eq!(
            m.core_metadata(&[]),
            "Metadata-Version: 1.1\nName: Hello-Server\nVersion: 1.0.0rc1\n"
        );
        assert_eq!(
            m.pkg_info(&[]),
            "Metadata-Version: 2.2\nName: Hello-Server\nVersion: 1.0.0rc1\n"
        );
    }

    #[test]
    fn lowest_metadata_version() {
        let v = |extra: &str, dynamic: &[&str]| {
            let m = read(&format!("{MIN}{extra}")).unwrap();
            let text = m.core_metadata(dynamic);
            text.lines().next().unwrap().to_string()
        };
        assert_eq!(v("description = \"x\"\n", &[]), "Metadata-Version: 1.1");
        assert_eq!(
            v("requires-python = \">=3.9\"\n", &[]),
            "Metadata-Version: 1.2"
        );
        assert_eq!(v("dependencies = [\"a\"]\n", &[]), "Metadata-Version: 1.2");
        assert_eq!(
            v("optional-dependencies = { x = [] }\n", &[]),
            "Metadata-Version: 2.1"
        );
        assert_eq!(
            v(
                "readme = { text = \"x\", content-type = \"text/plain\" }\n",
                &[]
            ),
            "Metadata-Version: 2.1"
        );
        assert_eq!(v("", &["Requires-Dist"]), "Metadata-Version: 2.2");
        assert_eq!(v("license = \"MIT\"\n", &[]), "Metadata-Version: 2.4");
        assert_eq!(
            v("license = { text = \"MIT\" }\n", &[]),
            "Metadata-Version: 1.1"
        );
        assert_eq!(v("import-names = []\n", &[]), "Metadata-Version: 2.5");
        assert_eq!(
            v("import-namespaces = [\"a\"]\n", &[]),
            "Metadata-Version: 2.5"
        );
        // An empty `import-namespaces` writes no field, so needs no 2.5.
        assert_eq!(v("import-namespaces = []\n", &[]), "Metadata-Version: 1.1");
    }

    #[test]
    fn import_names() {
        let m = read(&format!(
            "{MIN}dependencies = [\"a\"]\nimport-names = [\"azure.mgmt.search\", \"_search ;  private\"]\n\
             import-namespaces = [\"azure\", \"azure.mgmt\"]\n"
        ))
        .unwrap();
        assert_eq!(
            m.core_metadata(&[]),
            "Metadata-Version: 2.5\nName: Hello-Server\nVersion: 1.0.0rc1\n\
             Requires-Dist: a\n\
             Import-Name: azure.mgmt.search\nImport-Name: _search; private\n\
             Import-Namespace: azure\nImport-Namespace: azure.mgmt\n"
        );
        let none = read(&format!("{MIN}import-names = []\n")).unwrap();
        assert_eq!(
            none.pkg_info(&[]),
            "Metadata-Version: 2.5\nName: Hello-Server\nVersion: 1.0.0rc1\nImport-Name:\n"
        );
    }

    #[test]
    fn people() {
        let m = read(&format!(
            "{MIN}authors = [{{ name = \"Ann\" }}, {{ name = \"Bob\" }}, {{ name = \"J. Doe\", email = \"j@x.org\" }}, {{ email = \"c@x.org\" }}]\n\
             maintainers = [{{ name = \"Zoë \\\"Z\\\" Q\", email = \"z@x.org\" }}]\n"
        ))
        .unwrap();
        let text = m.core_metadata(&[]);
        assert!(text.contains("Author: Ann, Bob\n"), "{text}");
        assert!(
            text.contains("Author-email: \"J. Doe\" <j@x.org>, c@x.org\n"),
            "{text}"
        );
        assert!(
            text.contains("Maintainer-email: \"Zoë \\\"Z\\\" Q\" <z@x.org>\n"),
            "{text}"
        );
        assert!(!text.contains("Maintainer:"), "{text}");
        let m = read(&format!("{MIN}maintainers = [{{ name = \"Ops\" }}]\n")).unwrap();
        assert!(m.core_metadata(&[]).ends_with("Maintainer: Ops\n"));
    }

    #[test]
    fn multi_line_license_text() {
        let m = read(&format!(
            "{MIN}license = {{ text = \"\"\"Line one\n\nLine three\n\"\"\" }}\n"
        ))
        .unwrap();
        assert!(m
            .core_metadata(&[])
            .ends_with("License: Line one\n        \n        Line three\n"));
    }

    /// Every field at once; checked by hand with
    /// `packaging.metadata.Metadata.from_email(text, validate=True)`.
    #[test]
    fn complete() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "README.md", "# Hello\n\nA server.\n");
        write(dir.path(), "LICENSE", "MIT License\n");
        write(dir.path(), "licenses/third-party/zlib.txt", "zlib\n");
        let toml = r#"[project]
name = "hello-server"
version = "1.2.0"
description = "Serves hello"
readme = "README.md"
requires-python = ">=3.9"
license = "mit and (apache-2.0 or zlib)"
license-files = ["LICENSE", "licenses/**/*.txt"]
authors = [{ name = "Jane Doe", email = "jane@example.org" }, { name = "Ann" }]
maintainers = [{ email = "ops@example.org" }]
keywords = ["http", "server"]
classifiers = ["Programming Language :: Rust", "Environment :: Console"]
dependencies = ["requests>=2.31", "tomli>=2; python_version < '3.11'"]

[project.optional-dependencies]
Dev = ["pytest>=8", "colorama; sys_platform == 'win32' or os_name == 'nt'"]

[project.urls]
Homepage = "https://example.org"
Issues = "https://example.org/issues"

[project.scripts]
hello = "hello.cli:main"
"#;
        let m = read_in(dir.path(), toml).unwrap();
        let expected = "\
Metadata-Version: 2.4
Name: hello-server
Version: 1.2.0
Summary: Serves hello
Keywords: http,server
Author: Ann
Author-email: Jane Doe <jane@example.org>
Maintainer-email: ops@example.org
License-Expression: MIT AND (Apache-2.0 OR Zlib)
License-File: LICENSE
License-File: licenses/third-party/zlib.txt
Classifier: Programming Language :: Rust
Classifier: Environment :: Console
Project-URL: Homepage, https://example.org
Project-URL: Issues, https://example.org/issues
Requires-Python: >=3.9
Requires-Dist: requests>=2.31
Requires-Dist: tomli>=2; python_version < '3.11'
Provides-Extra: dev
Requires-Dist: pytest>=8; extra == \"dev\"
Requires-Dist: colorama; (sys_platform == 'win32' or os_name == 'nt') and extra == \"dev\"
Description-Content-Type: text/markdown

# Hello

A server.
";
        assert_eq!(m.core_metadata(&[]), expected);
        assert_eq!(
            m.pkg_info(&["Requires-Dist"]),
            expected.replacen(
                "Version: 1.2.0\n",
                "Version: 1.2.0\nDynamic: Requires-Dist\n",
                1
            )
        );
    }

    /// docs/metadata.md's conformance table has a row for every [project]
    /// key and every field binwheel can write, and names only tests that exist.
    #[test]
    fn conformance_table_is_complete() {
        let crate_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let repo = crate_dir.parent().unwrap().parent().unwrap();
        let doc = std::fs::read_to_string(repo.join("docs/metadata.md")).unwrap();
        let table = &doc[doc.find("## Conformance").expect("a Conformance section")..];
        let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| ")).collect();
        let has_row = |name: &str| {
            rows.iter().any(|r| {
                r.split('|')
                    .nth(1)
                    .is_some_and(|c| c.contains(&format!("`{name}`")))
            })
        };
        for key in super::super::PROJECT_KEYS {
            assert!(has_row(key), "no row for `[project]` key {key}");
        }
        // Every field a project using every key gets, and the legacy License.
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "README.md", "# x\n");
        write(dir.path(), "LICENSE", "x\n");
        let every = read_in(
            dir.path(),
            &format!(
                "{MIN}description = \"x\"\nreadme = \"README.md\"\nrequires-python = \">=3\"\n\
                 license = \"MIT\"\nlicense-files = [\"LICENSE\"]\nauthors = [{{ name = \"A\" }}, {{ email = \"a@b.c\" }}]\n\
                 maintainers = [{{ name = \"A\" }}, {{ email = \"a@b.c\" }}]\nkeywords = [\"k\"]\nclassifiers = [\"C :: D\"]\n\
                 urls = {{ Home = \"https://x.org\" }}\ndependencies = [\"a\"]\noptional-dependencies = {{ x = [\"b\"] }}\n\
                 import-names = [\"x\"]\nimport-namespaces = [\"y\"]\n"
            ),
        )
        .unwrap()
        .pkg_info(&["Requires-Dist"]);
        let legacy = read(&format!("{MIN}license = {{ text = \"x\" }}\n")).unwrap();
        let headers = format!(
            "{}\n{}",
            every.split("\n\n").next().unwrap(),
            legacy.core_metadata(&[])
        );
        let mut fields: Vec<&str> = headers
            .lines()
            .filter_map(|l| l.split_once(':').map(|(f, _)| f))
            .filter(|f| !f.starts_with(' ') && !f.is_empty())
            .collect();
        fields.sort();
        fields.dedup();
        assert!(fields.len() >= 21, "{fields:?}");
        for field in fields {
            assert!(has_row(field), "no row for the field {field}");
        }
        // Every test named exists: `file::name` under src/, or tests/*.py::name.
        let mut named = 0;
        for cell in rows.iter().filter_map(|r| r.rsplit('|').nth(1)) {
            for reference in cell.split('`').filter(|s| s.contains("::")) {
                let (file, test) = reference.rsplit_once("::").unwrap();
                let (path, needle) = if file.starts_with("tests/") {
                    (repo.join(file), format!("def {test}("))
                } else {
                    (crate_dir.join("src").join(file), format!("fn {test}("))
                };
                let source = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{reference}: {}: {e}", path.display()));
                assert!(
                    source.contains(&needle),
                    "{reference}: no {needle} in {}",
                    path.display()
                );
                named += 1;
            }
        }
        assert!(named > 60, "{named}");
    }
}
