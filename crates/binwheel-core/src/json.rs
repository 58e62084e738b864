//! The one JSON writer: `binwheel schema` (pretty) and `binwheel inspect
//! --json` (one line per document), and the one JSON reader (cargo-auditable's
//! embedded dependency list, SBOM files found in a wheel).
//!
//! Owns JSON values with their key order kept, string escaping (RFC 8259:
//! every control character and DEL escaped), the two layouts, and a strict
//! RFC 8259 parser with a nesting cap. It knows nothing about what is written
//! or read.

/// A JSON value; objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// Any other number (a fraction, an exponent, beyond i64), as written.
    Number(String),
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
            Json::Number(n) => out.push_str(n),
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

    /// The value of `key` when this is an object holding it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
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

/// Deepest nesting [`parse`] accepts: real documents are a few levels deep,
/// and recursion must stay bounded on hostile input.
const MAX_DEPTH: usize = 128;

/// Parse one JSON document (RFC 8259, nothing after it but whitespace).
/// The error says what is wrong and where: "line 3, column 7: expected ':'".
pub fn parse(text: &str) -> Result<Json, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        at: 0,
    };
    let value = p.value(0)?;
    p.ws();
    if p.at < p.s.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        let before = &self.s[..self.at.min(self.s.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        format!("line {line}, column {col}: {what}")
    }

    fn ws(&mut self) {
        while matches!(self.s.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.s[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(self.error(&format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.ws();
        match self.s.get(self.at) {
            None => Err(self.error("unexpected end of the document")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ if self.eat("true") => Ok(Json::Bool(true)),
            _ if self.eat("false") => Ok(Json::Bool(false)),
            _ if self.eat("null") => Ok(Json::Null),
            _ => Err(self.error("expected a JSON value")),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, String> {
        self.at += 1;
        let mut fields = Vec::new();
        self.ws();
        if self.eat("}") {
            return Ok(Json::Object(fields));
        }
        loop {
            self.ws();
            if self.s.get(self.at) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.ws();
            if !self.eat(":") {
                return Err(self.error("expected ':'"));
            }
            fields.push((key, self.value(depth + 1)?));
            self.ws();
            if self.eat("}") {
                return Ok(Json::Object(fields));
            }
            if !self.eat(",") {
                return Err(self.error("expected ',' or '}'"));
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, String> {
        self.at += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat("]") {
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.ws();
            if self.eat("]") {
                return Ok(Json::Array(items));
            }
            if !self.eat(",") {
                return Err(self.error("expected ',' or ']'"));
            }
        }
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.s.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            p.at - from
        };
        self.eat("-");
        let int_start = self.at;
        let n = digits(self);
        if n == 0 || (n > 1 && self.s[int_start] == b'0') {
            return Err(self.error("malformed number"));
        }
        let mut integer = true;
        if self.eat(".") {
            integer = false;
            if digits(self) == 0 {
                return Err(self.error("malformed number: no digit after '.'"));
            }
        }
        if matches!(self.s.get(self.at), Some(b'e' | b'E')) {
            integer = false;
            self.at += 1;
            if matches!(self.s.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("malformed number: no digit in the exponent"));
            }
        }
        let text = String::from_utf8_lossy(&self.s[start..self.at]).into_owned();
        match text.parse::<i64>() {
            Ok(i) if integer => Ok(Json::Int(i)),
            _ => Ok(Json::Number(text)),
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self
            .s
            .get(self.at..self.at + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .filter(|_| {
                self.s[self.at..self.at + 4]
                    .iter()
                    .all(u8::is_ascii_hexdigit)
            });
        match digits {
            Some(v) => {
                self.at += 4;
                Ok(v)
            }
            None => Err(self.error("expected 4 hex digits after \\u")),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&b) = self.s.get(self.at) else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => self.escape(&mut out)?,
                0..=0x1f => {
                    self.at -= 1;
                    return Err(self.error("control character inside a string"));
                }
                _ => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("string is not valid UTF-8"))
    }

    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), String> {
        let Some(&e) = self.s.get(self.at) else {
            return Err(self.error("unterminated string"));
        };
        self.at += 1;
        let c = match e {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let code = if (0xd800..0xdc00).contains(&hi) && self.eat("\\u") {
                    let lo = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&lo) {
                        return Err(self.error("unpaired surrogate in \\u escape"));
                    }
                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                } else {
                    hi
                };
                char::from_u32(code)
                    .ok_or_else(|| self.error("unpaired surrogate in \\u escape"))?
            }
            _ => return Err(self.error("unknown escape in a string")),
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }
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

    #[test]
    fn parse_reads_what_the_writer_writes() {
        let value = Json::object([
            ("a", Json::Int(-12)),
            (
                "b",
                Json::Array(vec![
                    Json::Bool(true),
                    Json::Null,
                    Json::Number("1.5e3".into()),
                ]),
            ),
            ("c", Json::str("q\"\\\n\u{1}é😀")),
            ("d", Json::Object(vec![])),
        ]);
        assert_eq!(parse(&value.pretty()), Ok(value.clone()));
        assert_eq!(parse(&value.compact()), Ok(value));
        assert_eq!(parse(r#""\ud83d\ude00\/""#), Ok(Json::str("😀/")));
    }

    #[test]
    fn parse_errors_say_where() {
        for (text, want) in [
            ("{\"a\" 1}", "line 1, column 6: expected ':'"),
            ("[1,\n 2", "line 2, column 3: expected ',' or ']'"),
            ("01", "malformed number"),
            ("\"\\ud800x\"", "unpaired surrogate"),
            ("\"a\u{1}\"", "control character"),
            ("{} x", "unexpected text after"),
            ("", "unexpected end"),
            ("nul", "expected a JSON value"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(want), "{text:?}: {err}");
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).unwrap_err().contains("nested deeper than 128"));
    }
}
