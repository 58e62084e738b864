//! `binwheel pin`: fill in or refresh the `sha256` table of every download
//! the project names, for every target, or check that they still hold.
//!
//! Owns which downloads a project names (each binary's and library's own
//! `url`, each `[[tool.binwheel.archive]]`), where their hashes come from
//! (the files themselves, downloaded in parallel through the cache, or a
//! release's `sha256sum`-format checksum file), the comparison `--check`
//! makes, and the edit of `pyproject.toml`: `toml_edit` changes only the
//! hash values, so comments, formatting and key order stay. It builds no
//! wheel and knows no binary format.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::download;
use crate::error::{Error, Result};
use crate::keys::has_url_scheme;
use crate::project::Project;
use crate::report::Reporter;
use crate::settings::{pinned_for, Hashes};
use crate::source::download_timeout;
use crate::target::{ResolvedTarget, Target};
use crate::template::{Template, PLACEHOLDERS};
use crate::toml::TomlFile;

/// How many downloads run at once.
const PARALLEL: usize = 8;

/// Largest checksum file read (a release's checksums.txt is a few KiB).
const MAX_CHECKSUMS: u64 = 4 << 20;

/// What `binwheel pin` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct PinOptions {
    /// Only compare: change nothing, report every pinned hash that no longer matches.
    pub check: bool,
    /// A URL template of the release's checksum file (`sha256sum` format),
    /// read instead of downloading every file.
    pub checksums: Option<String>,
}

/// What `binwheel pin` found: one line per hash, and whether `--check` failed.
#[derive(Debug, Clone, Default)]
pub struct PinOutcome {
    /// `archive "release" linux-x86_64: pinned <hash>` and the like, in file order.
    pub lines: Vec<String>,
    /// `--check`: pinned hashes that no longer match (each also in `lines`).
    pub mismatches: usize,
    /// Whether pyproject.toml was rewritten.
    pub written: bool,
}

/// One `sha256` table and the URL it pins, with where it sits in the file.
struct Pinned<'a> {
    /// `binary`, `library` or `archive`: the array of tables it is in.
    array: &'static str,
    index: usize,
    /// `archive "release"`, for messages.
    label: String,
    url: &'a Template,
    hashes: &'a Hashes,
}

/// One hash to get: table `table`'s URL for `target`.
struct Job {
    table: usize,
    target: ResolvedTarget,
    url: String,
}

/// Pin (or with `check`, verify) every download of the project at `root`.
pub fn pin(root: &Path, options: &PinOptions, reporter: &Reporter) -> Result<PinOutcome> {
    let project = Project::load(root)?;
    let tables = pinned_tables(&project);
    if tables.is_empty() {
        return Err(Error::new(format!(
            "{} names no download: no binary or library has a `url`, and there is no [[tool.binwheel.archive]]\n  help: binwheel pin fills in the `sha256` of downloads; see docs/sources.md",
            project.shown(&project.root.join("pyproject.toml"))
        )));
    }
    let jobs = jobs(&project, &tables, options.check)?;
    let hashes = match &options.checksums {
        Some(template) => from_checksum_files(&project, template, &jobs, reporter)?,
        None => by_download(&jobs, reporter)?,
    };
    let mut outcome = PinOutcome::default();
    let mut updates: Vec<(usize, Target, String, String)> = Vec::new();
    for (job, actual) in jobs.iter().zip(&hashes) {
        let table = &tables[job.table];
        let old = pinned_for(table.hashes, job.target.target);
        let what = format!("{} {}", table.label, job.target.key);
        let line = match old {
            Some(old) if old == actual => format!("{what}: {actual} (unchanged)"),
            Some(old) if options.check => {
                outcome.mismatches += 1;
                format!(
                    "{what}: MISMATCH: pinned {old}, but {} is now {actual}",
                    job.url
                )
            }
            Some(old) => format!("{what}: {actual} (was {old})"),
            None => format!("{what}: {actual} (new)"),
        };
        outcome.lines.push(line);
        if old != Some(actual.as_str()) {
            updates.push((
                job.table,
                job.target.target,
                job.target.key.clone(),
                actual.clone(),
            ));
        }
    }
    if !options.check && !updates.is_empty() {
        write_hashes(&project, &tables, &updates)?;
        outcome.written = true;
    }
    Ok(outcome)
}

