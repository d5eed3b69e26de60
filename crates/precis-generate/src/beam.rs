//! Beam search and beam sampling, step for step the algorithm of
//! transformers 5's `_beam_search` (f32 scores, the same -1e9 masks, the same
//! stopping heuristic), kept per input instead of as padded tensors.
//!
//! Per input and step: every running beam's log-softmax scores go through
//! the processors and are added to the beam's score; the best
//! `max(2, 1 + eos ids) * num_beams` continuations (or as many sampled ones)
//! become candidates. Candidates that end in eos or reach the length limit
//! and rank among the first `num_beams` may enter the `num_beams` finished
//! slots, scored `sum / length ** length_penalty`; the best non-ending
//! candidates are the next running beams. An input stops changing once its
//! slots are full under `early_stopping: true`, or once the best running
//! beam cannot beat the worst finished slot (HF's heuristic); it then leaves
//! the batch, so the model runs only on inputs still in play.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::config::EarlyStopping;
use super::plan::Plan;
use super::processors::log_softmax_in_place;
use super::{expand_rows, keep_rows, step_scores, Hypothesis, Seq2SeqModel};

/// HF's "impossible" score, used to mask beams and empty slots.
const MASKED: f32 = -1.0e9;

#[derive(Debug, Clone)]
struct Beam {
    tokens: Vec<u32>,
    score: f32,
}

/// A finished-hypothesis slot (HF's `sequences` / `beam_scores` /
/// `is_sent_finished` row).
#[derive(Debug, Clone)]
struct Slot {
    tokens: Vec<u32>,
    score: f32,
    finished: bool,
}

/// A continuation: beam `beam` extended by `token`.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    beam: usize,
    token: u32,
    score: f32,
    /// Ends in eos or reaches the length limit.
    hits_stop: bool,
}

/// Where a finished slot comes from in the merge.
#[derive(Debug, Clone, Copy)]
enum Source {
    Slot(usize),
    Candidate(usize),
}

/// The search state of one input.
struct Search {
    running: Vec<Beam>,
    slots: Vec<Slot>,
    /// HF's `is_early_stop_heuristic_unsatisfied`.
    improvable: bool,
    /// Beam sampling only.
    rng: Option<StdRng>,
}

impl Search {
    fn new(plan: &Plan) -> Self {
        let num_beams = plan.config.num_beams;
        let start = vec![plan.decoder_start];
        // Only the first beam is live at the start, so the identical copies
        // do not fill the beam with the same continuation.
        let running = (0..num_beams)
            .map(|i| Beam {
                tokens: start.clone(),
                score: if i == 0 { 0.0 } else { MASKED },
            })
            .collect();
        let slots = vec![
            Slot {
                tokens: start,
                score: MASKED,
                finished: false
            };
            num_beams
        ];
        let rng = plan
            .config
            .do_sample
            .then(|| StdRng::seed_from_u64(plan.config.seed));
        Self {
            running,
            slots,
            improvable: true,
            rng,
        }
    }

    fn slots_full(&self) -> bool {
        self.slots.iter().all(|slot| slot.finished)
    }

    /// Nothing can change this input's finished slots any more.
    fn settled(&self, early_stopping: EarlyStopping) -> bool {
        !self.improvable || (early_stopping == EarlyStopping::Enabled && self.slots_full())
    }

