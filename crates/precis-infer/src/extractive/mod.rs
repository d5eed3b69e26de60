//! Extractive summarizers: they pick whole sentences of the article instead
//! of writing new text, so they need no generation model, never invent
//! facts and handle any article length without chunking.
//!
//! All of them share the same stages: [`sentences`] splits the cleaned
//! [`Document`] into candidate sentences (headings are context, not
//! candidates), a summarizer scores them, [`select`] picks a non-redundant
//! set within the [`Budget`] (maximal marginal relevance), and the summary
//! lists the picked sentences in document order, one a line.
//!
//! Ranking compares sentences pairwise, so its work is bounded by ranking
//! at most [`MAX_RANKED_SENTENCES`] (the article's first: news puts its
//! key facts first), each at most [`MAX_SENTENCE_CHARS`] long; the
//! summary's warnings say when either cap applied.

mod lead;
mod minilm;
mod select;
mod textrank;

pub use lead::Lead3;
pub use minilm::{MiniLm, SentenceEncoder};
pub use select::{select, Budget};
pub use textrank::TextRank;

use std::time::Instant;

use precis_clean::Document;

use crate::task::check_deadline;
use crate::{Family, InferError, ModelInfo, Summary};

/// Most sentences an extractive summarizer ranks: TextRank's graph and
/// MiniLM's centrality compare every pair, so work grows with the square
/// of this. News articles have tens of sentences, long reports hundreds.
pub const MAX_RANKED_SENTENCES: usize = 1000;

/// Longest sentence a summary may quote, in characters: longer "sentences"
/// are lists, tables or markup run together, not prose (a real sentence
/// rarely passes 600), and are cut to this length at a word boundary.
pub const MAX_SENTENCE_CHARS: usize = 2000;

/// The sentences a summarizer ranks, and what the caps left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidates {
    /// At most [`MAX_RANKED_SENTENCES`], in reading order.
    pub sentences: Vec<Sentence>,
    /// The article's candidate sentences before the cap.
    pub total: usize,
    /// Sentences cut to [`MAX_SENTENCE_CHARS`].
    pub cut: usize,
}

impl Candidates {
    /// What the reader must know about the caps; `ranked`: whether the
    /// summarizer weighs every candidate (lead-3 reads only the first).
    pub fn warnings(&self, ranked: bool) -> Vec<String> {
        let mut warnings = Vec::new();
        if ranked && self.total > self.sentences.len() {
            warnings.push(format!(
                "only the first {} of the article's {} sentences were considered for the summary (ranking compares every pair of sentences, so it is capped)",
                self.sentences.len(),
                self.total
            ));
        }
        if self.cut > 0 {
            warnings.push(format!(
                "{} sentence(s) longer than {MAX_SENTENCE_CHARS} characters were cut to that length (marked \"…\")",
                self.cut
            ));
        }
        warnings
    }
}

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
/// none does (an article of fragments still gets a summary). Capped as the
/// [module](self) says; `deadline` is checked every paragraph.
pub fn sentences(document: &Document, deadline: Option<Instant>) -> Result<Candidates, InferError> {
    let only_sentences = candidates(document, true, deadline)?;
    if only_sentences.sentences.is_empty() {
        candidates(document, false, deadline)
    } else {
        Ok(only_sentences)
    }
}

fn candidates(
    document: &Document,
    only_sentences: bool,
    deadline: Option<Instant>,
) -> Result<Candidates, InferError> {
    let mut out = Vec::new();
    let (mut total, mut cut) = (0, 0);
    for (paragraph, p) in document.paragraphs.iter().enumerate() {
        check_deadline(deadline)?;
        for text in precis_clean::sentences(&p.text) {
            if only_sentences && !precis_clean::reads_as_sentence(text) {
                continue;
            }
            let text = match text.char_indices().nth(MAX_SENTENCE_CHARS) {
                Some((end, _)) => {
                    cut += 1;
                    shorten(text, end)
                }
                None => text.to_string(),
            };
            let words = text.split_whitespace().count();
            if words == 0 {
                continue;
            }
            total += 1;
            if out.len() == MAX_RANKED_SENTENCES {
                continue;
            }
            out.push(Sentence {
                quote: is_quote(&text),
                text,
                position: out.len(),
                paragraph,
                words,
            });
        }
    }
    Ok(Candidates {
        sentences: out,
        total,
        cut,
    })
}

