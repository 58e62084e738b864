//! Pinned downloads: a file fetched by URL, checked against its sha256 and
//! kept in a cache keyed by that hash; optionally one member taken out of a
//! `.tar.gz`/`.tgz`/`.tar`/`.zip` archive.
//!
//! Owns the cache layout (`downloads/<sha256>`, `members/<sha256>/<name>`),
//! fetching over http(s) and `file://` with timeouts, hashing while
//! streaming to disk, and extracting exactly one regular file from an
//! archive. A file gets its final name in the cache only after its hash
//! matched. It knows nothing about configuration, targets or wheels: callers
//! pass an expanded URL, the pinned hash, a member name and a timeout.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use crate::error::{Error, Result};
use crate::relpath::{self, Escape};
use crate::report::Reporter;

/// How many archive members an error message lists.
const LISTED_MEMBERS: usize = 10;

/// Copy buffer: large enough that a 200 MB binary is a few hundred writes.
const CHUNK: usize = 256 * 1024;

/// The verified file for `url`: the download itself, or `member` extracted
/// from it when the download is an archive.
///
/// The download is stored as `<cache_dir>/downloads/<sha256>` and a member
/// as `<cache_dir>/members/<sha256>/<member with `/` as `_`>`; both are
/// reused while their hash still matches. `timeout` bounds connecting,
/// waiting for the response and every wait for more data, not the whole
/// transfer, so a large file on a slow but live connection still arrives.
pub fn fetch(
    url: &str,
    sha256: &str,
    member: Option<&str>,
    cache_dir: &Path,
    timeout: Duration,
    reporter: &Reporter,
) -> Result<PathBuf> {
    let sha256 = sha256.to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::new(format!(
            "the sha256 pinned for {url} must be 64 hex digits, found {sha256:?}"
        )));
    }
    match member {
        Some(member) => {
            let wanted = normalize_member(member).ok_or_else(|| {
                Error::new(format!(
                    "member {member:?} of {url} is not a relative path inside an archive\n  help: name the file as the archive lists it, e.g. \"hello-1.0/bin/hello\", without a leading `/` or `..`"
                ))
            })?;
            let members = cache_dir.join("members").join(&sha256);
            let stored = members.join(cache_name(&wanted));
            let stamp = members.join(format!(".{}.sha256", cache_name(&wanted)));
            if member_is_cached(&stored, &stamp, &wanted) {
                return Ok(stored);
            }
            let archive = fetch_verified(url, &sha256, cache_dir, timeout, reporter)?;
            extract_member(url, &archive, &wanted, &members, &stored, &stamp, reporter)
        }
        None => {
            let file = fetch_verified(url, &sha256, cache_dir, timeout, reporter)?;
            match ArchiveKind::detect(&file)? {
                kind @ (ArchiveKind::TarGz | ArchiveKind::Tar | ArchiveKind::Zip) => {
                    let scan = scan_archive(url, &file, kind, None, &mut io::sink())?;
                    let example = scan
                        .files
                        .first()
                        .map_or("hello-1.0/hello".to_string(), |f| f.clone());
                    Err(Error::new(format!(
                        "the file downloaded from {url} is a {} archive, not an executable\n{}\n  help: name the executable inside it as the member, e.g. member = {example:?}",
                        kind.name(),
                        scan.describe()
                    )))
                }
                ArchiveKind::Unsupported(name) => Err(Error::new(format!(
                    "the file downloaded from {url} is a {name} file, not an executable\n  help: binwheel takes members only out of .tar.gz, .tgz, .tar and .zip archives; download one of those, or the executable itself"
                ))),
                ArchiveKind::NotAnArchive => Ok(file),
            }
        }
    }
}

/// The cache binwheel uses: `BINWHEEL_CACHE_DIR` when set, else the user's
/// cache directory (`$XDG_CACHE_HOME/binwheel` or `~/.cache/binwheel` on
/// Linux, `~/Library/Caches/binwheel` on macOS, `%LOCALAPPDATA%\binwheel\cache`
/// on Windows).
pub fn cache_dir() -> PathBuf {
    cache_dir_from(|name| std::env::var_os(name))
}

fn cache_dir_from(env: impl Fn(&str) -> Option<OsString>) -> PathBuf {
    let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("BINWHEEL_CACHE_DIR") {
        return std::path::absolute(&dir).unwrap_or(dir);
    }
    let user = if cfg!(windows) {
        var("LOCALAPPDATA").map(|d| d.join("binwheel").join("cache"))
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library").join("Caches").join("binwheel"))
    } else {
        var("XDG_CACHE_HOME")
            .filter(|d| d.is_absolute())
            .map(|d| d.join("binwheel"))
            .or_else(|| var("HOME").map(|h| h.join(".cache").join("binwheel")))
    };
    user.unwrap_or_else(|| std::env::temp_dir().join("binwheel-cache"))
}

// ---------------------------------------------------------------------------
// The download

/// `<cache>/downloads/<sha256>`, downloaded unless it is there with the right hash.
fn fetch_verified(
    url: &str,
    sha256: &str,
    cache_dir: &Path,
    timeout: Duration,
    reporter: &Reporter,
) -> Result<PathBuf> {
    let dir = cache_dir.join("downloads");
    let dest = dir.join(sha256);
    if dest.is_file() {
        match hash_file(&dest) {
            Ok(hash) if hash == sha256 => return Ok(dest),
            Ok(_) => reporter.note(&format!(
                "{} no longer matches its sha256; downloading it again",
                dest.display()
            )),
            Err(e) => reporter.note(&format!(
                "cannot read {} ({e}); downloading it again",
                dest.display()
            )),
        }
    }
    let (tmp, actual, size) = download(url, &dir, &dest, timeout, reporter)?;
    if actual != sha256 {
        return Err(Error::new(format!(
            "checksum mismatch for {url}\n  expected sha256: {sha256}\n  actual sha256:   {actual} ({size} bytes)\n  help: this is not the file that was pinned; if the new file is trusted (say, a re-published release asset), pin the actual hash"
        )));
    }
    store(tmp, dest, sha256)
}

