//! `textrank`: model-free extractive summaries (Mihalcea & Tarau, 2004).
//!
//! Sentences are nodes of a graph whose edges weigh how many (TF-IDF
//! weighted) words two sentences share: Porter-stemmed words in English,
//! lowercased Unicode words in any other language, so it holds wherever
//! words are spaced; PageRank over that graph,
//! with the random jumps biased toward the article's opening (news puts
//! the key facts first), scores how central each sentence is. Length and
//! quote priors then adjust the scores, and MMR selects within the budget.
//! The graph is built once (n² similarities of at most
//! [`super::MAX_RANKED_SENTENCES`] sentences) and read by both.

use std::collections::HashMap;
use std::time::Instant;

use precis_clean::{stemmed_words, Document};

use super::{built_in, pick, position_weight, prior, sentences, summary, Budget};
use crate::task::check_deadline;
use crate::{Family, InferError, ModelInfo, Summarize, Summary};

const DAMPING: f64 = 0.85;
const ITERATIONS: usize = 50;

/// The `textrank` summarizer.
///
/// ```
/// use precis_clean::{clean, CleanOptions};
/// use precis_infer::extractive::{Budget, TextRank};
/// use precis_infer::Summarize;
///
/// let article = "Ferry returns to the Dnipro\n\n\
///     A small diesel ferry carried its first passengers across the Dnipro on Monday, ending a year without a crossing.\n\n\
///     The old ferry stopped running last March, when its engine failed and its operator went bankrupt.\n\n\
///     Residents of both villages raised the money for the repairs themselves, door to door.\n\n\
///     Officials said they would pay the captain's salary until the end of the year.";
/// let document = clean(article, &CleanOptions::default())?;
/// let summary = TextRank::default().with_budget(Budget::sentences(2)).summarize(&document)?;
/// assert_eq!(summary.text.lines().count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TextRank {
    info: ModelInfo,
    budget: Budget,
}

impl Default for TextRank {
    fn default() -> Self {
        TextRank {
            info: built_in(Family::TextRank),
            budget: Budget::default(),
        }
    }
}

impl TextRank {
    /// Sets the summary length.
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }
}

impl Summarize for TextRank {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn summarize_until(
        &self,
        document: &Document,
        deadline: Option<Instant>,
    ) -> Result<Summary, InferError> {
        let candidates = sentences(document, deadline)?;
        let sentences = &candidates.sentences;
        // Porter's rules are English: elsewhere they would mangle words,
        // and its ASCII-only tokens would cut "ação" or Cyrillic apart.
        let english = document.language.as_ref().is_none_or(|l| l.code == "en");
        let words = if english { stemmed_words } else { words };
        let vectors = tf_idf(sentences.iter().map(|s| s.text.as_str()), words);
        let graph = Graph::build(&vectors, deadline)?;
        let jumps: Vec<f64> = sentences
            .iter()
            .map(|s| position_weight(s.position))
            .collect();
        let ranks = pagerank(&graph, &jumps, deadline)?;
        let relevance: Vec<f64> = ranks
            .iter()
            .zip(sentences)
            .map(|(rank, s)| rank * position_weight(s.position) * prior(s))
            .collect();
        let similarity = |i: usize, j: usize| graph.weight(i, j);
        let picked = pick(sentences, &relevance, &similarity, self.budget);
        summary(&candidates, picked, &self.info, true)
    }
}

/// A text's words in any language: lowercased runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Sparse TF-IDF vectors of each text's `words`, L2-normalized, with IDF
/// computed over the article's own sentences.
fn tf_idf<'a>(
    texts: impl Iterator<Item = &'a str>,
    words: fn(&str) -> Vec<String>,
) -> Vec<HashMap<String, f64>> {
    let counts: Vec<HashMap<String, f64>> = texts
        .map(|text| {
            let mut tf = HashMap::new();
            for word in words(text) {
                *tf.entry(word).or_insert(0.0) += 1.0;
            }
            tf
        })
        .collect();
    let mut df: HashMap<&str, f64> = HashMap::new();
    for tf in &counts {
        for word in tf.keys() {
            *df.entry(word).or_insert(0.0) += 1.0;
        }
    }
    let n = counts.len() as f64;
    counts
        .iter()
        .map(|tf| {
            let mut vector: HashMap<String, f64> = tf
                .iter()
                .map(|(word, count)| {
                    let idf = (1.0 + n / df.get(word.as_str()).copied().unwrap_or(1.0)).ln();
                    (word.clone(), count * idf)
                })
                .collect();
            let norm = vector
                .values()
                .map(|x| x * x)
                .sum::<f64>()
                .sqrt()
                .max(1e-12);
            vector.values_mut().for_each(|x| *x /= norm);
            vector
        })
        .collect()
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .map(|(word, x)| x * large.get(word).copied().unwrap_or(0.0))
        .sum()
}

