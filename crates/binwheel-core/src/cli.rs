//! The `binwheel` command line: argument parsing and output only.
//!
//! Every command calls the same functions the build hooks use (`backend`,
//! `check`, `init`, `schema`); this module holds no packaging rule. Results
//! go to stdout (written paths one per line, listings, JSON) so scripts can
//! read them; progress and errors go to stderr, coloured only on a terminal
//! (`NO_COLOR` turns colour off, `FORCE_COLOR` on). Exit codes: 0 success,
//! 1 a failed build or check, 2 a usage error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::backend::{self, Options};
use crate::error::{Error, Result};
use crate::report::Reporter;
use crate::target::Target;

const USAGE: &str = "usage: binwheel <command> [options]

commands:
  build [PROJECT] [-o DIR] [--target NAME]... [--all-targets] [--sdist] [--list] [-q] [-v]
                      build the wheel for the host or each --target into DIR (default dist/);
                      --all-targets: every target in [tool.binwheel.targets] plus the sdist,
                      in parallel; --sdist: the sdist too; --list: print the planned files
  inspect FILE... [--json]
                      print what binwheel reads from executables and wheels and the tags it derives
  check DIST|DIR...   validate wheels and sdists against PyPI's upload rules and what they hold,
                      or a project's pyproject.toml
  pin [PROJECT] [--check] [--checksums URL-TEMPLATE]
                      fill in or refresh the sha256 of every download for every target
  init [DIR] [--kind KIND] [--force] [--dry-run]
                      write a pyproject.toml for an existing Go, Cargo or prebuilt project
                      (alias: new)
  schema              print the JSON Schema of [tool.binwheel]
  help [COMMAND]      print this help, or a command's
  --version           print binwheel's version

`binwheel COMMAND --help` describes one command.
";

const BUILD_HELP: &str = "usage: binwheel build [PROJECT] [options]

Build the wheel of the project in PROJECT (default: the current directory) for
this machine, or for each --target. Standard output lists the written files,
one path per line; progress and errors go to standard error.

options:
  -o, --out-dir DIR   where to write (default: PROJECT/dist)
  --target NAME       a target to build, e.g. linux-aarch64 (repeat for more)
  --all-targets       every target in [tool.binwheel.targets], plus the sdist, in parallel
  --sdist             build the sdist too
  --list              print each wheel's planned files (mode and path) instead of building
  -q, --quiet         no progress; only errors
  -v, --verbose       also each packed file with its size, and the facts behind the tags
";

const INSPECT_HELP: &str = "usage: binwheel inspect FILE... [--json]

Print what binwheel reads from executables (ELF, Mach-O, PE) and from the
binaries inside wheels, and the platform tags it derives from them.

options:
  --json              one JSON document instead of text
";

const CHECK_HELP: &str = "usage: binwheel check DIST|DIR... [options]

Check wheels (.whl) and sdists (.tar.gz) against PyPI's upload rules. Wheels:
tags true for every binary the wheel runs, RECORD hashes, METADATA, file
names. Sdists: the file name, one top-level directory and nothing outside it,
PKG-INFO (2.2 or later), pyproject.toml, no prebuilt binaries. Each finding
has a rule (BW101 tag-glibc-floor) and a severity: error, warning or note
(docs/check.md lists them). Prints `DIST: ok` or a summary and the findings
per file; exits 1 only when an error remains. Run in a project, it also
applies [tool.binwheel.check] (strict, ignore) from ./pyproject.toml.

options:
  --json              print one JSON document (docs/check.schema.json)
  --ignore RULE[:GLOB]
                      drop a rule (id or name), for the files matching GLOB
                      only if given; repeatable (--ignore BW112:*.exe)
  --strict            warnings count as errors

A project directory (DIR) gets its pyproject.toml read as a build reads it:
`DIR: ok`, or every configuration problem printed as a build prints it, and
exit code 1.
";

const PIN_HELP: &str = "usage: binwheel pin [PROJECT] [options]

