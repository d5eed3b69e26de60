//! [`Summarizer`]: any summarizer precis runs, loaded by name in one call.

use std::sync::Arc;
use std::time::Instant;

use precis_clean::{Document, Paragraph};
use precis_infer::extractive::{Budget, Lead3, MiniLm, TextRank};
use precis_infer::generate::GenerationOverrides;
use precis_infer::{
    Family, InferError, ModelInfo, Precision, Seq2SeqOptions, Seq2SeqSummarizer, Summarize, Summary,
};

use crate::hub::{locate, LoadOptions};
use crate::threads::Pool;
use crate::Error;

/// The summarizer used when none is named: `minilm` when its files are on
/// this machine, else `textrank`, which needs none.
pub const DEFAULT_SUMMARIZER: &str = "minilm";

/// The summarizer that needs no files, used when the default is missing.
pub const FALLBACK_SUMMARIZER: &str = "textrank";

/// A loaded summarizer of any family: abstractive (T5, BART) or
/// extractive (`minilm`, `textrank`, `lead3`). Cheap to clone and safe to
/// share between threads.
#[derive(Clone)]
pub struct Summarizer {
    inner: Arc<dyn Summarize + Send + Sync>,
    /// Where a model-backed summarizer runs; `None` for the built-ins.
    pool: Option<Pool>,
    /// The languages it is sound for (the catalog's); `None`: any.
    languages: Option<Arc<[String]>>,
    /// What summarizes an article in another language, when allowed.
    fallback: Option<Arc<dyn Summarize + Send + Sync>>,
}

impl std::fmt::Debug for Summarizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Summarizer")
            .field("model", self.inner.info())
            .finish()
    }
}

impl Summarizer {
    /// Options for loading the summarizer `name`: a built-in (`minilm`,
    /// `textrank`, `lead3`), a catalog name (`t5-small`), a Hugging Face
    /// repo id (`owner/name[@revision]`) or a model folder.
    ///
    /// ```no_run
    /// let summarizer = precis::Summarizer::builder("t5-small").max_length(60).load()?;
    /// let summary = summarizer.summarize_text("The ferry across the river runs again.")?;
    /// println!("{}", summary.text);
    /// # Ok::<(), precis::Error>(())
    /// ```
    pub fn builder(name: impl Into<String>) -> SummarizerBuilder {
        SummarizerBuilder {
            name: name.into(),
            load: LoadOptions::default(),
            precision: None,
            generation: GenerationOverrides::default(),
            max_length: None,
            threads: None,
            any_language: false,
        }
    }

    /// Loads the summarizer `name` with default options (see
    /// [`Summarizer::builder`]).
    pub fn load(name: &str) -> Result<Summarizer, Error> {
        Summarizer::builder(name).load()
    }

    /// The summarizer precis uses when none is named, with default options:
    /// [`DEFAULT_SUMMARIZER`] when its files are on this machine, else
    /// [`FALLBACK_SUMMARIZER`]; the second value says why the default was
    /// passed over.
    ///
    /// ```no_run
    /// let (summarizer, fallback) = precis::Summarizer::default_offline(&precis::LoadOptions::default())?;
    /// if let Some(why) = fallback {
    ///     eprintln!("note: {why}");
    /// }
    /// # Ok::<(), precis::Error>(())
    /// ```
    pub fn default_offline(load: &LoadOptions) -> Result<(Summarizer, Option<String>), Error> {
        let (name, why) = default_name(load);
        let summarizer = Summarizer::builder(name)
            .load_options(load.clone())
            .load()?;
        Ok((summarizer, why))
    }

    /// Which model this is.
    pub fn info(&self) -> &ModelInfo {
        self.inner.info()
    }

    /// The languages it is sound for (ISO 639-1), as the catalog says;
    /// `None` when it works in any language, or is not in the catalog.
    pub fn languages(&self) -> Option<&[String]> {
        self.languages.as_deref()
    }

    /// Summarizes a cleaned article. An article confidently detected to be
    /// in a language the model is not sound for is summarized by the
    /// language-neutral fallback, saying so in the summary's warnings, when
    /// [`SummarizerBuilder::any_language`] allowed it; otherwise it is
    /// refused ([`Error::UnsupportedLanguage`]).
    pub fn summarize(&self, document: &Document) -> Result<Summary, Error> {
        self.summarize_until(document, None)
    }

