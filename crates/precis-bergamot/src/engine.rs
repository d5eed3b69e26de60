//! [`BergamotModel`]: translation with a Bergamot model folder (Marian
//! binary model, lexical shortlist, `tokenizer.json` and decoder config, as
//! shipped by Firefox Translations).
//!
//! Sentences are cut into pieces the model takes, translated in batches
//! sorted by length through the shared generation engine (greedy, as
//! Bergamot ships with beam size 1) on `workers` threads, and put back
//! together sentence by sentence.

use std::path::{Path, PathBuf};
use std::time::Instant;

use precis_generate::{generate_until, Batch, GenerationConfig};
use tokenizers::Tokenizer;

use crate::config::scalars;
use crate::model::{BergamotNet, EOS};
use crate::shortlist::Shortlist;
use crate::{BergamotError, MarianFile};

/// Longest source, in tokens with EOS. A longer line is translated
/// sentence by sentence, and a longer sentence (a line with no punctuation,
/// a list flattened into one sentence) in pieces: the model was trained on
/// sentences, and attention memory grows with the square of the length.
/// Bergamot breaks at 128; 256 keeps real sentences whole.
pub const MAX_SOURCE_TOKENS: usize = 256;

/// How to decode: the model's `config.*.yml` settings plus precis's own
/// batching.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeSettings {
    /// Longest output, in tokens, per source token (EOS included).
    pub max_length_factor: f32,
    /// 1: greedy decoding.
    pub beam_size: usize,
    /// Sources decoded together: the config's `mini-batch`. Outputs do not
    /// depend on batching; larger batches share each step's reads of the
    /// output embeddings (the batch's shortlist union) among more rows.
    pub batch_size: usize,
    /// Batches decoded at once, each on its own thread; one per core. The
    /// network's kernels are single-threaded: the tiny model's matrices are
    /// too small to share out across threads.
    pub workers: usize,
}

impl Default for DecodeSettings {
    fn default() -> Self {
        Self {
            max_length_factor: 2.5,
            beam_size: 1,
            batch_size: 64,
            workers: 1,
        }
    }
}

/// A loaded Bergamot model folder: the network, its shortlist, tokenizer
/// and decoding settings. It translates sentences; cutting text into
/// sentences is the caller's job.
pub struct BergamotModel {
    net: BergamotNet,
    shortlist: Option<Shortlist>,
    tokenizer: Tokenizer,
    settings: DecodeSettings,
    pair: Option<String>,
    vocabularies: Vec<PathBuf>,
}

/// The language pair a Firefox Translations file name carries (`enpt` in
/// `model.enpt.intgemm.alphas.bin`, `lex.50.50.enpt.s2t.bin`,
/// `vocab.enpt.spm`, `srcvocab.enpt.spm`), if it is one of those files.
fn pair_tag(file_name: &str) -> Option<&str> {
    let parts: Vec<&str> = file_name.split('.').collect();
    let tag = match parts.first()? {
        &"model" | &"vocab" | &"srcvocab" | &"trgvocab" => parts.get(1)?,
        &"lex" => parts.get(parts.iter().position(|&p| p == "s2t")?.checked_sub(1)?)?,
        _ => return None,
    };
    let letters = (4..=6).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_lowercase());
    letters.then_some(*tag)
}

/// The one language pair the named files carry: files of different pairs
/// in one folder (a shortlist or vocabulary copied from the other
/// direction) are an error naming them.
fn folder_pair<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Option<String>, String> {
    let mut tagged: Vec<(&str, &str)> = names
        .into_iter()
        .filter_map(|name| pair_tag(name).map(|tag| (name, tag)))
        .collect();
    tagged.sort();
    match tagged.first() {
        None => Ok(None),
        Some(&(first, pair)) => match tagged.iter().find(|(_, tag)| *tag != pair) {
            Some((other, tag)) => Err(format!(
                "{first} is named for the pair `{pair}` but {other} for `{tag}`; one of them belongs to another model"
            )),
            None => Ok(Some(pair.to_string())),
        },
    }
}