Fill in or refresh the `sha256` table of every download in PROJECT/pyproject.toml
(default: the current directory): each binary's and library's `url` and each
[[tool.binwheel.archive]], for every target in [tool.binwheel.targets]. The
files are downloaded in parallel into binwheel's download cache (so the next
build finds them there); only the hash values in pyproject.toml change, its
comments, formatting and key order stay. Standard output gets one line per
hash.

options:
  --check             change nothing; exit 1 when a pinned hash no longer
                      matches the file at its URL (for CI)
  --checksums URL     read the hashes from the release's checksum file
                      (`sha256sum` format, e.g. GoReleaser's checksums.txt) at
                      this URL template instead of downloading every file
  -q, --quiet         no progress
";

const INIT_HELP: &str = "usage: binwheel init [DIR] [options]        (alias: binwheel new)

Write DIR/pyproject.toml (default: the current directory) for an existing
project: a Go module (go.mod), a Cargo package (Cargo.toml), else a directory
of prebuilt executables under bin/<target>/. An existing pyproject.toml is
never replaced without --force; one without [tool.binwheel] is left alone and
the lines to add to it are printed instead. Standard output gets the written
path (or the text, with --dry-run or for an existing file).

options:
  --kind KIND         go, cargo or prebuilt, instead of detecting
  --force             replace an existing pyproject.toml
  --dry-run           print the file instead of writing it
  -q, --quiet         no summary on standard error
";

const SCHEMA_HELP: &str = "usage: binwheel schema

Print the JSON Schema (draft 7) of [tool.binwheel]. validate-pyproject finds
it by itself through binwheel's `validate_pyproject.tool_schema` entry point.
";

/// Run the CLI with `args` (without the program name); returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let Some((command, rest)) = args.split_first() else {
        Reporter::stderr().text(USAGE);
        return 2;
    };
    if let Some(help) = help_for(command) {
        if rest.iter().any(|a| a == "-h" || a == "--help") {
            print!("{help}");
            return 0;
        }
    }
    let result = match command.as_str() {
        "build" => build(rest),
        "inspect" => inspect(rest),
        "check" => check(rest),
        "pin" => pin(rest),
        "init" | "new" => init(rest),
        "schema" => schema(rest),
        "--version" | "-V" => {
            println!("binwheel {}", crate::VERSION);
            Ok(0)
        }
        "--help" | "-h" | "help" => match rest {
            [] => {
                print!("{USAGE}");
                Ok(0)
            }
            [topic] => match help_for(topic) {
                Some(help) => {
                    print!("{help}");
                    Ok(0)
                }
                None => Err(Usage(format!("no help for {topic:?}: it is not a command"))),
            },
            _ => Err(Usage("help takes at most one command".into())),
        },
        other => Err(Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(code) => code,
        Err(Usage(msg)) => {
            let console = Console::new(Level::Normal);
            console.reporter.text(&format!(
                "binwheel: {} {msg}\n\n{USAGE}\n",
                console.paint(RED, "error:")
            ));
            2
        }
    }
}

fn help_for(command: &str) -> Option<&'static str> {
    Some(match command {
        "build" => BUILD_HELP,
        "inspect" => INSPECT_HELP,
        "check" => CHECK_HELP,
        "pin" => PIN_HELP,
        "init" | "new" => INIT_HELP,
        "schema" => SCHEMA_HELP,
        _ => return None,
    })
}

struct Usage(String);

/// Positional arguments, and each flag with its values.
type Parsed = (Vec<String>, BTreeMap<String, Vec<String>>);

impl From<Error> for Usage {
    fn from(e: Error) -> Self {
        Usage(e.to_string())
    }
}

/// Split flags from positional arguments. `with_value` lists flags that take a value.
fn parse(
    args: &[String],
    with_value: &[&str],
    switches: &[&str],
) -> std::result::Result<Parsed, Usage> {
    let mut positional = Vec::new();
    let mut flags: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some((flag, value)) = arg.split_once('=').filter(|(f, _)| f.starts_with('-')) {
            if !with_value.contains(&flag) {
                return Err(Usage(format!("unknown option {flag}")));
            }
            flags
                .entry(flag.to_string())
                .or_default()
                .push(value.to_string());
        } else if with_value.contains(&arg.as_str()) {
            let value = iter
                .next()
                .ok_or_else(|| Usage(format!("{arg} needs a value")))?;
            flags.entry(arg.clone()).or_default().push(value.clone());
        } else if switches.contains(&arg.as_str()) {
            flags.entry(arg.clone()).or_default();
        } else if arg.starts_with('-') && arg != "-" {
            return Err(Usage(format!("unknown option {arg}")));
        } else {
            positional.push(arg.clone());
        }
    }
    Ok((positional, flags))
}