    /// [`Summarizer::summarize`], giving up once `deadline` passes
    /// ([`precis_infer::InferError::TimedOut`]): the summarizer checks it
    /// in every loop the article's length drives, so its work stops too.
    pub fn summarize_until(
        &self,
        document: &Document,
        deadline: Option<Instant>,
    ) -> Result<Summary, Error> {
        let Some((language, supported)) = self.unsupported(document) else {
            return Ok(Summarize::summarize_until(self, document, deadline)?);
        };
        let Some(fallback) = &self.fallback else {
            return Err(Error::UnsupportedLanguage {
                model: self.info().name.clone(),
                language: language.to_string(),
                supported: supported.to_vec(),
            });
        };
        let mut summary = fallback.summarize_until(document, deadline)?;
        summary.warnings.insert(
            0,
            format!(
                "the article is in {language} and {} summarizes {} only: summarized with {} instead",
                self.info().name,
                supported.join(", "),
                fallback.info().name
            ),
        );
        Ok(summary)
    }

    /// The article's language and the model's, when the article is
    /// confidently in a language the model is not sound for.
    fn unsupported<'a>(&'a self, document: &'a Document) -> Option<(&'a str, &'a [String])> {
        let supported = self.languages.as_deref()?;
        let language = document.language.as_ref().filter(|l| l.reliable)?;
        (!supported.contains(&language.code)).then_some((language.code.as_str(), supported))
    }

    /// Summarizes plain text whose paragraphs are separated by blank lines.
    pub fn summarize_text(&self, text: &str) -> Result<Summary, Error> {
        let paragraphs = text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|text| Paragraph {
                text: text.to_string(),
                heading: None,
                lead: false,
            })
            .collect();
        let mut document = Document {
            paragraphs,
            ..Document::default()
        };
        document.detect_language();
        self.summarize(&document)
    }
}

impl Summarize for Summarizer {
    fn info(&self) -> &ModelInfo {
        self.inner.info()
    }

    fn summarize_until(
        &self,
        document: &Document,
        deadline: Option<Instant>,
    ) -> Result<Summary, InferError> {
        match &self.pool {
            Some(pool) => pool.run(|| self.inner.summarize_until(document, deadline)),
            None => self.inner.summarize_until(document, deadline),
        }
    }
}

/// The name of the summarizer to use when none is given, and why the
/// default was passed over if it was.
pub fn default_name(load: &LoadOptions) -> (&'static str, Option<String>) {
    let offline = LoadOptions {
        offline: true,
        ..load.clone()
    };
    match locate(DEFAULT_SUMMARIZER, &offline) {
        Ok(_) => (DEFAULT_SUMMARIZER, None),
        Err(why) => (
            FALLBACK_SUMMARIZER,
            Some(format!(
                "using {FALLBACK_SUMMARIZER}: the default summarizer {DEFAULT_SUMMARIZER} is not available ({why})"
            )),
        ),
    }
}

/// How to load a [`Summarizer`]: [`Summarizer::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SummarizerBuilder {
    name: String,
    load: LoadOptions,
    precision: Option<Precision>,
    generation: GenerationOverrides,
    max_length: Option<usize>,
    threads: Option<usize>,
    any_language: bool,
}

impl SummarizerBuilder {
    /// The model this loads, as named.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where and how to find model files.
    pub fn load_options(mut self, load: LoadOptions) -> Self {
        self.load = load;
        self
    }

    /// Use only files already on this machine.
    pub fn offline(mut self, offline: bool) -> Self {
        self.load.offline = offline;
        self
    }

    /// Linear-layer weights as stored (f32, the default) or quantized (q8):
    /// models with weights only (not `textrank` or `lead3`).
    pub fn precision(mut self, precision: Precision) -> Self {
        self.precision = Some(precision);
        self
    }

    /// Generation settings on top of the model's and the catalog's:
    /// abstractive models only.
    pub fn generation(mut self, generation: GenerationOverrides) -> Self {
        self.generation = generation;
        self
    }

    /// The longest summary: tokens for abstractive models, words for
    /// extractive ones (which otherwise take three sentences, stopping
    /// early at 70 words).
    pub fn max_length(mut self, max_length: usize) -> Self {
        self.max_length = Some(max_length);
        self
    }

