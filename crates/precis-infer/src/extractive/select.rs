//! Sentence selection by maximal marginal relevance (Carbonell & Goldstein,
//! 1998): each step takes the sentence whose relevance, minus its
//! similarity to what is already picked, is highest — so a summary does
//! not say the same thing twice — until the length budget is spent.

/// How long a summary may be: it is full once either limit is reached.
/// Sentences are never cut, so the sentence that reaches the word limit is
/// kept whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// At most this many sentences.
    pub sentences: Option<usize>,
    /// At most about this many words.
    pub words: Option<usize>,
}

impl Default for Budget {
    /// Three sentences, or fewer once 70 words are reached: about the length
    /// of a news article's highlights.
    fn default() -> Self {
        Budget {
            sentences: Some(3),
            words: Some(70),
        }
    }
}

impl Budget {
    /// At most `n` sentences.
    pub fn sentences(n: usize) -> Self {
        Budget {
            sentences: Some(n),
            words: None,
        }
    }

    /// Sentences until the summary has at least `n` words.
    pub fn words(n: usize) -> Self {
        Budget {
            sentences: None,
            words: Some(n),
        }
    }

    /// Whether a summary of `sentences` sentences and `words` words is full.
    fn is_spent(self, sentences: usize, words: usize) -> bool {
        self.sentences.is_some_and(|limit| sentences >= limit)
            || self.words.is_some_and(|limit| words >= limit)
    }
}

/// Picks sentences: `relevance[i]` is sentence i's score, `lengths[i]` its
/// word count, `similarity(i, j)` in 0..=1 how much two sentences say the
/// same, `redundancy` how strongly that counts against a candidate.
/// `seed` sentences are picked first, whatever their score. Returns the
/// picked indices in the order they were picked.
pub fn select(
    relevance: &[f64],
    lengths: &[usize],
    similarity: &dyn Fn(usize, usize) -> f64,
    redundancy: f64,
    budget: Budget,
    seed: &[usize],
) -> Vec<usize> {
    let mut picked: Vec<usize> = seed
        .iter()
        .copied()
        .filter(|&i| i < relevance.len())
        .collect();
    let mut words: usize = picked.iter().filter_map(|&i| lengths.get(i)).sum();
    while !budget.is_spent(picked.len(), words) {
        let best = (0..relevance.len())
            .filter(|i| !picked.contains(i))
            .map(|i| {
                let overlap = picked.iter().map(|&j| similarity(i, j)).fold(0.0, f64::max);
                (i, relevance[i] - redundancy * overlap)
            })
            // Ties go to the earlier sentence, so results are deterministic.
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((i, _)) = best else { break };
        words += lengths.get(i).copied().unwrap_or(0);
        picked.push(i);
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_overlap(_: usize, _: usize) -> f64 {
        0.0
    }

    #[test]
    fn takes_the_most_relevant_within_the_budget() {
        let relevance = [0.1, 0.9, 0.5, 0.7];
        let picked = select(
            &relevance,
            &[10; 4],
            &no_overlap,
            0.5,
            Budget::sentences(2),
            &[],
        );
        assert_eq!(picked, vec![1, 3]);
    }

    #[test]
    fn redundancy_skips_a_near_duplicate() {
        // 0 and 1 say the same thing; 2 is less relevant but new.
        let same = |i: usize, j: usize| if i + j == 1 { 0.95 } else { 0.1 };
        let picked = select(
            &[0.9, 0.85, 0.6],
            &[10; 3],
            &same,
            0.5,
            Budget::sentences(2),
            &[],
        );
        assert_eq!(picked, vec![0, 2]);
    }

    #[test]
    fn word_limit_stops_at_the_sentence_that_reaches_it() {
        let (relevance, lengths) = ([0.9, 0.8, 0.7], [30, 40, 15]);
        let picked = select(
            &relevance,
            &lengths,
            &no_overlap,
            0.0,
            Budget::words(50),
            &[],
        );
        assert_eq!(picked, vec![0, 1]);
        let both = Budget {
            sentences: Some(3),
            words: Some(20),
        };
        assert_eq!(
            select(&relevance, &lengths, &no_overlap, 0.0, both, &[]),
            vec![0]
        );
    }

    #[test]
    fn seed_sentences_come_first() {
        let picked = select(
            &[0.1, 0.9, 0.5],
            &[10; 3],
            &no_overlap,
            0.0,
            Budget::sentences(2),
            &[0],
        );
        assert_eq!(picked, vec![0, 1]);
    }
}
