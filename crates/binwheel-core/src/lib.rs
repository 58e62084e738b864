//! binwheel-core: every rule of the binwheel build backend, with no Python in it.
//!
//! The one-way path: `pyproject.toml` is read once into a [`project::Project`]
//! (typed, validated, spans kept); for one [`target::Target`] it becomes a
//! [`plan::Plan`] (files, modes, tags, metadata); a writer turns the plan into
//! a wheel, an sdist or a listing. Binaries are read by [`inspect`] into facts
//! and [`tags`] turns facts into platform tags. The PyO3 crate and the Python
//! shim only forward to [`backend`] and [`cli`].

pub mod backend;
pub mod check;
pub mod cli;
pub mod download;
pub mod error;
pub mod init;
pub mod inspect;
pub mod json;
pub mod keys;
pub mod linkage;
pub mod locator;
pub mod metadata;
pub mod pin;
pub mod plan;
pub mod project;
pub mod relpath;
pub mod report;
pub mod sbom;
pub mod schema;
pub mod sdist;
pub mod settings;
pub mod source;
pub mod tags;
pub mod target;
pub mod template;
pub mod toml;
pub mod version;
pub mod write;

pub use error::{Error, Result};

/// binwheel's own version, written into `WHEEL` as the generator.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
