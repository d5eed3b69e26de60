//! [`Translator`]: translation with a Bergamot model folder (Marian binary
//! model, lexical shortlist, `tokenizer.json` and decoder config, as
//! shipped by Firefox Translations) through the [`Translate`] trait.
//!
//! Each input line is split into sentences, sentences are translated in
//! batches sorted by length (greedy decoding, as Bergamot ships with beam
//! size 1) and put back together line by line.

use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor, D};
use tokenizers::Tokenizer;

use crate::models::bergamot::{scalars, BergamotNet, MarianFile, Shortlist};
use crate::{InferError, ModelInfo, Translate, Translation};

/// Marian's end-of-sentence id; also the padding id.
const EOS: u32 = 0;

/// Decoder settings from the model's `config.*.yml`.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeSettings {
    /// Longest output, in tokens, per source token (EOS included).
    pub max_length_factor: f32,
    /// Sentences decoded together.
    pub batch_size: usize,
}

impl Default for DecodeSettings {
    fn default() -> Self {
        Self {
            max_length_factor: 2.5,
            batch_size: 64,
        }
    }
}

/// A loaded Bergamot translator.
pub struct Translator {
    info: ModelInfo,
    net: BergamotNet,
    shortlist: Option<Shortlist>,
    tokenizer: Tokenizer,
    settings: DecodeSettings,
}

/// The one file in `folder` whose name matches, or a `MissingFile` error.
fn find_file(
    folder: &Path,
    what: &str,
    matches: impl Fn(&str) -> bool,
) -> Result<Option<PathBuf>, InferError> {
    let entries = std::fs::read_dir(folder).map_err(|source| InferError::Io {
        context: format!("listing model folder {}", folder.display()),
        source,
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&matches))
        .collect();
    found.sort();
    if found.len() > 1 {
        return Err(InferError::BadConfig {
            path: folder.to_path_buf(),
            detail: format!("it holds several {what} files ({found:?}); keep one"),
        });
    }
    Ok(found.pop())
}

