//! What the generation engine needs from a model: an encoder pass and one
//! decoder step at a time over a cache it can reorder. Every seq2seq family
//! (T5, BART, Marian, Bergamot) implements this once and gets greedy, beam
//! search and sampling for free.

use candle_core::Tensor;

use crate::InferError;

/// Token ids the engine must know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialTokens {
    /// The id padding rows.
    pub pad: u32,
    /// Every id that ends a sequence.
    pub eos: Vec<u32>,
    /// The id every decoder sequence starts with.
    pub decoder_start: u32,
    /// Width of the logits a decoder step returns (the lm_head's rows).
    pub vocab_size: usize,
}

/// A seq2seq model, seen one decoder step at a time. `Sync`: generation
/// runs on a thread of rayon's pool.
pub trait Seq2SeqModel: Sync {
    /// Per-sequence decoder state: self-attention key/value cache, the
    /// cross-attention keys/values computed once from the encoder output, and
    /// the encoder attention mask.
    type State;

    /// The ids generation starts, pads and stops with.
    fn special_tokens(&self) -> &SpecialTokens;

    /// Runs the encoder on a right-padded batch. `input_ids` and
    /// `attention_mask` are `[batch, src_len]` u32 (mask: 1 = real token,
    /// 0 = padding). Returns `[batch, src_len, d_model]`.
    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<Tensor, InferError>;

    /// A fresh decoder state with one row per row of `encoder_out`.
    fn start(
        &self,
        encoder_out: &Tensor,
        attention_mask: &Tensor,
    ) -> Result<Self::State, InferError>;

    /// Feeds one token per row (`tokens`: `[rows]` u32) and returns the
    /// next-token logits, `[rows, vocab_size]` f32.
    fn step(&self, state: &mut Self::State, tokens: &Tensor) -> Result<Tensor, InferError>;

    /// Reorders or drops rows of the state (beam search, finished batch
    /// rows): row `i` of the new state is row `rows[i]` of the old one.
    /// `rows` is `[new_rows]` u32.
    fn select_rows(&self, state: &mut Self::State, rows: &Tensor) -> Result<(), InferError>;
}