    /// CPU threads the model's matrix products use (default:
    /// [`default_threads`](crate::default_threads)); the built-ins
    /// `textrank` and `lead3` run on the calling thread. candle also runs
    /// large element-wise ops on a process-wide pool of its own unless
    /// `CANDLE_NUM_THREADS=1` is set before the first model runs (the
    /// `precis` binary and the Python package set it).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// Summarize articles in languages the model is not sound for with
    /// [`FALLBACK_SUMMARIZER`] instead of refusing them (for a summarizer
    /// the caller did not choose, such as the default). TextRank ranks
    /// sentences by the words they share, Unicode words where the article
    /// is not English, so it holds in any language that spaces its words.
    pub fn any_language(mut self, yes: bool) -> Self {
        self.any_language = yes;
        self
    }

    /// Finds (downloading if allowed) and loads the model.
    pub fn load(self) -> Result<Summarizer, Error> {
        let builtin = matches!(self.name.as_str(), "textrank" | "lead3");
        let pool = if builtin {
            None
        } else {
            Some(Pool::new(self.threads)?)
        };
        let mut languages = None;
        // The built-ins need no files; every other name is a model to find.
        let inner: Arc<dyn Summarize + Send + Sync> = match self.name.as_str() {
            "textrank" => Arc::new(TextRank::default().with_budget(self.budget(false)?)),
            "lead3" => {
                self.budget(false)?;
                Arc::new(Lead3::default())
            }
            _ => {
                let located = locate(&self.name, &self.load)?;
                languages = located
                    .preset
                    .as_ref()
                    .and_then(|preset| preset.languages.clone());
                match located.info.family {
                    Family::Bert => {
                        let budget = self.budget(true)?;
                        // f32 by default: its q8 scores the same ROUGE but runs
                        // slower, as candle's fast int8 kernels need rows of a
                        // multiple of 256 values and MiniLM's are 384 (`just eval`).
                        let precision = self.precision.unwrap_or_default();
                        Arc::new(
                            MiniLm::load(&located.dir, located.info, precision)?
                                .with_budget(budget),
                        )
                    }
                    Family::T5 | Family::Bart => {
                        let mut generation = self.generation.clone();
                        generation.max_length = self.max_length.or(generation.max_length);
                        // Both asked for: generation would stop at the
                        // maximum and silently ignore the minimum.
                        if let (Some(min), Some(max)) =
                            (generation.min_length, generation.max_length)
                        {
                            if min > max {
                                return Err(InferError::InvalidSettings(format!(
                                    "min_length ({min}) is larger than max_length ({max}): no summary can be both"
                                ))
                                .into());
                            }
                        }
                        let options = Seq2SeqOptions {
                            precision: self.precision.unwrap_or_default(),
                            task: located
                                .preset
                                .and_then(|preset| preset.summarize)
                                .unwrap_or_default(),
                            generation,
                            ..Seq2SeqOptions::default()
                        };
                        Arc::new(Seq2SeqSummarizer::load(
                            &located.dir,
                            located.info,
                            &options,
                        )?)
                    }
                    family => {
                        return Err(InferError::WrongFamily {
                            name: self.name,
                            family,
                            task: "write summaries",
                        }
                        .into())
                    }
                }
            }
        };
        let fallback: Option<Arc<dyn Summarize + Send + Sync>> =
            (self.any_language && languages.is_some()).then(|| {
                // The words budget the caller set for an extractive model.
                let budget = self.max_length.map_or_else(Budget::default, Budget::words);
                Arc::new(TextRank::default().with_budget(budget)) as _
            });
        Ok(Summarizer {
            inner,
            pool,
            languages: languages.map(Arc::from),
            fallback,
        })
    }

    /// The summary length of an extractive summarizer. Generation settings
    /// have no meaning for one, so they are refused rather than ignored (as
    /// is a precision, unless it has a model to quantize: `has_weights`).
    fn budget(&self, has_weights: bool) -> Result<Budget, Error> {
        let g = &self.generation;
        let given = [
            ("min_length", g.min_length.is_some()),
            ("num_beams", g.num_beams.is_some()),
            ("do_sample", g.do_sample.is_some()),
            ("length_penalty", g.length_penalty.is_some()),
            ("no_repeat_ngram_size", g.no_repeat_ngram_size.is_some()),
            ("precision", self.precision.is_some() && !has_weights),
        ];
        let settings: Vec<&'static str> = given
            .iter()
            .filter(|(_, set)| *set)
            .map(|(name, _)| *name)
            .collect();
        if !settings.is_empty() {
            return Err(Error::NotApplicable {
                model: self.name.clone(),
                settings,
            });
        }
        Ok(self
            .max_length
            .or(g.max_length)
            .map_or_else(Budget::default, Budget::words))
    }
}
