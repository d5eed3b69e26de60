//! precis-eval measures precis's output; nothing in the production path
//! depends on it. Each metric matches the Python package the literature
//! uses on the same outputs, so figures are comparable with published ones:
//!
//! - [`rouge`] — ROUGE-1/2/L/Lsum as `rouge-score` computes them with stemming;
//! - [`bleu`] and [`chrf`] — corpus BLEU, chrF and chrF++ as `sacrebleu`'s
//!   defaults compute them;
//! - [`summarize_dataset`] / [`score_summaries`] — run a summarizer on a
//!   `{id, article, reference}` JSONL data set (or take given summaries) and
//!   score every summary with ROUGE;
//! - [`langid`] — language identification accuracy on line-aligned files
//!   (FLORES-200), per line and per 10-line paragraph;
//! - [`snippets`] — the web-page snippet score of `../shared/tools/web_eval.py`,
//!   for cleaning.
//!
//! `precis eval` is the command-line front end.

#![deny(missing_docs)]
// `precis eval` reads user files: failures are errors, never panics, as in
// the production libraries this code came from.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

pub mod bleu;
pub mod chrf;
pub mod langid;
pub mod rouge;
pub mod snippets;
mod summaries;

pub use summaries::{
    read_summary_data, score_summaries, summarize_dataset, ItemScore, SummaryItem, SummaryReport,
};

/// Whether Python's `str.isspace()` (and so `re`'s `\s` and `str.split()`)
/// treats `c` as whitespace: Unicode White_Space plus the ASCII
/// information separators U+001C..U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.split()` with no argument: words between runs of whitespace.
fn python_split(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_python_space).filter(|word| !word.is_empty())
}
