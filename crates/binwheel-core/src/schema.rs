//! The JSON Schema of `[tool.binwheel]` and the key tables of
//! docs/configuration.md, both rendered from the key descriptions that sit
//! beside their readers (`settings::ROOT` and the sections under it).
//!
//! Owns the rendering only: a [`Text`]'s regular expression, the JSON
//! Schema (draft 7, the dialect validate-pyproject and editors read), the
//! Markdown tables between the `<!-- generated: … -->` markers, and sample
//! documents that use every key. What a key is, and what is valid, is the
//! description's and the reader's; the tests here hold the schema's patterns
//! to the reader's rules and the committed files to the descriptions. It
//! knows no files (the caller passes the page in), no Python and no build
//! rules.

use crate::json::Json;
use crate::keys::{Absent, Key, Rule, Section, Text, Value, PYTHON_KEYWORDS, URL_SCHEMES};
use crate::settings::ROOT;
use crate::target::{ARCH_SPELLINGS, OS_SPELLINGS};

/// Where validate-pyproject files the schema (its `$id`); never fetched.
pub const SCHEMA_ID: &str = "urn:binwheel:tool-binwheel-schema";

/// Every section, `[tool.binwheel]` first, then each table under it in the
/// order its key is described.
pub fn sections() -> Vec<&'static Section> {
    fn walk(section: &'static Section, out: &mut Vec<&'static Section>) {
        out.push(section);
        for key in section.keys {
            if let Value::Table(s) | Value::Tables(s) | Value::Targets(s) = key.value {
                walk(s, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&ROOT, &mut out);
    out
}

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
    let mut out = Json::Object(schema).pretty();
    out.push('\n');
    out
}

/// The regular expression (ECMA 262, Python and Rust alike) for `text`, if it has one.
pub fn pattern(text: Text) -> Option<String> {
    Some(match text {
        Text::Any | Text::Glob | Text::Requirement => return None,
        Text::Identifier => "^[A-Za-z_][A-Za-z0-9_]*$".into(),
        Text::CommandName | Text::BinaryName => "^[A-Za-z0-9_][A-Za-z0-9_.-]*$".into(),
        Text::RelativeDir => "^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$".into(),
        Text::Template(names) => format!("^{}$", template_body(names)),
        Text::Url(names) => format!(
            "^(?:{})://{}$",
            URL_SCHEMES
                .iter()
                .map(|s| any_case(s))
                .collect::<Vec<_>>()
                .join("|"),
            template_body(names)
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
        Value::Bool => Json::object([("type", Json::str("boolean"))]),
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
        .filter(|k| k.required())
        .map(|k| Json::str(k.name))
        .collect();
    if !required.is_empty() {
        fields.push(("required".into(), Json::Array(required)));
    }
    let properties = section
        .keys
        .iter()
        .map(|key| (key.name.to_string(), key_schema(key)))
        .collect();
    fields.push(("properties".into(), Json::Object(properties)));
    fields.extend(rules_schema(section.rules));
    Json::Object(fields)
}

/// A key's description, type and default.
fn key_schema(key: &Key) -> Json {
    let Json::Object(mut property) = value_schema(&key.value) else {
        unreachable!("every value renders as an object")
    };
    let doc = match key.default {
        Absent::Derived(text) => format!("{} Default: {text}.", key.doc),
        _ => key.doc.to_string(),
    };
    property.insert(0, ("description".into(), Json::String(doc)));
    if let (true, Value::Tables(_)) = (key.required(), &key.value) {
        // A required array of tables needs at least one table.
        property.push(("minItems".into(), Json::Int(1)));
    }
    let default = match key.default {
        Absent::Int(i) => Some(Json::Int(i)),
        Absent::Str(s) => Some(Json::str(s)),
        Absent::EmptyList => Some(Json::Array(Vec::new())),
        Absent::Bool(b) => Some(Json::Bool(b)),
        Absent::Required | Absent::Nothing | Absent::Derived(_) => None,
    };
    if let Some(default) = default {
        property.push(("default".into(), default));
    }
    Json::Object(property)
}

/// `oneOf`, `dependencies` and `allOf` for the rules between a section's keys.
fn rules_schema(rules: &[Rule]) -> Vec<(String, Json)> {
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
    let mut fields = Vec::new();
    let mut dependencies: Vec<(String, Vec<Json>)> = Vec::new();
    let mut conditions = Vec::new();
    for rule in rules {
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
    fields
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
            // A key outside every exactly-one group that excludes others
            // (a binary's `archive` and its own `url`): the odd documents
            // write the others instead.
            Rule::Excludes(key, _) if alt % 2 == 1 && !in_exactly_one(section, key) => {
                dropped.push(key)
            }
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

/// Whether `key` is one of an exactly-one group of `section`.
fn in_exactly_one(section: &Section, key: &str) -> bool {
    section
        .rules
        .iter()
        .any(|r| matches!(r, Rule::ExactlyOne(group) if group.contains(&key)))
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

/// How docs/configuration.md opens and closes each generated table.
const BEGIN: &str = "<!-- generated: ";
const END: &str = "<!-- end generated -->";

/// The command that rewrites the generated files from the descriptions.
pub const REGENERATE: &str =
    "BINWHEEL_BLESS=1 cargo test -p binwheel-core --lib schema::tests::generated_files_are_current";

/// `page` (docs/configuration.md) with every region between
/// `<!-- generated: <section path> -->` and `<!-- end generated -->`
/// replaced by that section's key table. Each section has exactly one
/// region; the prose around them is kept as written.
pub fn render_configuration(page: &str) -> Result<String, String> {
    let mut out = String::with_capacity(page.len());
    let mut done: Vec<&str> = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let (path, after) = after
            .split_once(" -->\n")
            .ok_or("a `<!-- generated: ` marker is not closed by ` -->` and a newline")?;
        let section = sections()
            .into_iter()
            .find(|s| s.path == path)
            .ok_or_else(|| format!("`<!-- generated: {path} -->` names no section"))?;
        if done.contains(&path) {
            return Err(format!("two regions are generated for {path}"));
        }
        let end = after
            .find(END)
            .ok_or_else(|| format!("the region of {path} has no `{END}`"))?;
        out.push_str(&rest[..start + BEGIN.len()]);
        out.push_str(path);
        out.push_str(" -->\n");
        out.push_str(&key_table(section));
        out.push_str(END);
        done.push(path);
        rest = &after[end + END.len()..];
    }
    out.push_str(rest);
    match sections().into_iter().find(|s| !done.contains(&s.path)) {
        Some(s) => Err(format!(
            "no `<!-- generated: {} -->` region for its keys",
            s.path
        )),
        None => Ok(out),
    }
}

/// A section's keys as a Markdown table, then the rules between them.
fn key_table(section: &Section) -> String {
    let mut out = String::from("| key | type | default | meaning |\n|---|---|---|---|\n");
    for key in section.keys {
        let meaning = match key.details {
            "" => key.doc.to_string(),
            more => format!("{} {more}", key.doc),
        };
        let default = match key.default {
            Absent::Required => "required".to_string(),
            Absent::Nothing => "none".to_string(),
            Absent::Derived(text) => text.to_string(),
            Absent::Int(i) => format!("`{i}`"),
            Absent::Str(s) => format!("`\"{s}\"`"),
            Absent::EmptyList => "`[]`".to_string(),
            Absent::Bool(b) => format!("`{b}`"),
        };
        let cells = [
            format!("`{}`", key.name),
            type_name(&key.value),
            default,
            meaning,
        ];
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    if !section.rules.is_empty() {
        let rules: Vec<String> = section.rules.iter().map(rule_text).collect();
        out.push_str(&format!("\nRules: {}.\n", rules.join("; ")));
    }
    out
}

/// What a value is, in the words of the reference page.
fn type_name(value: &Value) -> String {
    let kind = |text: Text| text_name(text).unwrap_or("string");
    let plural = |text: Text| match text_name(text) {
        Some(name) => format!("{name}s"),
        None => "strings".to_string(),
    };
    match value {
        Value::Str(Text::Any) => "string".to_string(),
        Value::Str(text) => format!("string ({})", kind(*text)),
        Value::Choice(choices) => choices
            .iter()
            .map(|c| format!("`\"{c}\"`"))
            .collect::<Vec<_>>()
            .join(" or "),
        Value::True => "`true`".to_string(),
        Value::Bool => "`true` or `false`".to_string(),
        Value::Integer { min, max } => format!("integer {min}–{max}"),
        Value::List(text) => format!("array of {}", plural(*text)),
        Value::Argv(text) => format!("array of {}, the first a program", plural(*text)),
        Value::Map { keys, values } => {
            let keys = text_name(*keys).unwrap_or("name");
            format!("table: {keys} → {}", kind(*values))
        }
        Value::Table(_) => "table".to_string(),
        Value::Tables(_) => "array of tables".to_string(),
        Value::Targets(_) => "table: target key → table".to_string(),
    }
}

/// A [`Text`]'s name in the tables; `None` for free text.
fn text_name(text: Text) -> Option<&'static str> {
    Some(match text {
        Text::Any => return None,
        Text::Glob => "glob",
        Text::Identifier => "Python import name",
        Text::CommandName | Text::BinaryName => "file name",
        Text::RelativeDir => "relative directory",
        Text::Template(_) => "template",
        Text::Url(_) => "URL template",
        Text::Requirement => "PEP 508 requirement",
        Text::TargetName => "target key",
        Text::Sha256 => "64 hex digits",
        Text::PlatformTag => "platform tag",
        Text::Floor => "version `X_Y`",
    })
}

fn rule_text(rule: &Rule) -> String {
    let keys = |keys: &[&str]| {
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match rule {
        Rule::ExactlyOne(group) => format!("exactly one of {}", keys(group)),
        Rule::Needs(key, others) => format!("`{key}` needs {}", keys(others)),
        Rule::Excludes(key, others) => format!("`{key}` excludes {}", keys(others)),
        Rule::ExcludesWhen(key, value, others) => {
            format!("`{key} = \"{value}\"` excludes {}", keys(others))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Settings, ARCHIVE, BINARY, LIBRARY, TARGET};
    use crate::target::Target;
    use crate::template::PLACEHOLDERS;
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
            p if p == BINARY.path || p == LIBRARY.path || p == ARCHIVE.path => format!("{p}[0]"),
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

    /// Each reader lists its own section's keys when it meets one it does
    /// not know: it finishes with the description beside it. (A key that a
    /// reader reads but its description lacks, or the reverse, stops the
    /// reader in debug builds, which every sample document goes through.)
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

    /// Whether the schema of `text` accepts `s`: its `pattern`, and a
    /// `not` of an `enum` or a `pattern` (all that `text_schema` writes).
    fn schema_accepts(text: Text, s: &str) -> bool {
        let matches = |field: &(String, Json)| match field {
            (k, Json::String(p)) if k == "pattern" => Regex::new(p).unwrap().is_match(s),
            (k, Json::Array(items)) if k == "enum" => {
                items.iter().any(|i| matches!(i, Json::String(x) if x == s))
            }
            (k, _) => panic!("text_schema wrote `{k}`, which this test cannot read"),
        };
        text_schema(text).iter().all(|field| match field {
            (k, _) if k == "type" => true,
            (k, Json::Object(not)) if k == "not" => !not.iter().all(matches),
            field => matches(field),
        })
    }

    /// Where a rule lives in `keys` (`Text::accepts`), the schema says the
    /// same on strings near its edges.
    #[test]
    fn schemas_agree_with_the_rules() {
        let probes = [
            "hello_2",
            "_x",
            "2x",
            "a-b",
            "class",
            "None",
            "hello",
            "hello.exe",
            "lib.so.1",
            "-x",
            ".x",
            "a b",
            "lib/x",
            "a/../b",
            "/lib",
            "lib/",
            "a//b",
            "a\\b",
            "./lib",
            "a/b",
            "",
            "2_17",
            "1.2",
            "2_x",
            "2_17_1",
            "2",
            "manylinux_2_17_x86_64",
            "macosx_11_0_arm64.macosx_11_0_x86_64",
            "py3-none-any",
        ];
        let hashes = [
            "ab".repeat(32),
            "AB".repeat(32),
            "ab".repeat(31),
            "xy".repeat(32),
        ];
        let texts = [
            Text::Identifier,
            Text::CommandName,
            Text::BinaryName,
            Text::RelativeDir,
            Text::Sha256,
            Text::PlatformTag,
            Text::Floor,
        ];
        for text in texts {
            for s in probes
                .iter()
                .copied()
                .chain(hashes.iter().map(String::as_str))
            {
                assert_eq!(
                    Some(schema_accepts(text, s)),
                    text.accepts(s),
                    "{s:?} in {:?}",
                    pattern(text)
                );
            }
        }
        for k in PYTHON_KEYWORDS {
            assert!(!schema_accepts(Text::Identifier, k), "{k}");
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
        let url = Regex::new(&pattern(Text::Url(PLACEHOLDERS)).unwrap()).unwrap();
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

    /// The files rendered from the descriptions, relative to the repository.
    fn generated_files(repo: &Path) -> Vec<(&'static str, String)> {
        let page = "docs/configuration.md";
        let current = std::fs::read_to_string(repo.join(page)).expect(page);
        let docs = render_configuration(&current).unwrap_or_else(|e| panic!("{page}: {e}"));
        vec![
            (page, docs),
            ("docs/tool-binwheel.schema.json", json_schema()),
        ]
    }

    /// The committed schema and key tables are what the descriptions give;
    /// `BINWHEEL_BLESS=1` rewrites them instead of failing.
    #[test]
    fn generated_files_are_current() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let bless = std::env::var("BINWHEEL_BLESS").is_ok_and(|v| v == "1");
        let mut stale = Vec::new();
        for (file, want) in generated_files(&repo) {
            let have = std::fs::read_to_string(repo.join(file)).unwrap_or_default();
            if have == want {
                continue;
            }
            if bless {
                std::fs::write(repo.join(file), want).expect(file);
            } else {
                stale.push(file);
            }
        }
        assert!(
            stale.is_empty(),
            "{} differ from the key descriptions in the code; regenerate with:\n    {REGENERATE}",
            stale.join(" and ")
        );
    }

    #[test]
    fn every_section_has_one_generated_region() {
        let region = |path: &str| {
            format!("<!-- generated: {path} -->\nSTALE TEXT\n<!-- end generated -->\n")
        };
        let all: String = sections().iter().map(|s| region(s.path)).collect();
        let page = format!("# prose\n\n{all}\nmore prose\n");
        let done = render_configuration(&page).unwrap();
        assert!(done.starts_with("# prose\n\n<!-- generated: tool.binwheel -->\n| key |"));
        assert!(
            done.ends_with("<!-- end generated -->\n\nmore prose\n"),
            "{done}"
        );
        assert!(!done.contains("STALE TEXT"));
        for key in sections().iter().flat_map(|s| s.keys) {
            assert!(
                done.contains(&format!("| `{}` |", key.name)),
                "{}",
                key.name
            );
        }
        let missing = page.replace(&region(TARGET.path), "");
        let err = render_configuration(&missing).unwrap_err();
        assert!(
            err.contains("no `<!-- generated: tool.binwheel.targets -->` region"),
            "{err}"
        );
        let twice = format!("{page}{}", region(BINARY.path));
        assert!(render_configuration(&twice)
            .unwrap_err()
            .contains("two regions"));
        let unknown = format!("{page}{}", region("tool.binwheel.nope"));
        assert!(render_configuration(&unknown)
            .unwrap_err()
            .contains("names no section"));
        let open = page.replace(&format!("{}\n", END), "");
        assert!(render_configuration(&open).unwrap_err().contains("has no"));
    }

    #[test]
    fn tables_name_types_defaults_and_rules() {
        let binary = key_table(&BINARY);
        assert!(
            binary.contains("| `name` | string (file name) | required | The installed file name")
        );
        assert!(binary.contains("| `install` | `\"package\"` or `\"scripts\"` | `\"package\"` |"));
        assert!(binary.contains("| `sha256` | table: target key → 64 hex digits | none |"));
        assert!(binary.contains("\nRules: `build-requires` needs `build`; "));
        assert!(binary.contains("`install = \"scripts\"` excludes `script`, `dir`.\n"));
        let library = key_table(&LIBRARY);
        assert!(library.contains("| `archive` | string (file name) | none |"));
        assert!(library.contains("`archive` excludes `url`, `sha256`"));
        let root = key_table(&ROOT);
        assert!(root.contains("| `compression-level` | integer 0–9 | `6` |"));
        assert!(root.contains("| `sdist-include` | array of globs | `[]` |"));
    }
}
