//! The article pipeline behind `precis run`, `summarize` and `clean`: read
//! → decode → clean → summarize → translate → render, with the library's
//! [`Pipeline`] doing the work, one article in memory at a time. An article that fails is set
//! aside with its error and the batch goes on; a model that cannot be
//! loaded stops everything, since every later article would fail the same
//! way.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context, Result};
use precis::{
    decode, ArticleFormat, Decoded, ErrorRecord, Pipeline, Record, Report, SiteBoilerplate,
};

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
    let mut sources = input::expand(&input.inputs, input.glob.as_deref(), &mut |notice| {
        ui.notice(&notice)
    })?;
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
    let mut reader = Reader::default();
    ui.batch(sources.len(), "reading");
    let site = learn_stage(&pipeline, &sources, &mut reader, ui);
    let mut unservable = HashMap::new();
    if translating(&stages) {
        ui.stage("finding translators");
        unservable = resolve_translators(&pipeline, &sources, &mut reader, &site)?;
    }
    ui.stage(match (stages.summary.is_some(), translating(&stages)) {
        (false, _) => "writing",
        (true, false) => "summarizing",
        (true, true) => "summarizing, translating",
    });
    let mut failures = Vec::new();
    // One article in memory at a time: read, clean, summarize, write.
    let mut cleaning = Duration::ZERO;
    for (index, source) in sources.iter().enumerate() {
        let started = std::time::Instant::now();
        let article = match unservable.remove(&index) {
            Some(error) => Err(error),
            None => reader.clean(&pipeline, source, &site),
        };
        cleaning += started.elapsed();
        let cleaned = match article {
            Ok(article) => article,
            Err(error) => {
                writer.write_failed(&failed_record(&source.to_string(), &error))?;
                failures.push((source.clone(), error));
                ui.advance();
                continue;
            }
        };
        let done = pipeline.process(cleaned.clone());
        match done {
            Ok(article) => {
                let mut notes: Vec<String> = article.dropped().into_iter().collect();
                notes.extend(article.translation.iter().flat_map(|t| t.notes.clone()));
                ui.article_notes(&article.source, &notes);
                for warning in article.warnings() {
                    ui.warning(&format!("{}: {warning}", article.source));
                }
                // `precis clean` shows what was removed, but an article with
                // nothing kept is still a failure of that input.
                if article.document.is_empty() {
                    let removed = precis::removed_summary(&article.document.removed)
                        .unwrap_or_else(|| "no text found".into());
                    let error = anyhow::Error::from(precis::Error::NothingKept {
                        article: article.source.clone(),
                        removed,
                    });
                    writer.write_or_fail(&article, &error_record(&error))?;
                    failures.push((source.clone(), error));
                } else {
                    writer.write(&article)?;
                }
            }
            Err(error) => {
                let error = anyhow::Error::from(error);
                // A model every article needs stops the batch; one only an
                // article's detected language needs fails that article alone.
                if classify(&error) == Kind::Model && !per_article(&error) {
                    return Err(error);
                }
                writer.write_failed(&cleaned.failed_record(error_record(&error)))?;
                failures.push((source.clone(), error));
            }
        }
        ui.advance();
    }
    ui.end_batch();
    ui.timing(
        &format!("reading and cleaning {} article(s)", sources.len()),
        cleaning,
    );
    batch_result(sources.len(), failures)
}

/// Whether the command translates.
fn translating(stages: &Stages) -> bool {
    stages.summary.is_some() && stages.translation.is_some_and(|t| t.to.is_some())
}

/// Finds every article's translator before any is summarized (with
/// `--from auto` the model depends on each article's language, known once
/// it is cleaned), reading and cleaning one article at a time. Returns the
/// errors of the articles whose translator cannot be had, by position;
/// when that is every article, the batch stops here.
fn resolve_translators(
    pipeline: &Pipeline,
    sources: &[Source],
    reader: &mut Reader,
    site: &SiteBoilerplate,
) -> Result<HashMap<usize, anyhow::Error>> {
    let mut ready = 0;
    let mut model_failed = false;
    let mut unservable = HashMap::new();
    for (index, source) in sources.iter().enumerate() {
        // An article that cannot be read or cleaned fails with that error
        // when it is processed.
        let Ok(report) = reader.clean(pipeline, source, site) else {
            continue;
        };
        match pipeline.prepare(&report) {
            Ok(()) => ready += 1,
            Err(error) => {
                let error = anyhow::Error::from(error);
                model_failed |= classify(&error) == Kind::Model;
                unservable.insert(index, error);
            }
        }
    }
    if ready > 0 || !model_failed {
        return Ok(unservable);
    }
    let first_model_error = (0..sources.len())
        .filter_map(|index| unservable.remove(&index))
        .find(|error| classify(error) == Kind::Model);
    Err(first_model_error
        .unwrap_or_else(|| Failure::model("no article's translator can be loaded").into()))
}

/// `error` as a record's `error`: its kind and the message stderr shows.
fn error_record(error: &anyhow::Error) -> ErrorRecord {
    ErrorRecord {
        kind: match classify(error) {
            Kind::Input => "input",
            Kind::Usage => "usage",
            Kind::Model => "model",
        },
        message: chain(error),
    }
}

/// The record of an article that failed before it was cleaned.
fn failed_record(source: &str, error: &anyhow::Error) -> Record {
    Record::failed(source, error_record(error))
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

/// Reads and decodes sources one at a time, as often as the batch's
/// passes need them. Files are read again each time; stdin and URLs cannot
/// be read again faithfully, so their bytes (or read error) are kept.
#[derive(Default)]
struct Reader {
    kept: HashMap<String, std::result::Result<Vec<u8>, String>>,
}

impl Reader {
    fn decoded(&mut self, source: &Source) -> Result<Decoded> {
        let bytes = match source {
            Source::File(_) => input::read(source)?,
            Source::Stdin | Source::Url(_) => {
                let kept = self
                    .kept
                    .entry(source.to_string())
                    .or_insert_with(|| input::read(source).map_err(|error| chain(&error)));
                kept.clone().map_err(Failure::input)?
            }
        };
        decode(&bytes).with_context(|| format!("cannot use {source}"))
    }

    /// The source read, decoded and cleaned with what the batch repeats.
    fn clean(
        &mut self,
        pipeline: &Pipeline,
        source: &Source,
        site: &SiteBoilerplate,
    ) -> Result<Report> {
        let decoded = self.decoded(source)?;
        let mut report = pipeline
            .clean(&source.to_string(), &decoded.text, site)
            .with_context(|| format!("cannot clean {source}"))?;
        report.document.warnings.splice(0..0, decoded.warnings);
        Ok(report)
    }
}

/// A batch's first pass: every readable source counted toward what the
/// articles repeat (site boilerplate), holding one article at a time and
/// keeping only fingerprints. A single article has nothing to learn from.
fn learn_stage(
    pipeline: &Pipeline,
    sources: &[Source],
    reader: &mut Reader,
    ui: &mut Ui,
) -> SiteBoilerplate {
    let mut site = SiteBoilerplate::default();
    if sources.len() < 2 {
        return site;
    }
    let started = std::time::Instant::now();
    for source in sources {
        // Unreadable sources fail with their error in a later pass.
        if let Ok(decoded) = reader.decoded(source) {
            pipeline.learn(&mut site, &decoded.text);
        }
    }
    ui.timing(
        &format!("learning what {} article(s) repeat", sources.len()),
        started.elapsed(),
    );
    site
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
