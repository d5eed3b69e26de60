//! Generation settings: Hugging Face's `GenerationConfig` fields with its
//! defaults, loaded from a model's `generation_config.json` / `config.json`
//! (plus `task_specific_params`), overridden by the caller and validated.
//! Resolving them for one model is [`super::plan`]'s job.

use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::GenerateError;

/// Upper bound on the decoder length (decoder start token included), whatever
/// a config asks for, so that generation always terminates in reasonable
/// time. Outputs cut by it are reported as unfinished.
pub const MAX_LENGTH_LIMIT: usize = 4096;

/// New tokens generated when neither `max_length` nor `max_new_tokens` is
/// set anywhere (transformers 5: "by default generate 20 new tokens").
pub const DEFAULT_NEW_TOKENS: usize = 20;

/// When beam search stops, as HF's `early_stopping`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EarlyStopping {
    /// `true`: stop as soon as `num_beams` hypotheses are finished.
    Enabled,
    /// `false` (HF's default): stop when the best running beam, scored at
    /// its current length, cannot beat the worst finished hypothesis.
    #[default]
    Heuristic,
    /// `"never"`: stop only when no running beam can beat the finished ones
    /// at any length up to `max_length` (exact search).
    Never,
}

impl Serialize for EarlyStopping {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Enabled => serializer.serialize_bool(true),
            Self::Heuristic => serializer.serialize_bool(false),
            Self::Never => serializer.serialize_str("never"),
        }
    }
}

impl<'de> Deserialize<'de> for EarlyStopping {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Flag(bool),
            Word(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Flag(true) => Ok(Self::Enabled),
            Raw::Flag(false) => Ok(Self::Heuristic),
            Raw::Word(word) if word == "never" => Ok(Self::Never),
            Raw::Word(word) => Err(serde::de::Error::custom(format!(
                "early_stopping must be true, false or \"never\", not \"{word}\""
            ))),
        }
    }
}

/// HF writes token-id fields such as `eos_token_id` as one id or a list.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u32>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        One(u32),
        Many(Vec<u32>),
    }
    Ok(
        Option::<Raw>::deserialize(deserializer)?.map(|raw| match raw {
            Raw::One(id) => vec![id],
            Raw::Many(ids) => ids,
        }),
    )
}

/// The most beams a search may keep. Every beam is a decoder state of its
/// own (KV cache, logits over the vocabulary), so the count bounds memory;
/// published models use 4 to 8.
pub const MAX_BEAMS: usize = 64;

/// How to generate: HF's `GenerationConfig` fields (same names, same
/// defaults, same meaning). Lengths count decoder tokens *including* the
/// decoder start token, as in HF (`max_length: 20` allows 19 new tokens);
/// `max_new_tokens` / `min_new_tokens` count generated tokens only and win
/// over `max_length` / `min_length`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerationConfig {
    /// Longest decoder sequence; `None`: [`DEFAULT_NEW_TOKENS`] new tokens.
    pub max_length: Option<usize>,
    /// Most generated tokens; wins over `max_length`.
    pub max_new_tokens: Option<usize>,
    /// Shortest decoder sequence: eos is banned before it.
    pub min_length: usize,
    /// Fewest generated tokens; wins over `min_length`.
    pub min_new_tokens: Option<usize>,
    /// 1: greedy search or sampling; more: beam search with that many beams.
    pub num_beams: usize,
    /// Hypotheses returned per input (at most `num_beams` in beam search).
    pub num_return_sequences: usize,
    /// Beam scores are divided by `length ** length_penalty`; > 0 favours
    /// longer outputs, < 0 shorter ones.
    pub length_penalty: f64,
    /// When beam search stops.
    pub early_stopping: EarlyStopping,
    /// Sample the next token instead of taking the most likely one.
    pub do_sample: bool,
    /// Sampling: logits are divided by it; < 1 sharpens, > 1 flattens.
    pub temperature: f64,
    /// 0 disables top-k (HF default 50, used only when sampling).
    pub top_k: usize,
    /// Sampling: keep the most likely tokens whose probabilities add up to
    /// `top_p` (1.0 disables it).
    pub top_p: f64,
    /// Not an HF field: seeds sampling so that outputs are reproducible.
    pub seed: u64,
    /// No n-gram of this size is generated twice (0 disables it).
    pub no_repeat_ngram_size: usize,
    /// Scores of tokens already generated are divided by it when positive
    /// and multiplied when negative; 1.0 disables it.
    pub repetition_penalty: f64,
    /// Token sequences that are never generated.
    pub bad_words_ids: Option<Vec<Vec<u32>>>,
    /// The token forced right after the decoder start token (mBART's
    /// target language code).
    pub forced_bos_token_id: Option<u32>,
    /// The token(s) forced when `max_length` is reached.
    #[serde(deserialize_with = "one_or_many")]
    pub forced_eos_token_id: Option<Vec<u32>>,
    /// `None`: the model's.
    pub decoder_start_token_id: Option<u32>,
    /// `None`: the model's.
    #[serde(deserialize_with = "one_or_many")]
    pub eos_token_id: Option<Vec<u32>>,
    /// Read for compatibility only: the engine returns unpadded sequences,
    /// so it never writes padding.
    pub pad_token_id: Option<u32>,
}

