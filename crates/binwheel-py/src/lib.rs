//! PyO3 glue: Python arguments in, `binwheel_core::backend` calls, rendered
//! errors out. Holds no rule. A core error becomes `BuildError`, a subclass
//! of `SystemExit` carrying the rendered message, so a frontend running the
//! hook shows that message and exits 1, without a traceback from our code.

use std::collections::BTreeMap;
use std::path::PathBuf;

use binwheel_core::backend::{self, Options};
use binwheel_core::report::Reporter;
use pyo3::create_exception;
use pyo3::exceptions::PySystemExit;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

create_exception!(
    _binwheel,
    BuildError,
    PySystemExit,
    "A build failed; the message says which file, key and fix."
);

fn to_py(err: binwheel_core::Error) -> PyErr {
    BuildError::new_err(format!("binwheel: error: {}", err.message()))
}

/// `config_settings` (str → str) plus the environment → Options.
fn options(config_settings: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
    let mut settings = BTreeMap::new();
    if let Some(dict) = config_settings {
        for (key, value) in dict.iter() {
            let key: String = key.str()?.to_cow()?.into_owned();
            let value = if value.is_none() {
                String::new()
            } else if let Ok(s) = value.cast::<PyString>() {
                s.to_cow()?.into_owned()
            } else if value.cast::<PyList>().is_ok() {
                return Err(to_py(binwheel_core::Error::new(format!(
                    "config setting {key:?} was given more than once ({}); give it once",
                    value.repr()?
                ))));
            } else {
                value.str()?.to_cow()?.into_owned()
            };
            settings.insert(key, value);
        }
    }
    // The frontend shows the hook's stderr (progress, a build command's
    // output, warnings) to its user.
    let reporter = Reporter::stderr();
    Options::new(&settings, |name| std::env::var(name).ok(), reporter).map_err(to_py)
}

/// Run `f` without the GIL and map its error.
fn call<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> binwheel_core::Result<T> + Send,
) -> PyResult<T> {
    py.detach(f).map_err(to_py)
}

/// A hook that writes into a directory and returns the file or directory name.
macro_rules! output_hook {
    ($name:ident, $dir:ident, $core:path) => {
        #[pyfunction]
        #[pyo3(signature = (source_dir, $dir, config_settings=None))]
        fn $name(
            py: Python<'_>,
            source_dir: PathBuf,
            $dir: PathBuf,
            config_settings: Option<&Bound<'_, PyDict>>,
        ) -> PyResult<String> {
            let options = options(config_settings)?;
            call(py, || $core(&source_dir, &$dir, &options))
        }
    };
}

/// A `get_requires_for_build_*` hook.
macro_rules! requires_hook {
    ($name:ident, $core:path) => {
        #[pyfunction]
        #[pyo3(signature = (source_dir, config_settings=None))]
        fn $name(
            py: Python<'_>,
            source_dir: PathBuf,
            config_settings: Option<&Bound<'_, PyDict>>,
        ) -> PyResult<Vec<String>> {
            let options = options(config_settings)?;
            call(py, || $core(&source_dir, &options))
        }
    };
}

output_hook!(build_wheel, wheel_directory, backend::build_wheel);
output_hook!(build_editable, wheel_directory, backend::build_editable);
output_hook!(build_sdist, sdist_directory, backend::build_sdist);
output_hook!(
    prepare_metadata_for_build_wheel,
    metadata_directory,
    backend::prepare_metadata
);
requires_hook!(
    get_requires_for_build_wheel,
    backend::requires_for_build_wheel
);
requires_hook!(
    get_requires_for_build_sdist,
    backend::requires_for_build_sdist
);

/// The `binwheel` command line; returns the exit code.
#[pyfunction]
fn cli(py: Python<'_>, args: Vec<String>) -> i32 {
    py.detach(|| binwheel_core::cli::main(&args))
}

/// The JSON Schema (draft 7) of `[tool.binwheel]`, as JSON text.
#[pyfunction]
fn json_schema() -> String {
    binwheel_core::schema::json_schema()
}

/// Sample `pyproject.toml` texts that together use every `[tool.binwheel]`
/// key; binwheel accepts each, so the schema must too (the tests check).
#[pyfunction]
fn schema_samples() -> Vec<String> {
    binwheel_core::schema::sample_documents()
}

#[pymodule]
fn _binwheel(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", binwheel_core::VERSION)?;
    m.add("BuildError", m.py().get_type::<BuildError>())?;
    m.add_function(wrap_pyfunction!(build_wheel, m)?)?;
    m.add_function(wrap_pyfunction!(build_editable, m)?)?;
    m.add_function(wrap_pyfunction!(build_sdist, m)?)?;
    m.add_function(wrap_pyfunction!(prepare_metadata_for_build_wheel, m)?)?;
    m.add_function(wrap_pyfunction!(get_requires_for_build_wheel, m)?)?;
    m.add_function(wrap_pyfunction!(get_requires_for_build_sdist, m)?)?;
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add_function(wrap_pyfunction!(json_schema, m)?)?;
    m.add_function(wrap_pyfunction!(schema_samples, m)?)?;
    Ok(())
}
