//! Corpus BLEU as `sacrebleu` computes it by default (`BLEU()`: 13a
//! tokenization, mixed case, exponential smoothing, 4-grams, one reference
//! per segment), so scores match it to 2 decimals.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::{is_python_space, python_split};

const MAX_ORDER: usize = 4;

/// A corpus BLEU score and the statistics it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bleu {
    /// BLEU in 0..=100.
    pub score: f64,
    /// Modified n-gram precisions (1..=4), in percent, after smoothing.
    pub precisions: [f64; MAX_ORDER],
    /// The penalty (at most 1) for hypotheses shorter than the references.
    pub brevity_penalty: f64,
    /// Tokens in all hypotheses.
    pub hyp_len: usize,
    /// Tokens in all references.
    pub ref_len: usize,
}

static PATTERNS: LazyLock<[(Regex, &'static str); 4]> = LazyLock::new(|| {
    let rule = |pattern: &str, replacement| match Regex::new(pattern) {
        Ok(regex) => (regex, replacement),
        Err(e) => unreachable!("constant 13a pattern {pattern} does not compile: {e}"),
    };
    [
        // Punctuation and symbols become tokens of their own ...
        rule(r"([\{-~\[-` -&\(-\+:-@/])", " ${1} "),
        // ... periods and commas too, unless between digits (1,000.5) ...
        rule(r"([^0-9])([\.,])", "${1} ${2} "),
        rule(r"([\.,])([^0-9])", " ${1} ${2}"),
        // ... and a dash after a digit.
        rule(r"([0-9])(-)", "${1} ${2} "),
    ]
});

/// The `13a` tokenizer of mteval-v13a / sacrebleu: returns the tokens
/// joined by single spaces.
pub fn tokenize_13a(line: &str) -> String {
    let mut line = line
        .replace("<skipped>", "")
        .replace("-\n", "")
        .replace('\n', " ");
    if line.contains('&') {
        line = line
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
    }
    let mut line = format!(" {line} ");
    for (regex, replacement) in PATTERNS.iter() {
        line = regex.replace_all(&line, *replacement).into_owned();
    }
    python_split(&line).collect::<Vec<_>>().join(" ")
}

/// Counts of every 1..=4-gram of a tokenized line, and its length.
fn ngrams(tokenized: &str) -> (HashMap<Vec<&str>, usize>, usize) {
    let tokens: Vec<&str> = python_split(tokenized).collect();
    let mut counts = HashMap::new();
    for n in 1..=MAX_ORDER {
        for gram in tokens.windows(n) {
            *counts.entry(gram.to_vec()).or_insert(0) += 1;
        }
    }
    (counts, tokens.len())
}

/// Corpus BLEU of `hypotheses` against one reference each (pairs beyond the
/// shorter list are ignored; callers check the lengths match).
pub fn corpus_bleu(hypotheses: &[&str], references: &[&str]) -> Bleu {
    let mut correct = [0usize; MAX_ORDER];
    let mut total = [0usize; MAX_ORDER];
    let (mut hyp_len, mut ref_len) = (0, 0);
    for (hypothesis, reference) in hypotheses.iter().zip(references) {
        let hypothesis = tokenize_13a(hypothesis.trim_end_matches(is_python_space));
        let reference = tokenize_13a(reference.trim_end_matches(is_python_space));
        let (hyp_grams, hyp_tokens) = ngrams(&hypothesis);
        let (ref_grams, ref_tokens) = ngrams(&reference);
        hyp_len += hyp_tokens;
        ref_len += ref_tokens;
        for (gram, count) in &hyp_grams {
            let order = gram.len() - 1;
            total[order] += count;
            correct[order] += (*count).min(ref_grams.get(gram).copied().unwrap_or(0));
        }
    }
    compute(correct, total, hyp_len, ref_len)
}

/// BLEU from its sufficient statistics, with sacrebleu's `exp` smoothing:
/// the k-th order with no match gets precision 1 / (2^k * total).
fn compute(
    correct: [usize; MAX_ORDER],
    total: [usize; MAX_ORDER],
    hyp_len: usize,
    ref_len: usize,
) -> Bleu {
    let brevity_penalty = if hyp_len >= ref_len {
        1.0
    } else if hyp_len > 0 {
        (1.0 - ref_len as f64 / hyp_len as f64).exp()
    } else {
        0.0
    };
    let mut precisions = [0.0; MAX_ORDER];
    let mut score = 0.0;
    if correct.iter().any(|&c| c > 0) {
        let mut smooth = 1.0;
        for n in 0..MAX_ORDER {
            if total[n] == 0 {
                break;
            }
            precisions[n] = if correct[n] == 0 {
                smooth *= 2.0;
                100.0 / (smooth * total[n] as f64)
            } else {
                100.0 * correct[n] as f64 / total[n] as f64
            };
        }
        // sacrebleu's floored log: an order with no n-grams at all zeroes the score.
        let log_sum: f64 = precisions
            .iter()
            .map(|&p| if p == 0.0 { -9_999_999_999.0 } else { p.ln() })
            .sum();
        score = brevity_penalty * (log_sum / MAX_ORDER as f64).exp();
    }
    Bleu {
        score,
        precisions,
        brevity_penalty,
        hyp_len,
        ref_len,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_punctuation_but_not_numbers() {
        assert_eq!(
            tokenize_13a("It costs $1,000.50 (approx.)!"),
            "It costs $ 1,000.50 ( approx . ) !"
        );
        assert_eq!(
            tokenize_13a("A 3-day trip &amp; more"),
            "A 3 - day trip & more"
        );
    }

    #[test]
    fn perfect_match_scores_100() {
        let bleu = corpus_bleu(&["the cat sat on the mat"], &["the cat sat on the mat"]);
        assert!((bleu.score - 100.0).abs() < 1e-9);
        assert_eq!(
            corpus_bleu(&["dog"], &["the cat sat on the mat"]).score,
            0.0
        );
    }
}
