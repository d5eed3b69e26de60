//! What the generation engine needs from a model: an encoder pass and one
//! decoder step at a time over a state it can reorder, all on plain slices.
//! Every seq2seq family (T5, BART, Marian on candle; Bergamot on its own
//! kernels) implements this once and gets greedy, beam search and sampling.

use crate::GenerateError;

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

/// A right-padded batch of encoder inputs: `rows × width` token ids and
/// the attention mask (1 = token, 0 = padding), row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    input_ids: Vec<u32>,
    attention_mask: Vec<u32>,
    rows: usize,
    width: usize,
}

impl Batch {
    /// Right-pads `rows` with `pad_id` to the longest row.
    pub fn pad(rows: &[Vec<u32>], pad_id: u32) -> Batch {
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut input_ids = Vec::with_capacity(rows.len() * width);
        let mut attention_mask = Vec::with_capacity(rows.len() * width);
        for row in rows {
            let padding = width - row.len();
            input_ids.extend(
                row.iter()
                    .copied()
                    .chain(std::iter::repeat_n(pad_id, padding)),
            );
            attention_mask.extend(
                std::iter::repeat_n(1u32, row.len()).chain(std::iter::repeat_n(0, padding)),
            );
        }
        Batch {
            input_ids,
            attention_mask,
            rows: rows.len(),
            width,
        }
    }

    /// A batch from ids and mask rows as HF writes them (e.g. recorded
    /// fixtures). Every row of both must have the same length.
    pub fn from_rows(
        input_ids: &[Vec<u32>],
        attention_mask: &[Vec<u32>],
    ) -> Result<Batch, GenerateError> {
        let width = input_ids.first().map_or(0, Vec::len);
        let shape = |rows: &[Vec<u32>]| (rows.len(), rows.iter().map(Vec::len).collect::<Vec<_>>());
        if input_ids.len() != attention_mask.len()
            || input_ids
                .iter()
                .chain(attention_mask)
                .any(|row| row.len() != width)
        {
            return Err(GenerateError::InvalidSettings(format!(
                "input_ids (rows, lengths) {:?} and attention_mask {:?} must be rectangular and of one shape",
                shape(input_ids),
                shape(attention_mask)
            )));
        }
        Ok(Batch {
            input_ids: input_ids.concat(),
            attention_mask: attention_mask.concat(),
            rows: input_ids.len(),
            width,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Length of every row, padding included.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The ids, `rows × width` row-major.
    pub fn input_ids(&self) -> &[u32] {
        &self.input_ids
    }

    /// The mask, `rows × width` row-major.
    pub fn attention_mask(&self) -> &[u32] {
        &self.attention_mask
    }

    /// Row `row`'s ids up to its last token (without the right padding).
    pub fn tokens(&self, row: usize) -> &[u32] {
        let start = row * self.width;
        let mask = &self.attention_mask[start..start + self.width];
        let len = mask.iter().rposition(|&m| m != 0).map_or(0, |p| p + 1);
        &self.input_ids[start..start + len]
    }
}

/// A seq2seq model, seen one decoder step at a time. `Sync`: callers may
/// run generations of one model on several threads.
pub trait Seq2SeqModel: Sync {
    /// Per-sequence decoder state: self-attention key/value cache, the
    /// cross-attention keys/values computed once from the encoder output, and
    /// the encoder attention mask.
    type State;
    /// The model's own errors; the engine's (bad settings, empty input)
    /// convert into it.
    type Error: From<GenerateError>;

    /// The ids generation starts, pads and stops with.
    fn special_tokens(&self) -> &SpecialTokens;

    /// Runs the encoder on `batch` and returns a fresh decoder state with
    /// one row per batch row.
    fn start(&self, batch: &Batch) -> Result<Self::State, Self::Error>;

    /// Feeds one token per row and returns the next-token logits,
    /// `vocab_size` f32 values per row, row-major.
    fn step(&self, state: &mut Self::State, tokens: &[u32]) -> Result<Vec<f32>, Self::Error>;

    /// Reorders or drops rows of the state (beam search, finished batch
    /// rows): row `i` of the new state is row `rows[i]` of the old one.
    fn select_rows(&self, state: &mut Self::State, rows: &[u32]) -> Result<(), Self::Error>;
}
