//! The article pipeline behind `precis run`, `summarize` and `clean`: read
//! → decode → clean (as one batch) → summarize → translate → render, with
//! the library's [`Pipeline`] doing the work. An article that fails is set
//! aside with its error and the batch goes on; a model that cannot be
//! loaded stops everything, since every later article would fail the same
//! way.

use std::time::Duration;

use anyhow::{Context, Result};
use precis::{decode, ArticleFormat, Decoded, Pipeline, Report};

use crate::cli::{InputArgs, InputKind, OutputArgs, SummaryArgs, TranslationArgs};
use crate::failure::{chain, classify, Failure, Kind};
use crate::input::{self, Source};
use crate::models;
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
    let mut sources = input::expand(&input.inputs, &mut |notice| ui.notice(&notice))?;
    input::exclude_output(
        &mut sources,
        &input.inputs,
        output.output.as_deref(),
        &mut |notice| ui.notice(&notice),
    )?;
    let mut writer = Writer::new(
        output.output.as_deref(),
        output.format,
        view,
        sources.len() > 1,
    )?;
    let pipeline = build(input.kind, &stages, ui)?;
    let cleaned = clean_stage(&pipeline, &sources, ui);
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
        match article.and_then(|article| Ok(pipeline.process(article)?)) {
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
                    let removed = precis::removed_summary(&article.document.removed)
                        .unwrap_or_else(|| "no text found".into());
                    failures.push((
                        source.clone(),
                        precis::Error::NothingKept {
                            article: article.source.clone(),
                            removed,
                        }
                        .into(),
                    ));
                }
            }
            // A model every article needs stops the batch; one only an
            // article's detected language needs fails that article alone.
            Err(error) if classify(&error) == Kind::Model && !per_article(&error) => {
                return Err(error)
            }
            Err(error) => failures.push((source.clone(), error)),
        }
        ui.advance();
    }
    ui.finish();
    batch_result(sources.len(), failures)
}

/// The library pipeline for the stages a command asks for, with every
/// model it needs loaded before the first article is read.
fn build(kind: InputKind, stages: &Stages, ui: &mut Ui) -> Result<Pipeline> {
    let mut builder = Pipeline::builder()
        .format(match kind {
            InputKind::Auto => ArticleFormat::Auto,
            InputKind::Text => ArticleFormat::Text,
            InputKind::Html => ArticleFormat::Html,
            InputKind::Clean => ArticleFormat::Clean,
        })
        .translate_article(stages.translate_all);
    if let Some(limit) = stages.timeout {
        builder = builder.timeout(limit);
    }
    if let Some(summary) = stages.summary {
        builder = builder.summarizer(models::load_summarizer(summary, ui)?);
        if let Some(translation) = stages.translation {
            if let Some(to) = translation.to.as_deref() {
                let choice = models::TranslatorChoice {
                    from: &translation.from,
                    to,
                    model: translation.translation_model.as_deref(),
                    flag: "--translation-model",
                    source: &summary.source,
                };
                builder = builder.translators(models::load_translators(&choice, ui)?);
            }
        }
    }
    Ok(builder.build())
}

/// Read, decode and clean every source; the readable ones are cleaned
/// together so boilerplate repeated across them is recognised.
fn clean_stage(pipeline: &Pipeline, sources: &[Source], ui: &mut Ui) -> Vec<Result<Report>> {
    let started = std::time::Instant::now();
    let decoded: Vec<Result<Decoded>> = sources
        .iter()
        .map(|source| {
            let bytes = input::read(source)?;
            decode(&bytes).with_context(|| format!("cannot use {source}"))
        })
        .collect();
    let names: Vec<String> = sources.iter().map(ToString::to_string).collect();
    let readable: Vec<(&str, &str)> = names
        .iter()
        .zip(&decoded)
        .filter_map(|(name, d)| Some((name.as_str(), d.as_ref().ok()?.text.as_str())))
        .collect();
    // clean_batch gives one result per readable input.
    let mut cleaned = pipeline.clean_batch(&readable).into_iter();
    ui.timing(
        &format!("cleaning {} article(s)", sources.len()),
        started.elapsed(),
    );
    sources
        .iter()
        .zip(decoded)
        .map(|(source, decoded)| {
            let decoded = decoded?;
            let cleaned = cleaned
                .next()
                .context("precis returned fewer articles than it was given")?;
            let mut report = cleaned.with_context(|| format!("cannot clean {source}"))?;
            report.document.warnings.splice(0..0, decoded.warnings);
            Ok(report)
        })
        .collect()
}

/// Whether `error` concerns one article only (its language's translator).
fn per_article(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        matches!(
            e.downcast_ref(),
            Some(precis::Error::NoTranslatorFor { .. })
        )
    })
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
                anyhow::Error::new(precis::CleanError::Empty).context("cannot use a.txt"),
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
