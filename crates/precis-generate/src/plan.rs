//! The settings of one generation resolved for one model: length limit,
//! eos ids, decoder start and the logits processors, as the search
//! strategies read them. Kept apart from [`super::config`] so that the
//! settings do not depend on the processors built from them.

use std::time::Instant;

use super::config::{GenerationConfig, DEFAULT_NEW_TOKENS, MAX_LENGTH_LIMIT};
use super::model::SpecialTokens;
use super::processors::LogitsProcessorList;
use crate::GenerateError;

/// Settings resolved for one model: what the strategies read.
#[derive(Debug)]
pub(crate) struct Plan {
    pub config: GenerationConfig,
    /// Decoder length limit, decoder start token included, capped.
    pub max_length: usize,
    pub eos: Vec<u32>,
    pub decoder_start: u32,
    pub vocab_size: usize,
    pub processors: LogitsProcessorList,
    /// When to give up (see [`crate::generate_until`]).
    pub deadline: Option<Instant>,
}

impl Plan {
    /// Validates `config` and resolves it for a model's special tokens.
    pub fn new(
        config: &GenerationConfig,
        special: &SpecialTokens,
        deadline: Option<Instant>,
    ) -> Result<Self, GenerateError> {
        config.validate()?;
        let max_length = match (config.max_new_tokens, config.max_length) {
            (Some(new), _) => new.saturating_add(1),
            (None, Some(max_length)) => max_length,
            (None, None) => DEFAULT_NEW_TOKENS + 1,
        };
        if max_length <= 1 {
            return Err(GenerateError::InvalidSettings(format!(
                "max_length is {max_length}, which the decoder start token alone fills; set max_new_tokens instead"
            )));
        }
        let max_length = max_length.min(MAX_LENGTH_LIMIT);
        let eos = config
            .eos_token_id
            .clone()
            .unwrap_or_else(|| special.eos.clone());
        let decoder_start = config
            .decoder_start_token_id
            .unwrap_or(special.decoder_start);

        let vocab = special.vocab_size;
        let mut ids: Vec<(&str, u32)> = vec![("decoder_start_token_id", decoder_start)];
        ids.extend(eos.iter().map(|&id| ("eos_token_id", id)));
        ids.extend(
            config
                .forced_bos_token_id
                .iter()
                .map(|&id| ("forced_bos_token_id", id)),
        );
        ids.extend(
            config
                .forced_eos_token_id
                .iter()
                .flatten()
                .map(|&id| ("forced_eos_token_id", id)),
        );
        ids.extend(
            config
                .bad_words_ids
                .iter()
                .flatten()
                .flatten()
                .map(|&id| ("bad_words_ids", id)),
        );
        if let Some((field, id)) = ids.into_iter().find(|&(_, id)| id as usize >= vocab) {
            return Err(GenerateError::InvalidSettings(format!(
                "{field} contains token id {id}, but the model's vocabulary has only {vocab} ids (0..{vocab}); \
                 fix the id or use the tokenizer of this model"
            )));
        }

        // As transformers' `_prepare_generated_length`: min_new_tokens also
        // sets min_length.
        let mut resolved = config.clone();
        if let Some(min_new) = config.min_new_tokens {
            resolved.min_length = min_new.saturating_add(1);
        }
        let processors = LogitsProcessorList::from_config(&resolved, &eos, max_length);
        Ok(Plan {
            config: resolved,
            max_length,
            eos,
            decoder_start,
            vocab_size: vocab,
            processors,
            deadline,
        })
    }

    /// Fails once the deadline has passed: checked before every decoder
    /// step, the only part of a search whose count the input can grow.
    pub fn check_deadline(&self) -> Result<(), GenerateError> {
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline => Err(GenerateError::DeadlinePassed),
            _ => Ok(()),
        }
    }

    /// Whether `token` ends a sequence.
    pub fn is_eos(&self, token: u32) -> bool {
        self.eos.contains(&token)
    }
}
