//! The generation engine every seq2seq family shares: Hugging Face's
//! `generate` for encoder-decoder models, token for token.
//!
//! It runs as named stages, each usable and testable on its own:
//! 1. [`GenerationConfig`] — settings with HF's fields and defaults, loaded
//!    from a model's files, overridden by the caller, validated;
//! 2. [`processors`] — the logits processors, in HF's order;
//! 3. a search strategy — greedy search or sampling, or beam search / beam
//!    sampling — run by [`generate`] on a [`Seq2SeqModel`];
//! 4. stopping — eos ids and the length limit, inside each strategy.
//!
//! ```no_run
//! use precis_infer::generate::{generate, GenerationConfig, GenerationOverrides, Seq2SeqModel};
//! # fn run<M: Seq2SeqModel>(
//! #     model: &M, input_ids: &candle_core::Tensor, attention_mask: &candle_core::Tensor,
//! # ) -> Result<(), precis_infer::InferError> {
//! // t5-small's summarization settings, with two beams instead of four.
//! let defaults = GenerationConfig::from_model_dir("models/t5-small".as_ref(), Some("summarization"))?;
//! let overrides = GenerationOverrides { num_beams: Some(2), ..Default::default() };
//! let config = defaults.generation.with(&overrides);
//! let generation = generate(model, input_ids, attention_mask, &config)?;
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

mod beam;
mod config;
pub mod model;
mod plan;
pub mod processors;
mod sample;

use candle_core::{DType, Device, Tensor};

pub use config::{
    EarlyStopping, GenerationConfig, GenerationOverrides, TaskDefaults, DEFAULT_NEW_TOKENS,
    MAX_LENGTH_LIMIT,
};
pub use model::{Seq2SeqModel, SpecialTokens};
use plan::Plan;

use crate::InferError;

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

/// Generates from a right-padded batch: `input_ids` and `attention_mask` are
/// `[batch, src_len]` u32 (mask 1 = token, 0 = padding). Rows are independent:
/// batching gives the same output as running each row alone.
///
/// Strategy as in HF: `num_beams == 1` greedy search (or sampling with
/// `do_sample`), otherwise beam search (or beam sampling). Sampling is
/// deterministic for a given `seed`.
pub fn generate<M: Seq2SeqModel>(
    model: &M,
    input_ids: &Tensor,
    attention_mask: &Tensor,
    config: &GenerationConfig,
) -> Result<Generation, InferError> {
    run(
        model,
        input_ids,
        attention_mask,
        config,
        config.num_beams > 1,
    )
}

/// Beam search even for `num_beams: 1` (where [`generate`] uses greedy
/// search). With one beam and `early_stopping: true` it picks greedy search's
/// tokens whenever the processors are shift-invariant: all but
/// `repetition_penalty`, which HF applies to logits in greedy search and to
/// log-probabilities in beam search.
pub fn beam_search<M: Seq2SeqModel>(
    model: &M,
    input_ids: &Tensor,
    attention_mask: &Tensor,
    config: &GenerationConfig,
) -> Result<Generation, InferError> {
    run(model, input_ids, attention_mask, config, true)
}

fn run<M: Seq2SeqModel>(
    model: &M,
    input_ids: &Tensor,
    attention_mask: &Tensor,
    config: &GenerationConfig,
    beams: bool,
) -> Result<Generation, InferError> {
    let plan = Plan::new(config, model.special_tokens())?;
    let (batch, _) = input_ids.dims2()?;
    if attention_mask.dims() != input_ids.dims() {
        return Err(InferError::InvalidSettings(format!(
            "attention_mask has shape {:?} but input_ids {:?}; they must match",
            attention_mask.dims(),
            input_ids.dims()
        )));
    }
    let mask_rows: Vec<Vec<u32>> = attention_mask.to_dtype(DType::U32)?.to_vec2()?;
    if mask_rows.iter().any(|row| row.iter().all(|&m| m == 0)) {
        return Err(InferError::EmptyInput);
    }
    if batch == 0 {
        return Ok(Generation {
            outputs: Vec::new(),
            max_length: plan.max_length,
        });
    }
    // A generation makes thousands of small calls into rayon (candle's
    // element-wise ops, the few-row products of each step). Made from a
    // thread outside the pool, each would wake a worker and sleep until it
    // is done: two context switches per call, a tenth of a one-thread
    // decoder step. On a worker thread they run without them.
    let outputs = rayon::scope(|_| {
        let encoded = model.encode(input_ids, attention_mask)?;
        let state = model.start(&encoded, attention_mask)?;
        let device = input_ids.device();
        if beams {
            beam::run(model, state, &plan, batch, device)
        } else {
            sample::run(model, state, &plan, batch, device)
        }
    })?;
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
    device: &Device,
) -> Result<(), InferError> {
    if times > 1 {
        let index: Vec<u32> = (0..rows as u32)
            .flat_map(|row| std::iter::repeat_n(row, times))
            .collect();
        model.select_rows(state, &Tensor::new(index, device)?)?;
    }
    Ok(())
}

/// One decoder step: feeds the last token of every live row and returns
/// the next-token logits as one f32 vector, `vocab_size` values per row.
fn step_scores<M: Seq2SeqModel>(
    model: &M,
    state: &mut M::State,
    last_tokens: Vec<u32>,
    vocab_size: usize,
    device: &Device,
) -> Result<Vec<f32>, InferError> {
    let rows = last_tokens.len();
    let logits = model.step(state, &Tensor::new(last_tokens, device)?)?;
    if logits.dims() != [rows, vocab_size] {
        return Err(candle_core::Error::Msg(format!(
            "model step returned logits of shape {:?}, expected [{rows}, {vocab_size}] (rows, vocabulary size); \
             the model's SpecialTokens::vocab_size must equal its lm_head width",
            logits.dims()
        ))
        .into());
    }
    Ok(logits.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?)
}

/// Reorders or drops state rows, skipping the call when nothing changes.
fn keep_rows<M: Seq2SeqModel>(
    model: &M,
    state: &mut M::State,
    rows: &[u32],
    current_rows: usize,
    device: &Device,
) -> Result<(), InferError> {
    let unchanged =
        rows.len() == current_rows && rows.iter().enumerate().all(|(i, &row)| row as usize == i);
    if !unchanged && !rows.is_empty() {
        model.select_rows(state, &Tensor::new(rows, device)?)?;
    }
    Ok(())
}
