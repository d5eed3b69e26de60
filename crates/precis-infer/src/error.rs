//! Errors of precis-infer. Each says what went wrong; the CLI adds how to
//! fix it with its own commands and flags.

use std::path::PathBuf;

use crate::Family;

/// Everything that can go wrong loading or running a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InferError {
    /// A file the model needs is not in its folder.
    #[error("model folder {path} has no {file}: {fix}")]
    MissingFile {
        /// The folder (or where files were looked for).
        path: PathBuf,
        /// The file, or a description of it.
        file: String,
        /// What a complete folder has.
        fix: String,
    },
    /// The weights cannot be read, or do not fit the config.
    #[error("model files in {path} are corrupt or do not match the config: {detail}")]
    BadWeights {
        /// The weights file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// A config or settings file cannot be used.
    #[error("cannot read {path}: {detail}")]
    BadConfig {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The model is of a family that cannot do the job it was loaded for.
    #[error("model `{name}` is a {family} model, which cannot {task}")]
    WrongFamily {
        /// The model as the user named it.
        name: String,
        /// Its family.
        family: Family,
        /// The job, as "cannot …" ends.
        task: &'static str,
    },
    /// The tokenizer cannot be loaded or cannot encode the input.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// Generation or loading settings that cannot work together.
    #[error("invalid generation settings: {0}")]
    InvalidSettings(String),
    /// Nothing to summarize or translate.
    #[error("input is empty: there is no text to process")]
    EmptyInput,
    /// A tensor operation failed.
    #[error(transparent)]
    Candle(#[from] candle_core::Error),
    /// Reading a model file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being read.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}
