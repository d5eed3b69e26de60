//! Sentence selection by maximal marginal relevance (Carbonell & Goldstein,
//! 1998): each step takes the sentence whose relevance, minus its
//! similarity to what is already picked, is highest — so a summary does
//! not say the same thing twice — until the length budget is spent.

/// How long a summary may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// About this many words: sentences are added while the summary is
    /// shorter, and one that would overshoot by more than a quarter of the
    /// budget is passed over for a shorter one.
    Words(usize),
    /// Exactly this many sentences (fewer when the article has fewer).
    Sentences(usize),
}

impl Budget {
    /// Whether a summary of `sentences` sentences and `words` words is full.
    fn is_spent(self, sentences: usize, words: usize) -> bool {
        match self {
            Budget::Words(limit) => words >= limit,
            Budget::Sentences(limit) => sentences >= limit,
        }
    }

    /// Whether a sentence of `length` words may join a summary of `words`.
    fn fits(self, words: usize, length: usize) -> bool {
        match self {
            Budget::Words(limit) => words == 0 || words + length <= limit + limit / 4,
            Budget::Sentences(_) => true,
        }
    }
}

/// Picks sentences: `relevance[i]` is sentence i's score, `lengths[i]` its
/// word count, `similarity(i, j)` in 0..=1 how much two sentences say the
/// same, `redundancy` how strongly that counts against a candidate.
/// Returns the picked indices in the order they were picked; the first pick
/// is always made, so a non-empty article gets a non-empty summary.
pub fn select(
    relevance: &[f64],
    lengths: &[usize],
    similarity: &dyn Fn(usize, usize) -> f64,
    redundancy: f64,
    budget: Budget,
) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::new();
    let mut words = 0;
    while !budget.is_spent(picked.len(), words) {
        let best = (0..relevance.len())
            .filter(|i| !picked.contains(i))
            .filter(|&i| budget.fits(words, lengths.get(i).copied().unwrap_or(0)))
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
        let picked = select(
            &[0.1, 0.9, 0.5, 0.7],
            &[10; 4],
            &no_overlap,
            0.5,
            Budget::Sentences(2),
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
            Budget::Sentences(2),
        );
        assert_eq!(picked, vec![0, 2]);
    }

    #[test]
    fn word_budget_passes_over_sentences_that_overshoot() {
        let picked = select(
            &[0.9, 0.8, 0.7],
            &[30, 40, 15],
            &no_overlap,
            0.0,
            Budget::Words(50),
        );
        assert_eq!(picked, vec![0, 2]);
        // A single sentence longer than the budget is still a summary.
        assert_eq!(
            select(&[1.0], &[200], &no_overlap, 0.0, Budget::Words(50)),
            vec![0]
        );
    }
}
