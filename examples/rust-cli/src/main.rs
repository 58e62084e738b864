//! rustcli: counts lines, words and bytes of its input, like a small `wc`.
//!
//!     rustcli --version        prints `rustcli <version>`
//!     rustcli count [FILE...]  prints `<lines> <words> <bytes>` of stdin or of the files
//!
//! Anything else prints usage to stderr and exits with code 2.

use std::io::{self, Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: rustcli --version | rustcli count [FILE...]";

#[derive(Default)]
struct Counts {
    lines: usize,
    words: usize,
    bytes: usize,
}

impl Counts {
    fn add(&mut self, data: &[u8]) {
        self.bytes += data.len();
        self.lines += data.iter().filter(|&&b| b == b'\n').count();
        self.words += data
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty())
            .count();
    }
}

fn count(files: &[String]) -> io::Result<Counts> {
    let mut counts = Counts::default();
    let mut data = Vec::new();
    if files.is_empty() {
        io::stdin().lock().read_to_end(&mut data)?;
        counts.add(&data);
    }
    for file in files {
        data.clear();
        std::fs::File::open(file)
            .and_then(|mut f| f.read_to_end(&mut data))
            .map_err(|e| io::Error::new(e.kind(), format!("{file}: {e}")))?;
        counts.add(&data);
    }
    Ok(counts)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version") if args.len() == 1 => {
            println!("rustcli {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("count") => match count(&args[1..]) {
            Ok(c) => {
                let mut out = io::stdout().lock();
                // a closed pipe (`rustcli count | head -c0`) is not an error worth a panic
                let _ = writeln!(out, "{} {} {}", c.lines, c.words, c.bytes);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("rustcli: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
