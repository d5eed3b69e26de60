//! Between Rust and Python: library errors to `precis.errors` exceptions,
//! serializable results to the dictionaries the CLI's JSON decodes to, and
//! where model files are looked for.

use precis::{ErrorKind, LoadOptions};
use pyo3::prelude::*;
use pyo3::types::PyType;
use serde::Serialize;

/// A failure as Python sees it: whose problem it is and the message, the
/// library's error with its causes (as the CLI prints them, without the
/// CLI's fix hints, which name command-line flags).
#[derive(Debug, Clone)]
pub struct Failure {
    /// Which exception class to raise.
    pub kind: ErrorKind,
    /// The error and its causes, joined by `: `.
    pub message: String,
}

impl Failure {
    /// A usage error: arguments that cannot work.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            kind: ErrorKind::Usage,
            message: message.into(),
        }
    }

    /// `error` with `context` in front (`cannot clean a.txt: …`), as the CLI
    /// words a failed article.
    pub fn with_context(context: Option<&str>, error: &precis::Error) -> Self {
        let mut parts: Vec<String> = context.map(str::to_owned).into_iter().collect();
        let mut cause: Option<&dyn std::error::Error> = Some(error);
        while let Some(error) = cause {
            parts.push(error.to_string());
            cause = error.source();
        }
        Failure {
            kind: error.kind(),
            message: parts.join(": "),
        }
    }

    /// The `precis.errors` exception for this failure, not raised.
    pub fn to_exception(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let class = exception_class(py, self.kind)?;
        Ok(class.call1((self.message.as_str(),))?.unbind())
    }
}

impl From<precis::Error> for Failure {
    fn from(error: precis::Error) -> Self {
        Failure::with_context(None, &error)
    }
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> Self {
        Python::attach(|py| match exception_class(py, failure.kind) {
            Ok(class) => PyErr::from_type(class, failure.message),
            Err(error) => error,
        })
    }
}

/// The exception class for `kind`, defined in Python (`precis/errors.py`)
/// so that exceptions pickle across processes (Dask workers) by name.
fn exception_class(py: Python<'_>, kind: ErrorKind) -> PyResult<Bound<'_, PyType>> {
    let name = match kind {
        ErrorKind::Input => "InputError",
        ErrorKind::Usage => "UsageError",
        // Model, and any kind a later library version adds.
        _ => "ModelError",
    };
    Ok(py
        .import("precis.errors")?
        .getattr(name)?
        .cast_into::<PyType>()?)
}

/// `value` as the Python object its JSON decodes to: exactly what the CLI's
/// JSON output gives `json.loads`.
pub fn to_python<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let json = to_json(value)?;
    py.import("json")?.call_method1("loads", (json,))
}

/// `value` as JSON text.
pub fn to_json(value: &impl Serialize) -> PyResult<String> {
    serde_json::to_string(value).map_err(|error| {
        Failure {
            kind: ErrorKind::Model,
            message: format!("cannot serialize the result as JSON: {error}"),
        }
        .into()
    })
}

/// How to find model files, as the CLI finds them: the downloads folder
/// (`$PRECIS_MODELS_DIR`, else `./models/downloads`, else the checkout this
/// module was built from), and the Hugging Face cache, read-only when
/// `offline` (or `HF_HUB_OFFLINE=1`).
pub fn load_options(offline: bool) -> LoadOptions {
    LoadOptions {
        offline,
        ..LoadOptions::default()
    }
}

/// An article as Python hands it over: text, or bytes read from a file
/// (decoded as the CLI decodes files).
#[derive(FromPyObject)]
pub enum Article {
    /// A `str`.
    Text(String),
    /// `bytes`.
    Bytes(Vec<u8>),
}

impl Article {
    /// The article's bytes: text as UTF-8, which decodes back to itself.
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Article::Text(text) => text.into_bytes(),
            Article::Bytes(bytes) => bytes,
        }
    }
}
