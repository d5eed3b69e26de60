//! ROUGE-1/2/L/Lsum with stemming, computed exactly as Google's `rouge-score`
//! package does (`RougeScorer([...], use_stemmer=True)`), so scores match it
//! to 4 decimals: same tokenizer and Porter stemmer
//! ([`precis_clean::stemmed_words`]), same LCS tie-breaking for the
//! summary-level (Lsum) union LCS.

use std::collections::HashMap;

use precis_clean::stemmed_words;
use serde::{Deserialize, Serialize};

/// Precision, recall and F1 of one ROUGE variant, each in 0..=1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Prf {
    /// Share of the prediction's units found in the reference.
    pub precision: f64,
    /// Share of the reference's units found in the prediction.
    pub recall: f64,
    /// F1: the harmonic mean of precision and recall.
    pub fmeasure: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Self {
        let fmeasure = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            fmeasure,
        }
    }
}

/// The four ROUGE variants of one prediction against one reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RougeScores {
    /// Word overlap (every variant compares stemmed words).
    pub rouge1: Prf,
    /// Overlap of word bigrams.
    pub rouge2: Prf,
    /// Longest common subsequence of the whole texts.
    #[serde(rename = "rougeL")]
    pub rouge_l: Prf,
    /// Summary-level LCS: the union of each reference sentence's LCS with
    /// every predicted sentence.
    #[serde(rename = "rougeLsum")]
    pub rouge_lsum: Prf,
}

/// Scores `prediction` against `reference`. For ROUGE-Lsum both texts must
/// hold one sentence a line (see [`sentence_lines`]); the other variants
/// ignore line breaks.
pub fn score(reference: &str, prediction: &str) -> RougeScores {
    let mut vocab = Vocab::default();
    let target = vocab.ids(&stemmed_words(reference));
    let predicted = vocab.ids(&stemmed_words(prediction));
    let target_lines = vocab.lines(reference);
    let predicted_lines = vocab.lines(prediction);
    RougeScores {
        rouge1: ngram_overlap(&target, &predicted, 1),
        rouge2: ngram_overlap(&target, &predicted, 2),
        rouge_l: lcs_score(&target, &predicted),
        rouge_lsum: summary_level_lcs(&target_lines, &predicted_lines),
    }
}

/// Splits `text` into sentences, one a line, the way the project's
/// reference figures were computed: a break after `.`, `!` or `?` followed
/// by whitespace and then an uppercase ASCII letter or a quote. Existing
/// line breaks are kept.
pub fn sentence_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
    {
        if i > 0 {
            out.push('\n');
        }
        let chars: Vec<(usize, char)> = line.trim().char_indices().collect();
        let line = line.trim();
        let mut start = 0;
        let mut k = 0;
        while k < chars.len() {
            let (_, c) = chars[k];
            if matches!(c, '.' | '!' | '?') {
                let mut next = k + 1;
                while next < chars.len() && chars[next].1.is_whitespace() {
                    next += 1;
                }
                if next > k + 1
                    && next < chars.len()
                    && matches!(chars[next].1, 'A'..='Z' | '"' | '\'')
                {
                    let end = chars[k].0 + c.len_utf8();
                    out.push_str(&line[start..end]);
                    out.push('\n');
                    start = chars[next].0;
                    k = next;
                    continue;
                }
            }
            k += 1;
        }
        out.push_str(&line[start..]);
    }
    out
}

/// Interns tokens so n-grams and LCS compare integers, not strings.
#[derive(Default)]
struct Vocab(HashMap<String, u32>);

impl Vocab {
    fn ids(&mut self, tokens: &[String]) -> Vec<u32> {
        tokens
            .iter()
            .map(|token| {
                let next = self.0.len() as u32;
                *self.0.entry(token.clone()).or_insert(next)
            })
            .collect()
    }

    /// Non-empty lines, tokenized, as `rouge-score` reads them for Lsum.
    fn lines(&mut self, text: &str) -> Vec<Vec<u32>> {
        text.split('\n')
            .filter(|line| !line.is_empty())
            .map(|line| self.ids(&stemmed_words(line)))
            .collect()
    }
}