/// How much goes to stderr besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Quiet,
    Normal,
    Verbose,
}

impl Level {
    fn from_flags(flags: &BTreeMap<String, Vec<String>>) -> std::result::Result<Level, Usage> {
        let quiet = flags.contains_key("-q") || flags.contains_key("--quiet");
        let verbose = flags.contains_key("-v") || flags.contains_key("--verbose");
        match (quiet, verbose) {
            (true, true) => Err(Usage("-q and -v exclude each other".into())),
            (true, false) => Ok(Level::Quiet),
            (false, true) => Ok(Level::Verbose),
            (false, false) => Ok(Level::Normal),
        }
    }
}

const QUIET_VERBOSE: [&str; 4] = ["-q", "--quiet", "-v", "--verbose"];

/// SGR codes.
const BOLD: &str = "1";
const DIM: &str = "2";
const RED: &str = "1;31";
const GREEN: &str = "32";
const CYAN: &str = "36";

/// stderr with a verbosity level and colour decided once.
struct Console {
    level: Level,
    color: bool,
    /// stderr, quiet with `-q`; each write stays whole among parallel jobs.
    reporter: Reporter,
}

impl Console {
    fn new(level: Level) -> Console {
        let env = |name: &str| std::env::var(name).ok();
        let reporter = Reporter::stderr().quiet(level == Level::Quiet);
        Console {
            level,
            color: use_color(env, reporter.is_terminal()),
            reporter,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Lines printed together (progress, or more with -v); nothing with -q.
    fn say(&self, at_least: Level, text: &str) {
        if self.level >= at_least && self.level != Level::Quiet {
            self.reporter.text(text);
        }
    }

    /// An error: always printed.
    fn error(&self, context: Option<&str>, e: &Error) {
        self.failed(None, context, e);
    }

    /// An error, after its progress line (unless quiet), with nothing between.
    fn failed(&self, progress: Option<&str>, context: Option<&str>, e: &Error) {
        let mut text = match (progress, self.level == Level::Quiet) {
            (Some(line), false) => line.to_string(),
            _ => String::new(),
        };
        let context = context.map(|c| format!("{c}: ")).unwrap_or_default();
        text.push_str(&format!(
            "binwheel: {} {context}{e}\n",
            self.paint(RED, "error:")
        ));
        self.reporter.text(&text);
    }
}

/// Colour on a terminal, unless `NO_COLOR` is set; `FORCE_COLOR` forces it
/// (both when non-empty, as no-color.org and force-color.org say).
fn use_color(env: impl Fn(&str) -> Option<String>, is_terminal: bool) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") {
        return false;
    }
    if set("FORCE_COLOR") {
        return true;
    }
    is_terminal && env("TERM").as_deref() != Some("dumb")
}

/// `2.8 MB`: decimal units, as pip and PyPI show sizes.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn report<T>(console: &Console, result: Result<T>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            console.error(None, &e);
            None
        }
    }
}

/// One artifact of `binwheel build`.
enum Job {
    Wheel(Option<String>),
    Sdist,
}

impl Job {
    /// How progress names it: the target key, or `sdist`.
    fn label(&self) -> String {
        match self {
            Job::Wheel(Some(t)) => t.clone(),
            Job::Wheel(None) => Target::host().map_or_else(|| "host".into(), |t| t.name()),
            Job::Sdist => "sdist".into(),
        }
    }
}

