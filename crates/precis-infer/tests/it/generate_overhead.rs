//! What the generation engine itself costs per decoder step with a
//! t5-small-sized vocabulary (32128), on a model whose "forward pass" is a
//! table lookup, so the time is the engine's: log-softmax, processors,
//! candidate selection, bookkeeping. A measurement, not a check; run with
//!
//! ```text
//! cargo test --release -p precis-infer --test it generate_overhead -- --ignored --nocapture
//! ```

use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use precis_infer::generate::{
    generate, EarlyStopping, GenerationConfig, Seq2SeqModel, SpecialTokens,
};
use precis_infer::InferError;

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

    fn special_tokens(&self) -> &SpecialTokens {
        &self.special
    }

    fn encode(&self, input_ids: &Tensor, _mask: &Tensor) -> Result<Tensor, InferError> {
        Ok(input_ids.to_dtype(DType::F32)?)
    }

    fn start(&self, encoder_out: &Tensor, _mask: &Tensor) -> Result<Rows, InferError> {
        Ok(Rows {
            histories: vec![Vec::new(); encoder_out.dims()[0]],
        })
    }

    fn step(&self, state: &mut Rows, tokens: &Tensor) -> Result<Tensor, InferError> {
        let tokens: Vec<u32> = tokens.to_vec1()?;
        let mut logits = Vec::with_capacity(tokens.len() * VOCAB);
        for (history, token) in state.histories.iter_mut().zip(tokens) {
            history.push(token);
            let offset =
                (token as usize * 7919 + history.len() * 104729) % (self.table.len() - VOCAB);
            logits.extend_from_slice(&self.table[offset..offset + VOCAB]);
        }
        Ok(Tensor::from_vec(
            logits,
            (state.histories.len(), VOCAB),
            &Device::Cpu,
        )?)
    }

    fn select_rows(&self, state: &mut Rows, rows: &Tensor) -> Result<(), InferError> {
        let rows: Vec<u32> = rows.to_vec1()?;
        state.histories = rows
            .iter()
            .map(|&r| state.histories[r as usize].clone())
            .collect();
        Ok(())
    }
}

#[test]
#[ignore = "a measurement; run with --release -- --ignored --nocapture"]
fn engine_cost_per_step() {
    let model = TableModel::new();
    let ids = Tensor::new(&[[5u32, 6, 7]], &Device::Cpu).unwrap();
    let mask = Tensor::ones((1, 3), DType::U32, &Device::Cpu).unwrap();
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
        let generation = generate(&model, &ids, &mask, &config).unwrap();
        let steps = generation.outputs[0][0].tokens.len();
        let per_step = start.elapsed().as_secs_f64() * 1000.0 / steps as f64;
        eprintln!("{name}: {steps} steps, {per_step:.3} ms per step");
    }
}