/// The sentence graph: cosine similarities of every pair, computed once
/// (symmetric, zero on the diagonal), row-major.
struct Graph {
    n: usize,
    weights: Vec<f64>,
}

impl Graph {
    fn build(
        vectors: &[HashMap<String, f64>],
        deadline: Option<Instant>,
    ) -> Result<Self, InferError> {
        let n = vectors.len();
        let mut weights = vec![0.0; n * n];
        for i in 0..n {
            check_deadline(deadline)?;
            for j in i + 1..n {
                let w = cosine(&vectors[i], &vectors[j]);
                weights[i * n + j] = w;
                weights[j * n + i] = w;
            }
        }
        Ok(Graph { n, weights })
    }

    fn weight(&self, i: usize, j: usize) -> f64 {
        self.weights.get(i * self.n + j).copied().unwrap_or(0.0)
    }

    fn row(&self, i: usize) -> &[f64] {
        self.weights
            .get(i * self.n..(i + 1) * self.n)
            .unwrap_or_default()
    }
}

/// Personalized PageRank over the weighted sentence graph: `jumps` (any
/// positive weights) says where the random surfer restarts.
fn pagerank(
    graph: &Graph,
    jumps: &[f64],
    deadline: Option<Instant>,
) -> Result<Vec<f64>, InferError> {
    let n = graph.n;
    let out_weight: Vec<f64> = (0..n).map(|i| graph.row(i).iter().sum()).collect();
    let jump_total: f64 = jumps.iter().sum::<f64>().max(1e-12);
    let restart: Vec<f64> = jumps.iter().map(|j| j / jump_total).collect();
    let mut rank = restart.clone();
    for _ in 0..ITERATIONS {
        check_deadline(deadline)?;
        // A sentence sharing no word with any other passes its rank on by restarting.
        let dangling: f64 = (0..n)
            .filter(|&j| out_weight[j] == 0.0)
            .map(|j| rank[j])
            .sum();
        // Each sentence j spreads its rank over its edges in proportion to their weights.
        let mut next: Vec<f64> = restart
            .iter()
            .map(|r| (1.0 - DAMPING) * r + DAMPING * dangling * r)
            .collect();
        for j in (0..n).filter(|&j| out_weight[j] > 0.0) {
            let share = DAMPING * rank[j] / out_weight[j];
            for (slot, w) in next.iter_mut().zip(graph.row(j)) {
                *slot += w * share;
            }
        }
        rank = next;
    }
    Ok(rank)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagerank_favours_the_hub_and_sums_to_one() {
        // Sentence 0 shares words with 1 and 2, which share nothing with each other.
        let graph = Graph {
            n: 3,
            weights: vec![0.0, 0.5, 0.5, 0.5, 0.0, 0.0, 0.5, 0.0, 0.0],
        };
        let ranks = pagerank(&graph, &[1.0, 1.0, 1.0], None).unwrap();
        assert!(ranks[0] > ranks[1] && ranks[0] > ranks[2], "{ranks:?}");
        assert!((ranks.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn tf_idf_matches_stemmed_words() {
        let v = tf_idf(
            [
                "Rivers flooded the town.",
                "The river floods again.",
                "Nothing else.",
            ]
            .into_iter(),
            stemmed_words,
        );
        assert!(cosine(&v[0], &v[1]) > 0.3);
        assert_eq!(cosine(&v[0], &v[2]), 0.0);
    }

    #[test]
    fn other_languages_compare_whole_unicode_words() {
        assert_eq!(
            words("A ponte, reaberta à tarde."),
            ["a", "ponte", "reaberta", "à", "tarde"]
        );
        let v = tf_idf(
            [
                "Мост снова открыт.",
                "Мост открыт для машин.",
                "Погода хорошая.",
            ]
            .into_iter(),
            words,
        );
        // ASCII-only tokens would find no word at all in these sentences.
        assert!(cosine(&v[0], &v[1]) > 0.3);
        assert_eq!(cosine(&v[0], &v[2]), 0.0);
    }
}