fn build(args: &[String]) -> std::result::Result<i32, Usage> {
    let mut switches = vec!["--list", "--all-targets", "--sdist"];
    switches.extend(QUIET_VERBOSE);
    let (positional, flags) = parse(args, &["-o", "--out-dir", "--target"], &switches)?;
    let console = Console::new(Level::from_flags(&flags)?);
    if positional.len() > 1 {
        return Err(Usage("build takes at most one project directory".into()));
    }
    let project = PathBuf::from(positional.first().map_or(".", String::as_str));
    let out = flags
        .get("-o")
        .or_else(|| flags.get("--out-dir"))
        .and_then(|v| v.last())
        .map_or_else(|| project.join("dist"), PathBuf::from);
    let all = flags.contains_key("--all-targets");
    if all && flags.contains_key("--target") {
        return Err(Usage(
            "--all-targets and --target exclude each other".into(),
        ));
    }
    let Some((jobs, tag_policy)) = build_jobs(&console, &project, &flags) else {
        return Ok(1);
    };
    let run = BuildRun {
        console: &console,
        project: &project,
        out: &out,
        tag_policy: &tag_policy,
        started: Instant::now(),
        finished: AtomicUsize::new(0),
        total: jobs.len(),
    };
    if flags.contains_key("--list") {
        return Ok(run.list(&jobs));
    }
    Ok(run.build_all(&jobs))
}

/// What to build (`--target`s, `--all-targets`, `--sdist`), and with `-v`
/// or `--all-targets` what each configured target's settings say about its
/// tags; `None` after an error was printed.
fn build_jobs(
    console: &Console,
    project: &Path,
    flags: &BTreeMap<String, Vec<String>>,
) -> Option<(Vec<Job>, TagPolicyLines)> {
    let all = flags.contains_key("--all-targets");
    let mut tag_policy: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut jobs: Vec<Job> = match flags.get("--target") {
        Some(t) => t.iter().cloned().map(|t| Job::Wheel(Some(t))).collect(),
        None => vec![Job::Wheel(None)],
    };
    if all || console.level == Level::Verbose {
        let loaded = report(console, crate::project::Project::load(project))?;
        let targets = &loaded.settings.targets;
        for t in targets {
            tag_policy.insert(t.target.name(), policy_lines(t));
        }
        if all && targets.is_empty() {
            console.error(
                None,
                &Error::new(format!(
                    "--all-targets needs [tool.binwheel.targets] in {}",
                    project.join(crate::project::PYPROJECT).display()
                )),
            );
            return None;
        }
        if all {
            jobs = targets
                .iter()
                .map(|t| Job::Wheel(Some(t.key.value.clone())))
                .collect();
        }
    }
    if all || flags.contains_key("--sdist") {
        jobs.push(Job::Sdist);
    }
    Some((jobs, tag_policy))
}

/// Per canonical target name, what its settings say about its tags.
type TagPolicyLines = BTreeMap<String, Vec<String>>;

/// One `binwheel build` run over its jobs.
struct BuildRun<'a> {
    console: &'a Console,
    project: &'a Path,
    out: &'a Path,
    tag_policy: &'a TagPolicyLines,
    started: Instant,
    finished: AtomicUsize,
    total: usize,
}

