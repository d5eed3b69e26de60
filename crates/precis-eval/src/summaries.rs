//! The summarization evaluation runner: reads `{id, article, reference}`
//! JSONL (like `../shared/eval/cnndm-dev.jsonl`), runs a summarizer on every
//! article, and scores each summary with ROUGE against its reference.

use std::path::Path;
use std::time::Instant;

use precis_clean::Document;
use precis_infer::{InferError, ModelInfo, Summarize};
use serde::{Deserialize, Serialize};

use crate::rouge::{self, Prf, RougeScores};

/// One line of a summarization data set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryItem {
    /// The article's identifier in the data set.
    pub id: String,
    /// The article's clean text, one paragraph a line.
    pub article: String,
    /// The reference summary (CNN/DailyMail highlights, one string).
    pub reference: String,
}

/// One article's summary and its scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    /// The scored article's [`SummaryItem::id`].
    pub id: String,
    /// The summary that was scored, one sentence a line.
    pub prediction: String,
    /// The summary's ROUGE against the article's reference.
    pub rouge: RougeScores,
    /// Time the summarizer took on this article (0 for given predictions).
    pub seconds: f64,
}

/// Scores of a whole data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryReport {
    /// The summarizer, or `None` when given predictions were scored.
    pub model: Option<ModelInfo>,
    /// Every article's summary and scores, in data-set order.
    pub items: Vec<ItemScore>,
    /// Mean of each score over the items, as `rouge-score` users report it.
    pub mean: RougeScores,
    /// Total summarization time.
    pub seconds: f64,
}

impl SummaryReport {
    fn new(model: Option<ModelInfo>, items: Vec<ItemScore>, seconds: f64) -> Self {
        let mean = mean_scores(items.iter().map(|item| &item.rouge));
        SummaryReport {
            model,
            items,
            mean,
            seconds,
        }
    }

    /// Articles summarized per second.
    pub fn articles_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.items.len() as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Reads a JSONL data set; blank lines are skipped, a malformed line is an
/// error naming its line number.
pub fn read_summary_data(path: &Path) -> Result<Vec<SummaryItem>, InferError> {
    let text = std::fs::read_to_string(path).map_err(|source| InferError::Io {
        context: format!("cannot read data set {}", path.display()),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| InferError::BadConfig {
                path: path.to_path_buf(),
                detail: format!(
                    "line {}: {e}; each line must be a JSON object {{\"id\", \"article\", \"reference\"}}",
                    i + 1
                ),
            })
        })
        .collect()
}

/// Summarizes every article with `summarizer` and scores the summaries.
pub fn summarize_dataset(
    summarizer: &dyn Summarize,
    items: &[SummaryItem],
) -> Result<SummaryReport, InferError> {
    let start = Instant::now();
    let mut scored = Vec::with_capacity(items.len());
    for item in items {
        let item_start = Instant::now();
        let summary = summarizer.summarize(&Document::from_paragraph_lines(&item.article))?;
        let seconds = item_start.elapsed().as_secs_f64();
        scored.push(score_item(item, &summary.text, seconds));
    }
    Ok(SummaryReport::new(
        Some(summarizer.info().clone()),
        scored,
        start.elapsed().as_secs_f64(),
    ))
}

/// Scores given summaries, `predictions[i]` against `items[i]`; the caller
/// checks that the two lists have the same length.
pub fn score_summaries(items: &[SummaryItem], predictions: &[&str]) -> SummaryReport {
    let scored = items
        .iter()
        .zip(predictions)
        .map(|(item, prediction)| score_item(item, prediction, 0.0))
        .collect();
    SummaryReport::new(None, scored, 0.0)
}

/// Both sides are split into sentence lines first, as ROUGE-Lsum needs and
/// as the project's reference figures were computed.
fn score_item(item: &SummaryItem, prediction: &str, seconds: f64) -> ItemScore {
    let prediction = rouge::sentence_lines(prediction);
    let reference = rouge::sentence_lines(&item.reference);
    ItemScore {
        id: item.id.clone(),
        rouge: rouge::score(&reference, &prediction),
        prediction,
        seconds,
    }
}

fn mean_scores<'a>(scores: impl ExactSizeIterator<Item = &'a RougeScores>) -> RougeScores {
    let n = scores.len().max(1) as f64;
    let mut sum = RougeScores::default();
    for s in scores {
        for (total, one) in [
            (&mut sum.rouge1, s.rouge1),
            (&mut sum.rouge2, s.rouge2),
            (&mut sum.rouge_l, s.rouge_l),
            (&mut sum.rouge_lsum, s.rouge_lsum),
        ] {
            total.precision += one.precision;
            total.recall += one.recall;
            total.fmeasure += one.fmeasure;
        }
    }
    let scale = |p: Prf| Prf {
        precision: p.precision / n,
        recall: p.recall / n,
        fmeasure: p.fmeasure / n,
    };
    RougeScores {
        rouge1: scale(sum.rouge1),
        rouge2: scale(sum.rouge2),
        rouge_l: scale(sum.rouge_l),
        rouge_lsum: scale(sum.rouge_lsum),
    }
}
