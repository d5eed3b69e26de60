//! Shared by the T5 tests: the committed tiny models and what Hugging Face
//! transformers computed with them (recorded by scripts/make_fixtures.py).

use std::path::PathBuf;

use candle_core::{Device, Tensor};
use precis_infer::generate::model::Seq2SeqModel;
use precis_infer::models::t5::{Config, T5};
use precis_infer::quantize::Precision;
use serde::Deserialize;

/// The tiny models: v1.0 (relu, tied lm_head) and v1.1 (gated-gelu, own lm_head).
pub const MODELS: [&str; 2] = ["t5-tiny", "flan-t5-tiny"];

/// Loads the summarizer in `dir` as the family its config declares.
pub fn load_summarizer(
    dir: &std::path::Path,
    options: &precis_infer::Seq2SeqOptions,
) -> Result<precis_infer::Seq2SeqSummarizer, precis_infer::InferError> {
    let family = precis_infer::Family::detect(dir)?;
    let name = dir.display().to_string();
    precis_infer::Seq2SeqSummarizer::load(dir, precis_infer::ModelInfo::new(name, family), options)
}

pub fn fixture_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[derive(Debug, Deserialize)]
pub struct Expected {
    pub forward: Forward,
    pub generate: Vec<GenerateCase>,
    pub tokenizer: Vec<TokenizerCase>,
}

#[derive(Debug, Deserialize)]
pub struct Forward {
    pub input_ids: Vec<Vec<u32>>,
    pub attention_mask: Vec<Vec<u32>>,
    pub encoder: Vec<EncoderRow>,
    pub decoder_input_ids: Vec<Vec<u32>>,
    pub decoder_logits: Vec<DecoderRow>,
}

#[derive(Debug, Deserialize)]
pub struct EncoderRow {
    pub length: usize,
    /// `[length, d_model]`, flattened.
    pub hidden_states: Vec<f32>,
}

#[derive(Debug, Deserialize)]
pub struct DecoderRow {
    pub row: usize,
    /// One `[vocab]` row per teacher-forced decoder position.
    pub logits: Vec<Vec<f32>>,
}

#[derive(Debug, Deserialize)]
pub struct GenerateCase {
    pub name: String,
    /// The keyword arguments given to HF `generate`.
    pub kwargs: serde_json::Map<String, serde_json::Value>,
    pub input_ids: Vec<Vec<u32>>,
    pub attention_mask: Vec<Vec<u32>>,
    /// HF's output: decoder start token first, `</s>` last when generated.
    pub output_ids: Vec<Vec<u32>>,
}

#[derive(Debug, Deserialize)]
pub struct TokenizerCase {
    pub text: String,
    pub ids: Vec<u32>,
    pub decoded: String,
    pub decoded_raw: String,
}

pub fn expected(name: &str) -> Expected {
    let path = fixture_dir(name).join("expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn load(name: &str, precision: Precision) -> T5 {
    let dir = fixture_dir(name);
    let config = Config::load(&dir.join("config.json")).unwrap();
    T5::from_safetensors(&[dir.join("model.safetensors")], &config, precision).unwrap()
}

pub fn batch(rows: &[Vec<u32>]) -> Tensor {
    Tensor::new(rows.to_vec(), &Device::Cpu).unwrap()
}

/// Largest absolute difference between two equally long slices.
pub fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "lengths differ");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Teacher-forced decoding: logits `[rows][steps][vocab]` after feeding
/// `tokens` one step at a time through the cache.
pub fn forced_logits<M: Seq2SeqModel>(
    model: &M,
    input_ids: &Tensor,
    mask: &Tensor,
    tokens: &[Vec<u32>],
) -> Vec<Vec<Vec<f32>>> {
    let encoded = model.encode(input_ids, mask).unwrap();
    let mut state = model.start(&encoded, mask).unwrap();
    let rows = tokens.len();
    let mut out = vec![Vec::new(); rows];
    for step in 0..tokens[0].len() {
        let column: Vec<u32> = tokens.iter().map(|t| t[step]).collect();
        let logits = model
            .step(&mut state, &Tensor::new(column, &Device::Cpu).unwrap())
            .unwrap();
        for (row, values) in logits.to_vec2::<f32>().unwrap().into_iter().enumerate() {
            out[row].push(values);
        }
    }
    out
}