impl Default for GenerationConfig {
    fn default() -> Self {
        Self {
            max_length: None,
            max_new_tokens: None,
            min_length: 0,
            min_new_tokens: None,
            num_beams: 1,
            num_return_sequences: 1,
            length_penalty: 1.0,
            early_stopping: EarlyStopping::Heuristic,
            do_sample: false,
            temperature: 1.0,
            top_k: 50,
            top_p: 1.0,
            seed: 0,
            no_repeat_ngram_size: 0,
            repetition_penalty: 1.0,
            bad_words_ids: None,
            forced_bos_token_id: None,
            forced_eos_token_id: None,
            decoder_start_token_id: None,
            eos_token_id: None,
            pad_token_id: None,
        }
    }
}

/// Settings to change on top of a [`GenerationConfig`]: every field that is
/// `Some` replaces the config's value. Deserializes from HF JSON files (and
/// from catalog TOML) with the same field names; unknown keys and `null`s are
/// ignored, as HF does.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerationOverrides {
    /// Replaces [`GenerationConfig::max_length`].
    pub max_length: Option<usize>,
    /// Replaces [`GenerationConfig::max_new_tokens`].
    pub max_new_tokens: Option<usize>,
    /// Replaces [`GenerationConfig::min_length`].
    pub min_length: Option<usize>,
    /// Replaces [`GenerationConfig::min_new_tokens`].
    pub min_new_tokens: Option<usize>,
    /// Replaces [`GenerationConfig::num_beams`].
    pub num_beams: Option<usize>,
    /// Replaces [`GenerationConfig::num_return_sequences`].
    pub num_return_sequences: Option<usize>,
    /// Replaces [`GenerationConfig::length_penalty`].
    pub length_penalty: Option<f64>,
    /// Replaces [`GenerationConfig::early_stopping`].
    pub early_stopping: Option<EarlyStopping>,
    /// Replaces [`GenerationConfig::do_sample`].
    pub do_sample: Option<bool>,
    /// Replaces [`GenerationConfig::temperature`].
    pub temperature: Option<f64>,
    /// Replaces [`GenerationConfig::top_k`].
    pub top_k: Option<usize>,
    /// Replaces [`GenerationConfig::top_p`].
    pub top_p: Option<f64>,
    /// Replaces [`GenerationConfig::seed`].
    pub seed: Option<u64>,
    /// Replaces [`GenerationConfig::no_repeat_ngram_size`].
    pub no_repeat_ngram_size: Option<usize>,
    /// Replaces [`GenerationConfig::repetition_penalty`].
    pub repetition_penalty: Option<f64>,
    /// Replaces [`GenerationConfig::bad_words_ids`].
    pub bad_words_ids: Option<Vec<Vec<u32>>>,
    /// Replaces [`GenerationConfig::forced_bos_token_id`].
    pub forced_bos_token_id: Option<u32>,
    /// Replaces [`GenerationConfig::forced_eos_token_id`].
    #[serde(deserialize_with = "one_or_many")]
    pub forced_eos_token_id: Option<Vec<u32>>,
    /// Replaces [`GenerationConfig::decoder_start_token_id`].
    pub decoder_start_token_id: Option<u32>,
    /// Replaces [`GenerationConfig::eos_token_id`].
    #[serde(deserialize_with = "one_or_many")]
    pub eos_token_id: Option<Vec<u32>>,
    /// Replaces [`GenerationConfig::pad_token_id`].
    pub pad_token_id: Option<u32>,
}

