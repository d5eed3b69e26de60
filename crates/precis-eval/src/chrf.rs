//! Corpus chrF and chrF++ as `sacrebleu` computes them by default
//! (`CHRF()` / `CHRF(word_order=2)`: character 6-grams without whitespace,
//! beta 2, effective-order averaging), so scores match it to 2 decimals.

use std::collections::HashMap;

use crate::python_split;

const CHAR_ORDER: usize = 6;
const BETA: f64 = 2.0;
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// Which variant to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChrfVariant {
    /// Character n-grams only.
    Chrf,
    /// Character n-grams plus word unigrams and bigrams.
    ChrfPlusPlus,
}

impl ChrfVariant {
    fn word_order(self) -> usize {
        match self {
            ChrfVariant::Chrf => 0,
            ChrfVariant::ChrfPlusPlus => 2,
        }
    }
}

/// Corpus chrF (or chrF++) in 0..=100 of `hypotheses` against one reference
/// each: match statistics are summed over all segments, then combined.
pub fn corpus_chrf(hypotheses: &[&str], references: &[&str], variant: ChrfVariant) -> f64 {
    let orders = CHAR_ORDER + variant.word_order();
    // Per order: hypothesis n-grams, reference n-grams, matches.
    let mut stats = vec![[0usize; 3]; orders];
    for (hypothesis, reference) in hypotheses.iter().zip(references) {
        let hyp = all_ngrams(hypothesis, variant);
        let reference = all_ngrams(reference, variant);
        for ((sum, h), r) in stats.iter_mut().zip(&hyp).zip(&reference) {
            let matches: usize = h
                .iter()
                .map(|(gram, count)| (*count).min(r.get(gram).copied().unwrap_or(0)))
                .sum();
            let hyp_total: usize = if r.is_empty() { 0 } else { h.values().sum() };
            sum[0] += hyp_total;
            sum[1] += r.values().sum::<usize>();
            sum[2] += matches;
        }
    }
    f_score(&stats)
}

/// Character n-gram counts (orders 1..=6, whitespace removed), then word
/// n-gram counts for chrF++.
fn all_ngrams(line: &str, variant: ChrfVariant) -> Vec<HashMap<String, usize>> {
    let chars: Vec<char> = python_split(line).flat_map(str::chars).collect();
    let mut out: Vec<HashMap<String, usize>> = (1..=CHAR_ORDER)
        .map(|n| count(chars.windows(n).map(|gram| gram.iter().collect::<String>())))
        .collect();
    let words = split_punctuation(line);
    for n in 1..=variant.word_order() {
        out.push(count(words.windows(n).map(|gram| gram.join(" "))));
    }
    out
}

fn count(grams: impl Iterator<Item = String>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for gram in grams {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

/// Words for chrF++: one punctuation mark at a word's end (or else its
/// start) becomes a word of its own.
fn split_punctuation(line: &str) -> Vec<&str> {
    let is_punct = |c: char| PUNCTUATION.contains(c);
    let mut words = Vec::new();
    for word in python_split(line) {
        let mut chars = word.chars();
        let (first, last) = (chars.next(), chars.next_back());
        match (first, last) {
            (Some(_), Some(last)) if is_punct(last) => {
                let cut = word.len() - last.len_utf8();
                words.extend([&word[..cut], &word[cut..]]);
            }
            (Some(first), Some(_)) if is_punct(first) => {
                let cut = first.len_utf8();
                words.extend([&word[..cut], &word[cut..]]);
            }
            _ => words.push(word),
        }
    }
    words
}

/// sacrebleu's chrF: average precision and recall over the orders that have
/// n-grams on both sides, then the F-beta of those averages.
fn f_score(stats: &[[usize; 3]]) -> f64 {
    let (mut precision, mut recall, mut effective) = (0.0, 0.0, 0usize);
    for &[hyp, reference, matches] in stats {
        if hyp > 0 && reference > 0 {
            precision += matches as f64 / hyp as f64;
            recall += matches as f64 / reference as f64;
            effective += 1;
        }
    }
    if effective == 0 {
        return 0.0;
    }
    precision /= effective as f64;
    recall /= effective as f64;
    if precision + recall == 0.0 {
        return 0.0;
    }
    let factor = BETA * BETA;
    100.0 * (1.0 + factor) * precision * recall / (factor * precision + recall)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_is_100_and_disjoint_is_0() {
        let same = corpus_chrf(
            &["Hello, world!"],
            &["Hello, world!"],
            ChrfVariant::ChrfPlusPlus,
        );
        assert!((same - 100.0).abs() < 1e-9);
        assert_eq!(corpus_chrf(&["xyz"], &["abc"], ChrfVariant::Chrf), 0.0);
    }

    #[test]
    fn punctuation_is_split_from_one_end_only() {
        assert_eq!(
            split_punctuation("(hi) a \"x"),
            vec!["(hi", ")", "a", "\"", "x"]
        );
    }
}
