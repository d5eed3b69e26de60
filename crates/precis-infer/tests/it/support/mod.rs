//! What the integration tests share: the committed fixtures (tiny models and
//! what Hugging Face transformers and other reference tools recorded from
//! them, see scripts/make_fixtures*.py), copies a test may break, and the
//! data outside the repository (`../shared`, `models/downloads`) that tests
//! skip without.

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};
use precis_infer::generate::{Batch, GenerationConfig, GenerationOverrides};
use precis_infer::models::{AnyConfig, AnySeq2Seq, TensorSeq2Seq};
use precis_infer::quantize::Precision;
use precis_infer::tokenize::MarianTokenizer;
use precis_infer::tokenize::TextTokenizer;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// The tiny T5s: v1.0 (relu, tied lm_head) and v1.1 (gated-gelu, own lm_head).
pub const T5_MODELS: [&str; 2] = ["t5-tiny", "flan-t5-tiny"];

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `tests/fixtures/<relative>`, parsed; a panic that names the file otherwise.
pub fn fixture_json<T: DeserializeOwned>(relative: &str) -> T {
    let path = fixture_dir(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A copy of fixture `name` in a temporary folder, for a test to break.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let files: Vec<String> = std::fs::read_dir(fixture_dir(name))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    fixture_files(name, &files)
}

/// A temporary folder with only `files` of fixture `name`.
pub fn fixture_files(name: &str, files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        std::fs::copy(fixture_dir(name).join(file), dir.path().join(file)).unwrap();
    }
    dir
}

pub use precis_testdata::{downloaded, shared};

/// The fixture's `expected.json`: what transformers computed with the model.
#[derive(Debug, Deserialize)]
pub struct Expected {
    pub forward: Forward,
    pub generate: Vec<GenerateCase>,
    pub tokenizer: Vec<TokenizerCase>,
    /// The Marian fixtures' `MarianTokenizer` cases.
    #[serde(default)]
    pub marian_tokenizer: Vec<TokenizerCase>,
    /// Marian fixtures: ids of FLORES lines (in ../shared).
    #[serde(default)]
    pub flores_ids: Vec<FloresCase>,
    /// marian-sep-tiny: `generate` + `decode` with the folder's settings.
    #[serde(default)]
    pub translations: Vec<Translation>,
}

impl Expected {
    pub fn case(&self, name: &str) -> &GenerateCase {
        self.generate
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no generate case {name}"))
    }
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
    pub kwargs: serde_json::Map<String, Value>,
    pub input_ids: Vec<Vec<u32>>,
    pub attention_mask: Vec<Vec<u32>>,
    /// HF's output: decoder start token first, `</s>` last when generated.
    pub output_ids: Vec<Vec<u32>>,
}

impl GenerateCase {
    /// The case's `generate` keyword arguments as precis settings.
    pub fn overrides(&self) -> GenerationOverrides {
        GenerationOverrides::from_json(&Value::Object(self.kwargs.clone())).unwrap()
    }

    /// The settings HF ran the case with: fixture `name`'s own defaults
    /// (generation_config.json), then the case's keyword arguments.
    pub fn config(&self, name: &str) -> GenerationConfig {
        let defaults = GenerationConfig::from_model_dir(&fixture_dir(name), None).unwrap();
        defaults.generation.with(&self.overrides())
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenizerCase {
    pub text: String,
    pub ids: Vec<u32>,
    pub decoded: String,
    /// Decoded without clean-up of spaces (the tiny T5 and BART fixtures).
    pub decoded_raw: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FloresCase {
    pub line: usize,
    pub ids: Vec<u32>,
}

#[derive(Debug, Deserialize)]
pub struct Translation {
    pub text: String,
    pub translation: String,
}

pub fn expected(name: &str) -> Expected {
    fixture_json(&format!("{name}/expected.json"))
}

/// The tokenizers whose ids and text are compared with transformers'.
pub trait Tokenizer {
    fn encode(&self, text: &str) -> Vec<u32>;
    fn decode(&self, ids: &[u32]) -> String;
}

impl Tokenizer for TextTokenizer {
    fn encode(&self, text: &str) -> Vec<u32> {
        TextTokenizer::encode(self, text).unwrap()
    }

    fn decode(&self, ids: &[u32]) -> String {
        TextTokenizer::decode(self, ids).unwrap()
    }
}

impl Tokenizer for MarianTokenizer {
    fn encode(&self, text: &str) -> Vec<u32> {
        MarianTokenizer::encode(self, text).unwrap()
    }

    fn decode(&self, ids: &[u32]) -> String {
        MarianTokenizer::decode(self, ids)
    }
}

/// Every case's text encodes to its ids, and its ids decode to its text.
pub fn assert_tokenizes_like_transformers(
    what: &str,
    tokenizer: &impl Tokenizer,
    cases: &[TokenizerCase],
) {
    for case in cases {
        assert_eq!(
            tokenizer.encode(&case.text),
            case.ids,
            "{what}: {:?}",
            case.text
        );
        assert_eq!(
            tokenizer.decode(&case.ids),
            case.decoded,
            "{what}: {:?}",
            case.text
        );
    }
}

/// Loads the summarizer in `dir` as the family its config declares.
pub fn load_summarizer(
    dir: &Path,
    options: &precis_infer::Seq2SeqOptions,
) -> Result<precis_infer::Seq2SeqSummarizer, precis_infer::InferError> {
    let family = precis_infer::Family::detect(dir)?;
    let name = dir.display().to_string();
    precis_infer::Seq2SeqSummarizer::load(dir, precis_infer::ModelInfo::new(name, family), options)
}

/// The seq2seq model of fixture `name`, as the family its config declares.
pub fn load(name: &str, precision: Precision) -> AnySeq2Seq {
    let dir = fixture_dir(name);
    let config = AnyConfig::load(&dir.join("config.json")).unwrap();
    AnySeq2Seq::load(&config, &[dir.join("model.safetensors")], precision).unwrap()
}

pub fn batch(rows: &[Vec<u32>]) -> Tensor {
    Tensor::new(rows.to_vec(), &Device::Cpu).unwrap()
}

/// The engine's batch of recorded `input_ids` and `attention_mask` rows.
pub fn engine_batch(input_ids: &[Vec<u32>], attention_mask: &[Vec<u32>]) -> Batch {
    Batch::from_rows(input_ids, attention_mask).unwrap()
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
pub fn forced_logits<M: TensorSeq2Seq>(
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