/// Every `sha256` table of the project, in file order of their arrays.
fn pinned_tables(project: &Project) -> Vec<Pinned<'_>> {
    let s = &project.settings;
    let binaries: Vec<_> = s.binaries.iter().map(|b| (&b.name, &b.source)).collect();
    let libraries: Vec<_> = s.libraries.iter().map(|l| (&l.name, &l.source)).collect();
    let mut out = Vec::new();
    for (array, entries) in [("binary", binaries), ("library", libraries)] {
        for (index, (name, source)) in entries.into_iter().enumerate() {
            if let Some(url) = &source.url {
                out.push(Pinned {
                    array,
                    index,
                    label: format!("{array} {:?}", name.value),
                    url,
                    hashes: &source.sha256,
                });
            }
        }
    }
    for (i, a) in s.archives.iter().enumerate() {
        out.push(Pinned {
            array: "archive",
            index: i,
            label: format!("archive {:?}", a.name.value),
            url: &a.url,
            hashes: &a.sha256,
        });
    }
    out
}

/// The hashes to get: for every table, each configured target (or, with
/// `check` or without `[tool.binwheel.targets]`, each target it pins).
fn jobs(project: &Project, tables: &[Pinned<'_>], check: bool) -> Result<Vec<Job>> {
    let version = project.metadata.version_string();
    let configured: Vec<ResolvedTarget> = project
        .settings
        .targets
        .iter()
        .map(|t| project.settings.resolve(t.target))
        .collect();
    let mut jobs = Vec::new();
    for (i, table) in tables.iter().enumerate() {
        let targets: Vec<ResolvedTarget> = if check || configured.is_empty() {
            table
                .hashes
                .iter()
                .filter_map(|(key, _)| Target::parse(&key.value))
                .map(|t| project.settings.resolve(t))
                .collect()
        } else {
            configured.clone()
        };
        for target in targets {
            let url = table
                .url
                .expand(&target, &version)
                .map_err(|e| e.context(format!("{} for target {}", table.label, target.key)))?;
            jobs.push(Job {
                table: i,
                target,
                url,
            });
        }
    }
    if jobs.is_empty() {
        return Err(Error::new(if check {
            "nothing to check: no `sha256` table pins any target yet\n  help: run `binwheel pin` first".to_string()
        } else {
            "no target to pin for: add [tool.binwheel.targets] (one key per target) or pin one target by hand".to_string()
        }));
    }
    Ok(jobs)
}

/// The sha256 of each job's URL, each distinct URL downloaded once, up to
/// [`PARALLEL`] at a time, into the download cache. Every failure is
/// reported, not only the first.
fn by_download(jobs: &[Job], reporter: &Reporter) -> Result<Vec<String>> {
    let mut urls: Vec<&str> = jobs.iter().map(|j| j.url.as_str()).collect();
    urls.sort();
    urls.dedup();
    let results = fetch_all(&urls, reporter)?;
    let mut errors = Vec::new();
    let mut hashes = BTreeMap::new();
    for (url, result) in urls.iter().zip(results) {
        match result {
            Ok((_, hash)) => {
                hashes.insert(*url, hash);
            }
            Err(e) => errors.push(e.message().to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::new(errors.join("\n")));
    }
    Ok(jobs
        .iter()
        .map(|j| hashes[j.url.as_str()].clone())
        .collect())
}

/// One download's outcome: its path in the cache and its sha256.
type Fetched = Result<(std::path::PathBuf, String)>;

/// Download every URL through the cache, in parallel: each its path and hash.
fn fetch_all(urls: &[&str], reporter: &Reporter) -> Result<Vec<Fetched>> {
    let timeout = download_timeout()?;
    let cache = download::cache_dir();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Fetched>>> = Mutex::new((0..urls.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(urls.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let result = download::fetch_unpinned(url, &cache, timeout, reporter);
                if let Ok(mut all) = results.lock() {
                    all[i] = Some(result);
                }
            });
        }
    });
    let results = results
        .into_inner()
        .map_err(|_| Error::new("a download thread failed"))?;
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::new("a download thread failed"))))
        .collect())
}