fn ngram_counts(tokens: &[u32], n: usize) -> HashMap<&[u32], usize> {
    let mut counts = HashMap::new();
    for gram in tokens.windows(n) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

fn ngram_overlap(target: &[u32], prediction: &[u32], n: usize) -> Prf {
    let target_counts = ngram_counts(target, n);
    let prediction_counts = ngram_counts(prediction, n);
    let overlap: usize = target_counts
        .iter()
        .map(|(gram, count)| (*count).min(prediction_counts.get(gram).copied().unwrap_or(0)))
        .sum();
    let target_total: usize = target_counts.values().sum();
    let prediction_total: usize = prediction_counts.values().sum();
    Prf::new(
        overlap as f64 / prediction_total.max(1) as f64,
        overlap as f64 / target_total.max(1) as f64,
    )
}

/// The dynamic-programming table of LCS lengths, `(r+1) x (c+1)`.
fn lcs_table(reference: &[u32], candidate: &[u32]) -> Vec<Vec<usize>> {
    let mut table = vec![vec![0; candidate.len() + 1]; reference.len() + 1];
    for (i, r) in reference.iter().enumerate() {
        for (j, c) in candidate.iter().enumerate() {
            table[i + 1][j + 1] = if r == c {
                table[i][j] + 1
            } else {
                table[i][j + 1].max(table[i + 1][j])
            };
        }
    }
    table
}

fn lcs_score(target: &[u32], prediction: &[u32]) -> Prf {
    if target.is_empty() || prediction.is_empty() {
        return Prf::default();
    }
    let lcs = lcs_table(target, prediction)[target.len()][prediction.len()];
    Prf::new(
        lcs as f64 / prediction.len() as f64,
        lcs as f64 / target.len() as f64,
    )
}

/// Indices into `reference` of one LCS, read back with `rouge-score`'s
/// tie-breaking (move left only when strictly better), which decides which
/// tokens the Lsum union counts.
fn lcs_indices(reference: &[u32], candidate: &[u32]) -> Vec<usize> {
    let table = lcs_table(reference, candidate);
    let (mut i, mut j) = (reference.len(), candidate.len());
    let mut indices = Vec::new();
    while i > 0 && j > 0 {
        if reference[i - 1] == candidate[j - 1] {
            indices.push(i - 1);
            i -= 1;
            j -= 1;
        } else if table[i][j - 1] > table[i - 1][j] {
            j -= 1;
        } else {
            i -= 1;
        }
    }
    indices
}

/// Summary-level LCS (ROUGE paper §3.2): for each reference sentence, the
/// union of its LCS with every candidate sentence, with each token counted
/// at most as often as it occurs on both sides.
fn summary_level_lcs(reference: &[Vec<u32>], candidate: &[Vec<u32>]) -> Prf {
    let m: usize = reference.iter().map(Vec::len).sum();
    let n: usize = candidate.iter().map(Vec::len).sum();
    if m == 0 || n == 0 {
        return Prf::default();
    }
    let mut reference_counts: HashMap<u32, usize> = HashMap::new();
    let mut candidate_counts: HashMap<u32, usize> = HashMap::new();
    for &token in reference.iter().flatten() {
        *reference_counts.entry(token).or_insert(0) += 1;
    }
    for &token in candidate.iter().flatten() {
        *candidate_counts.entry(token).or_insert(0) += 1;
    }
    let mut hits = 0usize;
    for sentence in reference {
        let mut union: Vec<usize> = candidate
            .iter()
            .flat_map(|c| lcs_indices(sentence, c))
            .collect();
        union.sort_unstable();
        union.dedup();
        for token in union.into_iter().filter_map(|i| sentence.get(i)) {
            let (Some(in_candidate), Some(in_reference)) = (
                candidate_counts.get_mut(token),
                reference_counts.get_mut(token),
            ) else {
                continue;
            };
            if *in_candidate > 0 && *in_reference > 0 {
                hits += 1;
                *in_candidate -= 1;
                *in_reference -= 1;
            }
        }
    }
    Prf::new(hits as f64 / n as f64, hits as f64 / m as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_only_before_capitals_and_quotes() {
        assert_eq!(
            sentence_lines("He left at 3 p.m. on Monday. \"Go!\" she said. it was 2.5 km? Yes."),
            "He left at 3 p.m. on Monday.\n\"Go!\" she said. it was 2.5 km?\nYes."
        );
    }

    #[test]
    fn identical_texts_score_one_and_disjoint_zero() {
        let same = score("The cat sat.", "The cat sat.");
        assert_eq!(same.rouge2.fmeasure, 1.0);
        assert_eq!(same.rouge_lsum.fmeasure, 1.0);
        assert_eq!(
            score("The cat sat.", "Dogs bark loudly.").rouge1.fmeasure,
            0.0
        );
    }
}
