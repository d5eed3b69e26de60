//! [`Report`]: the result for one article, as every output format sees
//! it: what the cleaner kept and dropped, the summary, the translation, how
//! long each stage took and everything the user should be warned about.
//! [`Report::record`] is the JSON record `precis run --format json` prints.

use precis_clean::{Document, Language, Metadata, Paragraph, Reason, Removed};
use precis_infer::{ModelInfo, Summary};
use serde::Serialize;

use crate::translator::Leg;

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
#[derive(Debug, Clone, Serialize)]
pub struct TranslationRecord {
    /// Source language.
    pub from: String,
    /// Target language.
    pub to: String,
    /// The model that translated; `None` when the text was already in the
    /// target language and passed through (a warning says so).
    pub model: Option<ModelInfo>,
    /// Each step from `from` to `to` and its model: one leg, two through
    /// English when the pair has no model of its own, none when the text
    /// passed through.
    pub route: Vec<Leg>,
    /// The summary's lines, translated.
    pub summary: Option<Vec<String>>,
    /// The article's lines, translated.
    pub article: Option<Vec<String>>,
    /// What the reader must know about the translation.
    pub warnings: Vec<String>,
}

/// Milliseconds per stage; a stage that did not run is absent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timings {
    /// Cleaning (of the whole batch the article was cleaned with).
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

/// The JSON record of `precis run` and `precis summarize`.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    /// Where the article came from.
    pub source: &'a str,
    /// The article's title.
    pub title: Option<&'a str>,
    /// The language the article is written in, as detected from its text.
    pub language: Option<&'a Language>,
    /// What the source states about the article.
    pub metadata: &'a Metadata,
    /// What cleaning kept and dropped.
    pub cleaning: Cleaning<'a>,
    /// The summary.
    pub summary: Option<&'a Summary>,
    /// The translation.
    pub translation: Option<&'a TranslationRecord>,
    /// How long each stage took.
    pub timings: &'a Timings,
    /// Every stage's warnings, prefixed with the stage, and what cleaning
    /// dropped: nothing is lost without the output saying so.
    pub warnings: Vec<String>,
}

/// What cleaning kept and dropped.
#[derive(Debug, Serialize)]
pub struct Cleaning<'a> {
    /// In-body headings.
    pub headings: &'a [String],
    /// Body paragraphs.
    pub paragraphs: &'a [Paragraph],
    /// What was dropped, and why.
    pub removed: &'a [Removed],
    /// Cleaning's warnings.
    pub warnings: &'a [String],
}

/// The JSON record of `precis clean`: the cleaned document and its source.
#[derive(Debug, Serialize)]
pub struct CleanRecord<'a> {
    /// Where the article came from.
    pub source: &'a str,
    /// The cleaned document.
    #[serde(flatten)]
    pub document: &'a Document,
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

    /// The JSON record of `precis run` and `precis summarize`.
    pub fn record(&self) -> Record<'_> {
        let document = &self.document;
        Record {
            source: &self.source,
            title: document.title.as_deref(),
            language: document.language.as_ref(),
            metadata: &document.metadata,
            cleaning: Cleaning {
                headings: &document.headings,
                paragraphs: &document.paragraphs,
                removed: &document.removed,
                warnings: &document.warnings,
            },
            summary: self.summary.as_ref(),
            translation: self.translation.as_ref(),
            timings: &self.timings,
            warnings: self
                .warnings()
                .into_iter()
                .chain(self.dropped().map(|d| format!("cleaning: {d}")))
                .collect(),
        }
    }

    /// The JSON record of `precis clean`.
    pub fn clean_record(&self) -> CleanRecord<'_> {
        CleanRecord {
            source: &self.source,
            document: &self.document,
        }
    }

    /// Every stage's warnings, prefixed with the stage.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = self
            .document
            .warnings
            .iter()
            .map(|w| format!("cleaning: {w}"))
            .collect();
        if let Some(summary) = &self.summary {
            warnings.extend(summary.warnings.iter().map(|w| format!("summary: {w}")));
        }
        if let Some(translation) = &self.translation {
            warnings.extend(
                translation
                    .warnings
                    .iter()
                    .map(|w| format!("translation: {w}")),
            );
        }
        warnings
    }

    /// What cleaning dropped, in one line, if anything.
    pub fn dropped(&self) -> Option<String> {
        removed_summary(&self.document.removed)
    }
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
