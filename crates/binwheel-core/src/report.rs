//! Where the core's words to people go: progress, warnings and a build
//! command's output.
//!
//! Owns the one place that writes to stderr. Every caller gets a
//! [`Reporter`] handed in (through `backend::Options`), so the edges
//! choose the destination: the CLI passes stderr, quiet or not (`-q`); the
//! PyO3 hooks pass stderr, which the frontend shows; tests pass a
//! [`Reporter::capture`]. There is no global switch, so a quiet run cannot
//! silence a later one. It knows nothing about what is being reported.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

/// Where reported text ends up.
#[derive(Clone)]
enum Sink {
    /// The process's stderr.
    Stderr,
    /// A buffer that a test reads back.
    Buffer(Arc<Mutex<Vec<u8>>>),
}

/// Hands progress, warnings and command output to one destination.
#[derive(Clone)]
pub struct Reporter {
    sink: Sink,
    /// Progress and command output are held back (warnings are not).
    quiet: bool,
    /// Keeps each write whole when parallel builds share the reporter.
    lock: Arc<Mutex<()>>,
}

impl Default for Reporter {
    fn default() -> Self {
        Reporter::stderr()
    }
}

impl fmt::Debug for Reporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sink = match self.sink {
            Sink::Stderr => "stderr",
            Sink::Buffer(_) => "buffer",
        };
        write!(f, "Reporter({sink}, quiet: {})", self.quiet)
    }
}

impl Reporter {
    /// Everything to stderr.
    pub fn stderr() -> Reporter {
        Reporter {
            sink: Sink::Stderr,
            quiet: false,
            lock: Arc::new(Mutex::new(())),
        }
    }

    /// A reporter that keeps what it is given, and the buffer to read it from.
    pub fn capture() -> (Reporter, Captured) {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let reporter = Reporter {
            sink: Sink::Buffer(buffer.clone()),
            quiet: false,
            lock: Arc::new(Mutex::new(())),
        };
        (reporter, Captured(buffer))
    }

    /// The same destination, holding back progress and command output
    /// (`binwheel build -q`) when `quiet`.
    pub fn quiet(mut self, quiet: bool) -> Reporter {
        self.quiet = quiet;
        self
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Whether the text goes to a terminal (where colour may be used).
    pub fn is_terminal(&self) -> bool {
        match self.sink {
            Sink::Stderr => std::io::stderr().is_terminal(),
            Sink::Buffer(_) => false,
        }
    }

    /// A line of progress (`binwheel: building "hello": go build …`), held
    /// back when quiet.
    pub fn progress(&self, line: &str) {
        if !self.quiet {
            self.write(format!("binwheel: {line}\n").as_bytes());
        }
    }

    /// A warning (`binwheel: warning: …`): shown even when quiet.
    pub fn warning(&self, line: &str) {
        self.write(format!("binwheel: warning: {line}\n").as_bytes());
    }

    /// A note about our own housekeeping (`binwheel: cannot write …`),
    /// shown even when quiet.
    pub fn note(&self, line: &str) {
        self.write(format!("binwheel: {line}\n").as_bytes());
    }

    /// Raw output of a command binwheel runs, held back when quiet.
    pub fn command_output(&self, bytes: &[u8]) {
        if !self.quiet {
            self.write(bytes);
        }
    }

    /// Text exactly as given, whatever the quiet setting: the CLI's own
    /// progress, summary and errors, which it has already filtered.
    pub fn text(&self, text: &str) {
        self.write(text.as_bytes());
    }

    fn write(&self, bytes: &[u8]) {
        let _whole = self.lock.lock();
        match &self.sink {
            // Nothing sensible is left to do when stderr is gone.
            Sink::Stderr => {
                let _ = std::io::stderr().write_all(bytes);
            }
            Sink::Buffer(buffer) => {
                if let Ok(mut b) = buffer.lock() {
                    b.extend_from_slice(bytes);
                }
            }
        }
    }
}

/// What a [`Reporter::capture`] reporter was given.
#[derive(Clone)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_holds_back_progress_and_output_but_not_warnings() {
        let (reporter, captured) = Reporter::capture();
        let quiet = reporter.clone().quiet(true);
        quiet.progress("building \"x\"");
        quiet.command_output(b"compiler chatter\n");
        quiet.warning("x.whl: over the limit");
        quiet.note("cannot write stamp");
        quiet.text("[1/1] sdist\n");
        assert_eq!(
            captured.text(),
            "binwheel: warning: x.whl: over the limit\nbinwheel: cannot write stamp\n[1/1] sdist\n"
        );
    }

    #[test]
    fn a_quiet_copy_does_not_silence_the_original() {
        // What the old global flag got wrong once (a `build -q` inside a
        // Python process muted later hook calls): quiet is per reporter.
        let (reporter, captured) = Reporter::capture();
        {
            let quiet = reporter.clone().quiet(true);
            quiet.progress("held back");
            assert!(quiet.is_quiet());
        }
        assert!(!reporter.is_quiet());
        reporter.progress("downloading u");
        reporter.command_output(b"out\n");
        assert_eq!(captured.text(), "binwheel: downloading u\nout\n");
        assert!(!Reporter::default().is_quiet());
    }
}
