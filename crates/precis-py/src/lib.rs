//! The Python bindings of precis: the extension module `precis._native`
//! that the `precis` Python package (`python/precis`) re-exports.
//!
//! Bindings only: every call goes to the `precis` facade crate — the same
//! [`precis::Summarizer`], [`precis::Translator`] and [`precis::Pipeline`]
//! the CLI runs — so model choice, resolution (`PRECIS_MODELS_DIR`, the
//! Hugging Face cache, offline mode) and results are the CLI's. What this
//! crate adds is Python's idiom: keyword options, exceptions
//! (`precis.errors`), dictionaries shaped exactly like the CLI's JSON
//! (serialized by serde, read back by Python's `json`), and long calls that
//! release the GIL so Python threads run them in parallel. Every class is
//! immutable (`frozen`) over `Send + Sync` library objects, so one loaded
//! model serves many threads.
//!
//! `unsafe`: PyO3's macros expand to `unsafe` FFI glue in this crate, so
//! it cannot be `#![forbid(unsafe_code)]`; it is `#![deny(unsafe_code)]`
//! with the lint allowed only on the items the macros generate, and holds
//! no hand-written `unsafe`.

#![deny(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

mod convert;
mod document;
mod models;
mod pipeline;

use pyo3::prelude::*;

/// The extension module: classes and functions that `precis/__init__.py`
/// re-exports.
#[allow(unsafe_code)] // PyO3's module glue.
#[pymodule]
#[pyo3(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<document::Document>()?;
    module.add_class::<pipeline::Pipeline>()?;
    module.add_class::<models::Summarizer>()?;
    module.add_class::<models::Translator>()?;
    module.add_function(wrap_pyfunction!(pipeline::clean, module)?)?;
    module.add_function(wrap_pyfunction!(pipeline::clean_batch, module)?)?;
    module.add_function(wrap_pyfunction!(document::document_from_json, module)?)?;
    module.add_function(wrap_pyfunction!(pipeline::failed_record, module)?)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
