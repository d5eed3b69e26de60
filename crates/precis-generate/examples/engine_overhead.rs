//! What the generation engine itself costs per decoder step with a
//! t5-small-sized vocabulary (32128), on a model whose "forward pass" is a
//! table lookup, so the time is the engine's: log-softmax, processors,
//! candidate selection, bookkeeping. A measurement, not a test; run with
//!
//! ```text
//! cargo run --release -p precis-generate --example engine_overhead
//! ```

use std::time::Instant;

use precis_generate::{
    generate, Batch, EarlyStopping, GenerateError, GenerationConfig, Seq2SeqModel, SpecialTokens,
};

const VOCAB: usize = 32128;

/// Logits: a window of a fixed pseudo-random table chosen by the last token
/// and the position.
struct TableModel {
    special: SpecialTokens,
    table: Vec<f32>,
}

struct Rows {
    histories: Vec<Vec<u32>>,
}

impl TableModel {
    fn new() -> Self {
        let mut x: u64 = 1;
        let table = (0..VOCAB * 64)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 40) as f32 / (1u64 << 24) as f32 * 8.0 - 4.0
            })
            .collect();
        // No eos, so every run takes the full length.
        let special = SpecialTokens {
            pad: 0,
            eos: Vec::new(),
            decoder_start: 0,
            vocab_size: VOCAB,
        };
        Self { special, table }
    }
}

impl Seq2SeqModel for TableModel {
    type State = Rows;
    type Error = GenerateError;

    fn special_tokens(&self) -> &SpecialTokens {
        &self.special
    }

    fn start(&self, batch: &Batch) -> Result<Rows, GenerateError> {
        Ok(Rows {
            histories: vec![Vec::new(); batch.rows()],
        })
    }

    fn step(&self, state: &mut Rows, tokens: &[u32]) -> Result<Vec<f32>, GenerateError> {
        let mut logits = Vec::with_capacity(tokens.len() * VOCAB);
        for (history, &token) in state.histories.iter_mut().zip(tokens) {
            history.push(token);
            let offset =
                (token as usize * 7919 + history.len() * 104729) % (self.table.len() - VOCAB);
            logits.extend_from_slice(&self.table[offset..offset + VOCAB]);
        }
        Ok(logits)
    }

    fn select_rows(&self, state: &mut Rows, rows: &[u32]) -> Result<(), GenerateError> {
        state.histories = rows
            .iter()
            .map(|&r| state.histories[r as usize].clone())
            .collect();
        Ok(())
    }
}

fn main() -> Result<(), GenerateError> {
    let model = TableModel::new();
    let batch = Batch::pad(&[vec![5, 6, 7]], 0);
    let summarization = GenerationConfig {
        num_beams: 4,
        length_penalty: 2.0,
        max_length: Some(200),
        min_length: 30,
        no_repeat_ngram_size: 3,
        early_stopping: EarlyStopping::Enabled,
        ..Default::default()
    };
    let greedy = GenerationConfig {
        max_length: Some(200),
        no_repeat_ngram_size: 3,
        ..Default::default()
    };
    let sampling = GenerationConfig {
        do_sample: true,
        top_p: 0.9,
        max_length: Some(200),
        ..Default::default()
    };
    for (name, config) in [
        (
            "beam search, t5-small summarization settings",
            summarization,
        ),
        ("greedy, no_repeat_ngram_size 3", greedy),
        ("sampling, top_k 50, top_p 0.9", sampling),
    ] {
        let start = Instant::now();
        let generation = generate(&model, &batch, &config)?;
        let steps = generation
            .outputs
            .first()
            .and_then(|hypotheses| hypotheses.first())
            .map_or(0, |best| best.tokens.len());
        let per_step = start.elapsed().as_secs_f64() * 1000.0 / steps.max(1) as f64;
        println!("{name}: {steps} steps, {per_step:.3} ms per step");
    }
    Ok(())
}
