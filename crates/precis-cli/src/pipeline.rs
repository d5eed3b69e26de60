//! The article pipeline behind `precis run`, `summarize` and `clean`, as
//! named stages: read → decode → clean (as one batch) → summarize →
//! translate → render. An article that fails is set aside with its error
//! and the batch goes on; a model that cannot be loaded stops everything,
//! since every later article would fail the same way.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use precis_clean::{clean_batch, decode, CleanOptions, Decoded, Document};
use precis_infer::{Summary, Translation};

use crate::cli::{InputArgs, InputKind, OutputArgs, SummaryArgs, TranslationArgs};
use crate::failure::{classify, Failure, Kind};
use crate::input::{self, Source};
use crate::models::{self, SharedSummarizer, SharedTranslator};
use crate::record::{millis, removed_summary, Article, TranslationRecord};
use crate::render::{View, Writer};
use crate::ui::Ui;

/// The stages after cleaning that a command asks for.
pub struct Stages<'a> {
    pub summary: Option<&'a SummaryArgs>,
    pub translation: Option<&'a TranslationArgs>,
    /// Translate the whole cleaned article too, not only the summary.
    pub translate_all: bool,
    /// Per-article limit on summarizing and translating.
    pub timeout: Option<Duration>,
}

/// Runs the pipeline on every input and writes each article as it is done.
pub fn run(
    input: &InputArgs,
    output: &OutputArgs,
    view: View,
    stages: Stages,
    ui: &mut Ui,
) -> Result<()> {
    let sources = input::expand(&input.inputs, &mut |notice| ui.notice(&notice))?;
    let mut writer = Writer::new(
        output.output.as_deref(),
        output.format,
        view,
        sources.len() > 1,
    )?;
    let cleaned = clean_stage(&sources, input.kind, ui);
    let mut models = Models::default();
    let mut failures = Vec::new();
    ui.bar(
        sources.len(),
        if stages.summary.is_some() {
            "summarizing"
        } else {
            "cleaning"
        },
    );
    for (source, article) in sources.iter().zip(cleaned) {
        match article.and_then(|article| process(article, &stages, &mut models, ui)) {
            Ok(article) => {
                if let Some(dropped) = article.dropped() {
                    ui.notice(&format!("{}: {dropped}", article.source));
                }
                for warning in article.warnings() {
                    ui.warning(&format!("{}: {warning}", article.source));
                }
                writer.write(&article)?;
                // `precis clean` shows what was removed, but an article with
                // nothing kept is still a failure of that input.
                if article.document.is_empty() {
                    failures.push((
                        source.clone(),
                        nothing_kept(&article.source, &article.document),
                    ));
                }
            }
            Err(error) if classify(&error) == Kind::Model => return Err(error),
            Err(error) => failures.push((source.clone(), error)),
        }
        ui.advance();
    }
    ui.finish();
    batch_result(sources.len(), failures)
}

/// Read, decode and clean every source; the readable ones are cleaned
/// together so boilerplate repeated across them is recognised.
fn clean_stage(sources: &[Source], kind: InputKind, ui: &mut Ui) -> Vec<Result<Article>> {
    let started = Instant::now();
    let decoded: Vec<Result<Decoded>> = sources
        .iter()
        .map(|source| {
            let bytes = input::read(source)?;
            decode(&bytes).with_context(|| format!("cannot use {source}"))
        })
        .collect();
    let texts: Vec<&str> = decoded
        .iter()
        .filter_map(|d| d.as_ref().ok())
        .map(|d| d.text.as_str())
        .collect();
    let input = match kind {
        InputKind::Auto => Some(precis_clean::InputKind::Auto),
        InputKind::Text => Some(precis_clean::InputKind::Text),
        InputKind::Html => Some(precis_clean::InputKind::Html),
        InputKind::Clean => None,
    };
    let mut cleaned = match input {
        Some(input) => clean_batch(&texts, &CleanOptions { input }),
        None => texts
            .iter()
            .map(|text| Ok(Document::from_paragraph_lines(text)))
            .collect(),
    }
    .into_iter();
    let clean_ms = millis(started.elapsed());
    ui.timing(
        &format!("cleaning {} article(s)", sources.len()),
        started.elapsed(),
    );
    sources
        .iter()
        .zip(decoded)
        .map(|(source, decoded)| {
            let decoded = decoded?;
            // clean_batch gives one result per input.
            let cleaned = cleaned
                .next()
                .context("precis-clean returned fewer articles than it was given")?;
            let mut document = cleaned.with_context(|| format!("cannot clean {source}"))?;
            document.warnings.splice(0..0, decoded.warnings);
            let mut article = Article::new(source.to_string(), document);
            article.timings.clean_ms = Some(clean_ms);
            Ok(article)
        })
        .collect()
}

