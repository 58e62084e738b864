//! The `binwheel` command line: argument parsing and output only.
//!
//! Every command calls the same functions the build hooks use; this module
//! holds no packaging rule. Exit codes: 0 success, 1 a failed build or check,
//! 2 a usage error.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::backend::{self, Options};
use crate::error::{Error, Result};

const USAGE: &str = "usage: binwheel <command> [options]

commands:
  build [PROJECT] [-o DIR] [--target NAME]... [--all-targets] [--sdist] [--list]
                      build the wheel for the host or each --target into DIR (default dist/);
                      --all-targets: every target in [tool.binwheel.targets] plus the sdist,
                      in parallel; --sdist: the sdist too; --list: print the planned files
  inspect FILE... [--json]
                      print what binwheel reads from executables and wheels and the tags it derives
  check WHEEL...      validate wheels against their binaries and PyPI's upload rules
  --version           print binwheel's version
";

/// Run the CLI with `args` (without the program name); returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return 2;
    };
    let result = match command.as_str() {
        "build" => build(rest),
        "inspect" => inspect(rest),
        "check" => check(rest),
        "--version" | "-V" => {
            println!("binwheel {}", crate::VERSION);
            Ok(0)
        }
        "--help" | "-h" | "help" => {
            print!("{USAGE}");
            Ok(0)
        }
        other => Err(Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(code) => code,
        Err(Usage(msg)) => {
            eprintln!("binwheel: {msg}\n\n{USAGE}");
            2
        }
    }
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

fn report<T>(result: Result<T>) -> std::result::Result<Option<T>, Usage> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            eprintln!("binwheel: error: {e}");
            Ok(None)
        }
    }
}

/// One artifact of `binwheel build`.
enum Job {
    Wheel(Option<String>),
    Sdist,
}

fn build(args: &[String]) -> std::result::Result<i32, Usage> {
    let (positional, flags) = parse(
        args,
        &["-o", "--out-dir", "--target"],
        &["--list", "--all-targets", "--sdist"],
    )?;
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
    let mut jobs: Vec<Job> = if all {
        let Some(loaded) = report(crate::project::Project::load(&project))? else {
            return Ok(1);
        };
        if loaded.settings.targets.is_empty() {
            eprintln!(
                "binwheel: error: --all-targets needs [tool.binwheel.targets] in {}",
                project.join(crate::project::PYPROJECT).display()
            );
            return Ok(1);
        }
        loaded
            .settings
            .targets
            .iter()
            .map(|t| Job::Wheel(Some(t.key.value.clone())))
            .collect()
    } else {
        match flags.get("--target") {
            Some(t) => t.iter().cloned().map(|t| Job::Wheel(Some(t))).collect(),
            None => vec![Job::Wheel(None)],
        }
    };
    if all || flags.contains_key("--sdist") {
        jobs.push(Job::Sdist);
    }
    let env = |name: &str| std::env::var(name).ok();
    let options = |target: &Option<String>| {
        let mut settings = BTreeMap::new();
        if let Some(t) = target {
            settings.insert("target".to_string(), t.clone());
        }
        Options::new(&settings, env)
    };

    if flags.contains_key("--list") {
        let mut code = 0;
        for job in &jobs {
            let Job::Wheel(target) = job else { continue };
            let planned = options(target).and_then(|o| backend::plan(&project, &o));
            match report(planned)? {
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
        return Ok(code);
    }

    // Independent artifacts build in parallel; each keeps its memory bounded.
    let run = |job: &Job| -> Result<String> {
        let name = match job {
            Job::Wheel(target) => backend::build_wheel(&project, &out, &options(target)?)?,
            Job::Sdist => backend::build_sdist(&project, &out, &options(&None)?)?,
        };
        Ok(out.join(name).display().to_string())
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    let results: Vec<Result<String>> = if workers <= 1 {
        jobs.iter().map(run).collect()
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let slots: Vec<std::sync::Mutex<Option<Result<String>>>> =
            jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
    };
    let mut code = 0;
    for result in results {
        match result {
            Ok(path) => println!("{path}"),
            Err(e) => {
                eprintln!("binwheel: error: {e}");
                code = 1;
            }
        }
    }
    Ok(code)
}

fn inspect(args: &[String]) -> std::result::Result<i32, Usage> {
    let (paths, flags) = parse(args, &[], &["--json"])?;
    if paths.is_empty() {
        return Err(Usage("inspect needs at least one file".into()));
    }
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    match report(crate::check::inspect_report(
        &paths,
        flags.contains_key("--json"),
    ))? {
        Some(text) => {
            print!("{text}");
            Ok(0)
        }
        None => Ok(1),
    }
}

fn check(args: &[String]) -> std::result::Result<i32, Usage> {
    let (paths, _) = parse(args, &[], &[])?;
    if paths.is_empty() {
        return Err(Usage("check needs at least one wheel".into()));
    }
    let mut code = 0;
    for path in paths {
        let problems = crate::check::check_wheel(std::path::Path::new(&path));
        if problems.is_empty() {
            println!("{path}: ok");
        } else {
            code = 1;
            for p in problems {
                println!("{path}: {p}");
            }
        }
    }
    Ok(code)
}