impl Translator {
    /// Loads a Bergamot model folder: `model.*.bin`, `tokenizer.json`, and
    /// optionally `lex.*.s2t.bin` (shortlist) and `config.*.yml`.
    pub fn from_folder(folder: &Path, name: &str) -> Result<Self, InferError> {
        let fetch = "run `just models` to fetch the Bergamot models, or pass a folder with a Firefox Translations model";
        let missing = |file: &str| InferError::MissingFile {
            path: folder.to_path_buf(),
            file: file.to_string(),
            fix: fetch.to_string(),
        };
        if !folder.is_dir() {
            return Err(missing("model"));
        }
        let model_path = find_file(folder, "model", |n| {
            n.starts_with("model") && n.ends_with(".bin")
        })?
        .ok_or_else(|| missing("model.*.bin"))?;
        let tokenizer_path = folder.join("tokenizer.json");
        if !tokenizer_path.is_file() {
            return Err(missing("tokenizer.json"));
        }
        let tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| InferError::Tokenizer(format!("{}: {e}", tokenizer_path.display())))?;
        let shortlist_path = find_file(folder, "shortlist", |n| {
            n.starts_with("lex.") && n.ends_with(".bin")
        })?;
        let settings = match find_file(folder, "decoder config", |n| {
            n.starts_with("config") && n.ends_with(".yml")
        })? {
            Some(path) => read_settings(&path)?,
            None => DecodeSettings::default(),
        };
        let file = MarianFile::open(&model_path)?;
        let net = BergamotNet::load(&file, &Device::Cpu).map_err(|e| match e {
            InferError::BadWeights { detail, .. } => InferError::BadWeights {
                path: model_path.clone(),
                detail,
            },
            other => other,
        })?;
        let shortlist = match shortlist_path {
            Some(path) => {
                let list = Shortlist::open(&path)?;
                list.check_vocab(net.vocab_size())
                    .map_err(|detail| InferError::BadWeights { path, detail })?;
                Some(list)
            }
            None => None,
        };
        let info = ModelInfo {
            name: name.to_string(),
            family: "bergamot".to_string(),
            revision: None,
        };
        Ok(Self {
            info,
            net,
            shortlist,
            tokenizer,
            settings,
        })
    }

    pub fn settings(&self) -> &DecodeSettings {
        &self.settings
    }

    /// Token ids of one sentence, EOS-terminated as Marian expects.
    fn encode(&self, text: &str) -> Result<Vec<u32>, InferError> {
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| InferError::Tokenizer(e.to_string()))?;
        let mut ids = encoding.get_ids().to_vec();
        ids.push(EOS);
        Ok(ids)
    }

    /// Translates sentences (each on its own; the result does not depend
    /// on which sentences share a batch).
    pub fn translate_sentences(&self, sentences: &[&str]) -> Result<Vec<String>, InferError> {
        let sources = sentences
            .iter()
            .map(|s| self.encode(s))
            .collect::<Result<Vec<_>, _>>()?;
        let mut order: Vec<usize> = (0..sources.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sources.get(i).map_or(0, Vec::len)));
        let mut outputs = vec![String::new(); sources.len()];
        for chunk in order.chunks(self.settings.batch_size.max(1)) {
            let batch: Vec<&[u32]> = chunk
                .iter()
                .filter_map(|&i| sources.get(i).map(Vec::as_slice))
                .collect();
            let decoded = self.decode_batch(&batch)?;
            for (&i, ids) in chunk.iter().zip(decoded) {
                let text = self
                    .tokenizer
                    .decode(&ids, true)
                    .map_err(|e| InferError::Tokenizer(e.to_string()))?;
                if let Some(slot) = outputs.get_mut(i) {
                    *slot = text;
                }
            }
        }
        Ok(outputs)
    }

    /// Greedy decoding of one batch of EOS-terminated sources; returns the
    /// output ids of each, without EOS.
    fn decode_batch(&self, sources: &[&[u32]]) -> Result<Vec<Vec<u32>>, InferError> {
        let rows = sources.len();
        let width = sources.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(rows * width);
        let mut mask = Vec::with_capacity(rows * width);
        for source in sources {
            ids.extend(
                source
                    .iter()
                    .copied()
                    .chain(std::iter::repeat(EOS))
                    .take(width),
            );
            mask.extend((0..width).map(|i| u32::from(i < source.len())));
        }
        let device = Device::Cpu;
        let ids = Tensor::from_vec(ids, (rows, width), &device)?;
        let mask = Tensor::from_vec(mask, (rows, width), &device)?;
        let encoded = self.net.encode(&ids, &mask)?;
        let allowed: Option<Vec<Vec<u32>>> = self.shortlist.as_ref().map(|list| {
            sources
                .iter()
                .map(|s| list.allowed(s, self.net.vocab_size()))
                .collect()
        });
        let mut state = self.net.start(&encoded, &mask, allowed.as_deref())?;
        let limits: Vec<usize> = sources
            .iter()
            .map(|s| (self.settings.max_length_factor * s.len() as f32) as usize)
            .collect();
        let mut outputs = vec![Vec::new(); rows];
        // Rows of the state still decoding, as indices into `outputs`.
        let mut active: Vec<usize> = (0..rows).collect();
        let mut tokens = Tensor::zeros(rows, candle_core::DType::U32, &device)?;
        while !active.is_empty() {
            let logits = self.net.step(&mut state, &tokens)?;
            let best: Vec<u32> = logits.argmax(D::Minus1)?.to_vec1()?;
            let mut keep = Vec::with_capacity(active.len());
            let mut next = Vec::with_capacity(active.len());
            for (row, (&out, &token)) in active.iter().zip(&best).enumerate() {
                let (Some(output), Some(&limit)) = (outputs.get_mut(out), limits.get(out)) else {
                    continue;
                };
                if token == EOS {
                    continue;
                }
                output.push(token);
                if output.len() < limit {
                    keep.push(row as u32);
                    next.push(token);
                }
            }
            if keep.len() < active.len() {
                let kept: Vec<usize> = keep
                    .iter()
                    .filter_map(|&r| active.get(r as usize).copied())
                    .collect();
                active = kept;
                if !active.is_empty() {
                    let n = keep.len();
                    self.net
                        .select_rows(&mut state, &Tensor::from_vec(keep, n, &device)?)?;
                }
            }
            let n = next.len();
            tokens = Tensor::from_vec(next, n, &device)?;
        }
        Ok(outputs)
    }
}

fn read_settings(path: &Path) -> Result<DecodeSettings, InferError> {
    let text = std::fs::read_to_string(path).map_err(|source| InferError::Io {
        context: format!("reading decoder config {}", path.display()),
        source,
    })?;
    let keys = scalars(&text);
    let bad = |detail: String| InferError::BadConfig {
        path: path.to_path_buf(),
        detail,
    };
    let defaults = DecodeSettings::default();
    let max_length_factor = match keys.get("max-length-factor") {
        Some(v) => v
            .parse::<f32>()
            .ok()
            .filter(|f| *f > 0.0)
            .ok_or_else(|| bad(format!("max-length-factor `{v}` is not a positive number")))?,
        None => defaults.max_length_factor,
    };
    let batch_size = match keys.get("mini-batch") {
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| bad(format!("mini-batch `{v}` is not a positive integer")))?,
        None => defaults.batch_size,
    };
    if let Some(beam) = keys.get("beam-size").filter(|&&b| b != "1") {
        return Err(bad(format!(
            "beam-size {beam} is not supported yet; Bergamot models ship with beam-size 1"
        )));
    }
    Ok(DecodeSettings {
        max_length_factor,
        batch_size,
    })
}

impl Translate for Translator {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn translate_lines(&self, lines: &[&str]) -> Result<Translation, InferError> {
        let split: Vec<Vec<&str>> = lines
            .iter()
            .map(|line| precis_clean::sentences(line))
            .collect();
        let flat: Vec<&str> = split.iter().flatten().copied().collect();
        let mut translated = self.translate_sentences(&flat)?.into_iter();
        let lines = split
            .iter()
            .map(|sentences| {
                translated
                    .by_ref()
                    .take(sentences.len())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        Ok(Translation {
            lines,
            model: self.info.clone(),
            warnings: Vec::new(),
        })
    }
}
