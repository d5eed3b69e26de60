//! [`Report`]: the result for one article, as every output format sees
//! it: what the cleaner kept and dropped, the summary, the translation, how
//! long each stage took, what the reader should know (notes) and must know
//! (warnings). [`Report::record`] is the JSON record every command prints
//! (`clean`, `summarize`, `translate`, `run`), laid out as
//! `schema/record.schema.json` describes and versioned by [`SCHEMA`];
//! [`Record::failed`] is the record of an article that failed.

use precis_clean::{Document, Language, Metadata, Paragraph, Reason, Removed};
use precis_infer::{ModelInfo, Summary};
use serde::Serialize;

use crate::translator::Leg;
use crate::{Error, ErrorKind};

/// The layout of [`Record`], in every record's `schema` field. A change
/// that can break a reader of the records (a field removed, renamed or
/// retyped) takes the next number; `schema/record.schema.json` is its
/// JSON Schema.
pub const SCHEMA: &str = "precis/1";

/// One article after the stages that ran on it.
#[derive(Debug, Clone)]
pub struct Report {
    /// Where the article came from (a file name, a URL, `<stdin>`).
    pub source: String,
    /// What cleaning kept and dropped.
    pub document: Document,
    /// The summary, when summarizing ran.
    pub summary: Option<Summary>,
    /// The translation, when translating ran.
    pub translation: Option<TranslationRecord>,
    /// How long each stage took.
    pub timings: Timings,
}

/// The translation of the summary and, when asked for, of the whole
/// cleaned article, one line per line of the original.
#[derive(Debug, Clone)]
pub struct TranslationRecord {
    /// Source language.
    pub from: String,
    /// Target language: the language served (`pt` for a `pt-BR` asked for,
    /// which a note then says).
    pub to: String,
    /// The model that translated; `None` when the text was already in the
    /// target language and passed through (a note says so).
    pub model: Option<ModelInfo>,
    /// Each step from `from` to `to` and its model: one leg, two through
    /// English when the pair has no model of its own, none when the text
    /// passed through.
    pub route: Vec<Leg>,
    /// The summary's lines, translated.
    pub summary: Option<Vec<String>>,
    /// The article's lines, translated.
    pub article: Option<Vec<String>>,
    /// What the reader may want to know (passed through, a regional tag
    /// served by the language's model).
    pub notes: Vec<String>,
    /// What the reader must know about the translation (uncertain source
    /// language, output cut at the length limit).
    pub warnings: Vec<String>,
}

/// Milliseconds per stage of one article; a stage that did not run is
/// absent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// Cleaning this article (its share of what a batch learns together
    /// included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clean_ms: Option<f64>,
    /// Summarizing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summarize_ms: Option<f64>,
    /// Translating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translate_ms: Option<f64>,
}

/// `elapsed` in milliseconds, to 0.1 ms.
pub fn millis(elapsed: std::time::Duration) -> f64 {
    (elapsed.as_secs_f64() * 1e4).round() / 10.0
}

/// The JSON record of one article, the same for every command: the
/// stages that did not run are `null`. See `schema/record.schema.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// The layout's version: [`SCHEMA`].
    pub schema: &'static str,
    /// Where the article came from: a path, a URL, `<stdin>`.
    pub source: String,
    /// The article's title.
    pub title: Option<String>,
    /// The language the article is written in, as detected from its text.
    pub language: Option<Language>,
    /// What the source states about the article (`null` when the text was
    /// not cleaned: `precis translate`).
    pub metadata: Option<Metadata>,
    /// The article as text: the cleaned article (title, headings and
    /// paragraphs separated by blank lines, as `precis clean` prints it),
    /// or the input of `precis translate`.
    pub text: Option<String>,
    /// What cleaning kept and dropped.
    pub cleaning: Option<Cleaning>,
    /// The summary.
    pub summary: Option<Lines>,
    /// The translation.
    pub translation: Option<Translated>,
    /// How long each stage took on this article.
    pub timings: Timings,
    /// What the reader may want to know, prefixed with the stage
    /// (`cleaning: removed 3 blocks: …`).
    pub notes: Vec<String>,
    /// What the reader must know about the result, prefixed with the stage.
    pub warnings: Vec<String>,
    /// Why the article failed; the other fields hold what was done before.
    pub error: Option<ErrorRecord>,
}

/// What cleaning kept and dropped.
#[derive(Debug, Clone, Serialize)]
pub struct Cleaning {
    /// In-body headings.
    pub headings: Vec<String>,
    /// Body paragraphs.
    pub paragraphs: Vec<Paragraph>,
    /// What was dropped, and why.
    pub removed: Vec<Removed>,
}

/// A text made by a model, as a whole and line by line: a summary (one
/// sentence a line for the extractive summarizers) or a translation (one
/// line per line of what was translated). `text` is `lines` joined by
/// newlines.
#[derive(Debug, Clone, Serialize)]
pub struct Lines {
    /// The whole text.
    pub text: String,
    /// Its lines.
    pub lines: Vec<String>,
    /// The model that made it (a translation's is the translation's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelInfo>,
    /// How many chunks a summarizer split the input into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunks: Option<usize>,
}

impl Lines {
    /// Lines made by no model of their own (a translation's).
    pub fn new(lines: Vec<String>) -> Self {
        Lines {
            text: lines.join("\n"),
            lines,
            model: None,
            chunks: None,
        }
    }

    /// A summary in the record's shape.
    pub fn summary(summary: &Summary) -> Self {
        Lines {
            model: Some(summary.model.clone()),
            chunks: Some(summary.chunks),
            ..Lines::new(summary.text.lines().map(str::to_owned).collect())
        }
    }
}