impl BuildRun<'_> {
    /// The hook options for a job's target, reporting to the console.
    fn options(&self, target: &Option<String>) -> Result<Options> {
        let mut settings = BTreeMap::new();
        if let Some(t) = target {
            settings.insert("target".to_string(), t.clone());
        }
        let env = |name: &str| std::env::var(name).ok();
        Options::new(&settings, env, self.console.reporter.clone())
    }

    /// `--list`: each wheel's planned files on stdout; the exit code.
    fn list(&self, jobs: &[Job]) -> i32 {
        let mut code = 0;
        for job in jobs {
            let Job::Wheel(target) = job else { continue };
            let planned = self
                .options(target)
                .and_then(|o| backend::plan(self.project, &o));
            match report(self.console, planned) {
                Some((_, plan)) => {
                    println!("{}", plan.filename());
                    for entry in plan.files.iter().chain(&plan.dist_info) {
                        println!("  {:o}  {}", entry.mode(), entry.path);
                    }
                    println!("  644  {}", plan.record_path());
                }
                None => code = 1,
            }
        }
        code
    }

    /// Build every job (independent artifacts in parallel, each with its
    /// memory bounded), print the written paths in the order asked for and
    /// the summary; the exit code.
    fn build_all(&self, jobs: &[Job]) -> i32 {
        let results = in_parallel(jobs, |job| self.build_one(job));
        // stdout: the written paths in the order asked for, for scripts.
        let mut failed = 0;
        for result in &results {
            match result {
                Ok(path) => println!("{path}"),
                Err(_) => failed += 1,
            }
        }
        let total = self.total;
        if total > 1 {
            let console = self.console;
            let elapsed = seconds(self.started.elapsed());
            let summary = if failed == 0 {
                console.paint(GREEN, &format!("built {total} artifacts in {elapsed}"))
            } else {
                console.paint(
                    RED,
                    &format!("{failed} of {total} artifacts failed ({elapsed})"),
                )
            };
            console.say(Level::Normal, &format!("binwheel: {summary}\n"));
        }
        if failed == 0 {
            0
        } else {
            1
        }
    }

    /// Build one artifact and say how it went; the written path.
    fn build_one(&self, job: &Job) -> Result<String> {
        let start = Instant::now();
        let result = (|| {
            let name = match job {
                Job::Wheel(target) => {
                    backend::build_wheel(self.project, self.out, &self.options(target)?)?
                }
                Job::Sdist => backend::build_sdist(self.project, self.out, &self.options(&None)?)?,
            };
            Ok(self.out.join(name).display().to_string())
        })();
        let n = self.finished.fetch_add(1, Ordering::Relaxed) + 1;
        let console = self.console;
        let label = job.label();
        let counter = console.paint(BOLD, &format!("[{n}/{}]", self.total));
        match &result {
            Ok(path) => {
                let path = Path::new(path);
                let size = std::fs::metadata(path).map_or(0, |m| m.len());
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                let mut text = format!(
                    "{counter} {} → {name} {}\n",
                    console.paint(CYAN, &label),
                    console.paint(
                        DIM,
                        &format!("({}, {})", human_size(size), seconds(start.elapsed()))
                    )
                );
                if console.level == Level::Verbose {
                    text.push_str(&details(path, self.tag_policy.get(&label_target(job))));
                }
                console.say(Level::Normal, &text);
            }
            Err(e) => {
                let line = format!(
                    "{counter} {} {}\n",
                    console.paint(CYAN, &label),
                    console.paint(RED, "failed")
                );
                console.failed(Some(&line), (self.total > 1).then_some(label.as_str()), e);
            }
        }
        result
    }
}

/// `run` over `jobs` on up to one thread per core; results in job order.
fn in_parallel(jobs: &[Job], run: impl Fn(&Job) -> Result<String> + Sync) -> Vec<Result<String>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    if workers <= 1 {
        return jobs.iter().map(run).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<String>>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let result = run(job);
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(Error::new("a build thread stopped unexpectedly")))
        })
        .collect()
}

/// The canonical target name of a wheel job, for looking up its settings.
fn label_target(job: &Job) -> String {
    match job {
        Job::Wheel(Some(t)) => Target::parse(t).map_or_else(|| t.clone(), |t| t.name()),
        Job::Wheel(None) => Target::host().map_or_else(String::new, |t| t.name()),
        Job::Sdist => String::new(),
    }
}

/// What `[tool.binwheel.targets.<key>]` says about tags, one line each.
fn policy_lines(t: &crate::settings::TargetSettings) -> Vec<String> {
    let table = format!("[tool.binwheel.targets.{}]", t.key.value);
    let mut lines = Vec::new();
    if let Some(tag) = &t.tag {
        lines.push(format!("pinned by `tag = {:?}` in {table}", tag.value.text));
    }
    if let Some(floor) = &t.manylinux {
        let (a, b) = floor.value;
        lines.push(format!("glibc floor {a}_{b} from `manylinux` in {table}"));
    }
    if let Some(floor) = &t.musllinux {
        let (a, b) = floor.value;
        lines.push(format!("musl floor {a}_{b} from `musllinux` in {table}"));
    }
    if !t.allow_libraries.is_empty() {
        lines.push(format!(
            "libraries allowed by `allow-libraries` in {table}: {}",
            t.allow_libraries.join(", ")
        ));
    }
    lines
}

