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
    /// A model file's bytes differ from the hash recorded when it was
    /// fetched: it was damaged or replaced since.
    #[error("model file {path} is corrupted: its SHA-256 is {actual}, but the folder's record says {expected}")]
    Corrupted {
        /// The file.
        path: PathBuf,
        /// The recorded hash.
        expected: String,
        /// The file's hash now.
        actual: String,
    },
    /// The files of a model folder do not belong together, or the folder
    /// holds another model than the one asked for (another language pair
    /// or direction, a vocabulary of another model).
    #[error("the files in {path} do not belong together: {detail}")]
    Mismatch {
        /// The folder.
        path: PathBuf,
        /// Which files disagree, and how.
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
    /// The generation engine failed in a way no other variant describes.
    #[error(transparent)]
    Generation(precis_generate::GenerateError),
    /// The caller's deadline passed: the work stopped, and nothing partial
    /// is returned as if it were complete.
    #[error("the time limit passed before the work finished")]
    TimedOut,
    /// The operating system refused to start the inference threads.
    #[error("cannot start the inference threads: {0}")]
    Threads(String),
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

impl From<precis_generate::GenerateError> for InferError {
    fn from(error: precis_generate::GenerateError) -> Self {
        use precis_generate::GenerateError as E;
        match error {
            E::InvalidSettings(message) => Self::InvalidSettings(message),
            E::EmptyInput => Self::EmptyInput,
            E::MissingFile { path, file, fix } => Self::MissingFile { path, file, fix },
            E::BadConfig { path, detail } => Self::BadConfig { path, detail },
            E::Io { context, source } => Self::Io { context, source },
            E::DeadlinePassed => Self::TimedOut,
            other => Self::Generation(other),
        }
    }
}
