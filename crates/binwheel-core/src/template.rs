//! Templates: the `{placeholder}` strings of `path`, `url`, `member`,
//! `build` and `env`.
//!
//! Owns the placeholders (one enum, one expansion) and the [`Template`]
//! type, parsed once when the settings are read, so an unknown placeholder
//! is a config error with file:line and expanding cannot fail on syntax.
//! Adding a placeholder is one line in `placeholders!` and one arm in
//! [`Placeholder::value`]. It knows target values (from `target`), not
//! where a template is used.

use std::ops::Range;

use crate::error::{Error, Result};
use crate::target::ResolvedTarget;
use crate::toml::{Spanned, Table};

/// Defines [`Placeholder`], its names and its order in messages from one list.
macro_rules! placeholders {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A `{name}` a template may use.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Placeholder {
            $($(#[$doc])* $variant,)*
        }

        impl Placeholder {
            /// Every placeholder, in the order messages list them. `Out`
            /// comes first: the others are [`PLACEHOLDERS`].
            pub const ALL: &'static [Placeholder] = &[$(Placeholder::$variant),*];

            /// The name between the braces.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Placeholder::$variant => $name,)*
                }
            }
        }
    };
}

placeholders! {
    /// Where a build command writes the binary (`build` and `env` only).
    Out = "out",
    /// The target's key as written in `[tool.binwheel.targets]`.
    Target = "target",
    Os = "os",
    Arch = "arch",
    Goos = "goos",
    Goarch = "goarch",
    RustTarget = "rust_target",
    Exe = "exe",
    Version = "version",
}

const NAMES: [&str; Placeholder::ALL.len()] = {
    let mut names = [""; Placeholder::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Placeholder::ALL[i].name();
        i += 1;
    }
    names
};

/// Placeholders of `build` and `env`: every one.
pub const BUILD_PLACEHOLDERS: &[&str] = &NAMES;

/// Placeholders of `path`, `url` and `member`: all but `{out}`.
pub const PLACEHOLDERS: &[&str] = match BUILD_PLACEHOLDERS.split_first() {
    Some((_, rest)) => rest,
    None => &[],
};

impl Placeholder {
    fn parse(name: &str, allowed: &[&str]) -> Option<Placeholder> {
        Placeholder::ALL
            .iter()
            .copied()
            .find(|p| p.name() == name && allowed.contains(&name))
    }

    /// What the placeholder stands for in `template` for `target`; `{out}`
    /// stays as it is, for the build step to fill.
    fn value(self, template: &str, target: &ResolvedTarget, version: &str) -> Result<String> {
        let t = target.target;
        Ok(match self {
            Placeholder::Out => "{out}".to_string(),
            Placeholder::Target => target.key.clone(),
            Placeholder::Os => t.os.name().to_string(),
            Placeholder::Arch => t.arch_name().to_string(),
            Placeholder::Goos => t.os.goos().to_string(),
            Placeholder::Goarch => t
                .arch
                .goarch()
                .ok_or_else(|| {
                    Error::new(format!(
                        "{template:?} uses {{goarch}}, but Go has no architecture for {t}"
                    ))
                })?
                .to_string(),
            Placeholder::RustTarget => t.rust_target().to_string(),
            Placeholder::Exe => t.exe_suffix().to_string(),
            Placeholder::Version => version.to_string(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Placeholder(Placeholder),
}

/// A string with placeholders, checked when read.
#[derive(Debug, Clone)]
pub struct Template {
    /// The text as written.
    pub value: String,
    /// Where it is in `pyproject.toml`.
    pub span: Option<Range<usize>>,
    segments: Vec<Segment>,
}

impl Template {
    /// Parse the string value of `key`, allowing the placeholders in `allowed`
    /// ([`PLACEHOLDERS`] or [`BUILD_PLACEHOLDERS`]); errors point at the value.
    pub fn read(
        table: &Table<'_>,
        text: Spanned<String>,
        key: &str,
        allowed: &[&str],
    ) -> Result<Template> {
        // Errors point at the placeholder, bytes `at` of the text.
        let error = |at: Range<usize>, message: String, help: String| {
            let file = table.file();
            let span = file.span_within(text.span.clone(), &text.value, at);
            file.error(span, message, Some(help))
        };
        let mut segments = Vec::new();
        let mut rest = text.value.as_str();
        while let Some(open) = rest.find('{') {
            let start = text.value.len() - rest.len() + open;
            let Some(close) = rest[open..].find('}') else {
                return Err(error(
                    start..text.value.len(),
                    format!("`{key}` has an unclosed `{{`"),
                    format!("placeholders are {}", list(allowed)),
                ));
            };
            let name = &rest[open + 1..open + close];
            let Some(placeholder) = Placeholder::parse(name, allowed) else {
                let hint = match crate::error::did_you_mean(name, allowed.iter().copied()) {
                    Some(s) => format!("did you mean {{{s}}}? placeholders are {}", list(allowed)),
                    None => format!("placeholders are {}", list(allowed)),
                };
                return Err(error(
                    start..start + close + 1,
                    format!("`{key}` uses an unknown placeholder {{{name}}}"),
                    hint,
                ));
            };
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_string()));
            }
            segments.push(Segment::Placeholder(placeholder));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_string()));
        }
        Ok(Template {
            value: text.value,
            span: text.span,
            segments,
        })
    }

    /// The text for `target` and `version`, with `{out}` left in place.
    pub fn expand(&self, target: &ResolvedTarget, version: &str) -> Result<String> {
        let mut out = String::with_capacity(self.value.len());
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Placeholder(p) => out.push_str(&p.value(&self.value, target, version)?),
            }
        }
        Ok(out)
    }

    /// Whether the template uses `placeholder`.
    pub fn uses(&self, placeholder: Placeholder) -> bool {
        self.segments.contains(&Segment::Placeholder(placeholder))
    }
}