/// `-v`: every entry of a written artifact with its size (and packed size in
/// a wheel), and for a wheel its tags with the facts and settings behind them.
fn details(path: &Path, policy: Option<&Vec<String>>) -> String {
    const PAD: &str = "      ";
    let mut out = String::new();
    let is_wheel = path.extension().is_some_and(|e| e == "whl");
    if !is_wheel {
        // An sdist: its members with their sizes (a .tar.gz packs them together).
        let listed = std::fs::File::open(path).and_then(|f| {
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(f));
            archive
                .entries()?
                .map(|entry| {
                    let entry = entry?;
                    let header = entry.header();
                    let name = entry.path()?.display().to_string();
                    Ok((name, header.mode()? & 0o777, header.size()?))
                })
                .collect::<std::io::Result<Vec<_>>>()
        });
        match listed {
            Ok(entries) => {
                for (name, mode, size) in entries {
                    out.push_str(&format!("{PAD}{mode:o}  {:>9}  {name}\n", human_size(size)));
                }
            }
            Err(e) => out.push_str(&format!("{PAD}(cannot list {}: {e})\n", path.display())),
        }
        return out;
    }
    let entries = std::fs::File::open(path)
        .map_err(|e| e.to_string())
        .and_then(|f| zip::ZipArchive::new(f).map_err(|e| e.to_string()))
        .and_then(|mut zip| {
            (0..zip.len())
                .map(|i| {
                    let f = zip.by_index_raw(i).map_err(|e| e.to_string())?;
                    let name = f.name().map_err(|e| e.to_string())?.into_owned();
                    let mode = f.unix_mode().map_or(0o644, |m| m & 0o777);
                    Ok((name, mode, f.size(), f.compressed_size()))
                })
                .collect::<std::result::Result<Vec<_>, String>>()
        });
    match entries {
        Ok(entries) => {
            for (name, mode, size, packed) in entries {
                out.push_str(&format!(
                    "{PAD}{mode:o}  {:>9}  {:>9} packed  {name}\n",
                    human_size(size),
                    human_size(packed)
                ));
            }
        }
        Err(e) => out.push_str(&format!("{PAD}(cannot list {}: {e})\n", path.display())),
    }
    let tags = path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.rsplit('-').next())
        .unwrap_or_default();
    out.push_str(&format!("{PAD}tags: {tags}\n"));
    let policy = policy.cloned().unwrap_or_default();
    let pinned = policy.iter().any(|l| l.starts_with("pinned"));
    out.push_str(&format!(
        "{PAD}  {} the binaries below\n",
        if pinned {
            "pinned, and checked against"
        } else {
            "derived from"
        }
    ));
    for line in policy {
        out.push_str(&format!("{PAD}  {line}\n"));
    }
    match crate::check::inspect_report(&[path.to_path_buf()], false) {
        Ok(text) => {
            // The report's own tags (and their continuation lines) use the
            // default floors; the wheel's tags are above.
            let indent = |l: &str| l.len() - l.trim_start().len();
            let mut skip_deeper_than = None;
            for line in text.lines().skip(1) {
                if let Some(depth) = skip_deeper_than {
                    if indent(line) > depth {
                        continue;
                    }
                    skip_deeper_than = None;
                }
                if line.trim_start().starts_with("tags:") {
                    skip_deeper_than = Some(indent(line));
                    continue;
                }
                out.push_str(&format!("{PAD}{line}\n"));
            }
        }
        Err(e) => out.push_str(&format!("{PAD}(cannot inspect: {e})\n")),
    }
    out
}

fn inspect(args: &[String]) -> std::result::Result<i32, Usage> {
    let (paths, flags) = parse(args, &[], &["--json"])?;
    if paths.is_empty() {
        return Err(Usage("inspect needs at least one file".into()));
    }
    let console = Console::new(Level::Normal);
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    match report(
        &console,
        crate::check::inspect_report(&paths, flags.contains_key("--json")),
    ) {
        Some(text) => {
            print!("{text}");
            Ok(0)
        }
        None => Ok(1),
    }
}

