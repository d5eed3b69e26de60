//! Errors of precis-infer. Each says what went wrong and how to fix it.

use std::path::PathBuf;

/// Everything that can go wrong loading or running a model.
#[derive(Debug, thiserror::Error)]
pub enum InferError {
    #[error("model `{name}` is not in the Hugging Face cache ({cache}) and the Hub cannot be reached{offline}; run `precis models fetch {name}` on a machine with network access, or pass a local model folder with --model PATH")]
    NotCached {
        name: String,
        cache: PathBuf,
        offline: &'static str,
    },
    #[error("model folder {path} has no {file}: {fix}")]
    MissingFile {
        path: PathBuf,
        file: String,
        fix: String,
    },
    #[error("model files in {path} are corrupt or do not match the config: {detail}")]
    BadWeights { path: PathBuf, detail: String },
    #[error("cannot read {path}: {detail}")]
    BadConfig { path: PathBuf, detail: String },
    #[error("cannot download model `{name}` from the Hugging Face Hub: {detail}")]
    Hub { name: String, detail: String },
    #[error("unknown model `{0}`: not a catalog name (see `precis models list`), a local folder, or a Hugging Face repo id")]
    UnknownModel(String),
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    #[error("invalid generation settings: {0}")]
    InvalidSettings(String),
    #[error("input is empty: there is no text to process")]
    EmptyInput,
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}
