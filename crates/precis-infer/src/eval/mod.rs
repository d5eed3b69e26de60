//! Evaluation: the metrics precis reports, each matching the Python package
//! the literature uses on the same outputs (ROUGE = `rouge-score` with
//! stemming, BLEU and chrF = `sacrebleu` defaults), and a runner that
//! summarizes a `{id, article, reference}` JSONL data set and scores it.

pub mod bleu;
pub mod chrf;
mod dataset;
pub mod rouge;

pub use dataset::{
    read_summary_data, score_summaries, summarize_dataset, ItemScore, SummaryItem, SummaryReport,
};

use precis_clean::eval::is_python_space;

/// Python's `str.split()` with no argument: words between runs of whitespace.
fn python_split(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_python_space).filter(|word| !word.is_empty())
}