fn check(args: &[String]) -> std::result::Result<i32, Usage> {
    let (paths, flags) = parse(args, &["--ignore"], &["--json", "--strict"])?;
    if paths.is_empty() {
        return Err(Usage(
            "check needs at least one wheel, sdist or project directory".into(),
        ));
    }
    let ignore = flags.get("--ignore").cloned().unwrap_or_default();
    let flag_gate = crate::check::gate::Gate::new(flags.contains_key("--strict"), &ignore)
        .map_err(|e| Usage(format!("--ignore {e}")))?;
    let console = Console::new(Level::Normal);
    let Some(project_gate) = report(&console, crate::settings::check_gate(Path::new("."))) else {
        return Ok(1);
    };
    let gate = flag_gate.and(project_gate);
    let mut code = 0;
    let (dirs, paths): (Vec<String>, Vec<String>) =
        paths.into_iter().partition(|p| Path::new(p).is_dir());
    for dir in &dirs {
        code = code.max(check_project(dir));
    }
    let files: Vec<crate::check::output::Checked> = paths
        .into_iter()
        .map(|path| {
            let gated = gate.apply(crate::check::check_dist(Path::new(&path)));
            crate::check::output::Checked { path, gated }
        })
        .collect();
    if files.is_empty() {
        return Ok(code);
    }
    if flags.contains_key("--json") {
        print!("{}", crate::check::output::json(&files, gate.strict));
    } else {
        print!("{}", crate::check::output::text(&files));
    }
    Ok(code.max(i32::from(files.iter().any(|f| f.gated.has_errors()))))
}

fn pin(args: &[String]) -> std::result::Result<i32, Usage> {
    let (positional, flags) = parse(args, &["--checksums"], &["--check", "-q", "--quiet"])?;
    let console = Console::new(Level::from_flags(&flags)?);
    if positional.len() > 1 {
        return Err(Usage("pin takes at most one project directory".into()));
    }
    let dir = PathBuf::from(positional.first().map_or(".", String::as_str));
    let options = crate::pin::PinOptions {
        check: flags.contains_key("--check"),
        checksums: flags.get("--checksums").and_then(|v| v.last()).cloned(),
    };
    let Some(outcome) = report(&console, crate::pin::pin(&dir, &options, &console.reporter)) else {
        return Ok(1);
    };
    for line in &outcome.lines {
        println!("{line}");
    }
    if outcome.mismatches > 0 {
        console.reporter.text(&format!(
            "binwheel: {} {} pinned hash(es) no longer match; if the new files are trusted, run `binwheel pin` to update them\n",
            console.paint(RED, "error:"),
            outcome.mismatches
        ));
        return Ok(1);
    }
    if outcome.written {
        console.say(
            Level::Normal,
            &format!(
                "binwheel: updated {}\n",
                dir.join("pyproject.toml").display()
            ),
        );
    }
    Ok(0)
}

/// `binwheel check DIR`: the project's configuration, read as a build
/// reads it, its problems printed as a build prints them.
fn check_project(dir: &str) -> i32 {
    let console = Console::new(Level::Normal);
    match report(&console, crate::project::Project::load(Path::new(dir))) {
        Some(_) => {
            println!("{dir}: ok");
            0
        }
        None => 1,
    }
}

