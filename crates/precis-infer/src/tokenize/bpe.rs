//! BART's tokenizer for checkpoints older than `tokenizer.json`: byte-level
//! BPE from `vocab.json` + `merges.txt`.

use std::path::{Path, PathBuf};

use tokenizers::models::bpe::BPE;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::processors::roberta::RobertaProcessing;
use tokenizers::{AddedToken, Tokenizer};

use crate::InferError;

/// BART's byte-level BPE tokenizer built from `vocab.json` + `merges.txt`
/// (older checkpoints ship no `tokenizer.json`), as transformers' converter
/// builds it: ByteLevel pre-tokenizer and decoder, `<s> … </s>` around
/// every input, the five special tokens kept whole.
pub(super) fn byte_level_bpe(dir: &Path) -> Result<Tokenizer, InferError> {
    let vocab = dir.join("vocab.json");
    let bad = |detail: String| InferError::BadConfig {
        path: vocab.clone(),
        detail: format!(
            "{detail}; vocab.json and merges.txt must come from the same BART checkpoint"
        ),
    };
    let path = |p: PathBuf| p.to_string_lossy().into_owned();
    let bpe = BPE::from_file(&path(vocab.clone()), &path(dir.join("merges.txt")))
        .build()
        .map_err(|e| bad(e.to_string()))?;
    let mut tokenizer = Tokenizer::new(bpe);
    let id = |token: &str| {
        tokenizer
            .token_to_id(token)
            .ok_or_else(|| bad(format!("vocab.json has no `{token}`")))
    };
    let (bos, eos) = (id("<s>")?, id("</s>")?);
    tokenizer
        .with_pre_tokenizer(Some(ByteLevel::new(false, true, true)))
        .with_decoder(Some(ByteLevel::default()))
        .with_post_processor(Some(
            RobertaProcessing::new(("</s>".into(), eos), ("<s>".into(), bos))
                .trim_offsets(true)
                .add_prefix_space(false),
        ));
    let specials: Vec<AddedToken> = ["<s>", "<pad>", "</s>", "<unk>"]
        .into_iter()
        .map(|token| AddedToken::from(token, true))
        .chain(std::iter::once(
            AddedToken::from("<mask>", true).lstrip(true),
        ))
        .collect();
    tokenizer
        .add_special_tokens(specials)
        .map_err(|e| bad(e.to_string()))?;
    Ok(tokenizer)
}