/// The translation in a record.
#[derive(Debug, Clone, Serialize)]
pub struct Translated {
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// The model that translated; `null` when the text was already in the
    /// target language and passed through.
    pub model: Option<ModelInfo>,
    /// Each step from `from` to `to` and its model: one leg, two through
    /// English when the pair has no model of its own, none on pass-through.
    pub route: Vec<Leg>,
    /// The summary, translated.
    pub summary: Option<Lines>,
    /// The article (for `precis translate`: the input), translated.
    pub article: Option<Lines>,
}

/// Why an article failed.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorRecord {
    /// Whose problem it is: `input`, `usage` or `model` (the exit codes
    /// 1, 2 and 3).
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
}

impl ErrorRecord {
    /// `error`, with its causes in the message.
    pub fn new(error: &Error) -> Self {
        let mut message = error.to_string();
        let mut cause = std::error::Error::source(error);
        while let Some(error) = cause {
            message.push_str(&format!(": {error}"));
            cause = error.source();
        }
        ErrorRecord {
            kind: kind_name(error.kind()),
            message,
        }
    }
}

/// `kind` as records name it.
pub fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Usage => "usage",
        ErrorKind::Model => "model",
        _ => "input",
    }
}

impl Record {
    /// The record of an article that failed before it was cleaned.
    pub fn failed(source: impl Into<String>, error: ErrorRecord) -> Self {
        Record {
            schema: SCHEMA,
            source: source.into(),
            title: None,
            language: None,
            metadata: None,
            text: None,
            cleaning: None,
            summary: None,
            translation: None,
            timings: Timings::default(),
            notes: Vec::new(),
            warnings: Vec::new(),
            error: Some(error),
        }
    }
}

impl Report {
    /// The report of an article that has only been cleaned.
    pub fn new(source: String, document: Document) -> Self {
        Report {
            source,
            document,
            summary: None,
            translation: None,
            timings: Timings::default(),
        }
    }

    /// The JSON record of this article.
    pub fn record(&self) -> Record {
        let document = &self.document;
        Record {
            schema: SCHEMA,
            source: self.source.clone(),
            title: document.title.clone(),
            language: document.language.clone(),
            metadata: Some(document.metadata.clone()),
            text: Some(document.to_text()),
            cleaning: Some(Cleaning {
                headings: document.headings.clone(),
                paragraphs: document.paragraphs.clone(),
                removed: document.removed.clone(),
            }),
            summary: self.summary.as_ref().map(Lines::summary),
            translation: self.translation.as_ref().map(|t| Translated {
                from: t.from.clone(),
                to: t.to.clone(),
                model: t.model.clone(),
                route: t.route.clone(),
                summary: t.summary.clone().map(Lines::new),
                article: t.article.clone().map(Lines::new),
            }),
            timings: self.timings.clone(),
            notes: self.notes(),
            warnings: self.warnings(),
            error: None,
        }
    }

    /// The record of this article, which failed after the stages it holds.
    pub fn failed_record(&self, error: ErrorRecord) -> Record {
        Record {
            error: Some(error),
            ..self.record()
        }
    }

    /// What the reader must know about the result, every stage's, prefixed
    /// with the stage.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = prefixed("cleaning", &self.document.warnings);
        if let Some(summary) = &self.summary {
            warnings.extend(prefixed("summary", &summary.warnings));
        }
        if let Some(translation) = &self.translation {
            warnings.extend(prefixed("translation", &translation.warnings));
        }
        warnings
    }

    /// What the reader may want to know (what cleaning dropped, how the
    /// translation was served), prefixed with the stage.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self
            .dropped()
            .map(|dropped| format!("cleaning: {dropped}"))
            .into_iter()
            .collect();
        if let Some(translation) = &self.translation {
            notes.extend(prefixed("translation", &translation.notes));
        }
        notes
    }

    /// What cleaning dropped, in one line, if anything.
    pub fn dropped(&self) -> Option<String> {
        removed_summary(&self.document.removed)
    }
}

fn prefixed(stage: &str, messages: &[String]) -> Vec<String> {
    messages.iter().map(|m| format!("{stage}: {m}")).collect()
}

/// "removed 5 blocks: 3 donation appeal, 1 banner, 1 photo caption", or
/// `None` when nothing was removed. Reasons are listed most frequent first.
pub fn removed_summary(removed: &[Removed]) -> Option<String> {
    if removed.is_empty() {
        return None;
    }
    let mut counts: Vec<(Reason, usize)> = Vec::new();
    for item in removed {
        match counts.iter_mut().find(|(reason, _)| *reason == item.reason) {
            Some((_, count)) => *count += 1,
            None => counts.push((item.reason, 1)),
        }
    }
    // Stable: equal counts keep first-seen order.
    counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let reasons: Vec<String> = counts
        .iter()
        .map(|(reason, n)| format!("{n} {reason}"))
        .collect();
    let blocks = if removed.len() == 1 {
        "block"
    } else {
        "blocks"
    };
    Some(format!(
        "removed {} {blocks}: {}",
        removed.len(),
        reasons.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(reason: Reason) -> Removed {
        Removed {
            text: "x".into(),
            reason,
        }
    }

    #[test]
    fn removed_summary_counts_reasons() {
        let list = [
            removed(Reason::Banner),
            removed(Reason::DonationAppeal),
            removed(Reason::DonationAppeal),
        ];
        assert_eq!(
            removed_summary(&list).as_deref(),
            Some("removed 3 blocks: 2 donation appeal, 1 banner")
        );
        assert_eq!(removed_summary(&[]), None);
    }
}