/// Summarize and translate one cleaned article, as the stages ask.
fn process(
    mut article: Article,
    stages: &Stages,
    models: &mut Models,
    ui: &mut Ui,
) -> Result<Article> {
    let Some(summary_args) = stages.summary else {
        return Ok(article);
    };
    if article.document.is_empty() {
        return Err(nothing_kept(&article.source, &article.document));
    }
    let summarizer = models.summarizer(summary_args, ui)?;
    let document = article.document.clone();
    let started = Instant::now();
    let summary: Summary = within(stages.timeout, &article.source, move || {
        summarizer.summarize(&document)
    })?
    .with_context(|| format!("cannot summarize {}", article.source))?;
    article.timings.summarize_ms = Some(millis(started.elapsed()));
    ui.timing(
        &format!("{}: summarizing", article.source),
        started.elapsed(),
    );

    if let Some(translation) = stages.translation.filter(|t| t.to.is_some()) {
        let to = translation.to.clone().unwrap_or_default();
        let translator = models.translator(translation, summary_args.source.offline, ui)?;
        let started = Instant::now();
        let summary_lines: Vec<String> = summary.text.lines().map(str::to_owned).collect();
        let article_lines: Vec<String> = if stages.translate_all {
            article
                .document
                .to_text()
                .lines()
                .map(str::to_owned)
                .collect()
        } else {
            Vec::new()
        };
        let (translated_summary, translated_article) =
            within(stages.timeout, &article.source, move || {
                let summary = translate(&*translator, &summary_lines)?;
                let article = if article_lines.is_empty() {
                    None
                } else {
                    Some(translate(&*translator, &article_lines)?)
                };
                Ok::<_, precis_infer::InferError>((summary, article))
            })?
            .with_context(|| format!("cannot translate {}", article.source))?;
        let mut warnings = translated_summary.warnings;
        warnings.extend(
            translated_article
                .iter()
                .flat_map(|t| t.warnings.iter().cloned()),
        );
        article.translation = Some(TranslationRecord {
            from: translation.from.clone(),
            to,
            model: translated_summary.model,
            summary: Some(translated_summary.lines),
            article: translated_article.map(|t| t.lines),
            warnings,
        });
        article.timings.translate_ms = Some(millis(started.elapsed()));
        ui.timing(
            &format!("{}: translating", article.source),
            started.elapsed(),
        );
    }
    article.summary = Some(summary);
    Ok(article)
}

fn translate(
    translator: &dyn precis_infer::Translate,
    lines: &[String],
) -> Result<Translation, precis_infer::InferError> {
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    // Summaries and articles are prose: sentence by sentence translates them
    // best and never lets a model skip a sentence of a long paragraph.
    translator.translate_lines(&lines, precis_infer::Segmentation::Sentence)
}

/// Runs `job`, giving up after `timeout`. A job that times out cannot be
/// stopped from outside, so it finishes in the background and its result is
/// discarded.
fn within<T: Send + 'static>(
    timeout: Option<Duration>,
    source: &str,
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let Some(timeout) = timeout else {
        return Ok(job());
    };
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || sender.send(job()));
    receiver.recv_timeout(timeout).map_err(|_| {
        Failure::input(format!(
            "{source}: gave up after {timeout:?} (--timeout); raise --timeout or shorten the article"
        ))
        .into()
    })
}

