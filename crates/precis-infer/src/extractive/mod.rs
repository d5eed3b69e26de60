//! Extractive summarizers: they pick whole sentences of the article instead
//! of writing new text, so they need no generation model, never invent
//! facts and handle any article length without chunking.
//!
//! All of them share the same stages: [`sentences`] splits the cleaned
//! [`Document`] into candidate sentences (headings are context, not
//! candidates), a summarizer scores them, [`select`] picks a non-redundant
//! set within the [`Budget`] (maximal marginal relevance), and the summary
//! lists the picked sentences in document order, one a line.

mod lead;
mod minilm;
mod select;
mod textrank;

pub use lead::Lead3;
pub use minilm::{MiniLm, SentenceEncoder};
pub use select::{select, Budget};
pub use textrank::TextRank;

use precis_clean::Document;

use crate::{Family, InferError, ModelInfo, Summary};

/// A candidate sentence of the article.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// The sentence as it reads in the article.
    pub text: String,
    /// Index among all candidate sentences, in reading order.
    pub position: usize,
    /// Index of the paragraph it belongs to.
    pub paragraph: usize,
    /// Its length in words, what the summary budget counts.
    pub words: usize,
    /// Part of a quotation: it opens with a quote mark, or its quote marks do
    /// not pair up (a quote spanning several sentences). Quotes read badly
    /// out of context, so summarizers prefer reported speech.
    pub quote: bool,
}

/// The article's candidate sentences in reading order: the texts that read
/// as sentences ([`precis_clean::reads_as_sentence`]), so a dateline or
/// byline left at a paragraph's start is never quoted; every text when
/// none does (an article of fragments still gets a summary).
pub fn sentences(document: &Document) -> Vec<Sentence> {
    let only_sentences = candidates(document, true);
    if only_sentences.is_empty() {
        candidates(document, false)
    } else {
        only_sentences
    }
}

fn candidates(document: &Document, only_sentences: bool) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (paragraph, p) in document.paragraphs.iter().enumerate() {
        for text in precis_clean::sentences(&p.text) {
            let words = text.split_whitespace().count();
            if words == 0 || (only_sentences && !precis_clean::reads_as_sentence(text)) {
                continue;
            }
            out.push(Sentence {
                quote: is_quote(text),
                text: text.to_string(),
                position: out.len(),
                paragraph,
                words,
            });
        }
    }
    out
}

fn is_quote(sentence: &str) -> bool {
    let opens_with_quote = sentence.starts_with(['"', '\'', '“', '‘', '«', '„']);
    let straight = sentence.matches('"').count();
    let curly = sentence.matches(['“', '”']).count();
    opens_with_quote || straight % 2 == 1 || curly % 2 == 1
}

/// Sentences picked before any other: the opening sentence, which in news
/// (and most expository writing) states what the article is about.
const LEAD: &[usize] = &[0];

/// How much a sentence's position says it matters: news puts the key facts
/// first, so weight decays with distance from the article's start.
fn position_weight(position: usize) -> f64 {
    (1.0 + position as f64).powf(-0.8)
}

/// Length and quote prior: fragments (a few words) and very long sentences
/// make poor summary sentences, and quotes read badly out of context.
fn prior(sentence: &Sentence) -> f64 {
    let length =
        (sentence.words as f64 / 10.0).min(1.0) * if sentence.words > 50 { 0.8 } else { 1.0 };
    length * if sentence.quote { 0.8 } else { 1.0 }
}

/// Picks the summary sentences from their relevance scores: the lead
/// sentence first, then MMR, with redundancy weighed against the best score.
fn pick(
    sentences: &[Sentence],
    relevance: &[f64],
    similarity: &dyn Fn(usize, usize) -> f64,
    budget: Budget,
) -> Vec<usize> {
    let lengths: Vec<usize> = sentences.iter().map(|s| s.words).collect();
    let redundancy = 0.4 * relevance.iter().copied().fold(0.0, f64::max);
    select(relevance, &lengths, similarity, redundancy, budget, LEAD)
}

/// The summary of the `picked` sentences, in document order, one a line.
fn summary(
    sentences: &[Sentence],
    mut picked: Vec<usize>,
    model: &ModelInfo,
) -> Result<Summary, InferError> {
    if sentences.is_empty() {
        return Err(InferError::EmptyInput);
    }
    picked.sort_unstable();
    let text = picked
        .iter()
        .filter_map(|&i| sentences.get(i))
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Summary {
        text,
        model: model.clone(),
        chunks: 1,
        warnings: Vec::new(),
    })
}

/// `ModelInfo` of a built-in extractive summarizer: named after its family.
fn built_in(family: Family) -> ModelInfo {
    ModelInfo::new(family.name(), family)
}
