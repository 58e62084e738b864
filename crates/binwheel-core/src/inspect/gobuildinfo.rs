//! Go build info: the toolchain, main module, dependency modules and build
//! settings the Go linker embeds in every executable it writes.
//!
//! The blob starts with the 14-byte magic `\xff Go buildinf:` at a 16-byte
//! boundary, then a pointer size (byte 14) and flags (byte 15: bit 0 big
//! endian, bit 1 "strings inline"). Since Go 1.18 the two strings (the Go
//! version and the module info) follow the 32-byte header, each prefixed by
//! its length as an unsigned varint. Older linkers wrote two pointers at byte
//! 16 instead, each to a Go string header (data pointer, length) somewhere in
//! the file's memory image; `read_at` resolves a virtual address.
//!
//! The module info is text between two 16-byte sentinels: lines of
//! tab-separated fields (`path`, `mod`, `dep`, `=>` for the replacement of
//! the module before it, `build key=value`). This module owns that format;
//! it does not know where the blob lives in ELF, Mach-O or PE (`embedded`).
//! Bytes in, facts out: every length is checked, nothing panics.

/// The magic that opens the build info blob.
pub const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
const HEADER: usize = 32;
const ALIGN: usize = 16;
/// Longest string read through a pointer in the old format; real module
/// info is a few kilobytes.
const MAX_STRING: u64 = 1 << 20;
/// Most dependency modules and build settings kept.
const MAX_LINES: usize = 10_000;

/// What a Go binary says about how it was built.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoBuildInfo {
    /// "go1.22.5".
    pub go_version: String,
    /// The main package's import path ("example.com/app/cmd/app").
    pub path: String,
    /// The main module (absent for `go run x.go`-style builds).
    pub main: Option<GoModule>,
    /// Every dependency module linked in, in the order the linker wrote them.
    pub deps: Vec<GoModule>,
    /// Build settings as key and value: `-trimpath`, `CGO_ENABLED`, `GOOS`, `GOARCH`, `vcs.revision`…
    pub settings: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoModule {
    pub path: String,
    /// "v1.2.3", or "(devel)" for a main module built from a checkout.
    pub version: String,
    /// "h1:…" (base64 SHA-256 of the module's directory hash), or empty.
    pub sum: String,
    /// A `replace` directive: the module that was really compiled.
    pub replace: Option<Box<GoModule>>,
}

impl GoBuildInfo {
    /// The value of a build setting (`GOOS`, `GOARCH`, `vcs.revision`…).
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Where the blob starts in `data` (the start of a data section): the first
/// 16-byte aligned magic with a whole header after it.
pub fn find(data: &[u8]) -> Option<usize> {
    (0..data.len())
        .step_by(ALIGN)
        .find(|&at| data[at..].starts_with(MAGIC) && data.len() - at >= HEADER)
}

/// Read the blob that starts at `blob[0]` (the magic). `read_at(address,
/// size)` returns the bytes of the memory image at a virtual address, for the
/// old pointer format.
pub fn read(
    blob: &[u8],
    read_at: &dyn Fn(u64, u64) -> Option<Vec<u8>>,
) -> Result<GoBuildInfo, String> {
    if blob.len() < HEADER || !blob.starts_with(MAGIC) {
        return Err("Go build info: header cut short".into());
    }
    let ptr_size = usize::from(blob[14]);
    let flags = blob[15];
    let (version, modinfo) = if flags & 2 != 0 {
        let mut rest = &blob[HEADER..];
        let version = varint_string(&mut rest).ok_or("Go build info: Go version cut short")?;
        let modinfo = varint_string(&mut rest).ok_or("Go build info: module info cut short")?;
        (version.to_vec(), modinfo.to_vec())
    } else {
        if ptr_size != 4 && ptr_size != 8 {
            return Err(format!(
                "Go build info: pointer size {ptr_size}, expected 4 or 8"
            ));
        }
        let big = flags & 1 != 0;
        let word = |bytes: &[u8], at: usize| read_word(bytes, at, ptr_size, big);
        let string_at = |ptr: u64| -> Option<Vec<u8>> {
            let header = read_at(ptr, 2 * ptr_size as u64)?;
            let (data, len) = (word(&header, 0)?, word(&header, ptr_size)?);
            if len > MAX_STRING {
                return None;
            }
            read_at(data, len)
        };
        let version = word(blob, 16)
            .and_then(string_at)
            .ok_or("Go build info: the Go version's pointer leads outside the file")?;
        let modinfo = word(blob, 16 + ptr_size)
            .and_then(string_at)
            .ok_or("Go build info: the module info's pointer leads outside the file")?;
        (version, modinfo)
    };
    let version = String::from_utf8_lossy(&version).into_owned();
    // The module info sits between two 16-byte sentinels (not UTF-8).
    let mut modinfo = &modinfo[..];
    if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        modinfo = &modinfo[16..modinfo.len() - 16];
    }
    let modinfo = String::from_utf8_lossy(modinfo);
    parse_modinfo(&version, &modinfo)
}