    /// One step on this input's `[num_beams * vocab]` logits. Returns, per
    /// new running beam, the old beam it continues (for the cache).
    fn step(&mut self, plan: &Plan, logits: &mut [f32], cur_len: usize) -> Vec<usize> {
        let config = &plan.config;
        let num_beams = config.num_beams;
        for (beam, scores) in self
            .running
            .iter()
            .zip(logits.chunks_exact_mut(plan.vocab_size))
        {
            log_softmax_in_place(scores);
            plan.processors.process(&beam.tokens, scores);
            for score in scores.iter_mut() {
                // NaN (a broken model) ranks last instead of poisoning the sort.
                *score = if score.is_nan() {
                    f32::NEG_INFINITY
                } else {
                    *score + beam.score
                };
            }
        }
        let keep = 2.max(1 + plan.eos.len()) * num_beams;
        let picks = match &mut self.rng {
            Some(rng) => sample_top(logits, keep, rng),
            None => top(logits, keep),
        };
        let candidates: Vec<Candidate> = picks
            .into_iter()
            .map(|(index, score)| {
                let token = (index % plan.vocab_size) as u32;
                let hits_stop = plan.is_eos(token) || cur_len + 1 >= plan.max_length;
                Candidate {
                    beam: index / plan.vocab_size,
                    token,
                    score,
                    hits_stop,
                }
            })
            .collect();

        // The finished slots first: they use the running state of the
        // previous step (HF's `_update_finished_beams`).
        let length = ((cur_len + 1 - 1) as f64).powf(config.length_penalty) as f32;
        let full = config.early_stopping == EarlyStopping::Enabled && self.slots_full();
        let mut merged: Vec<(f32, Source)> = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, slot)| (slot.score, Source::Slot(i)))
            .collect();
        for (rank, candidate) in candidates.iter().enumerate() {
            let mut score = candidate.score / length;
            if full {
                score += MASKED;
            }
            if !self.improvable {
                score += MASKED;
            }
            if !(candidate.hits_stop && rank < num_beams) {
                score += MASKED;
            }
            merged.push((score, Source::Candidate(rank)));
        }
        stable_sort_descending(&mut merged, |&(score, _)| score);
        merged.truncate(num_beams);
        self.slots = merged
            .into_iter()
            .map(|(score, source)| match source {
                Source::Slot(i) => self.slots[i].clone(),
                Source::Candidate(rank) => {
                    let candidate = candidates[rank];
                    Slot {
                        tokens: extend(&self.running[candidate.beam].tokens, candidate.token),
                        score,
                        finished: candidate.hits_stop && rank < num_beams,
                    }
                }
            })
            .collect();

        // The next running beams: the best candidates, ending ones masked
        // (HF's `_get_running_beams_for_next_iteration`).
        let mut running: Vec<(f32, usize)> = candidates
            .iter()
            .enumerate()
            .map(|(rank, c)| {
                (
                    if c.hits_stop {
                        c.score + MASKED
                    } else {
                        c.score
                    },
                    rank,
                )
            })
            .collect();
        stable_sort_descending(&mut running, |&(score, _)| score);
        running.truncate(num_beams);
        let sources = running
            .iter()
            .map(|&(_, rank)| candidates[rank].beam)
            .collect();
        self.running = running
            .into_iter()
            .map(|(score, rank)| {
                let candidate = candidates[rank];
                Beam {
                    tokens: extend(&self.running[candidate.beam].tokens, candidate.token),
                    score,
                }
            })
            .collect();
        sources
    }

    /// HF's `_check_early_stop_heuristic`, after the step made the
    /// sequences `cur_len` long.
    fn update_improvable(&mut self, plan: &Plan, cur_len: usize) {
        let config = &plan.config;
        let best_length =
            if config.early_stopping == EarlyStopping::Never && config.length_penalty > 0.0 {
                plan.max_length - 1
            } else {
                cur_len - 1
            };
        let best_running = self
            .running
            .first()
            .map_or(f32::NEG_INFINITY, |beam| beam.score);
        let best_possible = best_running / (best_length as f64).powf(config.length_penalty) as f32;
        let worst_finished = self
            .slots
            .iter()
            .map(|slot| slot.score)
            .fold(f32::INFINITY, f32::min);
        self.improvable &= self.slots.iter().any(|slot| {
            best_possible
                > if slot.finished {
                    worst_finished
                } else {
                    MASKED
                }
        });
    }

    fn into_hypotheses(self, plan: &Plan) -> Vec<Hypothesis> {
        self.slots
            .into_iter()
            .take(plan.config.num_return_sequences)
            .map(|slot| {
                let tokens = slot.tokens.get(1..).unwrap_or_default().to_vec();
                let finished = tokens.last().is_some_and(|&token| plan.is_eos(token));
                Hypothesis {
                    tokens,
                    score: slot.score,
                    finished,
                }
            })
            .collect()
    }
}

