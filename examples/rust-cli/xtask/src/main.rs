//! The build helper binwheel runs when no prebuilt `rustcli` exists for the
//! target (a fresh clone, or a wheel built from the sdist):
//!
//!     cargo run --package xtask -- <rust target triple> <out>
//!
//! binwheel's `build` command is one argv with no shell, and it must write the
//! binary to `{out}`, a file path binwheel chooses. Stable cargo cannot write
//! an artifact to a given file (`--artifact-dir` is unstable, and `cargo
//! install --root` appends `bin/<name>`), so this helper runs `cargo build`,
//! asks cargo where the executable went (its JSON messages name it, whatever
//! `CARGO_TARGET_DIR` or `.cargo/config.toml` say) and copies it to `<out>`.
//! Standard library only.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [triple, out] = args.as_slice() else {
        eprintln!("usage: cargo run --package xtask -- <rust target triple> <out>");
        return ExitCode::from(2);
    };
    match build(triple, &PathBuf::from(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn build(triple: &str, out: &std::path::Path) -> Result<(), String> {
    // `cargo run` tells the program which cargo started it.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--locked",
            "--package",
            "rustcli",
            "--bin",
            "rustcli",
        ])
        .args([
            "--target",
            triple,
            "--message-format",
            "json-render-diagnostics",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut executable = None;
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("cannot read cargo's output: {e}"))?;
        if line.contains("\"reason\":\"compiler-artifact\"") {
            if let Some(path) = json_string_field(&line, "executable") {
                executable = Some(PathBuf::from(path));
            }
        }
    }
    let status = child.wait().map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    let executable = executable.ok_or("cargo built no executable")?;
    std::fs::copy(&executable, out).map(drop).map_err(|e| {
        format!(
            "cannot copy {} to {}: {e}",
            executable.display(),
            out.display()
        )
    })
}

/// The value of `"key":"..."` in one line of cargo's JSON, unescaped
/// (cargo writes paths with `\\` and `\"` escapes only).
fn json_string_field(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let mut value = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}