fn read_word(bytes: &[u8], at: usize, size: usize, big: bool) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(size)?)?;
    let mut v = 0u64;
    for i in 0..size {
        let byte = if big { b[i] } else { b[size - 1 - i] };
        v = (v << 8) | u64::from(byte);
    }
    Some(v)
}

/// An unsigned LEB128 length, then that many bytes; advances `rest`.
fn varint_string<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut len = 0u64;
    let mut shift = 0;
    let mut used = 0;
    loop {
        let b = *rest.get(used)?;
        used += 1;
        if shift >= 64 {
            return None;
        }
        len |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let len = usize::try_from(len).ok()?;
    let s = rest.get(used..used.checked_add(len)?)?;
    *rest = &rest[used + len..];
    Some(s)
}

/// Parse the module info text (without sentinels), as `go version -m` prints it.
pub fn parse_modinfo(go_version: &str, text: &str) -> Result<GoBuildInfo, String> {
    let mut info = GoBuildInfo {
        go_version: go_version.to_string(),
        ..GoBuildInfo::default()
    };
    // Which module the next `=>` line replaces: None, the main module, or a dep.
    let mut last: Option<Option<usize>> = None;
    for (n, line) in text.lines().enumerate() {
        if n >= MAX_LINES {
            return Err(format!(
                "Go build info: more than {MAX_LINES} lines of module info"
            ));
        }
        let bad = || format!("Go build info: line {}: cannot read {line:?}", n + 1);
        let (word, rest) = line.split_once('\t').unwrap_or((line, ""));
        match word {
            "path" => info.path = rest.to_string(),
            "mod" => {
                info.main = Some(module(rest).ok_or_else(bad)?);
                last = Some(None);
            }
            "dep" => {
                info.deps.push(module(rest).ok_or_else(bad)?);
                last = Some(Some(info.deps.len() - 1));
            }
            "=>" => {
                let replacement = Box::new(module(rest).ok_or_else(bad)?);
                let target = match last.take() {
                    Some(None) => info.main.as_mut(),
                    Some(Some(i)) => info.deps.get_mut(i),
                    None => None,
                };
                target.ok_or_else(bad)?.replace = Some(replacement);
            }
            "build" => info.settings.push(setting(rest).ok_or_else(bad)?),
            "" => {}
            _ => {} // lines a newer Go may add
        }
    }
    Ok(info)
}

/// `path\tversion\tsum` (version and sum may be absent).
fn module(rest: &str) -> Option<GoModule> {
    let mut fields = rest.split('\t');
    let path = fields.next().filter(|p| !p.is_empty())?;
    let version = fields.next().unwrap_or("");
    let sum = fields.next().unwrap_or("");
    if fields.next().is_some() {
        return None;
    }
    Some(GoModule {
        path: path.to_string(),
        version: version.to_string(),
        sum: sum.to_string(),
        replace: None,
    })
}

/// `key=value`, either side possibly a Go quoted string.
fn setting(rest: &str) -> Option<(String, String)> {
    let (key, value) = if let Some(quoted) = rest.strip_prefix('"') {
        let (key, used) = unquote(quoted)?;
        (key, rest.get(used + 1..)?.strip_prefix('=')?.to_string())
    } else {
        let (k, v) = rest.split_once('=')?;
        (k.to_string(), v.to_string())
    };
    if key.is_empty() {
        return None;
    }
    let value = match value.strip_prefix('"') {
        Some(quoted) => {
            let (v, used) = unquote(quoted)?;
            (used == quoted.len()).then_some(v)?
        }
        None => value,
    };
    Some((key, value))
}