/// Give a verified download its name in the cache, `dest`.
fn store(tmp: NamedTempFile, dest: PathBuf, sha256: &str) -> Result<PathBuf> {
    match tmp.persist(&dest) {
        Ok(_) => Ok(dest),
        // Another build may have put the same file there first (on Windows
        // a file in use cannot be replaced); that one is as good.
        Err(e) if hash_file(&dest).is_ok_and(|h| h == sha256) => {
            drop(e);
            Ok(dest)
        }
        Err(e) => Err(Error::io("cannot store", &dest, e.error)),
    }
}

/// Download `url`, whatever its hash, into the cache (`binwheel pin`):
/// its path there (`<cache_dir>/downloads/<sha256>`, where a later pinned
/// [`fetch`] finds it without downloading again) and its sha256. It is
/// always downloaded afresh: the point is what the URL serves now.
pub fn fetch_unpinned(
    url: &str,
    cache_dir: &Path,
    timeout: Duration,
    reporter: &Reporter,
) -> Result<(PathBuf, String)> {
    let dir = cache_dir.join("downloads");
    let (tmp, actual, _) = download(url, &dir, &dir.join("<sha256>"), timeout, reporter)?;
    let dest = store(tmp, dir.join(&actual), &actual)?;
    Ok((dest, actual))
}

/// Download `url` into a temporary file in `dir` (created), returning it
/// with the sha256 and size of what arrived. `cached_at` is where the file
/// would be kept, for the offline hint of errors.
fn download(
    url: &str,
    dir: &Path,
    cached_at: &Path,
    timeout: Duration,
    reporter: &Reporter,
) -> Result<(NamedTempFile, String, u64)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    let mut tmp = temp_in(dir)?;
    reporter.progress(&format!("downloading {url}"));
    let (actual, size) = match file_url_path(url)? {
        Some(path) => {
            let mut source = File::open(&path).map_err(|e| {
                Error::new(format!(
                    "cannot download {url}: cannot open {}: {e}\n  help: {}",
                    path.display(),
                    offline_hint(cached_at)
                ))
            })?;
            copy_hashing(&mut source, tmp.as_file_mut()).map_err(|e| match e {
                CopyError::Read(e) => Error::io("cannot read", &path, e),
                CopyError::Write(e) => Error::io("cannot write", tmp.path(), e),
            })?
        }
        None => http_get(url, timeout, tmp.as_file_mut(), cached_at)?,
    };
    Ok((tmp, actual, size))
}

/// GET `url` into `out`, returning the sha256 and size of the body.
fn http_get(
    url: &str,
    timeout: Duration,
    out: &mut File,
    cached_at: &Path,
) -> Result<(String, u64)> {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_resolve(Some(timeout))
        .timeout_connect(Some(timeout))
        .timeout_recv_response(Some(timeout))
        .timeout_per_read(Some(timeout))
        .user_agent(format!("binwheel/{}", crate::VERSION));
    if is_loopback(url) {
        // A proxy cannot reach this machine's loopback; neither Go nor curl
        // send such requests to one either.
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config.build().into();
    let response = agent
        .get(url)
        .call()
        .map_err(|e| transport_error(url, e, timeout, cached_at))?;
    let status = response.status();
    if !status.is_success() {
        let help = match status.as_u16() {
            404 | 410 => "check the URL (with this target's placeholders filled in) and that the release file exists".to_string(),
            401 | 403 => "binwheel sends no credentials; use a public URL, or a file:// URL to a copy on disk".to_string(),
            500..=599 => format!("the server failed; try again later. {}", offline_hint(cached_at)),
            _ => "check the URL".to_string(),
        };
        return Err(Error::new(format!(
            "cannot download {url}: the server answered HTTP {}{}\n  help: {help}",
            status.as_u16(),
            status
                .canonical_reason()
                .map(|r| format!(" {r}"))
                .unwrap_or_default()
        )));
    }
    let mut body = response.into_body().into_reader();
    copy_hashing(&mut body, out).map_err(|e| match e {
        CopyError::Read(e) => transport_error(url, ureq::Error::from(e), timeout, cached_at),
        CopyError::Write(e) => Error::new(format!(
            "cannot write the download of {url} into the cache: {e}"
        )),
    })
}

fn transport_error(url: &str, err: ureq::Error, timeout: Duration, cached_at: &Path) -> Error {
    let secs = format!("{} s", timeout.as_secs_f64());
    let (what, timed_out) = match &err {
        ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => {
            (format!("could not connect within {secs} (timeout)"), true)
        }
        ureq::Error::Timeout(_) => (
            format!("the server sent nothing for {secs} (timeout)"),
            true,
        ),
        ureq::Error::HostNotFound => ("the host name could not be resolved".to_string(), false),
        ureq::Error::ConnectionFailed => ("the connection failed".to_string(), false),
        ureq::Error::Io(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            ("the connection was refused".to_string(), false)
        }
        ureq::Error::Io(e) if e.kind() == io::ErrorKind::TimedOut => {
            (format!("the connection timed out ({e})"), true)
        }
        other => (other.to_string(), false),
    };
    let longer = if timed_out {
        "a slow server may need a longer BINWHEEL_DOWNLOAD_TIMEOUT (seconds); "
    } else {
        ""
    };
    Error::new(format!(
        "cannot download {url}: {what}\n  help: {longer}{}",
        offline_hint(cached_at)
    ))
}

fn offline_hint(cached_at: &Path) -> String {
    format!(
        "check the network and proxy settings (HTTPS_PROXY, NO_PROXY). Without network access, a cache that already holds the file works: put it at {} or set BINWHEEL_CACHE_DIR to such a cache; or provide the binary another way (a prebuilt file or a build from source)",
        cached_at.display()
    )
}

/// The local path of a `file://` URL (`None` for other schemes).
fn file_url_path(url: &str) -> Result<Option<PathBuf>> {
    if url.len() < 7 || !url[..7].eq_ignore_ascii_case("file://") {
        return Ok(None);
    }
    let rest = &url[7..];
    let rest = match rest.get(..10) {
        Some(host) if host.eq_ignore_ascii_case("localhost/") => &rest[9..],
        _ => rest,
    };
    let bad = || {
        Error::new(format!(
            "{url} is not a usable file:// URL\n  help: write an absolute path after file:// with no host, e.g. file:///srv/dist/hello.tar.gz (file:///C:/dist/hello.zip on Windows)"
        ))
    };
    if !rest.starts_with('/') {
        return Err(bad());
    }
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| rest.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(b) => {
                decoded.push(b);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    let mut path = String::from_utf8(decoded).map_err(|_| bad())?;
    // file:///C:/dir -> C:/dir
    let drive = path.as_bytes();
    if cfg!(windows) && drive.len() >= 3 && drive[0] == b'/' && drive[2] == b':' {
        path.remove(0);
    }
    Ok(Some(PathBuf::from(path)))
}

/// Whether `url`'s host is this machine (`localhost`, 127.0.0.0/8, `::1`).
fn is_loopback(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

// ---------------------------------------------------------------------------
// Hashing and files

enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

/// Copy `reader` to `out` in chunks, returning the sha256 (hex) and size.
fn copy_hashing(reader: &mut dyn Read, out: &mut dyn Write) -> Result<(String, u64), CopyError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(CopyError::Write)?;
        size += n as u64;
    }
    out.flush().map_err(CopyError::Write)?;
    Ok((hex(&hasher.finalize()), size))
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    match copy_hashing(&mut file, &mut io::sink()) {
        Ok((hash, _)) => Ok(hash),
        Err(CopyError::Read(e) | CopyError::Write(e)) => Err(e),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| {
            [
                DIGITS[(b >> 4) as usize] as char,
                DIGITS[(b & 15) as usize] as char,
            ]
        })
        .collect()
}

/// A temporary file in `dir` (so the final rename stays on one file
/// system); it is deleted when dropped without being persisted.
fn temp_in(dir: &Path) -> Result<NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))
}

