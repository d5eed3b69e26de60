//! [`OpusMtTranslator`]: translation with a Hugging Face Marian (opus-mt)
//! folder — config.json, safetensors weights, `source.spm`, `vocab.json` —
//! through the [`Translate`] trait. Lines are split into sentences,
//! sentences are translated in batches (longest first, so padding is small)
//! with the model's own generation settings (opus-mt: 4 beams), those of its
//! catalog entry and the caller's, and put back together line by line.

use std::path::Path;
use std::time::Instant;

use crate::files::safetensors_files;
use crate::generate::{generate_until, Batch, GenerationConfig, GenerationOverrides};
use crate::models::bart::{Bart, Config};
use crate::quantize::Precision;
use crate::task::translate_by_segment;
use crate::threads;
use crate::tokenize::MarianTokenizer;
use crate::{Family, InferError, ModelInfo, Segmentation, TaskDefaults, Translate, Translation};

/// Sentences decoded together.
const BATCH_SIZE: usize = 8;

/// Longest line, in tokens, that [`Segmentation::Line`] translates whole
/// (less when the model has fewer positions): opus-mt was trained on
/// sentences, and its outputs get unreliable well before its 512 positions.
const MAX_LINE_TOKENS: usize = 256;

/// Options of [`OpusMtTranslator::load`].
#[derive(Debug, Clone, Default)]
pub struct OpusMtOptions {
    /// The output language (`de`, `por`, …): multi-target models need it to
    /// pick their `>>lang<<` token; single-target models ignore it.
    pub target: String,
    /// The catalog entry's `translate` settings, applied between the
    /// folder's own and [`OpusMtOptions::generation`].
    pub task: TaskDefaults,
    /// Generation settings on top of the model's and the catalog's.
    pub generation: GenerationOverrides,
    /// Weights of the linear layers as stored (f32) or quantized (q8).
    pub precision: Precision,
}

/// A loaded opus-mt translator.
#[derive(Debug, Clone)]
pub struct OpusMtTranslator {
    info: ModelInfo,
    model: Bart,
    tokenizer: MarianTokenizer,
    generation: GenerationConfig,
    /// `>>lang<<` put before every sentence for multi-target models.
    prefix: String,
}

impl OpusMtTranslator {
    /// Loads the opus-mt folder `dir`; `info` names it in translations.
    ///
    /// ```no_run
    /// use precis_infer::{Family, ModelInfo, OpusMtOptions, OpusMtTranslator, Segmentation, Translate};
    ///
    /// let dir = std::path::Path::new("models/opus-mt-en-de");
    /// let options = OpusMtOptions { target: "de".into(), ..Default::default() };
    /// let translator = OpusMtTranslator::load(dir, ModelInfo::new("opus-mt-en-de", Family::Marian), &options)?;
    /// let translation = translator.translate_lines(&["The ferry is back."], Segmentation::Sentence)?;
    /// println!("{}", translation.lines[0]);
    /// # Ok::<(), precis_infer::InferError>(())
    /// ```
    pub fn load(dir: &Path, info: ModelInfo, options: &OpusMtOptions) -> Result<Self, InferError> {
        let name = info.name.as_str();
        crate::integrity::verify(dir)?;
        let config = Config::load(&dir.join("config.json"))?;
        let model = Bart::from_safetensors(&safetensors_files(dir)?, &config, options.precision)?;
        let tokenizer = MarianTokenizer::from_dir(dir)?.fit_model(config.vocab_size)?;
        let codes = tokenizer.language_codes();
        let target = &options.target;
        let prefix = if codes.is_empty() {
            String::new()
        } else {
            let code = format!(">>{target}<<");
            if !codes.contains(&code.as_str()) {
                return Err(InferError::InvalidSettings(format!(
                    "model {name} translates into several languages and `{target}` is not one of them; use one of: {}",
                    codes.join(" ")
                )));
            }
            format!("{code} ")
        };
        let mut generation = GenerationConfig::from_model_dir(dir, None)?
            .generation
            .with(&options.task.generation)
            .with(&options.generation);
        // The decoder has no position past its table: a longer limit (the
        // catalog's 512 on a smaller model) would fail mid-sentence, so it
        // is cut to fit, and outputs that reach it are reported as cut.
        let positions = config.max_position_embeddings;
        generation.max_length = generation.max_length.map(|l| l.min(positions));
        generation.max_new_tokens = generation
            .max_new_tokens
            .map(|n| n.min(positions.saturating_sub(1)));
        generation.validate()?;
        Ok(Self {
            info: ModelInfo {
                family: Family::Marian,
                ..info
            },
            model,
            tokenizer,
            generation,
            prefix,
        })
    }

    /// Translates sentences; the `bool` says the length limit cut it.
    pub fn translate_sentences(
        &self,
        sentences: &[&str],
    ) -> Result<Vec<(String, bool)>, InferError> {
        self.translate_sentences_until(sentences, None)
    }

    /// [`Self::translate_sentences`], giving up with
    /// [`InferError::TimedOut`] once `deadline` passes.
    pub fn translate_sentences_until(
        &self,
        sentences: &[&str],
        deadline: Option<Instant>,
    ) -> Result<Vec<(String, bool)>, InferError> {
        let sources = sentences
            .iter()
            .map(|s| self.tokenizer.encode(&format!("{}{s}", self.prefix)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut order: Vec<usize> = (0..sources.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sources.get(i).map_or(0, Vec::len)));
        let mut out = vec![(String::new(), false); sources.len()];
        let pad = self.model.config().special_tokens().pad;
        for chunk in order.chunks(BATCH_SIZE) {
            let rows: Vec<Vec<u32>> = chunk
                .iter()
                .filter_map(|&i| sources.get(i).cloned())
                .collect();
            let batch = Batch::pad(&rows, pad);
            let generation = threads::on_pool(|| {
                generate_until(&self.model, &batch, &self.generation, deadline)
            })?;
            for (&i, hypotheses) in chunk.iter().zip(&generation.outputs) {
                if let (Some(best), Some(slot)) = (hypotheses.first(), out.get_mut(i)) {
                    *slot = (self.tokenizer.decode(&best.tokens), !best.finished);
                }
            }
        }
        Ok(out)
    }
}

impl Translate for OpusMtTranslator {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn translate_lines_until(
        &self,
        lines: &[&str],
        segmentation: Segmentation,
        deadline: Option<Instant>,
    ) -> Result<Translation, InferError> {
        let fits = |line: &str| -> Result<bool, InferError> {
            let tokens = self.tokenizer.encode(&format!("{}{line}", self.prefix))?;
            Ok(tokens.len() <= MAX_LINE_TOKENS.min(self.model.config().max_position_embeddings))
        };
        let knows = |c: char| self.tokenizer.knows(c);
        translate_by_segment(&self.info, lines, segmentation, fits, knows, |sentences| {
            let translated = self.translate_sentences_until(sentences, deadline)?;
            Ok(sentences
                .iter()
                .zip(translated)
                .map(|(sentence, (text, cut))| {
                    let warnings = cut.then(|| format!(
                        "the translation of \"{sentence}\" reached the length limit and may be incomplete; raise max_length"
                    ));
                    (text, warnings.into_iter().collect())
                })
                .collect())
        })
    }
}
