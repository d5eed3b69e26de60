//! The generation engine every seq2seq family shares: Hugging Face's
//! `generate` for encoder-decoder models, token for token. Its contract
//! with models ([`Seq2SeqModel`]) is plain slices, so it depends on no
//! tensor library: candle families and the Bergamot engine plug in alike.
//! It starts no threads; run it inside the caller's thread pool.
//!
//! It runs as named stages, each usable and testable on its own:
//! 1. [`GenerationConfig`] — settings with HF's fields and defaults, loaded
//!    from a model's files, overridden by the caller, validated;
//! 2. [`processors`] — the logits processors, in HF's order;
//! 3. a search strategy — greedy search or sampling, or beam search / beam
//!    sampling — run by [`generate`] on a [`Seq2SeqModel`];
//! 4. stopping — eos ids and the length limit, inside each strategy, and
//!    the caller's deadline ([`generate_until`]), checked before every step.
//!
//! ```no_run
//! use precis_generate::{generate, Batch, GenerationConfig, GenerationOverrides, Seq2SeqModel};
//! # fn run<M: Seq2SeqModel>(model: &M, rows: &[Vec<u32>]) -> Result<(), M::Error> {
//! // t5-small's summarization settings, with two beams instead of four.
//! let defaults = GenerationConfig::from_model_dir("models/t5-small".as_ref(), Some("summarization"))?;
//! let overrides = GenerationOverrides { num_beams: Some(2), ..Default::default() };
//! let config = defaults.generation.with(&overrides);
//! let batch = Batch::pad(rows, model.special_tokens().pad);
//! let generation = generate(model, &batch, &config)?;
//! for hypotheses in &generation.outputs {
//!     let best = &hypotheses[0];
//!     println!("{:?} (score {}, cut by the length limit: {})", best.tokens, best.score, !best.finished);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Matched behaviour is that of transformers 5 (the version the fixtures
//! under `tests/fixtures/generation` record); where it differs from older
//! releases the comments say so.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod beam;
mod config;
mod error;
pub mod model;
mod plan;
pub mod processors;
mod sample;

pub use config::{
    EarlyStopping, GenerationConfig, GenerationOverrides, TaskDefaults, DEFAULT_NEW_TOKENS,
    MAX_BEAMS, MAX_LENGTH_LIMIT,
};
use std::time::Instant;

pub use error::GenerateError;
pub use model::{Batch, Seq2SeqModel, SpecialTokens};
use plan::Plan;

/// One generated sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    /// Generated token ids: HF's output row without the leading decoder
    /// start token and without padding; ends with the eos id that finished
    /// it, if any.
    pub tokens: Vec<u32>,
    /// Beam search: HF's `sequences_scores` (sum of the processed token
    /// log-probabilities divided by `length ** length_penalty`). Greedy and
    /// sampling: the sum of the chosen tokens' log-probabilities under the
    /// processed scores.
    pub score: f32,
    /// Whether it ended with an eos id; `false` means the length limit cut it.
    pub finished: bool,
}

/// What [`generate`] returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// Per input row, `num_return_sequences` hypotheses, best first for beam
    /// search.
    pub outputs: Vec<Vec<Hypothesis>>,
    /// The decoder length limit that applied (decoder start token included),
    /// after defaults and [`MAX_LENGTH_LIMIT`].
    pub max_length: usize,
}

/// Generates from a right-padded batch. Rows are independent: batching
/// gives the same output as running each row alone.
///
/// Strategy as in HF: `num_beams == 1` greedy search (or sampling with
/// `do_sample`), otherwise beam search (or beam sampling). Sampling is
/// deterministic for a given `seed`.
pub fn generate<M: Seq2SeqModel>(
    model: &M,
    batch: &Batch,
    config: &GenerationConfig,
) -> Result<Generation, M::Error> {
    run(model, batch, config, config.num_beams > 1, None)
}

/// [`generate`], giving up with [`GenerateError::DeadlinePassed`] once
/// `deadline` passes: the search checks it before every decoder step, on
/// the caller's thread, so a caller's time limit stops the work itself.
pub fn generate_until<M: Seq2SeqModel>(
    model: &M,
    batch: &Batch,
    config: &GenerationConfig,
    deadline: Option<Instant>,
) -> Result<Generation, M::Error> {
    run(model, batch, config, config.num_beams > 1, deadline)
}

/// Beam search even for `num_beams: 1` (where [`generate`] uses greedy
/// search). With one beam and `early_stopping: true` it picks greedy search's
/// tokens whenever the processors are shift-invariant: all but
/// `repetition_penalty`, which HF applies to logits in greedy search and to
/// log-probabilities in beam search.
pub fn beam_search<M: Seq2SeqModel>(
    model: &M,
    batch: &Batch,
    config: &GenerationConfig,
) -> Result<Generation, M::Error> {
    run(model, batch, config, true, None)
}

fn run<M: Seq2SeqModel>(
    model: &M,
    batch: &Batch,
    config: &GenerationConfig,
    beams: bool,
    deadline: Option<Instant>,
) -> Result<Generation, M::Error> {
    let plan = Plan::new(config, model.special_tokens(), deadline)?;
    if (0..batch.rows()).any(|row| batch.tokens(row).is_empty()) {
        return Err(GenerateError::EmptyInput.into());
    }
    if batch.rows() == 0 {
        return Ok(Generation {
            outputs: Vec::new(),
            max_length: plan.max_length,
        });
    }
    let state = model.start(batch)?;
    let outputs = if beams {
        beam::run(model, state, &plan, batch.rows())?
    } else {
        sample::run(model, state, &plan, batch.rows())?
    };
    Ok(Generation {
        outputs,
        max_length: plan.max_length,
    })
}

/// Repeats every row of the state `times` times in place (row `i` becomes
/// rows `i*times .. (i+1)*times`), as HF's `_expand_inputs_for_generation`.
fn expand_rows<M: Seq2SeqModel>(
    model: &M,
    state: &mut M::State,
    rows: usize,
    times: usize,
) -> Result<(), M::Error> {
    if times > 1 {
        let index: Vec<u32> = (0..rows as u32)
            .flat_map(|row| std::iter::repeat_n(row, times))
            .collect();
        model.select_rows(state, &index)?;
    }
    Ok(())
}

/// One decoder step: feeds the last token of every live row and returns
/// the next-token logits, `vocab_size` values per row.
fn step_scores<M: Seq2SeqModel>(
    model: &M,
    state: &mut M::State,
    last_tokens: Vec<u32>,
    vocab_size: usize,
) -> Result<Vec<f32>, M::Error> {
    let rows = last_tokens.len();
    let logits = model.step(state, &last_tokens)?;
    if logits.len() != rows * vocab_size {
        return Err(GenerateError::Model(format!(
            "a decoder step returned {} logits, expected {rows} rows × {vocab_size} (the vocabulary size); \
             the model's SpecialTokens::vocab_size must equal its lm_head width",
            logits.len()
        ))
        .into());
    }
    Ok(logits)
}

/// Reorders or drops state rows, skipping the call when nothing changes.
fn keep_rows<M: Seq2SeqModel>(
    model: &M,
    state: &mut M::State,
    rows: &[u32],
    current_rows: usize,
) -> Result<(), M::Error> {
    let unchanged =
        rows.len() == current_rows && rows.iter().enumerate().all(|(i, &row)| row as usize == i);
    if !unchanged && !rows.is_empty() {
        model.select_rows(state, rows)?;
    }
    Ok(())
}
