//! `precis.Document`: a cleaned article as Python sees it, over the
//! library's [`precis::Report`].

use precis::Report;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::{to_json, to_python, Failure};

/// A cleaned article: what was kept (title, headings, paragraphs), what
/// the source states (metadata) and what was dropped, with the reason.
/// Immutable; pickles (for process pools and Dask workers).
#[allow(unsafe_code)] // PyO3's class glue.
#[pyclass(frozen, module = "precis")]
pub struct Document {
    pub(crate) report: Report,
}

#[allow(unsafe_code)] // PyO3's method glue.
#[pymethods]
impl Document {
    /// Where the article came from, as given to `clean`.
    #[getter]
    fn source(&self) -> &str {
        &self.report.source
    }

    /// The article's title, when one was found.
    #[getter]
    fn title(&self) -> Option<&str> {
        self.report.document.title.as_deref()
    }

    /// In-body section headings, in reading order.
    #[getter]
    fn headings(&self) -> Vec<String> {
        self.report.document.headings.clone()
    }

    /// The body paragraphs' text, in reading order.
    #[getter]
    fn paragraphs(&self) -> Vec<String> {
        let paragraphs = &self.report.document.paragraphs;
        paragraphs.iter().map(|p| p.text.clone()).collect()
    }

    /// What the source states about the article (author, date, site, …).
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.report.document.metadata)
    }

    /// Every dropped piece: `{"text": …, "reason": …}`.
    #[getter]
    fn removed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.report.document.removed)
    }

    /// What the reader should know about the input or the cleaning.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.report.document.warnings.clone()
    }

    /// The kept text: title, headings and paragraphs, one a line.
    #[getter]
    fn text(&self) -> String {
        self.report.document.to_text()
    }

    /// The record `precis clean --format json` prints.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.report.record())
    }

    fn __repr__(&self) -> String {
        format!(
            "<precis.Document {} title={:?} paragraphs={} removed={}>",
            self.report.source,
            self.report.document.title.as_deref().unwrap_or(""),
            self.report.document.paragraphs.len(),
            self.report.document.removed.len()
        )
    }

    /// Pickles as its source and the document's JSON.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let rebuild = py
            .import("precis._native")?
            .getattr("_document_from_json")?;
        let args = (
            self.report.source.clone(),
            to_json(&self.report.document)?,
            self.report.timings.clean_ms,
        );
        (rebuild, args).into_pyobject(py)
    }
}

/// Rebuilds a pickled [`Document`].
#[allow(unsafe_code)] // PyO3's function glue.
#[pyfunction]
#[pyo3(name = "_document_from_json", signature = (source, json, clean_ms = None))]
pub fn document_from_json(source: String, json: &str, clean_ms: Option<f64>) -> PyResult<Document> {
    let document: precis::Document = serde_json::from_str(json)
        .map_err(|error| Failure::usage(format!("not a pickled precis.Document: {error}")))?;
    let mut report = Report::new(source, document);
    report.timings.clean_ms = clean_ms;
    Ok(Document { report })
}