fn nothing_kept(source: &str, document: &Document) -> anyhow::Error {
    let removed = removed_summary(&document.removed).unwrap_or_else(|| "no text found".into());
    Failure::input(format!(
        "nothing usable was kept from {source} ({removed}); check that it is an article, try --input text or --input html, and see `precis clean --format json {source}` for what was removed and why"
    ))
    .into()
}

/// Ok when every article went through; otherwise the one error of a single
/// article, or a list of every failed article of a batch with the most
/// serious kind.
fn batch_result(total: usize, mut failures: Vec<(Source, anyhow::Error)>) -> Result<()> {
    if failures.len() <= 1 && total == 1 {
        return failures.pop().map_or(Ok(()), |(_, error)| Err(error));
    }
    if failures.is_empty() {
        return Ok(());
    }
    let kind = if failures.iter().any(|(_, e)| classify(e) == Kind::Model) {
        Kind::Model
    } else {
        Kind::Input
    };
    let list: Vec<String> = failures
        .iter()
        .map(|(source, error)| format!("  {source}: {}", chain(error)))
        .collect();
    let message = format!(
        "{} of {total} articles failed:\n{}",
        failures.len(),
        list.join("\n")
    );
    Err(match kind {
        Kind::Model => Failure::model(message),
        _ => Failure::input(message),
    }
    .into())
}

/// An error and its causes on one line.
fn chain(error: &anyhow::Error) -> String {
    error
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

/// Models loaded on first use, so a batch whose inputs all fail never
/// loads one, and input problems are reported as such.
#[derive(Default)]
struct Models {
    summarizer: Option<SharedSummarizer>,
    translator: Option<SharedTranslator>,
}

impl Models {
    fn summarizer(&mut self, args: &SummaryArgs, ui: &mut Ui) -> Result<SharedSummarizer> {
        if let Some(summarizer) = &self.summarizer {
            return Ok(summarizer.clone());
        }
        let summarizer = models::load_summarizer(args, ui)?;
        self.summarizer = Some(summarizer.clone());
        Ok(summarizer)
    }

    /// `offline` is the command's `--offline`, which covers both models.
    fn translator(
        &mut self,
        args: &TranslationArgs,
        offline: bool,
        ui: &mut Ui,
    ) -> Result<SharedTranslator> {
        if let Some(translator) = &self.translator {
            return Ok(translator.clone());
        }
        let choice = models::TranslatorChoice {
            from: &args.from,
            to: args.to.as_deref().unwrap_or_default(),
            model: args.translation_model.as_deref(),
            flag: "--translation-model",
            offline,
        };
        let translator = models::load_translator(&choice, 1, ui)?;
        self.translator = Some(translator.clone());
        Ok(translator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_failure_is_returned_as_is() {
        let error =
            batch_result(1, vec![(Source::Stdin, Failure::model("gone").into())]).unwrap_err();
        assert_eq!(error.to_string(), "gone");
        assert_eq!(classify(&error), Kind::Model);
    }

    #[test]
    fn batch_failures_are_listed_with_the_worst_kind() {
        let failures = vec![
            (
                Source::File("a.txt".into()),
                anyhow::Error::new(precis_clean::CleanError::Empty).context("cannot use a.txt"),
            ),
            (
                Source::File("b.txt".into()),
                Failure::input("b is bad").into(),
            ),
        ];
        let error = batch_result(3, failures).unwrap_err();
        assert_eq!(classify(&error), Kind::Input);
        let text = error.to_string();
        assert!(
            text.starts_with(
                "2 of 3 articles failed:\n  a.txt: cannot use a.txt: the input is empty"
            ),
            "{text}"
        );
        assert!(text.ends_with("\n  b.txt: b is bad"), "{text}");
        assert!(batch_result(3, Vec::new()).is_ok());
    }
}
