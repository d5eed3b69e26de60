//! Cleaning and the whole pipeline: `precis.clean`, `precis.clean_batch`
//! and `precis.Pipeline`, over the library's
//! [`precis::Pipeline`] and [`precis::Report`].

use std::time::Duration;

use precis::{ArticleFormat, Report};
use pyo3::prelude::*;

use crate::convert::{load_options, to_python, Article, Failure};
use crate::document::Document;
use crate::models::{translator_builder, Summarizer};

/// Cleans one article (`str`, or `bytes` decoded as the CLI decodes files)
/// as `precis clean` does; `input` is `"auto"`, `"text"`, `"html"` or
/// `"clean"` (one paragraph a line, kept as is).
#[allow(unsafe_code)] // PyO3's function glue.
#[pyfunction]
#[pyo3(signature = (article, input = "auto", source = "<stdin>"))]
pub fn clean(py: Python<'_>, article: Article, input: &str, source: &str) -> PyResult<Document> {
    let pipeline = precis::Pipeline::builder().format(format(input)?).build();
    let articles = vec![(source.to_owned(), article.into_bytes())];
    let report = py
        .detach(|| clean_articles(&pipeline, articles))
        .pop()
        .ok_or_else(|| Failure::usage("no article to clean"))??;
    Ok(Document { report })
}

/// Cleans articles `(source, text)` together, as `precis clean` cleans
/// several files: boilerplate repeated across them is recognised. One
/// `Document` or exception (not raised) per article, in order.
#[allow(unsafe_code)] // PyO3's function glue.
#[pyfunction]
#[pyo3(signature = (articles, input = "auto"))]
pub fn clean_batch(
    py: Python<'_>,
    articles: Vec<(String, Article)>,
    input: &str,
) -> PyResult<Vec<Py<PyAny>>> {
    let pipeline = precis::Pipeline::builder().format(format(input)?).build();
    cleaned_objects(py, &pipeline, articles)
}

fn cleaned_objects(
    py: Python<'_>,
    pipeline: &precis::Pipeline,
    articles: Vec<(String, Article)>,
) -> PyResult<Vec<Py<PyAny>>> {
    let articles: Vec<(String, Vec<u8>)> = articles
        .into_iter()
        .map(|(source, article)| (source, article.into_bytes()))
        .collect();
    py.detach(|| clean_articles(pipeline, articles))
        .into_iter()
        .map(|cleaned| match cleaned {
            Ok(report) => Ok(Py::new(py, Document { report })?.into_any()),
            Err(failure) => failure.to_exception(py),
        })
        .collect()
}

fn format(input: &str) -> PyResult<ArticleFormat> {
    Ok(match input {
        "auto" => ArticleFormat::Auto,
        "text" => ArticleFormat::Text,
        "html" => ArticleFormat::Html,
        "clean" => ArticleFormat::Clean,
        other => {
            return Err(Failure::usage(format!(
                "input must be \"auto\", \"text\", \"html\" or \"clean\", not {other:?}"
            ))
            .into())
        }
    })
}

/// Decodes and cleans articles as one batch, as the CLI's `clean_stage`
/// does (crates/precis-cli/src/pipeline.rs), with its wording of failures.
fn clean_articles(
    pipeline: &precis::Pipeline,
    articles: Vec<(String, Vec<u8>)>,
) -> Vec<Result<Report, Failure>> {
    let decoded: Vec<Result<precis::Decoded, Failure>> = articles
        .iter()
        .map(|(source, bytes)| {
            precis::decode(bytes).map_err(|error| {
                Failure::with_context(Some(&format!("cannot use {source}")), &error.into())
            })
        })
        .collect();
    let readable: Vec<(&str, &str)> = articles
        .iter()
        .zip(&decoded)
        .filter_map(|((source, _), d)| Some((source.as_str(), d.as_ref().ok()?.text.as_str())))
        .collect();
    // clean_batch gives one result per readable article.
    let mut cleaned = pipeline.clean_batch(&readable).into_iter();
    articles
        .iter()
        .zip(decoded)
        .map(|((source, _), decoded)| {
            let decoded = decoded?;
            let cleaned = cleaned.next().ok_or_else(|| Failure {
                kind: precis::ErrorKind::Model,
                message: "precis returned fewer articles than it was given".into(),
            })?;
            let mut report = cleaned.map_err(|error| {
                Failure::with_context(Some(&format!("cannot clean {source}")), &error)
            })?;
            report.document.warnings.splice(0..0, decoded.warnings);
            Ok(report)
        })
        .collect()
}

/// A summarizer given by name (loaded with default options) or loaded.
#[derive(FromPyObject)]
pub enum SummarizerArg<'py> {
    /// A loaded `Summarizer`.
    Loaded(PyRef<'py, Summarizer>),
    /// A name for `Summarizer.load`.
    Name(String),
}

/// Clean → summarize → translate, with models loaded once: what
/// `precis run` does, one record per article. Immutable and shareable
/// between threads; its methods release the GIL.
#[allow(unsafe_code)] // PyO3's class glue.
#[pyclass(frozen, module = "precis")]
pub struct Pipeline {
    inner: precis::Pipeline,
}

