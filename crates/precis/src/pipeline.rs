//! [`Pipeline`]: clean → summarize → translate, returning one [`Report`]
//! per article.

use std::time::{Duration, Instant};

use precis_clean::{CleanError, CleanOptions, Document, InputKind, SiteBoilerplate};
use precis_infer::{InferError, Segmentation, Translate, Translation};

use crate::report::{millis, removed_summary, Report, TranslationRecord};
use crate::source::{language, passthrough_note, regional_note};
use crate::{Error, Route, Summarizer, Translator, Translators};

/// What the pipeline's input articles are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArticleFormat {
    /// Plain text or HTML, told apart by content.
    #[default]
    Auto,
    /// Plain text, as scraped.
    Text,
    /// An HTML page.
    Html,
    /// Already clean: one paragraph per line, kept as is.
    Clean,
}

/// Cleans, summarizes and translates articles: [`Pipeline::builder`].
///
/// ```no_run
/// use precis::{Pipeline, Summarizer, Translator, Translators};
///
/// // Summaries in Portuguese, from whatever language each article is in.
/// let pipeline = Pipeline::builder()
///     .summarizer(Summarizer::builder("textrank").load()?)
///     .translators(Translators::load(Translator::builder("auto", "pt"))?)
///     .build();
/// let report = pipeline.run("article.txt", &std::fs::read_to_string("article.txt")?)?;
/// println!("{}", serde_json::to_string_pretty(&report.record())?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Pipeline {
    format: ArticleFormat,
    summarizer: Option<Summarizer>,
    translators: Option<Translators>,
    translate_article: bool,
    timeout: Option<Duration>,
}

/// How to build a [`Pipeline`]: [`Pipeline::builder`].
#[must_use]
pub struct PipelineBuilder(Pipeline);

impl PipelineBuilder {
    /// What the input articles are (default: told apart by content).
    pub fn format(mut self, format: ArticleFormat) -> Self {
        self.0.format = format;
        self
    }

    /// Summarize with `summarizer`.
    pub fn summarizer(mut self, summarizer: Summarizer) -> Self {
        self.0.summarizer = Some(summarizer);
        self
    }

    /// Translate the summary with `translator`, from the source language
    /// it was loaded for (summaries only: without a summarizer the pipeline
    /// only cleans). An article confidently detected to be in another
    /// language is refused ([`Error::WrongLanguage`]).
    pub fn translator(mut self, translator: Translator) -> Result<Self, Error> {
        self.0.translators = Some(Translators::given(translator)?);
        Ok(self)
    }

    /// Translate the summary with `translators`: from a given source
    /// language, or from each article's detected one.
    pub fn translators(mut self, translators: Translators) -> Self {
        self.0.translators = Some(translators);
        self
    }

    /// Translate the whole cleaned article too, not only the summary.
    pub fn translate_article(mut self, yes: bool) -> Self {
        self.0.translate_article = yes;
        self
    }

    /// Give up on an article whose summarizing or translating takes longer:
    /// the work itself stops (every long loop checks the time), so the next
    /// article starts with the machine to itself.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.0.timeout = Some(limit);
        self
    }

    /// The pipeline.
    pub fn build(self) -> Pipeline {
        self.0
    }
}