/// The sha256 of each job's URL as the release's checksum file lists it
/// (`template` expanded for the job's target, each file read once), by the
/// URL's last path segment.
fn from_checksum_files(
    project: &Project,
    template: &str,
    jobs: &[Job],
    reporter: &Reporter,
) -> Result<Vec<String>> {
    let template = checksums_template(template)?;
    let version = project.metadata.version_string();
    let sums: Vec<String> = jobs
        .iter()
        .map(|j| template.expand(&j.target, &version))
        .collect::<Result<_>>()?;
    let mut distinct: Vec<&str> = sums.iter().map(String::as_str).collect();
    distinct.sort();
    distinct.dedup();
    let mut listings = BTreeMap::new();
    for (url, fetched) in distinct.iter().zip(fetch_all(&distinct, reporter)?) {
        let (path, _) = fetched?;
        let text = read_capped(&path).map_err(|e| e.context(format!("checksum file {url}")))?;
        listings.insert(*url, parse_sha256sums(url, &text)?);
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (job, sums_url) in jobs.iter().zip(&sums) {
        let listing = &listings[sums_url.as_str()];
        let file = file_name_of(&job.url);
        match listing.get(file) {
            Some(hash) => out.push(hash.clone()),
            None => {
                let names: Vec<&str> = listing.keys().map(String::as_str).take(10).collect();
                errors.push(format!(
                    "the checksum file {sums_url} does not list {file:?} (from {}, for {})\n  it lists: {}\n  help: check `--checksums` and the `url` template; without --checksums binwheel pin downloads the files themselves",
                    job.url,
                    job.target.key,
                    if names.is_empty() { "nothing".to_string() } else { names.join(", ") }
                ));
                out.push(String::new());
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::new(errors.join("\n")));
    }
    Ok(out)
}

/// `--checksums URL-TEMPLATE` as a template with the placeholders a `url`
/// may use, checked as a `url` is.
fn checksums_template(text: &str) -> Result<Template> {
    if !has_url_scheme(text) {
        return Err(Error::new(format!(
            "--checksums must be a URL starting with https://, http:// or file://, found {text:?}"
        )));
    }
    let doc = format!("checksums = {}\n", toml_edit::Value::from(text));
    let file = TomlFile::parse(Path::new("--checksums"), "--checksums", doc)?;
    let root = file.root();
    let value = root.required_str("checksums", "")?;
    Template::read(&root, value, "--checksums", PLACEHOLDERS)
}

/// A downloaded checksum file as text, refusing a huge one.
fn read_capped(path: &Path) -> Result<String> {
    let size = std::fs::metadata(path)
        .map_err(|e| Error::io("cannot read", path, e))?
        .len();
    if size > MAX_CHECKSUMS {
        return Err(Error::new(format!(
            "it is {size} bytes; a checksum file over {MAX_CHECKSUMS} bytes is not one"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("cannot read", path, e))?;
    String::from_utf8(bytes).map_err(|_| Error::new("it is not UTF-8 text"))
}

/// The last path segment of a URL (query and fragment dropped), which is
/// what checksum files list.
fn file_name_of(url: &str) -> &str {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    url.rsplit('/').next().unwrap_or(url)
}

/// `sha256sum` output (what GoReleaser's `checksums.txt` is): one
/// `<64 hex digits> <space or *><file name>` per line. File names with
/// directories count by their last segment. Blank lines are skipped;
/// anything else is an error naming the line.
fn parse_sha256sums(url: &str, text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let parsed = line.split_once(' ').and_then(|(hash, rest)| {
            let name = rest.strip_prefix([' ', '*']).unwrap_or(rest);
            let ok = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
            (ok && !name.is_empty()).then(|| (hash.to_ascii_lowercase(), name))
        });
        let Some((hash, name)) = parsed else {
            return Err(Error::new(format!(
                "the checksum file {url}, line {}, is not in sha256sum format: {line:?}\n  help: each line must be `<64 hex digits>  <file name>`, as `sha256sum FILE...` and GoReleaser's checksums.txt write it",
                n + 1
            )));
        };
        let name = name.rsplit('/').next().unwrap_or(name);
        out.insert(name.to_string(), hash);
    }
    Ok(out)
}

/// Write the new hashes into pyproject.toml: each into its table's
/// `sha256`, replacing the value of the key that names the target in any
/// spelling, else added under the project's key for the target. The file
/// is replaced in one rename; nothing else in it changes.
fn write_hashes(
    project: &Project,
    tables: &[Pinned<'_>],
    updates: &[(usize, Target, String, String)],
) -> Result<()> {
    let path = project.root.join("pyproject.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("cannot read", &path, e))?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| Error::new(format!("cannot edit {}: {e}", path.display())))?;
    for (table, target, key, hash) in updates {
        let t = &tables[*table];
        let item = sha256_item(&mut doc, t.array, t.index).ok_or_else(|| {
            Error::new(format!(
                "cannot find the `sha256` table of {} in {} to edit",
                t.label,
                path.display()
            ))
        })?;
        // An inline table is one line, laid out as toml_edit lays it out
        // (`{ a = "…", b = "…" }`); a [table]'s own lines and comments stay.
        if let Some(inline) = item.as_inline_table_mut() {
            set_hash(inline, *target, key, hash);
            inline.fmt();
        } else if let Some(table) = item.as_table_like_mut() {
            set_hash(table, *target, key, hash);
        }
    }
    let dir = project.root.as_path();
    let mut tmp = tempfile::Builder::new()
        .prefix(".pyproject-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))?;
    std::io::Write::write_all(tmp.as_file_mut(), doc.to_string().as_bytes())
        .map_err(|e| Error::io("cannot write", tmp.path(), e))?;
    tmp.persist(&path)
        .map_err(|e| Error::io("cannot replace", &path, e.error))?;
    Ok(())
}

/// Set the hash of `target` in `sha256`: the value of the key that names it
/// in any spelling (its comments kept), else a new `key`.
fn set_hash(sha256: &mut dyn toml_edit::TableLike, target: Target, key: &str, hash: &str) {
    let existing = sha256
        .iter()
        .map(|(k, _)| k.to_string())
        .find(|k| Target::parse(k) == Some(target));
    match existing.and_then(|k| sha256.get_mut(&k)) {
        Some(item) => {
            let decor = item.as_value().map(|v| v.decor().clone());
            *item = toml_edit::value(hash);
            if let (Some(decor), Some(v)) = (decor, item.as_value_mut()) {
                *v.decor_mut() = decor;
            }
        }
        None => {
            sha256.insert(key, toml_edit::value(hash));
        }
    }
}

/// `tool.binwheel.<array>[index].sha256`, whether the array is `[[…]]`
/// tables or inline, and `sha256` a table or inline.
fn sha256_item<'d>(
    doc: &'d mut toml_edit::DocumentMut,
    array: &str,
    index: usize,
) -> Option<&'d mut toml_edit::Item> {
    let binwheel = doc
        .get_mut("tool")?
        .as_table_like_mut()?
        .get_mut("binwheel")?
        .as_table_like_mut()?;
    let entries = binwheel.get_mut(array)?;
    let entry: &mut dyn toml_edit::TableLike = match entries {
        toml_edit::Item::ArrayOfTables(a) => a.get_mut(index)?,
        toml_edit::Item::Value(toml_edit::Value::Array(a)) => {
            a.get_mut(index)?.as_inline_table_mut()?
        }
        _ => return None,
    };
    entry.get_mut("sha256")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sha256sum_format() {
        let a = "a".repeat(64);
        let b = "B".repeat(64);
        let text = format!(
            "{a}  demo_1.0_linux_amd64.tar.gz\n\n{b} *dist/demo_1.0_darwin_arm64.tar.gz\r\n"
        );
        let sums = parse_sha256sums("https://x/checksums.txt", &text).unwrap();
        assert_eq!(sums["demo_1.0_linux_amd64.tar.gz"], a);
        assert_eq!(sums["demo_1.0_darwin_arm64.tar.gz"], "b".repeat(64));
        let err = parse_sha256sums("https://x/c.txt", "nothash  file\n").unwrap_err();
        assert!(
            err.message()
                .contains("https://x/c.txt, line 1, is not in sha256sum format"),
            "{err}"
        );
        assert_eq!(file_name_of("https://h/r/v1/x.tar.gz?raw=1"), "x.tar.gz");
    }

    /// Hashes go into the table that holds them, under an existing key for
    /// the target whatever its spelling, else the project's key; comments
    /// and the order of keys stay.
    #[test]
    fn edits_keep_comments_and_key_order() {
        let dir = tempfile::tempdir().unwrap();
        let old = "0".repeat(64);
        let text = format!(
            "[project]\nname = \"demo\"\nversion = \"1.0\"\n\n[tool.binwheel.targets]\nlinux-x86_64 = {{}}\nmacos-arm64 = {{}}\n\n\
             # the release\n[[tool.binwheel.archive]]\nname = \"release\" # its name\nurl = \"https://x/demo-{{target}}.tar.gz\"\nsha256 = {{ linux-amd64 = \"{old}\" }} # pinned\n\n\
             [[tool.binwheel.binary]]\nname = \"demo\"\npath = \"bin/{{target}}/demo\"\narchive = \"release\"\nmember = \"demo\"\n"
        );
        std::fs::write(dir.path().join("pyproject.toml"), &text).unwrap();
        let project = Project::load(dir.path()).unwrap();
        let tables = pinned_tables(&project);
        let linux = Target::parse("linux-x86_64").unwrap();
        let macos = Target::parse("macos-arm64").unwrap();
        let (h1, h2) = ("1".repeat(64), "2".repeat(64));
        write_hashes(
            &project,
            &tables,
            &[
                (0, linux, "linux-x86_64".into(), h1.clone()),
                (0, macos, "macos-arm64".into(), h2.clone()),
            ],
        )
        .unwrap();
        let written = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
        let expected = text.replace(
            &format!("{{ linux-amd64 = \"{old}\" }}"),
            &format!("{{ linux-amd64 = \"{h1}\", macos-arm64 = \"{h2}\" }}"),
        );
        assert_eq!(written, expected);
    }
}
