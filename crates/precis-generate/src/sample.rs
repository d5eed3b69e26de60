//! Greedy search and multinomial sampling: one token per row and step, as
//! transformers' `_sample`. Rows that finish (eos or length limit) leave the
//! batch, which changes nothing for the others: HF keeps them and feeds pad
//! tokens whose outputs it throws away.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::plan::Plan;
use super::processors::{argmax, log_sum_exp};
use super::{expand_rows, keep_rows, step_scores, Hypothesis, Seq2SeqModel};
use crate::GenerateError;

/// Runs greedy search (or sampling when `do_sample`) for `inputs` rows of
/// `state`. With sampling, each input yields `num_return_sequences` samples;
/// sample `j` of every input draws from its own generator seeded with
/// `seed + j`, so results do not depend on how inputs are batched.
pub(super) fn run<M: Seq2SeqModel>(
    model: &M,
    mut state: M::State,
    plan: &Plan,
    inputs: usize,
) -> Result<Vec<Vec<Hypothesis>>, M::Error> {
    let config = &plan.config;
    let per_input = if config.do_sample {
        config.num_return_sequences
    } else {
        1
    };
    expand_rows(model, &mut state, inputs, per_input)?;
    let rows = inputs * per_input;
    let vocab = plan.vocab_size;

    let mut tokens = vec![vec![plan.decoder_start]; rows];
    let mut scores = vec![0f32; rows];
    let mut rngs: Vec<StdRng> = (0..rows)
        .map(|row| StdRng::seed_from_u64(config.seed.wrapping_add((row % per_input) as u64)))
        .collect();
    let mut active: Vec<usize> = (0..rows).collect();

    while !active.is_empty() {
        plan.check_deadline()?;
        let last = active
            .iter()
            .map(|&row| tokens[row].last().copied().unwrap_or(plan.decoder_start))
            .collect();
        let mut logits = step_scores(model, &mut state, last, vocab)?;
        let mut kept = Vec::with_capacity(active.len());
        for (position, (&row, row_scores)) in active
            .iter()
            .zip(logits.chunks_exact_mut(vocab))
            .enumerate()
        {
            plan.processors.process(&tokens[row], row_scores);
            let token = if config.do_sample {
                draw(row_scores, &mut rngs[row])?
            } else {
                argmax(row_scores)
            };
            let log_norm = log_sum_exp(row_scores);
            scores[row] += if log_norm.is_finite() {
                row_scores[token] - log_norm
            } else {
                f32::NEG_INFINITY
            };
            let token = token as u32;
            tokens[row].push(token);
            if !plan.is_eos(token) && tokens[row].len() < plan.max_length {
                kept.push(position as u32);
            }
        }
        keep_rows(model, &mut state, &kept, active.len())?;
        active = kept
            .iter()
            .map(|&position| active[position as usize])
            .collect();
    }

    let mut hypotheses = tokens.into_iter().zip(scores).map(|(mut row, score)| {
        row.remove(0);
        let finished = row.last().is_some_and(|&token| plan.is_eos(token));
        Hypothesis {
            tokens: row,
            score,
            finished,
        }
    });
    Ok((0..inputs)
        .map(|_| hypotheses.by_ref().take(per_input).collect())
        .collect())
}

/// Draws a token from the softmax of `scores`.
fn draw(scores: &[f32], rng: &mut StdRng) -> Result<usize, GenerateError> {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let weights: Vec<f64> = scores.iter().map(|&s| f64::from((s - max).exp())).collect();
    let total: f64 = weights.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return Err(GenerateError::InvalidSettings(
            "sampling found no possible token (every score is -inf or NaN): the bad_words_ids, \
             no_repeat_ngram_size, top_k or top_p settings exclude everything; loosen them"
                .into(),
        ));
    }
    let mut target = rng.random::<f64>() * total;
    let mut last_possible = 0;
    for (token, &weight) in weights.iter().enumerate() {
        if weight > 0.0 {
            if target < weight {
                return Ok(token);
            }
            target -= weight;
            last_possible = token;
        }
    }
    // Rounding left a sliver of `target`: it belongs to the last token.
    Ok(last_possible)
}