impl Pipeline {
    /// A pipeline that only cleans, until models are given.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder(Pipeline {
            format: ArticleFormat::Auto,
            summarizer: None,
            translators: None,
            translate_article: false,
            timeout: None,
        })
    }

    /// Cleans, summarizes and translates one article; `source` names it in
    /// the report and in errors.
    pub fn run(&self, source: &str, text: &str) -> Result<Report, Error> {
        let report = self
            .clean_batch(&[(source, text)])
            .pop()
            .ok_or(Error::Clean(CleanError::Empty))??;
        self.process(report)
    }

    /// Cleans articles `(source, text)` together, so that boilerplate
    /// repeated across them (a site's banners and appeals) is recognised;
    /// one result per article, in order.
    pub fn clean_batch(&self, articles: &[(&str, &str)]) -> Vec<Result<Report, Error>> {
        let mut site = SiteBoilerplate::default();
        for (_, text) in articles {
            self.learn(&mut site, text);
        }
        articles
            .iter()
            .map(|(source, text)| self.clean(source, text, &site))
            .collect()
    }

    /// Counts one article of a batch toward what the batch's articles
    /// repeat; learn from all of them, then [`Pipeline::clean`] each. Only
    /// fingerprints are kept, so the articles can be read one at a time.
    pub fn learn(&self, site: &mut SiteBoilerplate, text: &str) {
        if let Some(input) = self.input_kind() {
            site.learn(text, &CleanOptions { input });
        }
    }

    /// Cleans one article of a batch, dropping what `site` learned the
    /// batch repeats (see [`Pipeline::learn`]).
    pub fn clean(&self, source: &str, text: &str, site: &SiteBoilerplate) -> Result<Report, Error> {
        let started = Instant::now();
        let document = match self.input_kind() {
            Some(input) => precis_clean::clean_with(text, &CleanOptions { input }, site)?,
            None => Document::from_paragraph_lines(text),
        };
        let mut report = Report::new(source.to_string(), document);
        report.timings.clean_ms = Some(millis(started.elapsed()));
        Ok(report)
    }

    /// What precis-clean is told the input is; `None`: already clean.
    fn input_kind(&self) -> Option<InputKind> {
        match self.format {
            ArticleFormat::Auto => Some(InputKind::Auto),
            ArticleFormat::Text => Some(InputKind::Text),
            ArticleFormat::Html => Some(InputKind::Html),
            ArticleFormat::Clean => None,
        }
    }

    /// Finds the translator a cleaned article needs, loading it on the
    /// first article of its language, without translating anything. Front
    /// ends call it on every article of a batch before summarizing any, so
    /// a missing model or a wrong source language is reported before work
    /// is spent; [`Pipeline::process`] then reuses the loaded translator.
    pub fn prepare(&self, report: &Report) -> Result<(), Error> {
        let (Some(_), Some(translators)) = (&self.summarizer, &self.translators) else {
            return Ok(());
        };
        if report.document.is_empty() {
            // `process` refuses it for that, with a better message.
            return Ok(());
        }
        let document = &report.document;
        translators.route(
            &report.source,
            document.language.as_ref(),
            document.metadata.language.as_deref(),
        )?;
        Ok(())
    }

    /// Summarizes and translates a cleaned article, as the pipeline was
    /// built to; an article with nothing kept is an error when there is
    /// something to summarize.
    pub fn process(&self, mut report: Report) -> Result<Report, Error> {
        let Some(summarizer) = &self.summarizer else {
            return Ok(report);
        };
        if report.document.is_empty() {
            return Err(Error::NothingKept {
                article: report.source.clone(),
                removed: removed_summary(&report.document.removed)
                    .unwrap_or_else(|| "no text found".into()),
            });
        }
        let started = Instant::now();
        let deadline = self.timeout.map(|limit| started + limit);
        let summary = summarizer
            .summarize_until(&report.document, deadline)
            .map_err(|error| match error {
                Error::Infer(source) => self.failed(&report.source, source, |article, source| {
                    Error::Summarizing { article, source }
                }),
                other => other,
            })?;
        report.timings.summarize_ms = Some(millis(started.elapsed()));

        if let Some(translators) = &self.translators {
            let document = &report.document;
            let route = translators.route(
                &report.source,
                document.language.as_ref(),
                document.metadata.language.as_deref(),
            )?;
            let Served {
                to,
                notes,
                warnings: route_warnings,
            } = Served::of(&route);
            let Some(translator) = route.translator else {
                report.translation = Some(TranslationRecord {
                    from: route.from,
                    to,
                    model: None,
                    route: Vec::new(),
                    summary: Some(summary.text.lines().map(str::to_owned).collect()),
                    article: self.translate_article.then(|| {
                        report
                            .document
                            .to_text()
                            .lines()
                            .map(str::to_owned)
                            .collect()
                    }),
                    notes,
                    warnings: route_warnings,
                });
                report.summary = Some(summary);
                return Ok(report);
            };
            let started = Instant::now();
            let translated = |text: &str| translate(&translator, text, deadline);
            let (summary_translation, article_translation) = translated(&summary.text)
                .and_then(|summary| {
                    let article = self
                        .translate_article
                        .then(|| translated(&report.document.to_text()))
                        .transpose()?;
                    Ok((summary, article))
                })
                .map_err(|source| {
                    self.failed(&report.source, source, |article, source| {
                        Error::Translating { article, source }
                    })
                })?;
            let mut warnings = route_warnings;
            warnings.extend(summary_translation.warnings);
            warnings.extend(
                article_translation
                    .iter()
                    .flat_map(|t| t.warnings.iter().cloned()),
            );
            report.translation = Some(TranslationRecord {
                from: route.from,
                to,
                model: Some(summary_translation.model),
                route: translator.legs().to_vec(),
                summary: Some(summary_translation.lines),
                article: article_translation.map(|t| t.lines),
                notes,
                warnings,
            });
            report.timings.translate_ms = Some(millis(started.elapsed()));
        }
        report.summary = Some(summary);
        Ok(report)
    }

    /// The error of a stage that failed with `source`: the pipeline's
    /// timeout when its deadline passed, else the `stage`'s own error.
    fn failed(
        &self,
        article: &str,
        source: InferError,
        stage: fn(String, InferError) -> Error,
    ) -> Error {
        let article = article.to_string();
        match (source, self.timeout) {
            (InferError::TimedOut, Some(limit)) => Error::Timeout { article, limit },
            (source, _) => stage(article, source),
        }
    }
}

/// How a [`Route`] serves its target: [`Served::of`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The language translated into: the target tag's language (`pt` for
    /// `pt-BR`).
    pub to: String,
    /// What the reader may want to know: the text passed through, or a
    /// regional tag was served by its language's model.
    pub notes: Vec<String>,
    /// What the reader must know: the source language is uncertain.
    pub warnings: Vec<String>,
}

impl Served {
    /// The language `route` translates into, and its notes split into
    /// notes and warnings.
    pub fn of(route: &Route) -> Served {
        let to = language(&route.to).unwrap_or_else(|_| route.to.clone());
        let passthrough = passthrough_note(&to);
        let (mut notes, warnings): (Vec<String>, Vec<String>) = route
            .notes
            .iter()
            .cloned()
            .partition(|note| *note == passthrough);
        notes.extend(regional_note(&route.to, &to));
        Served {
            to,
            notes,
            warnings,
        }
    }
}

fn translate(
    translator: &Translator,
    text: &str,
    deadline: Option<Instant>,
) -> Result<Translation, InferError> {
    let lines: Vec<&str> = text.lines().collect();
    // Summaries and articles are prose: sentence by sentence translates them
    // best and never lets a model skip a sentence of a long paragraph.
    Translate::translate_lines_until(translator, &lines, Segmentation::Sentence, deadline)
}