// ---------------------------------------------------------------------------
// Archives

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArchiveKind {
    TarGz,
    Tar,
    Zip,
    /// A compressed format binwheel does not read (the name for messages).
    Unsupported(&'static str),
    NotAnArchive,
}

impl ArchiveKind {
    /// Recognize an archive by its first bytes, whatever the URL ends with.
    fn detect(path: &Path) -> Result<ArchiveKind> {
        let mut head = Vec::with_capacity(512);
        File::open(path)
            .and_then(|f| f.take(512).read_to_end(&mut head))
            .map_err(|e| Error::io("cannot read", path, e))?;
        Ok(if head.starts_with(&[0x1f, 0x8b]) {
            ArchiveKind::TarGz
        } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            ArchiveKind::Zip
        } else if head.get(257..262) == Some(b"ustar") {
            ArchiveKind::Tar
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            ArchiveKind::Unsupported(".xz")
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            ArchiveKind::Unsupported(".zst")
        } else if head.starts_with(b"BZh") {
            ArchiveKind::Unsupported(".bz2")
        } else if head.starts_with(b"7z\xbc\xaf\x27\x1c") {
            ArchiveKind::Unsupported(".7z")
        } else {
            ArchiveKind::NotAnArchive
        })
    }

    fn name(self) -> &'static str {
        match self {
            ArchiveKind::TarGz => ".tar.gz",
            ArchiveKind::Tar => ".tar",
            ArchiveKind::Zip => ".zip",
            ArchiveKind::Unsupported(name) => name,
            ArchiveKind::NotAnArchive => "plain",
        }
    }
}

/// What a pass over an archive saw.
#[derive(Default)]
struct Scan {
    /// sha256 of the member, when it was found (and written out).
    found: Option<String>,
    /// The first few regular files, for messages.
    files: Vec<String>,
    /// How many regular files there are.
    file_count: usize,
    /// Files with the wanted member's base name, for "did you mean".
    same_name: Vec<String>,
}

impl Scan {
    fn saw_file(&mut self, name: &str, wanted: Option<&str>) {
        self.file_count += 1;
        if self.files.len() < LISTED_MEMBERS {
            self.files.push(name.to_string());
        }
        if let Some(wanted) = wanted {
            let base = |s: &str| s.rsplit('/').next().unwrap_or("").to_string();
            if base(name) == base(wanted) && self.same_name.len() < LISTED_MEMBERS {
                self.same_name.push(name.to_string());
            }
        }
    }

    /// "  it holds 3 files: a, b, c".
    fn describe(&self) -> String {
        if self.file_count == 0 {
            return "  it holds no files".to_string();
        }
        let listed: Vec<String> = self.files.iter().map(|f| format!("{f:?}")).collect();
        let more = self.file_count - self.files.len();
        format!(
            "  it holds {} file{}: {}{}",
            self.file_count,
            if self.file_count == 1 { "" } else { "s" },
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )
    }
}