fn init(args: &[String]) -> std::result::Result<i32, Usage> {
    let (positional, flags) = parse(
        args,
        &["--kind"],
        &["--force", "--dry-run", "-q", "--quiet"],
    )?;
    let console = Console::new(Level::from_flags(&flags)?);
    if positional.len() > 1 {
        return Err(Usage("init takes at most one directory".into()));
    }
    let dir = PathBuf::from(positional.first().map_or(".", String::as_str));
    let kind = match flags.get("--kind").and_then(|k| k.last()) {
        None => None,
        Some(k) => Some(crate::init::ProjectKind::parse(k).ok_or_else(|| {
            Usage(format!(
                "unknown --kind {k:?}; binwheel init knows go, cargo and prebuilt"
            ))
        })?),
    };
    let options = crate::init::InitOptions {
        force: flags.contains_key("--force"),
        dry_run: flags.contains_key("--dry-run"),
        kind,
    };
    let Some(outcome) = report(&console, crate::init::init(&dir, &options)) else {
        return Ok(1);
    };
    use crate::init::Outcome;
    match outcome {
        Outcome::Written { path, scaffold } => {
            println!("{}", path.display());
            console.say(
                Level::Normal,
                &format!(
                    "binwheel: {} {}\nbinwheel: wrote {}; next: binwheel build{}\n",
                    console.paint(GREEN, "found"),
                    scaffold.summary,
                    path.display(),
                    if dir == Path::new(".") {
                        String::new()
                    } else {
                        format!(" {}", dir.display())
                    }
                ),
            );
        }
        Outcome::DryRun { scaffold } => {
            print!("{}", scaffold.pyproject);
            console.say(
                Level::Normal,
                &format!(
                    "binwheel: {} {} (--dry-run: nothing written)\n",
                    console.paint(GREEN, "found"),
                    scaffold.summary
                ),
            );
        }
        Outcome::Snippet { path, scaffold } => {
            print!("{}", scaffold.snippet);
            console.say(
                Level::Normal,
                &format!(
                    "binwheel: {} has no [tool.binwheel] and was left as it is; add the lines above to it\n\
                     (replacing its [build-system]), or pass --force to replace the whole file\n",
                    path.display()
                ),
            );
        }
    }
    Ok(0)
}

fn schema(args: &[String]) -> std::result::Result<i32, Usage> {
    let (positional, _) = parse(args, &[], &[])?;
    if !positional.is_empty() {
        return Err(Usage("schema takes no arguments".into()));
    }
    print!("{}", crate::schema::json_schema());
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn colour_only_on_a_terminal_unless_told() {
        assert!(use_color(env(&[]), true));
        assert!(!use_color(env(&[]), false));
        assert!(!use_color(env(&[("NO_COLOR", "1")]), true));
        assert!(use_color(env(&[("NO_COLOR", "")]), true));
        assert!(use_color(env(&[("FORCE_COLOR", "1")]), false));
        assert!(!use_color(env(&[("FORCE_COLOR", "")]), false));
        assert!(!use_color(
            env(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]),
            true
        ));
        assert!(!use_color(env(&[("TERM", "dumb")]), true));
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1000), "1.0 kB");
        assert_eq!(human_size(2_845_123), "2.8 MB");
        assert_eq!(human_size(999_999), "1.0 MB");
        assert_eq!(human_size(3_000_000_000), "3.0 GB");
    }

    #[test]
    fn usage_errors_exit_2_and_help_exits_0() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(main(&args(&["frobnicate"])), 2);
        assert_eq!(main(&args(&[])), 2);
        assert_eq!(main(&args(&["build", "--bogus"])), 2);
        assert_eq!(main(&args(&["build", "-q", "-v"])), 2);
        assert_eq!(main(&args(&["init", "--kind", "zig"])), 2);
        assert_eq!(main(&args(&["help", "nothing"])), 2);
        assert_eq!(main(&args(&["build", "--help"])), 0);
        assert_eq!(main(&args(&["help", "init"])), 0);
        assert_eq!(main(&args(&["new", "-h"])), 0);
    }

    #[test]
    fn every_command_has_help_that_the_overview_names() {
        for command in ["build", "inspect", "check", "init", "schema"] {
            let help = help_for(command).unwrap();
            assert!(
                help.starts_with(&format!("usage: binwheel {command}")),
                "{command}"
            );
            assert!(USAGE.contains(&format!("\n  {command} ")), "{command}");
        }
        // Every option a command parses is in its help.
        for option in [
            "--out-dir",
            "--target",
            "--all-targets",
            "--sdist",
            "--list",
            "--quiet",
            "--verbose",
        ] {
            assert!(BUILD_HELP.contains(option), "{option}");
        }
        for option in ["--kind", "--force", "--dry-run", "--quiet"] {
            assert!(INIT_HELP.contains(option), "{option}");
        }
    }
}
