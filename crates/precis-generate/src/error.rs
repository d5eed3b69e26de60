//! The engine's errors: settings that cannot work, unreadable generation
//! files, and a model that broke the [`Seq2SeqModel`](crate::Seq2SeqModel)
//! contract. Models convert them into their own error type.

use std::path::PathBuf;

/// What can go wrong loading settings or generating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// Generation settings that cannot work together.
    #[error("invalid generation settings: {0}")]
    InvalidSettings(String),
    /// A batch row without a single token.
    #[error("input is empty: there is no text to process")]
    EmptyInput,
    /// A settings file the model folder needs is missing.
    #[error("model folder {path} has no {file}: {fix}")]
    MissingFile {
        /// The folder.
        path: PathBuf,
        /// The file.
        file: String,
        /// What a complete folder has.
        fix: String,
    },
    /// A settings file cannot be used.
    #[error("cannot read {path}: {detail}")]
    BadConfig {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// Reading a settings file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being read.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The caller's deadline passed before generation finished; what was
    /// generated so far is discarded rather than returned as if complete.
    #[error("the time limit passed before generation finished")]
    DeadlinePassed,
    /// The model returned something the contract rules out.
    #[error("the model broke the generation contract: {0}")]
    Model(String),
}
