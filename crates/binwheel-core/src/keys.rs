//! How a configuration key is described, and the rules every description
//! and reader share.
//!
//! Owns the vocabulary ([`Section`], [`Key`], [`Value`], [`Text`],
//! [`Absent`], [`Rule`]) in which `settings` and `version` write, beside the
//! code that reads each table, one description per key: its name, type,
//! rule, default, text and a valid sample. `schema` renders those
//! descriptions as JSON Schema and as the tables of docs/configuration.md;
//! [`finish`] makes the reader's own list of keys the description's. Owns
//! too the rules both sides need (a Python identifier, a command name, a
//! download's URL schemes). It knows no JSON, no Markdown and no build rules.

use crate::target::Target;
use crate::toml::Table;

/// One TOML table and the keys it may hold.
pub struct Section {
    /// Dotted path as written in `pyproject.toml` (`tool.binwheel.binary`).
    pub path: &'static str,
    /// One line for people (the schema's description of the table).
    pub doc: &'static str,
    pub keys: &'static [Key],
    pub rules: &'static [Rule],
}

impl Section {
    /// The names of the keys, in the order they are described.
    pub fn names(&self) -> Vec<&'static str> {
        self.keys.iter().map(|k| k.name).collect()
    }
}

/// One key of a section.
pub struct Key {
    pub name: &'static str,
    pub value: Value,
    pub default: Absent,
    /// One line for people: editors show it on hover, and it opens the
    /// key's row in docs/configuration.md.
    pub doc: &'static str,
    /// More for the reference page only (Markdown; may be empty).
    pub details: &'static str,
    /// A valid value, as TOML. Empty for tables, which are built from their section.
    pub sample: &'static str,
}

impl Key {
    pub fn required(&self) -> bool {
        matches!(self.default, Absent::Required)
    }
}

/// The type of a key's value.
pub enum Value {
    Str(Text),
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// Only `true` (`false` would name nothing).
    True,
    /// `true` or `false`.
    Bool,
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
    /// A glob relative to the project (`assets/**`).
    Glob,
    /// A Python import name that is not a keyword: [`is_identifier`].
    Identifier,
    /// A file or command name: [`is_command_name`].
    CommandName,
    /// A command name that does not end in `.exe`.
    BinaryName,
    /// A relative directory of file-name components: [`is_relative_dir`].
    RelativeDir,
    /// Text whose `{placeholders}` are all in the list.
    Template(&'static [&'static str]),
    /// A template that starts with one of [`URL_SCHEMES`].
    Url(&'static [&'static str]),
    /// A PEP 508 requirement.
    Requirement,
    /// A target name in any spelling `Target::parse` accepts.
    TargetName,
    Sha256,
    /// A platform tag set such as `manylinux_2_17_x86_64` (no `-`).
    PlatformTag,
    /// A libc floor such as `2_17` or `1_2`.
    Floor,
}

impl Text {
    /// Whether `s` keeps this rule, when this module owns it. `None` for
    /// free text, and for templates and requirements, whose readers
    /// (`settings`' placeholder check, `pep508_rs`) explain each mistake.
    pub fn accepts(self, s: &str) -> Option<bool> {
        Some(match self {
            Text::Any | Text::Glob | Text::Template(_) | Text::Url(_) | Text::Requirement => {
                return None
            }
            Text::Identifier => is_identifier(s),
            Text::CommandName => is_command_name(s),
            Text::BinaryName => is_command_name(s) && !s.ends_with(".exe"),
            Text::RelativeDir => is_relative_dir(s),
            Text::TargetName => Target::parse(s).is_some(),
            Text::Sha256 => is_sha256(s),
            Text::PlatformTag => is_platform_tag_set(s),
            Text::Floor => parse_floor(s).is_some(),
        })
    }
}

/// What an absent key means.
pub enum Absent {
    /// It must be given.
    Required,
    /// Nothing: the feature is off.
    Nothing,
    /// A value worked out from elsewhere, in words (Markdown).
    Derived(&'static str),
    /// This integer.
    Int(i64),
    /// This string.
    Str(&'static str),
    /// An empty array.
    EmptyList,
    /// This boolean.
    Bool(bool),
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

/// End reading `table`, described by `section`: a key it does not describe
/// is a recorded problem that suggests, or lists, the described keys.
pub fn finish(table: Table<'_>, section: &Section) {
    table.finish_known(&section.names())
}

/// Python's keywords, which are not import names.
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// A valid, non-keyword Python identifier (ASCII only).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !PYTHON_KEYWORDS.contains(&s)
}

/// Letters, digits, `-`, `_` and `.`, not starting with `.` or `-`: a name
/// that is safe as a file name and as a command on every platform.
pub fn is_command_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['.', '-'])
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A relative directory such as `lib` or `share/lib`: `/`-separated
/// components, each a [command name](is_command_name) (so never `.`, `..`,
/// empty, absolute or with a `\\`).
pub fn is_relative_dir(s: &str) -> bool {
    s.split('/').all(is_command_name)
}

/// The schemes a pinned download may use (compared without case).
pub const URL_SCHEMES: &[&str] = &["https", "http", "file"];

/// Whether `url` starts with `<scheme>://` for one of [`URL_SCHEMES`].
pub fn has_url_scheme(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    URL_SCHEMES
        .iter()
        .any(|s| lower.strip_prefix(s).is_some_and(|r| r.starts_with("://")))
}

/// 64 hex digits, either case.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// The shape of a platform tag set (`manylinux_2_17_x86_64`, several joined
/// with `.`): letters, digits, `_` and `.`, and no `-`, so that a whole
/// wheel tag is not mistaken for one. `tags` checks what it says.
pub fn is_platform_tag_set(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// `2_17` or `2.17` as (2, 17).
pub fn parse_floor(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once(['_', '.'])?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("hello_2") && is_identifier("_x"));
        for bad in ["class", "None", "2x", "a-b", "", "é"] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn command_names() {
        assert!(is_command_name("hello-2.1_x"));
        for bad in ["", ".hidden", "-x", "a b", "a/b", "a\\b"] {
            assert!(!is_command_name(bad), "{bad}");
        }
        assert_eq!(Text::BinaryName.accepts("hello.exe"), Some(false));
        assert_eq!(Text::CommandName.accepts("hello.exe"), Some(true));
    }

    #[test]
    fn url_schemes() {
        for ok in ["https://x", "HTTP://x", "file:///srv/x"] {
            assert!(has_url_scheme(ok), "{ok}");
        }
        for bad in ["ftp://x", "https:/x", "httpsx://x", ""] {
            assert!(!has_url_scheme(bad), "{bad}");
        }
    }

    #[test]
    fn hashes_and_tags() {
        assert!(is_sha256(&"aB".repeat(32)));
        assert!(!is_sha256(&"ab".repeat(31)) && !is_sha256(&"xy".repeat(32)));
        assert!(is_platform_tag_set(
            "manylinux_2_17_x86_64.manylinux2014_x86_64"
        ));
        for bad in ["", "py3-none-any", "a b"] {
            assert!(!is_platform_tag_set(bad), "{bad}");
        }
    }

    #[test]
    fn floors() {
        assert_eq!(parse_floor("2_17"), Some((2, 17)));
        assert_eq!(parse_floor("1.2"), Some((1, 2)));
        for bad in ["2", "2_x", "2_17_1", ""] {
            assert_eq!(parse_floor(bad), None, "{bad}");
        }
    }
}
