//! The one JSON writer: `binwheel schema` (pretty) and `binwheel inspect
//! --json` (one line per document).
//!
//! Owns JSON values with their key order kept, string escaping (RFC 8259:
//! every control character and DEL escaped), and the two layouts. It knows
//! nothing about what is written.

/// A JSON value; objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn str(s: &str) -> Json {
        Json::String(s.to_string())
    }

    /// A string, or `null`.
    pub fn opt(s: Option<&str>) -> Json {
        s.map_or(Json::Null, Json::str)
    }

    /// An array of strings.
    pub fn strings<T: AsRef<str>>(items: &[T]) -> Json {
        Json::Array(items.iter().map(|s| Json::str(s.as_ref())).collect())
    }

    pub fn object<const N: usize>(fields: [(&str, Json); N]) -> Json {
        Json::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// Indented by two spaces per level; an array of scalars on one line.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, 0);
        out
    }

    /// On one line: `{"a": 1, "b": [true, null]}`.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        self.write_compact(&mut out);
        out
    }

    fn write_scalar(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::String(s) => out.push_str(&string(s)),
            Json::Array(_) | Json::Object(_) => unreachable!("not a scalar"),
        }
    }

    fn write_compact(&self, out: &mut String) {
        match self {
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&string(key));
                    out.push_str(": ");
                    value.write_compact(out);
                }
                out.push('}');
            }
            scalar => scalar.write_scalar(out),
        }
    }

    fn write_pretty(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.push_str(&"  ".repeat(n));
        match self {
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Array(items) if items.iter().all(Json::is_scalar) => self.write_compact(out),
            Json::Array(items) => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    item.write_pretty(out, indent + 1);
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
                    out.push_str(&string(key));
                    out.push_str(": ");
                    value.write_pretty(out, indent + 1);
                    out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
            scalar => scalar.write_scalar(out),
        }
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Json::Array(_) | Json::Object(_))
    }
}

/// `s` as a quoted JSON string. Every control character and DEL is escaped
/// (so the result is also a TOML basic string; `toml::quote` uses it).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(
            string("a\"b\\c\nd\u{1}\u{7f}é"),
            r#""a\"b\\c\nd\u0001\u007fé""#
        );
    }

    #[test]
    fn two_layouts_of_one_value() {
        let value = Json::object([
            ("a", Json::Int(1)),
            ("b", Json::Array(vec![Json::Bool(true), Json::Null])),
            ("c", Json::object([("d", Json::strings(&["x"]))])),
            ("e", Json::Array(vec![])),
            ("f", Json::Object(vec![])),
        ]);
        assert_eq!(
            value.compact(),
            r#"{"a": 1, "b": [true, null], "c": {"d": ["x"]}, "e": [], "f": {}}"#
        );
        assert_eq!(
            value.pretty(),
            "{\n  \"a\": 1,\n  \"b\": [true, null],\n  \"c\": {\n    \"d\": [\"x\"]\n  },\n  \"e\": [],\n  \"f\": {}\n}"
        );
    }
}