fn extend(tokens: &[u32], token: u32) -> Vec<u32> {
    let mut extended = Vec::with_capacity(tokens.len() + 1);
    extended.extend_from_slice(tokens);
    extended.push(token);
    extended
}

/// Sorts best first; equal scores keep their order (lower index first, as
/// `torch.topk` does on small inputs).
fn stable_sort_descending<T>(items: &mut [T], score: impl Fn(&T) -> f32) {
    items.sort_by(|a, b| {
        score(b)
            .partial_cmp(&score(a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

/// The `k` best `(index, score)` pairs, best first, lower index first on
/// ties. Scores are never NaN here.
fn top(scores: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut best: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
    for (index, &score) in scores.iter().enumerate() {
        if best.len() == k && best.last().is_some_and(|&(_, worst)| score <= worst) {
            continue;
        }
        let at = best.partition_point(|&(_, s)| s >= score);
        best.insert(at, (index, score));
        best.truncate(k);
    }
    best
}

/// `k` indices drawn without replacement with probability proportional to
/// `exp(score)` (Gumbel top-k, equivalent to HF's `torch.multinomial` over
/// the softmax), returned best score first as HF sorts them.
fn sample_top(scores: &[f32], k: usize, rng: &mut StdRng) -> Vec<(usize, f32)> {
    let keys: Vec<f32> = scores
        .iter()
        .map(|&score| {
            let uniform: f64 = rng.random_range(f64::MIN_POSITIVE..1.0);
            score - (-uniform.ln()).ln() as f32
        })
        .collect();
    let mut picks: Vec<(usize, f32)> = top(&keys, k)
        .into_iter()
        .map(|(index, _)| (index, scores[index]))
        .collect();
    stable_sort_descending(&mut picks, |&(_, score)| score);
    picks
}

/// Runs beam search (beam sampling with `do_sample`) for `inputs` rows of
/// `state`.
pub(super) fn run<M: Seq2SeqModel>(
    model: &M,
    mut state: M::State,
    plan: &Plan,
    inputs: usize,
) -> Result<Vec<Vec<Hypothesis>>, M::Error> {
    let num_beams = plan.config.num_beams;
    let vocab = plan.vocab_size;
    expand_rows(model, &mut state, inputs, num_beams)?;
    let mut searches: Vec<Search> = (0..inputs).map(|_| Search::new(plan)).collect();
    let mut active: Vec<usize> = (0..inputs).collect();
    let mut cur_len = 1;
    while !active.is_empty() && cur_len < plan.max_length {
        plan.check_deadline()?;
        let last = active
            .iter()
            .flat_map(|&input| searches[input].running.iter())
            .map(|beam| beam.tokens.last().copied().unwrap_or(plan.decoder_start))
            .collect();
        let mut logits = step_scores(model, &mut state, last, vocab)?;
        let mut rows = Vec::with_capacity(active.len() * num_beams);
        let mut still = Vec::with_capacity(active.len());
        for (position, (&input, block)) in active
            .iter()
            .zip(logits.chunks_exact_mut(num_beams * vocab))
            .enumerate()
        {
            let search = &mut searches[input];
            let sources = search.step(plan, block, cur_len);
            search.update_improvable(plan, cur_len + 1);
            if !search.settled(plan.config.early_stopping) {
                still.push(input);
                rows.extend(
                    sources
                        .into_iter()
                        .map(|beam| (position * num_beams + beam) as u32),
                );
            }
        }
        cur_len += 1;
        keep_rows(model, &mut state, &rows, active.len() * num_beams)?;
        active = still;
    }
    Ok(searches
        .into_iter()
        .map(|search| search.into_hypotheses(plan))
        .collect())
}