#[allow(unsafe_code)] // PyO3's method glue.
#[pymethods]
impl Pipeline {
    /// A pipeline like `precis run`'s: `summarizer` is a name or a loaded
    /// `Summarizer` (default: the library's default, as the CLI picks it);
    /// `to` translates the summary (and the whole article with
    /// `translate_article`) from `from_` (`"auto"`: each article's detected
    /// language) with the catalog's model for the
    /// pair or `translation_model`; `timeout` (seconds) gives up on an
    /// article; `threads` (default: one per core) are each model's own.
    #[new]
    #[pyo3(signature = (
        summarizer = None, *, to = None, from_ = "auto", translation_model = None, input = "auto",
        translate_article = false, timeout = None, offline = false, threads = None
    ))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments.
    fn new(
        py: Python<'_>,
        summarizer: Option<SummarizerArg<'_>>,
        to: Option<&str>,
        from_: &str,
        translation_model: Option<String>,
        input: &str,
        translate_article: bool,
        timeout: Option<f64>,
        offline: bool,
        threads: Option<usize>,
    ) -> PyResult<Pipeline> {
        let mut builder = precis::Pipeline::builder()
            .format(format(input)?)
            .translate_article(translate_article);
        if let Some(seconds) = timeout {
            let limit = Duration::try_from_secs_f64(seconds)
                .ok()
                .filter(|limit| !limit.is_zero())
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "timeout {seconds} is not a positive number of seconds"
                    ))
                })?;
            builder = builder.timeout(limit);
        }
        let summarizer = match summarizer {
            Some(SummarizerArg::Loaded(loaded)) => loaded.inner.clone(),
            Some(SummarizerArg::Name(name)) => load_summarizer(py, Some(name), offline, threads)?,
            None => load_summarizer(py, None, offline, threads)?,
        };
        builder = builder.summarizer(summarizer);
        if let Some(to) = to {
            // As the CLI: a given source language's model loads now, `auto`
            // loads each detected language's on first need.
            let translators = translator_builder(from_, to, translation_model, offline, threads);
            let translators = py
                .detach(|| precis::Translators::load(translators))
                .map_err(Failure::from)?;
            builder = builder.translators(translators);
        }
        Ok(Pipeline {
            inner: builder.build(),
        })
    }

    /// Runs one article (`str`, or `bytes` decoded as the CLI decodes
    /// files); returns the record `precis run --format json` prints, with
    /// `source` naming the article.
    #[pyo3(signature = (article, source = "<stdin>"))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        article: Article,
        source: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let articles = vec![(source.to_owned(), article.into_bytes())];
        let report = py.detach(|| {
            let report = clean_articles(&self.inner, articles)
                .pop()
                .ok_or_else(|| Failure::usage("no article to run"))??;
            self.inner.process(report).map_err(Failure::from)
        })?;
        to_python(py, &report.record())
    }

    /// Runs articles `(source, text)` as `precis run` runs several files
    /// (cleaned together, so boilerplate repeated across them is
    /// recognised): one record or exception (not raised) per article.
    fn run_batch(
        &self,
        py: Python<'_>,
        articles: Vec<(String, Article)>,
    ) -> PyResult<Vec<Py<PyAny>>> {
        let cleaned = cleaned_objects(py, &self.inner, articles)?;
        cleaned
            .into_iter()
            .map(|item| match item.bind(py).cast::<Document>() {
                Ok(document) => self.process_or_exception(py, document.get()),
                Err(_) => Ok(item),
            })
            .collect()
    }

    /// Summarizes and translates a cleaned `Document`; returns the record
    /// `precis run --format json` prints for it.
    fn process<'py>(
        &self,
        py: Python<'py>,
        document: PyRef<'_, Document>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let report = document.report.clone();
        let report = py
            .detach(|| self.inner.process(report))
            .map_err(Failure::from)?;
        to_python(py, &report.record())
    }
}

impl Pipeline {
    fn process_or_exception(&self, py: Python<'_>, document: &Document) -> PyResult<Py<PyAny>> {
        let report = document.report.clone();
        match py.detach(|| self.inner.process(report)) {
            Ok(report) => Ok(to_python(py, &report.record())?.unbind()),
            Err(error) => Failure::from(error).to_exception(py),
        }
    }
}

fn load_summarizer(
    py: Python<'_>,
    name: Option<String>,
    offline: bool,
    threads: Option<usize>,
) -> PyResult<precis::Summarizer> {
    let load = load_options(offline);
    // A summarizer the caller did not choose gives way to a language-neutral
    // one on articles in other languages, as in the CLI.
    let any_language = name.is_none();
    let name = name.unwrap_or_else(|| precis::default_name(&load).0.to_owned());
    let mut builder = precis::Summarizer::builder(name)
        .load_options(load)
        .any_language(any_language);
    if let Some(threads) = threads {
        builder = builder.threads(threads);
    }
    Ok(py.detach(|| builder.load()).map_err(Failure::from)?)
}

/// The record of an article that failed before it was cleaned, as the CLI
/// writes it: `kind` is `"input"`, `"usage"` or `"model"`.
#[allow(unsafe_code)] // PyO3's function glue.
#[pyfunction]
#[pyo3(name = "_failed_record")]
pub fn failed_record<'py>(
    py: Python<'py>,
    source: &str,
    kind: &str,
    message: String,
) -> PyResult<Bound<'py, PyAny>> {
    let kind = match kind {
        "input" => "input",
        "usage" => "usage",
        "model" => "model",
        other => {
            return Err(Failure::usage(format!(
                "kind must be \"input\", \"usage\" or \"model\", not {other:?}"
            ))
            .into())
        }
    };
    to_python(
        py,
        &precis::Record::failed(source, precis::ErrorRecord { kind, message }),
    )
}