fn list(allowed: &[&str]) -> String {
    allowed
        .iter()
        .map(|p| format!("{{{p}}}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::Target;
    use crate::toml::TomlFile;
    use std::path::Path;

    fn target(name: &str) -> ResolvedTarget {
        ResolvedTarget {
            target: Target::parse(name).unwrap(),
            key: name.to_string(),
        }
    }

    fn read(text: &str, allowed: &[&str]) -> Result<Template> {
        let toml = format!("t = {text:?}\n");
        let file = TomlFile::parse(Path::new("pyproject.toml"), "pyproject.toml", toml)?;
        let table = file.root();
        let value = table.str("t")?.unwrap();
        Template::read(&table, value, "t", allowed)
    }

    #[test]
    fn expands_every_placeholder() {
        let t = target("windows-amd64");
        let template = read(
            "bin/{target}/{os}-{arch}/{goos}_{goarch}/{rust_target}/x-{version}{exe}",
            PLACEHOLDERS,
        )
        .unwrap();
        assert_eq!(
            template.expand(&t, "1.2.3").unwrap(),
            "bin/windows-amd64/windows-x86_64/windows_amd64/x86_64-pc-windows-msvc/x-1.2.3.exe"
        );
        let goarch = read("{goarch}", PLACEHOLDERS).unwrap();
        let err = goarch.expand(&target("macos-universal2"), "1").unwrap_err();
        assert!(err
            .message()
            .contains("Go has no architecture for macos-universal2"));
    }

    #[test]
    fn out_survives_expansion_and_only_build_may_use_it() {
        let t = target("windows-x86_64");
        let build = read("-o={out}/x{exe}-{version}", BUILD_PLACEHOLDERS).unwrap();
        assert!(build.uses(Placeholder::Out));
        assert_eq!(build.expand(&t, "1.0").unwrap(), "-o={out}/x.exe-1.0");
        let err = read("{out}/x", PLACEHOLDERS).unwrap_err().to_string();
        assert!(
            err.contains("`t` uses an unknown placeholder {out}"),
            "{err}"
        );
        assert!(err.contains("pyproject.toml:1:6"), "{err}");
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_config_errors() {
        let err = read("bin/{targte}", PLACEHOLDERS).unwrap_err().to_string();
        assert!(err.contains("did you mean {target}?"), "{err}");
        let err = read("bin/{target", PLACEHOLDERS).unwrap_err().to_string();
        assert!(err.contains("`t` has an unclosed `{`"), "{err}");
        assert!(read("no placeholders", PLACEHOLDERS)
            .unwrap()
            .expand(&target("linux-x86_64"), "1")
            .is_ok_and(|s| s == "no placeholders"));
    }

    #[test]
    fn the_lists_follow_the_enum() {
        assert_eq!(BUILD_PLACEHOLDERS.len(), Placeholder::ALL.len());
        assert_eq!(BUILD_PLACEHOLDERS[0], "out");
        assert!(!PLACEHOLDERS.contains(&"out"));
        assert_eq!(&BUILD_PLACEHOLDERS[1..], PLACEHOLDERS);
    }
}