/// The names of the files in `folder`.
fn file_names(folder: &Path) -> Result<Vec<String>, BergamotError> {
    let entries = std::fs::read_dir(folder).map_err(|source| BergamotError::Io {
        context: format!("listing model folder {}", folder.display()),
        source,
    })?;
    Ok(entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect())
}

/// The one file among `names` (of `folder`) that matches, or an error when
/// several do.
fn find_file(
    folder: &Path,
    names: &[String],
    what: &str,
    matches: impl Fn(&str) -> bool,
) -> Result<Option<PathBuf>, BergamotError> {
    let mut found: Vec<PathBuf> = names
        .iter()
        .filter(|n| matches(n))
        .map(|n| folder.join(n))
        .collect();
    found.sort();
    if found.len() > 1 {
        return Err(BergamotError::BadConfig {
            path: folder.to_path_buf(),
            detail: format!("it holds several {what} files ({found:?}); keep one"),
        });
    }
    Ok(found.pop())
}

impl BergamotModel {
    /// Loads a Bergamot model folder: `model.*.bin`, `tokenizer.json`, and
    /// optionally `lex.*.s2t.bin` (shortlist), `vocab.*.spm` and
    /// `config.*.yml`. Files that do not belong together are refused: names
    /// of different language pairs, a shortlist or tokenizer of another
    /// vocabulary size, an empty vocabulary, weights that read as damaged.
    ///
    /// ```no_run
    /// let folder = std::path::Path::new("models/bergamot-enpt");
    /// let model = precis_bergamot::BergamotModel::load(folder)?;
    /// println!("{}", model.translate_sentences(&["The ferry is back."])?[0]);
    /// # Ok::<(), precis_bergamot::BergamotError>(())
    /// ```
    pub fn load(folder: &Path) -> Result<Self, BergamotError> {
        let missing = |file: &str| {
            BergamotError::MissingFile {
            path: folder.to_path_buf(),
            file: file.to_string(),
            fix: "a Firefox Translations model folder has model.*.bin and tokenizer.json, and may have lex.*.s2t.bin and config.*.yml".to_string(),
        }
        };
        if !folder.is_dir() {
            return Err(missing("model"));
        }
        let names = file_names(folder)?;
        let model_path = find_file(folder, &names, "model", |n| {
            n.starts_with("model") && n.ends_with(".bin")
        })?
        .ok_or_else(|| missing("model.*.bin"))?;
        let tokenizer_path = folder.join("tokenizer.json");
        if !tokenizer_path.is_file() {
            return Err(missing("tokenizer.json"));
        }
        let tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| BergamotError::Tokenizer(format!("{}: {e}", tokenizer_path.display())))?;
        let shortlist_path = find_file(folder, &names, "shortlist", |n| {
            n.starts_with("lex.") && n.ends_with(".bin")
        })?;
        let settings = match find_file(folder, &names, "decoder config", |n| {
            n.starts_with("config") && n.ends_with(".yml")
        })? {
            Some(path) => read_settings(&path)?,
            None => DecodeSettings::default(),
        };
        let mismatch = |detail: String| BergamotError::Mismatch {
            path: folder.to_path_buf(),
            detail,
        };
        let pair = folder_pair(names.iter().map(String::as_str)).map_err(mismatch)?;
        let mut vocabularies = Vec::new();
        for name in names.iter().filter(|n| n.ends_with(".spm")) {
            let path = folder.join(name);
            let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if len == 0 {
                return Err(BergamotError::BadWeights {
                    path,
                    detail: "the vocabulary file is empty".into(),
                });
            }
            vocabularies.push(path);
        }
        let file = MarianFile::open(&model_path)?;
        let net = BergamotNet::load(&file).map_err(|e| match e {
            BergamotError::BadWeights { detail, .. } => BergamotError::BadWeights {
                path: model_path.clone(),
                detail,
            },
            other => other,
        })?;
        let shortlist = match shortlist_path {
            Some(path) => {
                let list = Shortlist::open(&path)?;
                list.check_vocab(net.vocab_size())
                    .map_err(|detail| mismatch(format!("{}: {detail}", path.display())))?;
                Some(list)
            }
            None => None,
        };
        let pieces = tokenizer.get_vocab_size(true);
        if pieces != net.vocab_size() {
            return Err(mismatch(format!(
                "tokenizer.json has {pieces} pieces but {} has embeddings for {}",
                model_path.display(),
                net.vocab_size()
            )));
        }
        Ok(Self {
            net,
            shortlist,
            tokenizer,
            settings,
            pair,
            vocabularies,
        })
    }

    /// The language pair its file names carry (`enpt`: English to
    /// Portuguese), when they carry one.
    pub fn pair(&self) -> Option<&str> {
        self.pair.as_deref()
    }

    /// Its SentencePiece vocabulary files (`vocab.*.spm`), which
    /// `tokenizer.json` was made from: a caller that reads them can check
    /// that the two agree.
    pub fn vocabulary_files(&self) -> &[PathBuf] {
        &self.vocabularies
    }

    /// The tokenizer (`tokenizer.json`).
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// The decoding settings it was loaded with.
    pub fn settings(&self) -> &DecodeSettings {
        &self.settings
    }

    /// Decodes up to `workers` batches at once (see [`DecodeSettings::workers`]).
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.settings.workers = workers.max(1);
        self
    }

    /// Whether `text` fits the model whole ([`MAX_SOURCE_TOKENS`]), so a
    /// line can be translated without cutting it into sentences.
    pub fn fits(&self, text: &str) -> Result<bool, BergamotError> {
        let tokens = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| BergamotError::Tokenizer(e.to_string()))?
            .len();
        Ok(tokens < MAX_SOURCE_TOKENS)
    }

    /// Whether the vocabulary has a piece for `c`: a character it lacks
    /// reaches the network as `<unk>`.
    pub fn knows(&self, c: char) -> Result<bool, BergamotError> {
        let Some(unk) = self.tokenizer.token_to_id("<unk>") else {
            return Ok(true);
        };
        let encoding = self
            .tokenizer
            .encode(c.to_string(), false)
            .map_err(|e| BergamotError::Tokenizer(e.to_string()))?;
        Ok(!encoding.get_ids().contains(&unk))
    }

    /// Token ids of one sentence in EOS-terminated pieces of at most
    /// [`MAX_SOURCE_TOKENS`], broken before a word start when one is near,
    /// and the parts of the text the model cannot read: characters outside
    /// its vocabulary (`<unk>`: emoji, rare scripts) and text that reads as
    /// its end-of-sentence token (`</s>`), which are left out of the source.
    fn encode(&self, text: &str) -> Result<(Vec<Vec<u32>>, Vec<String>), BergamotError> {
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| BergamotError::Tokenizer(e.to_string()))?;
        let unknown = self.tokenizer.token_to_id("<unk>");
        let mut kept = Vec::with_capacity(encoding.len());
        let mut dropped: Vec<String> = Vec::new();
        for (&id, &(start, end)) in encoding.get_ids().iter().zip(encoding.get_offsets()) {
            if id == EOS || Some(id) == unknown {
                let span = text.get(start..end).unwrap_or_default().trim();
                if !span.is_empty() && !dropped.iter().any(|d| d == span) {
                    dropped.push(span.to_string());
                }
                if id == EOS {
                    continue;
                }
            }
            kept.push(id);
        }
        let mut ids = kept.as_slice();
        let mut pieces = Vec::new();
        let room = MAX_SOURCE_TOKENS - 1;
        while ids.len() > room {
            let word_start = (room / 2..room).rev().find(|&i| {
                ids.get(i)
                    .and_then(|&id| self.tokenizer.id_to_token(id))
                    .is_some_and(|t| t.starts_with('\u{2581}'))
            });
            let (piece, rest) = ids.split_at(word_start.unwrap_or(room));
            pieces.push(piece.iter().copied().chain([EOS]).collect());
            ids = rest;
        }
        pieces.push(ids.iter().copied().chain([EOS]).collect());
        Ok((pieces, dropped))
    }

    /// Translates sentences, each on its own: with greedy decoding the
    /// result does not depend on which sentences share a batch.
    pub fn translate_sentences(&self, sentences: &[&str]) -> Result<Vec<String>, BergamotError> {
        Ok(self
            .translate_segments(sentences)?
            .into_iter()
            .map(|s| s.text)
            .collect())
    }

    /// Translates sentences, each on its own, saying per sentence whether
    /// the length limit cut it and in how many pieces it was translated.
    pub fn translate_segments(&self, sentences: &[&str]) -> Result<Vec<Segment>, BergamotError> {
        self.translate_segments_until(sentences, None)
    }

    /// [`Self::translate_segments`], giving up once `deadline` passes
    /// (every worker checks it before each decoder step).
    pub fn translate_segments_until(
        &self,
        sentences: &[&str],
        deadline: Option<Instant>,
    ) -> Result<Vec<Segment>, BergamotError> {
        // `owners[i]`: the sentence source piece `i` belongs to.
        let mut sources = Vec::new();
        let mut owners = Vec::new();
        let mut outputs = vec![Segment::default(); sentences.len()];
        for ((owner, sentence), output) in sentences.iter().enumerate().zip(&mut outputs) {
            let (pieces, dropped) = self.encode(sentence)?;
            output.dropped = dropped;
            for piece in pieces {
                sources.push(piece);
                owners.push(owner);
            }
        }
        let mut order: Vec<usize> = (0..sources.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sources.get(i).map_or(0, Vec::len)));
        // Fewer sources than full batches for every worker: smaller batches,
        // so every worker gets one.
        let batch_size = self
            .settings
            .batch_size
            .min(sources.len().div_ceil(self.settings.workers.max(1)))
            .max(1);
        let chunks: Vec<&[usize]> = order.chunks(batch_size).collect();
        let workers = self.settings.workers.clamp(1, chunks.len().max(1));
        // Worker `w` takes chunks w, w + workers, …: similar lengths each.
        let results: Vec<Result<Vec<(usize, Segment)>, BergamotError>> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|w| {
                        let mine: Vec<&[usize]> =
                            chunks.iter().skip(w).step_by(workers).copied().collect();
                        let sources = &sources;
                        scope.spawn(move || {
                            let mut done = Vec::new();
                            for chunk in mine {
                                done.extend(self.translate_chunk(chunk, sources, deadline)?);
                            }
                            Ok(done)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or(Err(BergamotError::WorkerPanicked)))
                    .collect()
            });
        let mut pieces = vec![Segment::default(); sources.len()];
        for result in results {
            for (i, segment) in result? {
                if let Some(slot) = pieces.get_mut(i) {
                    *slot = segment;
                }
            }
        }
        for (piece, &owner) in pieces.into_iter().zip(&owners) {
            if let Some(out) = outputs.get_mut(owner) {
                if out.pieces > 0 {
                    out.text.push(' ');
                }
                out.text.push_str(&piece.text);
                out.cut |= piece.cut;
                out.pieces += 1;
            }
        }
        Ok(outputs)
    }

    /// Translates the sources at indices `chunk` as one batch.
    fn translate_chunk(
        &self,
        chunk: &[usize],
        sources: &[Vec<u32>],
        deadline: Option<Instant>,
    ) -> Result<Vec<(usize, Segment)>, BergamotError> {
        let batch: Vec<&[u32]> = chunk
            .iter()
            .filter_map(|&i| sources.get(i).map(Vec::as_slice))
            .collect();
        chunk
            .iter()
            .zip(self.decode_batch(&batch, deadline)?)
            .map(|(&i, (ids, cut))| {
                let text = self
                    .tokenizer
                    .decode(&ids, true)
                    .map_err(|e| BergamotError::Tokenizer(e.to_string()))?;
                Ok((
                    i,
                    Segment {
                        text,
                        cut,
                        pieces: 1,
                        dropped: Vec::new(),
                    },
                ))
            })
            .collect()
    }

    /// Decodes one batch of EOS-terminated sources. Returns per source the
    /// output ids (without EOS) and whether Marian's length limit
    /// (`max_length_factor` × source tokens) cut it.
    fn decode_batch(
        &self,
        sources: &[&[u32]],
        deadline: Option<Instant>,
    ) -> Result<Vec<(Vec<u32>, bool)>, BergamotError> {
        let rows: Vec<Vec<u32>> = sources.iter().map(|source| source.to_vec()).collect();
        let batch = Batch::pad(&rows, EOS);
        let width = batch.width();
        let allowed = self.shortlist.as_ref().map(|list| {
            sources
                .iter()
                .map(|s| list.allowed(s, self.net.vocab_size()))
                .collect()
        });
        let limit = |len: usize| (self.settings.max_length_factor * len as f32) as usize;
        // Generate up to the batch's longest limit, then cut each row at its
        // own: greedy rows are independent, so this is exactly Marian's
        // per-sentence limit.
        let config = GenerationConfig {
            max_new_tokens: Some(limit(width).max(1)),
            num_beams: self.settings.beam_size,
            ..GenerationConfig::default()
        };
        let model = self.net.for_batch(allowed);
        let generation = generate_until(&model, &batch, &config, deadline)?;
        Ok(sources
            .iter()
            .zip(generation.outputs)
            .enumerate()
            .map(|(row, (source, hypotheses))| {
                let mut tokens: Vec<u32> = hypotheses
                    .into_iter()
                    .next()
                    .map(|h| {
                        h.tokens
                            .into_iter()
                            .map(|t| model.vocab_id(row, t))
                            .collect()
                    })
                    .unwrap_or_default();
                if tokens.last() == Some(&EOS) {
                    tokens.pop();
                    let cut = tokens.len() >= limit(source.len());
                    tokens.truncate(limit(source.len()));
                    (tokens, cut)
                } else {
                    tokens.truncate(limit(source.len()));
                    (tokens, true)
                }
            })
            .collect())
    }
}

