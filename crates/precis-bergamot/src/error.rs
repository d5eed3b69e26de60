//! What can go wrong loading or running a Bergamot model. Each message
//! says what is wrong; callers add how to fix it with their own commands.

use std::path::PathBuf;

/// Errors of the Bergamot engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BergamotError {
    /// A file the model needs is not in its folder.
    #[error("model folder {path} has no {file}: {fix}")]
    MissingFile {
        /// The folder.
        path: PathBuf,
        /// The file, or a description of it.
        file: String,
        /// What a complete folder has.
        fix: String,
    },
    /// The model or shortlist file cannot be read, or does not fit.
    #[error("model files in {path} are corrupt or do not match the config: {detail}")]
    BadWeights {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The folder's files do not belong together: a vocabulary, shortlist
    /// or tokenizer of another model or language pair.
    #[error("the files in {path} do not belong together: {detail}")]
    Mismatch {
        /// The folder.
        path: PathBuf,
        /// Which files disagree, and how.
        detail: String,
    },
    /// A decoder config cannot be used, or the folder is ambiguous.
    #[error("cannot read {path}: {detail}")]
    BadConfig {
        /// The file or folder.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// The tokenizer cannot be loaded or cannot encode the input.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// Reading a model file failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being read.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The generation engine refused the settings or the input.
    #[error(transparent)]
    Generation(#[from] precis_generate::GenerateError),
    /// A decoding thread panicked (a bug: please report it).
    #[error("a translation worker thread panicked")]
    WorkerPanicked,
}
