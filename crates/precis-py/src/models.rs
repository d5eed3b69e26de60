//! `precis.Summarizer` and `precis.Translator`: the library's loaded models,
//! loaded by the same builders the CLI uses.

use precis::{GenerationOverrides, Precision, Segmentation};
use pyo3::prelude::*;
use serde::Serialize;

use crate::convert::{load_options, to_python, Failure};
use crate::document::Document;

/// A loaded summarizer (`Summarizer.load`). Immutable and shareable between
/// threads; `summarize` releases the GIL.
#[allow(unsafe_code)] // PyO3's class glue.
#[pyclass(frozen, module = "precis")]
pub struct Summarizer {
    pub(crate) inner: precis::Summarizer,
}

/// A document to summarize: a cleaned `Document`, or plain text whose
/// paragraphs are separated by blank lines.
#[derive(FromPyObject)]
pub enum Summarizable<'py> {
    /// A cleaned document.
    Document(PyRef<'py, Document>),
    /// Plain text.
    Text(String),
}

#[allow(unsafe_code)] // PyO3's method glue.
#[pymethods]
impl Summarizer {
    /// Loads the summarizer `name` (default: the library's default for this
    /// machine, as the CLI picks it) with the CLI's options under their
    /// library names.
    #[staticmethod]
    #[pyo3(signature = (
        name = None, *, offline = false, threads = None, precision = "f32", max_length = None, min_length = None,
        num_beams = None, do_sample = None, temperature = None, top_k = None, top_p = None,
        seed = None, length_penalty = None, no_repeat_ngram_size = None
    ))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments.
    fn load(
        py: Python<'_>,
        name: Option<String>,
        offline: bool,
        threads: Option<usize>,
        precision: &str,
        max_length: Option<usize>,
        min_length: Option<usize>,
        num_beams: Option<usize>,
        do_sample: Option<bool>,
        temperature: Option<f64>,
        top_k: Option<usize>,
        top_p: Option<f64>,
        seed: Option<u64>,
        length_penalty: Option<f64>,
        no_repeat_ngram_size: Option<usize>,
    ) -> PyResult<Summarizer> {
        let precision = match precision {
            "f32" => None,
            "q8" => Some(Precision::Q8),
            other => {
                return Err(Failure::usage(format!(
                    "precision must be \"f32\" or \"q8\", not {other:?}"
                ))
                .into())
            }
        };
        let generation = GenerationOverrides {
            min_length,
            num_beams,
            do_sample,
            temperature,
            top_k,
            top_p,
            seed,
            length_penalty,
            no_repeat_ngram_size,
            ..GenerationOverrides::default()
        };
        let load = load_options(offline);
        let name = name.unwrap_or_else(|| precis::default_name(&load).0.to_owned());
        let mut builder = precis::Summarizer::builder(name)
            .load_options(load)
            .generation(generation);
        if let Some(precision) = precision {
            builder = builder.precision(precision);
        }
        if let Some(max_length) = max_length {
            builder = builder.max_length(max_length);
        }
        if let Some(threads) = threads {
            builder = builder.threads(threads);
        }
        let inner = py.detach(|| builder.load()).map_err(Failure::from)?;
        Ok(Summarizer { inner })
    }

    /// The model: its name, family and revision.
    #[getter]
    fn model<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, self.inner.info())
    }

    /// Summarizes a cleaned `Document` or plain text; returns the summary as
    /// the CLI's JSON record has it (`text`, `lines`, `model`, `chunks`),
    /// with its `warnings` (which a record lists under its own).
    fn summarize<'py>(
        &self,
        py: Python<'py>,
        document: Summarizable<'_>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let summary = match document {
            Summarizable::Document(document) => {
                let document = &document.report.document;
                py.detach(|| self.inner.summarize(document))
            }
            Summarizable::Text(text) => py.detach(|| self.inner.summarize_text(&text)),
        }
        .map_err(Failure::from)?;
        to_python(
            py,
            &WithWarnings {
                result: precis::Lines::summary(&summary),
                warnings: &summary.warnings,
            },
        )
    }

    fn __repr__(&self) -> String {
        format!("<precis.Summarizer {}>", self.inner.info().name)
    }
}