impl GenerationOverrides {
    /// Reads the generation fields of an HF JSON object (`config.json`,
    /// `generation_config.json`, a `task_specific_params` entry). The error
    /// names the offending field.
    pub fn from_json(fields: &Value) -> Result<Self, String> {
        Self::deserialize(fields).map_err(|err| {
            let culprit = fields.as_object().and_then(|map| {
                map.iter().find(|(key, value)| {
                    Self::deserialize(&serde_json::json!({ key.as_str(): value })).is_err()
                })
            });
            match culprit {
                Some((key, value)) => format!("field `{key}` = {value}: {err}"),
                None => err.to_string(),
            }
        })
    }
}

macro_rules! overlay {
    ($config:ident, $overrides:ident; values: $($value:ident),*; options: $($option:ident),*) => {
        $(if let Some(v) = &$overrides.$value { $config.$value = v.clone(); })*
        $(if let Some(v) = &$overrides.$option { $config.$option = Some(v.clone()); })*
    };
}

/// A model's generation defaults for one task.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDefaults {
    /// The generation settings.
    pub generation: GenerationConfig,
    /// Text to put before the input, e.g. t5-small's "summarize: ".
    pub prefix: Option<String>,
    /// HF generation settings the model's files set (to something else than
    /// HF's default) but this engine does not implement (`typical_p`,
    /// `num_beam_groups`, …), as `field = value`; callers should tell the
    /// user that they are ignored.
    pub ignored: Vec<String>,
}

/// HF `GenerationConfig` fields the engine does not implement, with HF's
/// default (a file that sets one to its default loses nothing).
const UNSUPPORTED_FIELDS: [(&str, &str); 20] = [
    ("typical_p", "1.0"),
    ("epsilon_cutoff", "0.0"),
    ("eta_cutoff", "0.0"),
    ("min_p", "null"),
    ("top_h", "null"),
    ("num_beam_groups", "1"),
    ("diversity_penalty", "0.0"),
    ("encoder_repetition_penalty", "1.0"),
    ("encoder_no_repeat_ngram_size", "0"),
    ("renormalize_logits", "false"),
    ("remove_invalid_values", "false"),
    ("exponential_decay_length_penalty", "null"),
    ("suppress_tokens", "null"),
    ("begin_suppress_tokens", "null"),
    ("sequence_bias", "null"),
    ("guidance_scale", "null"),
    ("force_words_ids", "null"),
    ("stop_strings", "null"),
    ("penalty_alpha", "null"),
    ("dola_layers", "null"),
];

/// The [`UNSUPPORTED_FIELDS`] that `fields` sets to something else than
/// HF's default.
fn unsupported_settings(fields: &Value) -> Vec<String> {
    UNSUPPORTED_FIELDS
        .iter()
        .filter_map(|&(key, default)| {
            let value = fields.get(key).filter(|v| !v.is_null())?;
            let is_default = serde_json::from_str::<Value>(default).is_ok_and(|d| {
                d == *value || d.as_f64().is_some_and(|d| value.as_f64() == Some(d))
            });
            (!is_default).then(|| format!("{key} = {value}"))
        })
        .collect()
}

impl GenerationConfig {
    /// `self` with every `Some` field of `overrides` applied.
    pub fn with(mut self, overrides: &GenerationOverrides) -> Self {
        let config = &mut self;
        overlay!(config, overrides;
            values: min_length, num_beams, num_return_sequences, length_penalty, early_stopping,
                do_sample, temperature, top_k, top_p, seed, no_repeat_ngram_size, repetition_penalty;
            options: max_length, max_new_tokens, min_new_tokens, bad_words_ids, forced_bos_token_id,
                forced_eos_token_id, decoder_start_token_id, eos_token_id, pad_token_id);
        self
    }

