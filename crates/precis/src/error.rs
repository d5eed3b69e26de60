//! [`Error`]: everything that can go wrong finding, loading or running a
//! model or cleaning an article, and [`ErrorKind`], whose problem it is.
//! Messages say what went wrong; front ends (the CLI, bindings) add how to
//! fix it with their own commands and options.

use std::path::PathBuf;
use std::time::Duration;

use precis_clean::CleanError;
use precis_infer::InferError;

/// An error of the precis library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Cleaning failed (empty, binary or unreadable input).
    #[error(transparent)]
    Clean(#[from] CleanError),
    /// A model could not be loaded or run.
    #[error(transparent)]
    Infer(#[from] InferError),
    /// The name is no catalog entry, built-in summarizer, folder or repo id.
    #[error("unknown model `{0}`: not a catalog name, a built-in summarizer, a local folder, or a Hugging Face repo id")]
    UnknownModel(String),
    /// A Hub model is not in the cache, and the Hub cannot be asked.
    #[error("model `{name}` is not in the Hugging Face cache ({cache}) and the Hub cannot be reached{}", if *offline { " (offline mode: HF_HUB_OFFLINE or the offline option is set)" } else { "" })]
    NotCached {
        /// The model as the user named it.
        name: String,
        /// The cache that was searched.
        cache: PathBuf,
        /// Whether offline mode kept precis from asking the Hub.
        offline: bool,
    },
    /// A catalog model that ships outside the Hub is not in the models folder.
    #[error("the files of model `{name}` are not in {}", dir.display())]
    NotDownloaded {
        /// The catalog name.
        name: String,
        /// Where they were looked for.
        dir: PathBuf,
    },
    /// The Hub answered, without the model.
    #[error("cannot download model `{name}` from the Hugging Face Hub: {detail}")]
    Hub {
        /// The model as the user named it.
        name: String,
        /// What went wrong.
        detail: String,
    },
    /// A Hub repo lacks a file every model needs.
    #[error("the Hugging Face repo {repo} at {revision} has no {file}: precis needs safetensors weights, a config.json and a tokenizer")]
    MissingOnHub {
        /// `owner/name`.
        repo: String,
        /// The revision asked for.
        revision: String,
        /// The missing file.
        file: String,
    },
    /// A Firefox Translations model is not in the cache, and offline
    /// mode keeps precis from fetching it.
    #[error("model `{name}` is not in the model cache ({}) and offline mode keeps precis from fetching it", cache.display())]
    NotFetched {
        /// The model's name.
        name: String,
        /// The cache that was searched.
        cache: PathBuf,
    },
    /// The Firefox Translations registry publishes no model for the pair.
    #[error("the Firefox Translations registry publishes no model for {from} → {to}")]
    NotInRegistry {
        /// Source language.
        from: String,
        /// Target language.
        to: String,
    },
    /// A model the registry publishes that precis cannot run.
    #[error("precis cannot run model `{name}`: {detail}")]
    UnsupportedModel {
        /// The model's name.
        name: String,
        /// Why.
        detail: String,
    },
    /// The network could not be reached (or broke off).
    #[error("cannot reach {url}: {detail}")]
    Network {
        /// What was asked for.
        url: String,
        /// What went wrong.
        detail: String,
    },
    /// A server answered with an HTTP error.
    #[error("{url} answered HTTP {status}")]
    Http {
        /// What was asked for.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The model registry answered with something that is not a registry.
    #[error("the model registry's answer at {url} cannot be read: {detail}")]
    Registry {
        /// What was asked for.
        url: String,
        /// What is wrong.
        detail: String,
    },
    /// A download ended before all its bytes came; nothing was installed.
    #[error("the download of {url} broke off after {received} of {expected} bytes ({detail}); nothing was installed")]
    Incomplete {
        /// What was downloaded.
        url: String,
        /// Bytes received.
        received: u64,
        /// Bytes the registry lists.
        expected: u64,
        /// Why it ended.
        detail: String,
    },
    /// A downloaded file is not the one the registry published; nothing
    /// was installed.
    #[error("{file} from {url} has SHA-256 {actual}, but the registry publishes {expected}; nothing was installed")]
    HashMismatch {
        /// The file.
        file: String,
        /// Where it came from.
        url: String,
        /// The published hash.
        expected: String,
        /// The hash of what arrived.
        actual: String,
    },
    /// Model files could not be written (a full disk, permissions);
    /// nothing was installed.
    #[error("cannot install into {}: {context}: {source}; nothing was installed", dir.display())]
    Install {
        /// The model folder that was being installed.
        dir: PathBuf,
        /// The step that failed.
        context: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A language is not a BCP 47 tag.
    #[error("`{0}` is not a language tag: use a code such as en, pt or pt-BR")]
    BadLanguage(String),
    /// The catalog has no translator for the pair.
    #[error("no translation model for {from} → {to}: the catalog has none for this pair, nor one for each half of the way through English")]
    NoTranslator {
        /// Source language.
        from: String,
        /// Target language.
        to: String,
    },
    /// Two translators chained where the first does not translate into
    /// the language the second translates from.
    #[error("cannot chain {first} with {second}: the first must translate into the language the second translates from")]
    PivotMismatch {
        /// The first translator's pair (`pt → en`).
        first: String,
        /// The second translator's pair.
        second: String,
    },
    /// Settings that do not apply to the chosen model.
    #[error("{} only apply to models that generate text; {model} picks sentences from the article", settings.join(", "))]
    NotApplicable {
        /// The summarizer.
        model: String,
        /// The settings given, by their library names (`num_beams`, …).
        settings: Vec<&'static str>,
    },
    /// The model catalog is malformed.
    #[error("the model catalog {origin} is invalid: {detail}")]
    Catalog {
        /// Where it was read from.
        origin: String,
        /// What is wrong.
        detail: String,
    },
    /// Summarizing an article failed.
    #[error("cannot summarize {article}")]
    Summarizing {
        /// The article's source.
        article: String,
        /// Why.
        source: InferError,
    },
    /// Translating an article failed.
    #[error("cannot translate {article}")]
    Translating {
        /// The article's source.
        article: String,
        /// Why.
        source: InferError,
    },
    /// A stage took longer than the pipeline's time limit.
    #[error("{article}: gave up after {limit:?}")]
    Timeout {
        /// The article's source.
        article: String,
        /// The pipeline's limit.
        limit: Duration,
    },
    /// The text is confidently detected to be in another language than
    /// the source language given for it.
    #[error(
        "the text is in {detected} (detected with confidence {confidence}), not {given} as given"
    )]
    WrongLanguage {
        /// The source language given.
        given: String,
        /// The language detected.
        detected: String,
        /// The detector's confidence, 0 to 1.
        confidence: f64,
    },
    /// The source language was to be detected, and the text has nothing
    /// to tell it by.
    #[error("the language of the text cannot be detected: it has no letters to go by")]
    UndetectedLanguage,
    /// The summarizer does not work in the article's language.
    #[error("{model} summarizes {} only, and the article is in {language}", supported.join(", "))]
    UnsupportedLanguage {
        /// The summarizer.
        model: String,
        /// The article's detected language.
        language: String,
        /// The languages the summarizer works in.
        supported: Vec<String>,
    },
    /// No translator could be loaded for the language an article was
    /// detected to be in (other articles may have one).
    #[error("no translation model for {from} → {to} ({from}: the language {article} was detected to be in)")]
    NoTranslatorFor {
        /// The article's source.
        article: String,
        /// Its detected language.
        from: String,
        /// The target language.
        to: String,
        /// Why the translator could not be loaded.
        source: Box<Error>,
    },
    /// Cleaning kept nothing to summarize.
    #[error("nothing usable was kept from {article} ({removed})")]
    NothingKept {
        /// The article's source.
        article: String,
        /// What cleaning removed, in one line.
        removed: String,
    },
}

/// Whose problem an [`Error`] is: what a front end tells the user to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input cannot be used.
    Input,
    /// Settings that cannot work (together, or with this model).
    Usage,
    /// A model cannot be found, fetched or loaded.
    Model,
}

impl Error {
    /// Whose problem this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Clean(_) | Error::Timeout { .. } | Error::NothingKept { .. } => ErrorKind::Input,
            Error::Infer(error)
            | Error::Summarizing { source: error, .. }
            | Error::Translating { source: error, .. } => infer_kind(error),
            Error::NotApplicable { .. }
            | Error::PivotMismatch { .. }
            | Error::BadLanguage(_)
            | Error::UnsupportedLanguage { .. } => ErrorKind::Usage,
            Error::WrongLanguage { .. } | Error::UndetectedLanguage => ErrorKind::Input,
            Error::NoTranslatorFor { source, .. } => source.kind(),
            _ => ErrorKind::Model,
        }
    }
}

/// Whose problem an inference error is: empty input is the input's, bad
/// settings the caller's, the rest the model's.
pub fn infer_kind(error: &InferError) -> ErrorKind {
    match error {
        InferError::EmptyInput => ErrorKind::Input,
        InferError::InvalidSettings(_) => ErrorKind::Usage,
        _ => ErrorKind::Model,
    }
}