/// One translated sentence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Segment {
    /// The translation.
    pub text: String,
    /// The length limit ended it (or a piece of it) before the model did.
    pub cut: bool,
    /// Source pieces it was translated in (more than 1 for a sentence
    /// longer than [`MAX_SOURCE_TOKENS`]).
    pub pieces: usize,
    /// Parts of the sentence the model cannot read (outside its
    /// vocabulary, or its own end-of-sentence token), each once: the
    /// translation leaves them out.
    pub dropped: Vec<String>,
}

fn read_settings(path: &Path) -> Result<DecodeSettings, BergamotError> {
    let text = std::fs::read_to_string(path).map_err(|source| BergamotError::Io {
        context: format!("reading decoder config {}", path.display()),
        source,
    })?;
    let keys = scalars(&text);
    let bad = |detail: String| BergamotError::BadConfig {
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
    let positive = |key: &str, default: usize| match keys.get(key) {
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| bad(format!("{key} `{v}` is not a positive integer"))),
        None => Ok(default),
    };
    Ok(DecodeSettings {
        max_length_factor,
        beam_size: positive("beam-size", defaults.beam_size)?,
        batch_size: positive("mini-batch", defaults.batch_size)?,
        ..defaults
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_pair() {
        assert_eq!(pair_tag("model.enpt.intgemm.alphas.bin"), Some("enpt"));
        assert_eq!(pair_tag("lex.50.50.enpt.s2t.bin"), Some("enpt"));
        assert_eq!(pair_tag("vocab.enpt.spm"), Some("enpt"));
        assert_eq!(pair_tag("srcvocab.enja.spm"), Some("enja"));
        assert_eq!(pair_tag("tokenizer.json"), None);
        assert_eq!(pair_tag("model.bin"), None);
        assert_eq!(pair_tag("config.intgemm8bitalpha.yml"), None);
    }

    #[test]
    fn files_of_two_pairs_in_one_folder_are_refused() {
        let own = [
            "model.enpt.intgemm.alphas.bin",
            "lex.50.50.enpt.s2t.bin",
            "vocab.enpt.spm",
            "tokenizer.json",
        ];
        assert_eq!(folder_pair(own).unwrap().as_deref(), Some("enpt"));
        assert_eq!(folder_pair(["model.bin", "tokenizer.json"]).unwrap(), None);
        let mixed = [
            "model.enpt.intgemm.alphas.bin",
            "lex.50.50.pten.s2t.bin",
            "vocab.enpt.spm",
        ];
        let err = folder_pair(mixed).unwrap_err();
        assert!(
            err.contains("lex.50.50.pten.s2t.bin is named for the pair `pten`"),
            "{err}"
        );
        assert!(err.contains("`enpt`"), "{err}");
    }
}