/// Extract `wanted` from `archive` to `stored` (via a temporary file in `dir`)
/// and record its hash in `stamp`.
fn extract_member(
    url: &str,
    archive: &Path,
    wanted: &str,
    dir: &Path,
    stored: &Path,
    stamp: &Path,
    reporter: &Reporter,
) -> Result<PathBuf> {
    let kind = ArchiveKind::detect(archive)?;
    match kind {
        ArchiveKind::TarGz | ArchiveKind::Tar | ArchiveKind::Zip => {}
        ArchiveKind::Unsupported(_) | ArchiveKind::NotAnArchive => {
            let what = match kind {
                ArchiveKind::Unsupported(name) => format!("a {name} file"),
                _ => "not an archive".to_string(),
            };
            return Err(Error::new(format!(
                "cannot take member {wanted:?} out of the file downloaded from {url}: it is {what}\n  help: binwheel reads members from .tar.gz, .tgz, .tar and .zip archives; without a member, the download itself is the binary"
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    let mut tmp = temp_in(dir)?;
    let scan = scan_archive(url, archive, kind, Some(wanted), tmp.as_file_mut())?;
    let Some(hash) = scan.found.clone() else {
        let help = match scan.same_name.as_slice() {
            [one] => format!("did you mean member = {one:?}?"),
            [] => {
                "the member is the file's full path inside the archive, as listed above".to_string()
            }
            several => format!(
                "did you mean one of {}?",
                several
                    .iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(Error::new(format!(
            "the archive downloaded from {url} has no member {wanted:?}\n{}\n  help: {help}",
            scan.describe()
        )));
    };
    match tmp.persist(stored) {
        Ok(_) => {}
        Err(e) if hash_file(stored).is_ok_and(|h| h == hash) => drop(e),
        Err(e) => return Err(Error::io("cannot store", stored, e.error)),
    }
    let mut stamp_tmp = temp_in(dir)?;
    stamp_tmp
        .write_all(format!("{hash} {wanted}\n").as_bytes())
        .map_err(|e| Error::io("cannot write", stamp_tmp.path(), e))?;
    if let Err(e) = stamp_tmp.persist(stamp) {
        // Without the stamp the member is extracted again next time; the
        // file itself is correct.
        if !member_is_cached(stored, stamp, wanted) {
            reporter.note(&format!("cannot write {}: {}", stamp.display(), e.error));
        }
    }
    Ok(stored.to_path_buf())
}

/// Whether `stored` is an earlier extraction of `wanted` that still has the
/// hash its stamp recorded.
fn member_is_cached(stored: &Path, stamp: &Path, wanted: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(stamp) else {
        return false;
    };
    let Some((hash, name)) = text.trim_end_matches('\n').split_once(' ') else {
        return false;
    };
    name == wanted && stored.is_file() && hash_file(stored).is_ok_and(|h| h == hash)
}

/// One pass over the archive: every entry's path is checked; the regular
/// file named `wanted` (if any) is written to `out`.
fn scan_archive(
    url: &str,
    archive: &Path,
    kind: ArchiveKind,
    wanted: Option<&str>,
    out: &mut dyn Write,
) -> Result<Scan> {
    let file = File::open(archive).map_err(|e| Error::io("cannot read", archive, e))?;
    match kind {
        ArchiveKind::TarGz => scan_tar(url, flate2::read::MultiGzDecoder::new(file), wanted, out),
        ArchiveKind::Tar => scan_tar(url, file, wanted, out),
        _ => scan_zip(url, file, wanted, out),
    }
}

fn unreadable(url: &str, e: impl std::fmt::Display) -> Error {
    Error::new(format!(
        "cannot read the archive downloaded from {url}: {e}"
    ))
}

fn scan_tar(
    url: &str,
    reader: impl Read,
    wanted: Option<&str>,
    out: &mut dyn Write,
) -> Result<Scan> {
    let mut archive = tar::Archive::new(reader);
    let mut scan = Scan::default();
    for entry in archive.entries().map_err(|e| unreadable(url, e))? {
        let mut entry = entry.map_err(|e| unreadable(url, e))?;
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions()
            || kind.is_gnu_longname()
            || kind.is_gnu_longlink()
        {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        check_entry_path(url, &raw)?;
        let Some(name) = normalize_entry(&raw) else {
            continue;
        };
        let is_wanted = wanted == Some(name.as_str());
        if kind.is_file() || kind.is_contiguous() {
            scan.saw_file(&name, wanted);
            if is_wanted {
                if scan.found.is_some() {
                    return Err(duplicate(url, &name));
                }
                let (hash, _) = copy_hashing(&mut entry, out).map_err(|e| match e {
                    CopyError::Read(e) => unreadable(url, e),
                    CopyError::Write(e) => {
                        Error::new(format!("cannot write member {name:?} into the cache: {e}"))
                    }
                })?;
                scan.found = Some(hash);
            }
        } else if is_wanted {
            let link = entry
                .link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned());
            let what = if kind.is_symlink() {
                format!("a symlink to {:?}", link.unwrap_or_default())
            } else if kind.is_hard_link() {
                format!("a hard link to {:?}", link.unwrap_or_default())
            } else if kind.is_dir() {
                "a directory".to_string()
            } else if kind.is_character_special() || kind.is_block_special() || kind.is_fifo() {
                "a device or FIFO".to_string()
            } else {
                format!("an entry of tar type {:?}", kind.as_byte() as char)
            };
            return Err(not_a_file(url, &raw, &what));
        }
    }
    Ok(scan)
}

fn scan_zip(url: &str, file: File, wanted: Option<&str>, out: &mut dyn Write) -> Result<Scan> {
    let mut zip = zip::ZipArchive::new(file).map_err(|e| unreadable(url, e))?;
    let mut scan = Scan::default();
    let mut index = None;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| unreadable(url, e))?;
        let raw = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        check_entry_path(url, &raw)?;
        let Some(name) = normalize_entry(&raw.replace('\\', "/")) else {
            continue;
        };
        let is_wanted = wanted == Some(name.as_str());
        let file_type = entry.unix_mode().map(|m| m & 0o170000);
        let what = if entry.is_symlink() {
            Some("a symlink")
        } else if entry.is_dir() || file_type == Some(0o040000) {
            Some("a directory")
        } else if matches!(file_type, Some(0o010000 | 0o020000 | 0o060000 | 0o140000)) {
            Some("a device, FIFO or socket")
        } else {
            None
        };
        match what {
            None => {
                scan.saw_file(&name, wanted);
                if is_wanted {
                    if index.is_some() {
                        return Err(duplicate(url, &name));
                    }
                    index = Some(i);
                }
            }
            Some(what) if is_wanted => return Err(not_a_file(url, &raw, what)),
            Some(_) => {}
        }
    }
    if let Some(i) = index {
        let mut entry = zip.by_index(i).map_err(|e| unreadable(url, e))?;
        let (hash, _) = copy_hashing(&mut entry, out).map_err(|e| match e {
            CopyError::Read(e) => unreadable(url, e),
            CopyError::Write(e) => Error::new(format!("cannot write a member into the cache: {e}")),
        })?;
        scan.found = Some(hash);
    }
    Ok(scan)
}

/// Refuse entries that name a place outside the archive's directory.
fn check_entry_path(url: &str, raw: &str) -> Result<()> {
    let why = match relpath::escape(raw) {
        Some(Escape::Absolute) => Some("it is an absolute path"),
        Some(Escape::ParentDir) => Some("it has a `..` component"),
        None if raw.contains('\0') => Some("it contains a NUL byte"),
        None => None,
    };
    match why {
        Some(why) => Err(Error::new(format!(
            "the archive downloaded from {url} has an unsafe entry {raw:?}: {why}\n  help: binwheel does not read archives whose entries could be written outside their directory; use another archive"
        ))),
        None => Ok(()),
    }
}

fn not_a_file(url: &str, raw: &str, what: &str) -> Error {
    Error::new(format!(
        "member {raw:?} of the archive downloaded from {url} is {what}, not a regular file\n  help: binwheel takes only regular files out of archives; name the file itself as the member"
    ))
}

fn duplicate(url: &str, name: &str) -> Error {
    Error::new(format!(
        "the archive downloaded from {url} holds member {name:?} more than once, so which one is meant is unclear"
    ))
}

/// An archive entry's path without `./`, empty components or a trailing
/// `/`; `None` for the archive's root itself.
fn normalize_entry(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The member a caller asked for, normalized like entries; `None` when it
/// could not name a file inside an archive.
fn normalize_member(member: &str) -> Option<String> {
    let member = member.replace('\\', "/");
    if member.starts_with('/') || member.split('/').any(|c| c == "..") || member.contains('\0') {
        return None;
    }
    normalize_entry(&member)
}

/// A file name for a member in the cache: `/` and other unusual characters
/// become `_`, and it never starts with `.` (stamps do).
fn cache_name(member: &str) -> String {
    let mut name: String = member
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.starts_with('.') {
        name.replace_range(..1, "_");
    }
    name.truncate(200);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tests keep the download progress to themselves.
    fn silent() -> Reporter {
        Reporter::capture().0
    }
    use std::io::{BufRead, BufReader};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::thread::JoinHandle;
    use std::time::Instant;

    const TIMEOUT: Duration = Duration::from_secs(10);

    fn sha(data: &[u8]) -> String {
        hex(&Sha256::digest(data))
    }

    /// Deterministic bytes that do not compress to nothing.
    fn payload(len: usize) -> Vec<u8> {
        let mut x: u32 = 0x1234_5678;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    }

    enum Reply {
        Body(Vec<u8>),
        Status(u16),
        Redirect(&'static str),
        /// Accept, read the request, never answer.
        Silent,
    }

    /// A loopback HTTP server that answers exactly `replies.len()`
    /// connections, in order, then stops listening.
    struct Server {
        addr: SocketAddr,
        hits: Arc<AtomicUsize>,
        thread: Option<JoinHandle<()>>,
    }

    impl Server {
        fn start(replies: Vec<Reply>) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let addr = listener.local_addr().unwrap();
            let hits = Arc::new(AtomicUsize::new(0));
            let counter = hits.clone();
            let thread = std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(30);
                for reply in replies {
                    let stream = loop {
                        match listener.accept() {
                            Ok((s, _)) => break s,
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                                if Instant::now() > deadline {
                                    return;
                                }
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            Err(_) => return,
                        }
                    };
                    counter.fetch_add(1, Ordering::SeqCst);
                    answer(stream, reply);
                }
            });
            Server {
                addr,
                hits,
                thread: Some(thread),
            }
        }

        fn url(&self, path: &str) -> String {
            format!("http://{}{path}", self.addr)
        }

        /// Wait until every reply was given (or the server gave up).
        fn finish(mut self) -> usize {
            self.thread.take().unwrap().join().unwrap();
            self.hits.load(Ordering::SeqCst)
        }
    }

    fn answer(stream: TcpStream, reply: Reply) {
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
            line.clear();
        }
        let mut stream = stream;
        let head = |status: &str, extra: &str, len: usize| {
            format!(
                "HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n{extra}\r\n"
            )
        };
        let _ = match reply {
            Reply::Body(body) => stream
                .write_all(head("200 OK", "", body.len()).as_bytes())
                .and_then(|_| stream.write_all(&body)),
            Reply::Status(code) => {
                stream.write_all(head(&format!("{code} Nope"), "", 0).as_bytes())
            }
            Reply::Redirect(to) => {
                stream.write_all(head("302 Found", &format!("Location: {to}\r\n"), 0).as_bytes())
            }
            Reply::Silent => {
                // Until the client gives up and closes the connection.
                let mut sink = Vec::new();
                let _ = reader.read_to_end(&mut sink);
                Ok(())
            }
        };
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names
    }

    /// Every file under `dir`, relative, sorted.
    fn all_files(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.push(rel);
                }
            }
        }
        out.sort();
        out
    }

    fn tar_gz(build: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        build(&mut builder);
        let tar = builder.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar).unwrap();
        gz.finish().unwrap()
    }

    fn add_file(b: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8]) {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, path, data).unwrap();
    }

    /// An entry whose name the tar crate's checked setters would refuse.
    fn add_raw(
        b: &mut tar::Builder<Vec<u8>>,
        name: &str,
        kind: tar::EntryType,
        link: &str,
        data: &[u8],
    ) {
        let mut h = tar::Header::new_old();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_entry_type(kind);
        h.set_cksum();
        b.append(&h, data).unwrap();
    }

    fn zip_of(build: impl FnOnce(&mut zip::ZipWriter<io::Cursor<Vec<u8>>>)) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        build(&mut w);
        w.finish().unwrap().into_inner()
    }

    fn zip_options() -> zip::write::SimpleFileOptions {
        zip::write::SimpleFileOptions::default().unix_permissions(0o755)
    }

    #[test]
    fn downloads_a_plain_file_and_keeps_it_by_hash() {
        let data = payload(700_000);
        let hash = sha(&data);
        let server = Server::start(vec![Reply::Body(data.clone())]);
        let cache = tempfile::tempdir().unwrap();
        let path = fetch(
            &server.url("/hello"),
            &hash.to_uppercase(),
            None,
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap();
        assert_eq!(path, cache.path().join("downloads").join(&hash));
        assert_eq!(std::fs::read(&path).unwrap(), data);
        assert_eq!(listing(&cache.path().join("downloads")), [hash]);
        assert_eq!(server.finish(), 1);
    }

    #[test]
    fn follows_redirects() {
        let data = b"\x7fELF redirected".to_vec();
        let server = Server::start(vec![Reply::Redirect("/real"), Reply::Body(data.clone())]);
        let cache = tempfile::tempdir().unwrap();
        let path = fetch(
            &server.url("/latest"),
            &sha(&data),
            None,
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap();
        assert_eq!(std::fs::read(path).unwrap(), data);
        assert_eq!(server.finish(), 2);
    }

    #[test]
    fn second_fetch_is_served_from_the_cache() {
        let data = payload(1000);
        let hash = sha(&data);
        let server = Server::start(vec![Reply::Body(data.clone())]);
        let url = server.url("/hello");
        let cache = tempfile::tempdir().unwrap();
        let first = fetch(&url, &hash, None, cache.path(), TIMEOUT, &silent()).unwrap();
        // The server has stopped listening: a second request would fail.
        assert_eq!(server.finish(), 1);
        let second = fetch(&url, &hash, None, cache.path(), TIMEOUT, &silent()).unwrap();
        assert_eq!(first, second);
    }

    #[test]
    fn a_damaged_cached_file_is_downloaded_again() {
        let data = payload(5000);
        let hash = sha(&data);
        let cache = tempfile::tempdir().unwrap();
        let downloads = cache.path().join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        std::fs::write(downloads.join(&hash), &data[..100]).unwrap();
        let server = Server::start(vec![Reply::Body(data.clone())]);
        let path = fetch(
            &server.url("/x"),
            &hash,
            None,
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap();
        assert_eq!(std::fs::read(path).unwrap(), data);
        assert_eq!(server.finish(), 1);
        assert_eq!(listing(&downloads), [hash]);
    }

    #[test]
    fn wrong_hash_is_a_hard_error_and_leaves_nothing() {
        let data = b"not what was pinned".to_vec();
        let pinned = "ab".repeat(32);
        let server = Server::start(vec![Reply::Body(data.clone())]);
        let url = server.url("/hello");
        let cache = tempfile::tempdir().unwrap();
        let err = fetch(&url, &pinned, None, cache.path(), TIMEOUT, &silent()).unwrap_err();
        let msg = err.message();
        assert!(
            msg.starts_with(&format!("checksum mismatch for {url}")),
            "{msg}"
        );
        assert!(msg.contains(&format!("expected sha256: {pinned}")), "{msg}");
        assert!(
            msg.contains(&format!("actual sha256:   {}", sha(&data))),
            "{msg}"
        );
        assert_eq!(server.finish(), 1);
        assert!(listing(&cache.path().join("downloads")).is_empty());
    }

    #[test]
    fn http_404_names_the_url_and_status() {
        let server = Server::start(vec![Reply::Status(404)]);
        let url = server.url("/missing-1.0.tar.gz");
        let cache = tempfile::tempdir().unwrap();
        let err = fetch(
            &url,
            &"00".repeat(32),
            None,
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap_err();
        let msg = err.message();
        assert!(
            msg.starts_with(&format!(
                "cannot download {url}: the server answered HTTP 404 Not Found"
            )),
            "{msg}"
        );
        assert!(msg.contains("release file exists"), "{msg}");
        assert_eq!(server.finish(), 1);
        assert!(listing(&cache.path().join("downloads")).is_empty());
    }

    #[test]
    fn connection_refused_explains_the_way_out() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let url = format!("http://127.0.0.1:{port}/hello");
        let cache = tempfile::tempdir().unwrap();
        let hash = "cd".repeat(32);
        let err = fetch(&url, &hash, None, cache.path(), TIMEOUT, &silent()).unwrap_err();
        let msg = err.message();
        assert!(
            msg.starts_with(&format!(
                "cannot download {url}: the connection was refused"
            )),
            "{msg}"
        );
        assert!(msg.contains("BINWHEEL_CACHE_DIR"), "{msg}");
        let expected_at = cache.path().join("downloads").join(&hash);
        assert!(msg.contains(&expected_at.display().to_string()), "{msg}");
        assert!(listing(&cache.path().join("downloads")).is_empty());
    }

    #[test]
    fn a_silent_server_times_out() {
        let server = Server::start(vec![Reply::Silent]);
        let url = server.url("/hello");
        let cache = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let err = fetch(
            &url,
            &"ef".repeat(32),
            None,
            cache.path(),
            Duration::from_secs(1),
            &silent(),
        )
        .unwrap_err();
        let took = started.elapsed();
        let msg = err.message();
        assert!(
            msg.starts_with(&format!(
                "cannot download {url}: the server sent nothing for 1 s (timeout)"
            )),
            "{msg}"
        );
        assert!(msg.contains("BINWHEEL_DOWNLOAD_TIMEOUT"), "{msg}");
        assert!(took < Duration::from_secs(8), "took {took:?}");
        assert_eq!(server.finish(), 1);
        assert!(listing(&cache.path().join("downloads")).is_empty());
    }

    #[test]
    fn file_urls_work() {
        let dir = tempfile::tempdir().unwrap();
        let data = payload(3000);
        let source = dir.path().join("hello bin");
        std::fs::write(&source, &data).unwrap();
        let path = to_url_path(&source).replace(' ', "%20");
        let cache = dir.path().join("cache");
        let got = fetch(
            &format!("file://{path}"),
            &sha(&data),
            None,
            &cache,
            TIMEOUT,
            &silent(),
        )
        .unwrap();
        assert_eq!(std::fs::read(got).unwrap(), data);
    }

    #[test]
    fn extracts_a_tar_gz_member_and_caches_it() {
        let exe = payload(40_000);
        let archive = tar_gz(|b| {
            let mut dir = tar::Header::new_gnu();
            dir.set_entry_type(tar::EntryType::Directory);
            dir.set_mode(0o755);
            dir.set_size(0);
            b.append_data(&mut dir, "hello-1.0/", io::empty()).unwrap();
            add_file(b, "hello-1.0/README.md", b"read me");
            add_file(b, "hello-1.0/hello", &exe);
            // Links elsewhere in the archive are never written, so they are fine.
            add_raw(
                b,
                "hello-1.0/bin/hello",
                tar::EntryType::Symlink,
                "../hello",
                b"",
            );
        });
        let hash = sha(&archive);
        let server = Server::start(vec![Reply::Body(archive)]);
        let url = server.url("/hello-1.0.tar.gz");
        let cache = tempfile::tempdir().unwrap();
        let path = fetch(
            &url,
            &hash,
            Some("./hello-1.0/hello"),
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap();
        assert_eq!(
            path,
            cache
                .path()
                .join("members")
                .join(&hash)
                .join("hello-1.0_hello")
        );
        assert_eq!(std::fs::read(&path).unwrap(), exe);
        assert_eq!(server.finish(), 1);
        assert_eq!(
            all_files(cache.path()),
            [
                format!("downloads/{hash}"),
                format!("members/{hash}/.hello-1.0_hello.sha256"),
                format!("members/{hash}/hello-1.0_hello"),
            ]
        );
        // Served from the member cache, even without the archive.
        std::fs::remove_file(cache.path().join("downloads").join(&hash)).unwrap();
        let again = fetch(
            &url,
            &hash,
            Some("hello-1.0/hello"),
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap();
        assert_eq!(again, path);
        // A damaged member is extracted again (here: from a new download).
        std::fs::write(&path, b"garbage").unwrap();
        let err = fetch(
            &url,
            &hash,
            Some("hello-1.0/hello"),
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap_err();
        assert!(err.message().contains("connection was refused"), "{err}");
    }

    #[test]
    fn extracts_from_a_tar_with_dot_slash_entries() {
        let exe = payload(100);
        let archive = tar_gz(|b| {
            add_raw(b, "./", tar::EntryType::Directory, "", b"");
            add_raw(b, "./bin/hello", tar::EntryType::Regular, "", &exe);
        });
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.tgz");
        std::fs::write(&file, &archive).unwrap();
        let url = format!("file://{}", to_url_path(&file));
        let got = fetch(
            &url,
            &sha(&archive),
            Some("bin/hello"),
            &dir.path().join("c"),
            TIMEOUT,
            &silent(),
        )
        .unwrap();
        assert_eq!(std::fs::read(got).unwrap(), exe);
    }

    fn to_url_path(path: &Path) -> String {
        let mut p = path.to_str().unwrap().replace('\\', "/");
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
        p
    }

    #[test]
    fn extracts_a_zip_member() {
        let exe = payload(50_000);
        let archive = zip_of(|w| {
            w.start_file("LICENSE", zip_options()).unwrap();
            w.write_all(b"MIT").unwrap();
            w.start_file("hello.exe", zip_options()).unwrap();
            w.write_all(&exe).unwrap();
        });
        let hash = sha(&archive);
        let server = Server::start(vec![Reply::Body(archive)]);
        let cache = tempfile::tempdir().unwrap();
        let path = fetch(
            &server.url("/hello.zip"),
            &hash,
            Some("hello.exe"),
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), exe);
        assert_eq!(server.finish(), 1);
    }

    /// Serve `archive`, ask for `member`, expect an error containing `needle`
    /// and no member file (finished or partial) in the cache.
    fn refused(archive: Vec<u8>, member: &str, needle: &str) -> String {
        let hash = sha(&archive);
        let server = Server::start(vec![Reply::Body(archive)]);
        let cache = tempfile::tempdir().unwrap();
        let err = fetch(
            &server.url("/a"),
            &hash,
            Some(member),
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap_err();
        assert!(err.message().contains(needle), "{err}");
        assert_eq!(server.finish(), 1);
        assert!(listing(&cache.path().join("members").join(&hash)).is_empty());
        assert_eq!(all_files(cache.path()), [format!("downloads/{hash}")]);
        err.message().to_string()
    }

    #[test]
    fn refuses_parent_dir_entries() {
        let tar = tar_gz(|b| {
            add_file(b, "hello", b"fine");
            add_raw(b, "../evil", tar::EntryType::Regular, "", b"evil");
        });
        let msg = refused(
            tar,
            "hello",
            "has an unsafe entry \"../evil\": it has a `..` component",
        );
        assert!(msg.contains("use another archive"), "{msg}");
        let zip = zip_of(|w| {
            w.start_file("hello", zip_options()).unwrap();
            w.write_all(b"fine").unwrap();
            w.start_file("a/../../evil", zip_options()).unwrap();
            w.write_all(b"evil").unwrap();
        });
        refused(zip, "hello", "unsafe entry \"a/../../evil\"");
    }

    #[test]
    fn refuses_absolute_entries() {
        let tar = tar_gz(|b| add_raw(b, "/etc/evil", tar::EntryType::Regular, "", b"evil"));
        refused(
            tar,
            "hello",
            "unsafe entry \"/etc/evil\": it is an absolute path",
        );
    }

    #[test]
    fn refuses_link_and_device_members() {
        let tar = tar_gz(|b| add_raw(b, "hello", tar::EntryType::Symlink, "/bin/sh", b""));
        refused(
            tar,
            "hello",
            "is a symlink to \"/bin/sh\", not a regular file",
        );
        let tar = tar_gz(|b| {
            add_file(b, "real", b"x");
            add_raw(b, "hello", tar::EntryType::Link, "real", b"");
        });
        refused(tar, "hello", "is a hard link to \"real\"");
        let tar = tar_gz(|b| add_raw(b, "hello", tar::EntryType::Char, "", b""));
        refused(tar, "hello", "is a device or FIFO");
        let zip = zip_of(|w| {
            w.add_symlink("hello", "/bin/sh", zip_options()).unwrap();
        });
        refused(zip, "hello", "is a symlink, not a regular file");
    }

    #[test]
    fn missing_member_lists_what_is_there() {
        let tar = tar_gz(|b| {
            add_file(b, "hello-1.0/LICENSE", b"MIT");
            add_file(b, "hello-1.0/hello", b"x");
        });
        let msg = refused(tar, "hello", "has no member \"hello\"");
        assert!(
            msg.contains("it holds 2 files: \"hello-1.0/LICENSE\", \"hello-1.0/hello\""),
            "{msg}"
        );
        assert!(
            msg.contains("did you mean member = \"hello-1.0/hello\"?"),
            "{msg}"
        );
        let many = zip_of(|w| {
            for i in 0..15 {
                w.start_file(format!("f{i:02}"), zip_options()).unwrap();
            }
        });
        let msg = refused(many, "hello", "it holds 15 files: \"f00\"");
        assert!(msg.contains("\"f09\" and 5 more"), "{msg}");
    }

    #[test]
    fn duplicate_members_are_ambiguous() {
        let tar = tar_gz(|b| {
            add_file(b, "hello", b"one");
            add_file(b, "./hello", b"two");
        });
        refused(tar, "hello", "holds member \"hello\" more than once");
    }

    #[test]
    fn an_archive_without_a_member_is_explained() {
        let tar = tar_gz(|b| add_file(b, "dist/hello", b"x"));
        let hash = sha(&tar);
        let server = Server::start(vec![Reply::Body(tar)]);
        let cache = tempfile::tempdir().unwrap();
        let err = fetch(
            &server.url("/h.tgz"),
            &hash,
            None,
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap_err();
        assert!(
            err.message()
                .contains("is a .tar.gz archive, not an executable"),
            "{err}"
        );
        assert!(
            err.message().contains("e.g. member = \"dist/hello\""),
            "{err}"
        );
        assert_eq!(server.finish(), 1);
        // The archive itself is verified and kept for the next attempt.
        assert_eq!(all_files(cache.path()), [format!("downloads/{hash}")]);
    }

    #[test]
    fn a_member_of_a_non_archive() {
        let data = b"\x7fELF plain".to_vec();
        refused(data, "hello", "it is not an archive");
        let xz = b"\xfd7zXZ\x00rest".to_vec();
        refused(xz.clone(), "hello", "it is a .xz file");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("h.xz");
        std::fs::write(&file, &xz).unwrap();
        let url = format!("file://{}", to_url_path(&file));
        let err = fetch(
            &url,
            &sha(&xz),
            None,
            &dir.path().join("c"),
            TIMEOUT,
            &silent(),
        )
        .unwrap_err();
        assert!(
            err.message().contains("is a .xz file, not an executable"),
            "{err}"
        );
    }

    #[test]
    fn bad_member_names() {
        let cache = tempfile::tempdir().unwrap();
        for m in ["/abs", "a/../../b", "", "./"] {
            let err = fetch(
                "http://127.0.0.1:9/x",
                &"00".repeat(32),
                Some(m),
                cache.path(),
                TIMEOUT,
                &silent(),
            )
            .unwrap_err();
            assert!(
                err.message()
                    .contains("is not a relative path inside an archive"),
                "{m}: {err}"
            );
        }
        let err = fetch(
            "http://127.0.0.1:9/x",
            "abc",
            None,
            cache.path(),
            TIMEOUT,
            &silent(),
        )
        .unwrap_err();
        assert!(err.message().contains("must be 64 hex digits"), "{err}");
        assert!(all_files(cache.path()).is_empty());
    }

    #[test]
    fn cache_names() {
        assert_eq!(cache_name("hello-1.0/bin/hello"), "hello-1.0_bin_hello");
        assert_eq!(cache_name(".hidden"), "_hidden");
        assert_eq!(cache_name("a b+c.exe"), "a_b_c.exe");
        assert_eq!(normalize_entry("./a//b/./c/").as_deref(), Some("a/b/c"));
        assert_eq!(normalize_entry("./"), None);
    }

    #[test]
    fn file_url_paths() {
        let p = |u: &str| {
            file_url_path(u)
                .unwrap()
                .map(|p| p.to_string_lossy().into_owned())
        };
        assert_eq!(p("https://x/y"), None);
        assert_eq!(p("file:///srv/a%20b.tgz").as_deref(), Some("/srv/a b.tgz"));
        assert_eq!(p("FILE://localhost/srv/x").as_deref(), Some("/srv/x"));
        assert!(file_url_path("file://host/srv/x").is_err());
        assert!(file_url_path("file://relative").is_err());
    }

    #[test]
    fn loopback_hosts() {
        assert!(is_loopback("http://127.0.0.1:8000/x"));
        assert!(is_loopback("http://localhost/x"));
        assert!(is_loopback("http://[::1]:80/x"));
        assert!(is_loopback("http://user@127.1.2.3/x"));
        assert!(!is_loopback("https://example.org/x"));
        assert!(!is_loopback("https://127.0.0.1.example.org/x"));
    }

    #[test]
    fn cache_dir_from_the_environment() {
        fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
            move |name| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            }
        }
        let abs = if cfg!(windows) { "C:\\c" } else { "/c" };
        assert_eq!(
            cache_dir_from(env(&[("BINWHEEL_CACHE_DIR", abs), ("HOME", "/h")])),
            PathBuf::from(abs)
        );
        if cfg!(all(unix, not(target_os = "macos"))) {
            let h = |pairs| cache_dir_from(env(pairs));
            assert_eq!(
                h(&[("HOME", "/h"), ("BINWHEEL_CACHE_DIR", "")]),
                PathBuf::from("/h/.cache/binwheel")
            );
            assert_eq!(
                h(&[("HOME", "/h"), ("XDG_CACHE_HOME", "/x")]),
                PathBuf::from("/x/binwheel")
            );
            assert_eq!(
                h(&[("HOME", "/h"), ("XDG_CACHE_HOME", "rel")]),
                PathBuf::from("/h/.cache/binwheel")
            );
        }
        if cfg!(target_os = "macos") {
            assert_eq!(
                cache_dir_from(env(&[("HOME", "/h")])),
                PathBuf::from("/h/Library/Caches/binwheel")
            );
        }
        if cfg!(windows) {
            assert_eq!(
                cache_dir_from(env(&[("LOCALAPPDATA", "C:\\L")])),
                PathBuf::from("C:\\L\\binwheel\\cache")
            );
        }
    }
}