/// A Go `strconv.Quote`d string after its opening quote: the text and the
/// bytes used up to and including the closing quote.
fn unquote(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                let hex = |chars: &mut std::str::CharIndices, n: usize| -> Option<char> {
                    let digits: String = (0..n).filter_map(|_| chars.next().map(|x| x.1)).collect();
                    char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
                };
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'v' => '\u{b}',
                    '\\' | '"' | '\'' => e,
                    'x' => hex(&mut chars, 2)?,
                    'u' => hex(&mut chars, 4)?,
                    'U' => hex(&mut chars, 8)?,
                    _ => return None,
                });
            }
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODINFO: &str = "path\texample.com/withdeps\n\
        mod\texample.com/withdeps\t(devel)\t\n\
        dep\texample.org/depa\tv1.2.3\n\
        =>\t../depa\t\n\
        dep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\n\
        build\t-trimpath=true\n\
        build\t-ldflags=\"-s -w -X main.version=1.0\"\n\
        build\tCGO_ENABLED=0\n\
        build\tGOOS=linux\n";

    fn inline_blob(version: &str, modinfo: &[u8]) -> Vec<u8> {
        let mut blob = MAGIC.to_vec();
        blob.extend([8, 2]);
        blob.resize(HEADER, 0);
        for s in [version.as_bytes(), modinfo] {
            let mut n = s.len();
            loop {
                let b = (n & 0x7f) as u8;
                n >>= 7;
                blob.push(if n > 0 { b | 0x80 } else { b });
                if n == 0 {
                    break;
                }
            }
            blob.extend(s);
        }
        blob
    }

    /// The module info between sentinels like the linker's (not UTF-8).
    fn sentinels(text: &str) -> Vec<u8> {
        let mut out = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6".to_vec();
        out.extend(text.as_bytes());
        out.extend(b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2");
        out
    }

    #[test]
    fn reads_the_inline_format() {
        let blob = inline_blob("go1.22.5", &sentinels(MODINFO));
        let mut data = vec![0u8; 48];
        data.extend(&blob);
        let at = find(&data).unwrap();
        assert_eq!(at, 48);
        let info = read(&data[at..], &|_, _| None).unwrap();
        assert_eq!(info.go_version, "go1.22.5");
        assert_eq!(info.path, "example.com/withdeps");
        let main = info.main.as_ref().unwrap();
        assert_eq!(
            (main.path.as_str(), main.version.as_str()),
            ("example.com/withdeps", "(devel)")
        );
        assert_eq!(info.deps.len(), 2);
        let depa = &info.deps[0];
        assert_eq!(depa.version, "v1.2.3");
        assert_eq!(depa.replace.as_ref().unwrap().path, "../depa");
        assert!(info.deps[1].sum.starts_with("h1:"));
        assert_eq!(info.setting("-ldflags"), Some("-s -w -X main.version=1.0"));
        assert_eq!(info.setting("GOOS"), Some("linux"));
    }

    #[test]
    fn reads_the_pointer_format() {
        // Big-endian, 4-byte pointers; the strings live at 0x1000 and 0x2000.
        let modinfo = sentinels(MODINFO);
        let mut blob = MAGIC.to_vec();
        blob.extend([4, 1]);
        blob.extend(0x100u32.to_be_bytes());
        blob.extend(0x200u32.to_be_bytes());
        blob.resize(HEADER, 0);
        let mut image = vec![0u8; 0x3000];
        image[0x100..0x104].copy_from_slice(&0x1000u32.to_be_bytes());
        image[0x104..0x108].copy_from_slice(&8u32.to_be_bytes());
        image[0x200..0x204].copy_from_slice(&0x2000u32.to_be_bytes());
        image[0x204..0x208].copy_from_slice(&(modinfo.len() as u32).to_be_bytes());
        image[0x1000..0x1008].copy_from_slice(b"go1.12.1");
        image[0x2000..0x2000 + modinfo.len()].copy_from_slice(&modinfo);
        let read_at = |addr: u64, size: u64| {
            image
                .get(addr as usize..(addr + size) as usize)
                .map(<[u8]>::to_vec)
        };
        let info = read(&blob, &read_at).unwrap();
        assert_eq!(info.go_version, "go1.12.1");
        assert_eq!(info.deps.len(), 2);
        // A pointer outside the image is an error, not a panic.
        let err = read(&blob, &|_, _| None).unwrap_err();
        assert!(err.contains("outside the file"), "{err}");
    }

    #[test]
    fn misaligned_or_cut_magic_is_not_found() {
        let mut data = vec![0u8; 8];
        data.extend(inline_blob("go1.22", b""));
        assert_eq!(find(&data), None);
        assert_eq!(find(&MAGIC[..]), None);
    }

    #[test]
    fn bad_lines_are_errors() {
        for text in [
            "=>\tx\tv1\n",
            "mod\t\n",
            "dep\ta\tb\tc\td\n",
            "build\tnoequals\n",
            "build\t\"k\\q\"=v\n",
        ] {
            let err = parse_modinfo("go1", text).unwrap_err();
            assert!(err.contains("line 1"), "{text:?}: {err}");
        }
        let ok = parse_modinfo("go1", "build\t\"a b\"=\"c\\td\"\nfuture\tline\n").unwrap();
        assert_eq!(ok.settings, vec![("a b".to_string(), "c\td".to_string())]);
    }

    #[test]
    fn cut_varints_are_errors() {
        let mut blob = inline_blob("go1.22", b"x");
        blob.truncate(blob.len() - 1);
        assert!(read(&blob, &|_, _| None).is_err());
        let mut huge = MAGIC.to_vec();
        huge.extend([8, 2]);
        huge.resize(HEADER, 0);
        huge.extend([0xff; 12]);
        assert!(read(&huge, &|_, _| None).is_err());
    }
}