/// A loaded translator (`Translator.load`). Immutable and shareable between
/// threads; `translate` releases the GIL.
#[allow(unsafe_code)] // PyO3's class glue.
#[pyclass(frozen, module = "precis")]
pub struct Translator {
    pub(crate) inner: precis::Translator,
}

/// Lines to translate: one string (split into lines) or a list of lines.
#[derive(FromPyObject)]
pub enum Lines {
    /// A text, translated line by line.
    Text(String),
    /// Lines.
    List(Vec<String>),
}

#[allow(unsafe_code)] // PyO3's method glue.
#[pymethods]
impl Translator {
    /// Loads the translator from `from_` to `to`: the catalog's model for
    /// the pair, or `model` (a catalog name, Hub repo id or folder).
    /// `threads` (default: one per core) are the model's own: calls from
    /// several Python threads run side by side on top of them.
    #[staticmethod]
    #[pyo3(signature = (from_ = "en", to = "pt", model = None, *, offline = false, threads = None))]
    fn load(
        py: Python<'_>,
        from_: &str,
        to: &str,
        model: Option<String>,
        offline: bool,
        threads: Option<usize>,
    ) -> PyResult<Translator> {
        let inner = load_translator(py, from_, to, model, offline, threads)?;
        Ok(Translator { inner })
    }

    /// The model: its name, family and revision.
    #[getter]
    fn model<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, self.inner.info())
    }

    /// Translates `lines` (a list, or a text split into lines), one output
    /// line per input line; `unit` is `"sentence"` (each sentence on its
    /// own, the CLI's default) or `"line"` (lines whole). Returns the
    /// translation as `precis translate --format json` has it (`text`,
    /// `lines`; the record's `model`), with its `warnings`.
    #[pyo3(signature = (lines, unit = "sentence"))]
    fn translate<'py>(
        &self,
        py: Python<'py>,
        lines: Lines,
        unit: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let segmentation = match unit {
            "sentence" => Segmentation::Sentence,
            "line" => Segmentation::Line,
            other => {
                return Err(Failure::usage(format!(
                    "unit must be \"sentence\" or \"line\", not {other:?}"
                ))
                .into())
            }
        };
        let translation = py
            .detach(|| {
                let lines: Vec<&str> = match &lines {
                    Lines::Text(text) => text.lines().collect(),
                    Lines::List(list) => list.iter().map(String::as_str).collect(),
                };
                self.inner.translate_lines(&lines, segmentation)
            })
            .map_err(Failure::from)?;
        to_python(
            py,
            &WithWarnings {
                result: precis::Lines {
                    model: Some(translation.model),
                    ..precis::Lines::new(translation.lines)
                },
                warnings: &translation.warnings,
            },
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "<precis.Translator {} → {} {}>",
            self.inner.from(),
            self.inner.to(),
            self.inner.info().name
        )
    }
}

/// A translator's options as the CLI sets them.
pub fn translator_builder(
    from: &str,
    to: &str,
    model: Option<String>,
    offline: bool,
    threads: Option<usize>,
) -> precis::TranslatorBuilder {
    let mut builder = precis::Translator::builder(from, to).load_options(load_options(offline));
    if let Some(model) = model {
        builder = builder.model(model);
    }
    if let Some(threads) = threads {
        builder = builder.threads(threads);
    }
    builder
}

/// Loads a translator as the CLI does, without the GIL.
pub fn load_translator(
    py: Python<'_>,
    from: &str,
    to: &str,
    model: Option<String>,
    offline: bool,
    threads: Option<usize>,
) -> PyResult<precis::Translator> {
    let builder = translator_builder(from, to, model, offline, threads);
    Ok(py.detach(|| builder.load()).map_err(Failure::from)?)
}

/// A model's result as records have it, with the warnings a record lists
/// apart.
#[derive(Serialize)]
struct WithWarnings<'a> {
    #[serde(flatten)]
    result: precis::Lines,
    warnings: &'a [String],
}