    /// A model's defaults as transformers computes them: the fields of
    /// `generation_config.json` when the model has one, else the generation
    /// fields of `config.json`; then, when `task` is given (e.g.
    /// "summarization", "translation_en_to_de"), `config.json`'s
    /// `task_specific_params[task]` on top, as HF pipelines do. A task the
    /// model has no entry for changes nothing.
    pub fn from_hf_json(
        config_json: &Value,
        generation_config_json: Option<&Value>,
        task: Option<&str>,
    ) -> Result<TaskDefaults, String> {
        let base_json = generation_config_json.unwrap_or(config_json);
        let base = GenerationOverrides::from_json(base_json)?;
        let mut generation = Self::default().with(&base);
        let mut prefix = None;
        let mut ignored = unsupported_settings(base_json);
        let task_params = task.and_then(|task| config_json.get("task_specific_params")?.get(task));
        if let Some(params) = task_params {
            ignored.extend(unsupported_settings(params));
            let overrides = GenerationOverrides::from_json(params).map_err(|err| {
                format!("task_specific_params.{}: {err}", task.unwrap_or_default())
            })?;
            generation = generation.with(&overrides);
            prefix = params
                .get("prefix")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        Ok(TaskDefaults {
            generation,
            prefix,
            ignored,
        })
    }

    /// [`Self::from_hf_json`] on the files of a model folder.
    pub fn from_model_dir(dir: &Path, task: Option<&str>) -> Result<TaskDefaults, GenerateError> {
        let read = |name: &str| -> Result<Option<(std::path::PathBuf, Value)>, GenerateError> {
            let path = dir.join(name);
            if !path.is_file() {
                return Ok(None);
            }
            let text = std::fs::read_to_string(&path).map_err(|source| GenerateError::Io {
                context: format!("reading {}", path.display()),
                source,
            })?;
            let value = serde_json::from_str(&text).map_err(|err| GenerateError::BadConfig {
                path: path.clone(),
                detail: err.to_string(),
            })?;
            Ok(Some((path, value)))
        };
        let Some((config_path, config)) = read("config.json")? else {
            return Err(GenerateError::MissingFile {
                path: dir.to_path_buf(),
                file: "config.json".into(),
                fix: "point at a complete Hugging Face model folder".into(),
            });
        };
        let generation = read("generation_config.json")?;
        let path = generation
            .as_ref()
            .map_or(config_path, |(path, _)| path.clone());
        Self::from_hf_json(&config, generation.as_ref().map(|(_, value)| value), task)
            .map_err(|detail| GenerateError::BadConfig { path, detail })
    }

    /// Checks that do not need the model; [`generate`](super::generate) also
    /// runs them.
    pub fn validate(&self) -> Result<(), GenerateError> {
        let invalid = |message: String| Err(GenerateError::InvalidSettings(message));
        if self.num_beams == 0 {
            return invalid(
                "num_beams is 0; use 1 for greedy search or sampling, more for beam search".into(),
            );
        }
        if self.num_beams > MAX_BEAMS {
            return invalid(format!(
                "num_beams is {}; precis searches at most {MAX_BEAMS} beams (each holds its own decoder state, so memory grows with the beam count); use fewer",
                self.num_beams
            ));
        }
        if self.num_return_sequences == 0 {
            return invalid("num_return_sequences is 0; it must be at least 1".into());
        }
        if self.num_return_sequences > 1 && self.num_beams == 1 && !self.do_sample {
            return invalid(format!(
                "greedy search returns one sequence, but num_return_sequences is {}; use num_beams >= {0} or do_sample",
                self.num_return_sequences
            ));
        }
        if self.num_beams > 1 && self.num_return_sequences > self.num_beams {
            return invalid(format!(
                "num_return_sequences ({}) is larger than num_beams ({}); raise num_beams or return fewer sequences",
                self.num_return_sequences, self.num_beams
            ));
        }
        if self.max_new_tokens == Some(0) {
            return invalid("max_new_tokens is 0; it must be at least 1".into());
        }
        if !self.length_penalty.is_finite() {
            return invalid(format!(
                "length_penalty must be a finite number, not {}",
                self.length_penalty
            ));
        }
        if !(self.repetition_penalty > 0.0 && self.repetition_penalty.is_finite()) {
            return invalid(format!(
                "repetition_penalty must be a positive number (1.0 = off), not {}",
                self.repetition_penalty
            ));
        }
        if self.do_sample && !(self.temperature > 0.0 && self.temperature.is_finite()) {
            return invalid(format!(
                "temperature must be a positive number when sampling, not {}; for greedy output set do_sample to false",
                self.temperature
            ));
        }
        if self.do_sample && !(0.0..=1.0).contains(&self.top_p) {
            return invalid(format!("top_p must be between 0 and 1, not {}", self.top_p));
        }
        if self
            .bad_words_ids
            .as_ref()
            .is_some_and(|words| words.iter().any(Vec::is_empty))
        {
            return invalid("bad_words_ids contains an empty sequence; remove it".into());
        }
        Ok(())
    }
}