/// `text` cut at the last space before byte `end` (or at `end` when a
/// single word runs that long), marked with an ellipsis.
fn shorten(text: &str, end: usize) -> String {
    let head = text.get(..end).unwrap_or(text);
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > end / 2 => head.get(..space).unwrap_or(head),
        _ => head,
    };
    format!("{}…", head.trim_end())
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

/// The summary of the `picked` sentences, in document order, one a line,
/// with the candidates' warnings (`ranked`: see [`Candidates::warnings`]).
fn summary(
    candidates: &Candidates,
    mut picked: Vec<usize>,
    model: &ModelInfo,
    ranked: bool,
) -> Result<Summary, InferError> {
    let sentences = &candidates.sentences;
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
        warnings: candidates.warnings(ranked),
    })
}

/// `ModelInfo` of a built-in extractive summarizer: named after its family.
fn built_in(family: Family) -> ModelInfo {
    ModelInfo::new(family.name(), family)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Summarize;

    /// An article of `n` distinct sentences, five to a paragraph.
    fn article(n: usize) -> Document {
        let lines: Vec<String> = (0..n)
            .collect::<Vec<_>>()
            .chunks(5)
            .map(|group| {
                group
                    .iter()
                    .map(|i| {
                        format!(
                            "The council of district {i} met on day {} about the ferry.",
                            i % 28 + 1
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        Document::from_paragraph_lines(&lines.join("\n"))
    }

    #[test]
    fn ranking_is_capped_at_the_first_sentences_and_says_so() {
        let small = sentences(&article(1_000), None).unwrap();
        assert_eq!((small.sentences.len(), small.total), (1_000, 1_000));
        assert!(small.warnings(true).is_empty());
        let large = sentences(&article(4_000), None).unwrap();
        // Four times the sentences, the same work: the first 1000 ranked.
        assert_eq!((large.sentences.len(), large.total), (1_000, 4_000));
        assert_eq!(large.sentences.last().map(|s| s.position), Some(999));
        assert_eq!(
            large.warnings(true),
            ["only the first 1000 of the article's 4000 sentences were considered for the summary (ranking compares every pair of sentences, so it is capped)"]
        );
        // Lead-3 reads only the first three: the cap changes nothing for it.
        assert!(large.warnings(false).is_empty());
        let summary = TextRank::default().summarize(&article(4_000)).unwrap();
        assert_eq!(summary.warnings, large.warnings(true));
    }

    #[test]
    fn overlong_sentences_are_cut_at_a_word_with_a_warning() {
        let run_on: String = (0..50_000).map(|i| format!("item{i} ")).collect();
        let document = Document::from_paragraph_lines(&format!("{run_on}ends here."));
        let candidates = sentences(&document, None).unwrap();
        let text = &candidates.sentences[0].text;
        assert!(
            text.chars().count() <= MAX_SENTENCE_CHARS + 1,
            "{}",
            text.len()
        );
        assert!(text.ends_with("…") && !text.ends_with(" …"), "{text}");
        assert_eq!(candidates.cut, 1);
        assert_eq!(
            candidates.warnings(false),
            ["1 sentence(s) longer than 2000 characters were cut to that length (marked \"…\")"]
        );
    }

    #[test]
    fn a_passed_deadline_stops_every_extractive_summarizer() {
        let document = article(50);
        let past = Some(Instant::now());
        for summarizer in [&TextRank::default() as &dyn Summarize, &Lead3::default()] {
            assert!(matches!(
                summarizer.summarize_until(&document, past),
                Err(InferError::TimedOut)
            ));
            let later = Some(Instant::now() + std::time::Duration::from_secs(3600));
            assert_eq!(
                summarizer.summarize_until(&document, later).unwrap(),
                summarizer.summarize(&document).unwrap()
            );
        }
    }
}
