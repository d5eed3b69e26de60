//! The one place that decides what kind of failure an error is, and so the
//! exit code and the report: 1 input, 3 model. (2, usage, is clap's own.)
//! It also adds to library errors how to fix them with this CLI's commands
//! and options: the library says what went wrong, never which flag to pass.
//!
//! Library errors are classified by downcasting to their types
//! ([`precis::Error`], [`CleanError`], [`InferError`]); problems the CLI
//! finds itself are raised as a [`Failure`] of the right kind.

use std::fmt;
use std::process::ExitCode;
use std::sync::OnceLock;

use precis::{CleanError, ErrorKind, InferError};

/// What went wrong, as far as the user is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The input (or where the output goes) cannot be used.
    Input,
    /// Options that are valid on their own but not together or not for
    /// this model (clap reports the rest itself, with the same code).
    Usage,
    /// A model cannot be found, fetched or loaded.
    Model,
}

impl Kind {
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Kind::Input => 1,
            Kind::Usage => 2,
            Kind::Model => 3,
        })
    }
}

/// A failure the CLI itself detects, with a message that names the fix.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    message: String,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Self {
        Failure {
            kind: Kind::Input,
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            kind: Kind::Usage,
            message: message.into(),
        }
    }

    pub fn model(message: impl Into<String>) -> Self {
        Failure {
            kind: Kind::Model,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The kind of `error`: a [`Failure`] anywhere in it (also as context)
/// first, else the first library error in its chain that says. Anything
/// unrecognised (I/O on inputs or outputs, mostly) is an input problem: the
/// user's files, not precis, need attention.
pub fn classify(error: &anyhow::Error) -> Kind {
    error
        .downcast_ref::<Failure>()
        .map(|failure| failure.kind)
        .or_else(|| error.chain().find_map(kind_of))
        .unwrap_or(Kind::Input)
}

fn kind_of(error: &(dyn std::error::Error + 'static)) -> Option<Kind> {
    if let Some(failure) = error.downcast_ref::<Failure>() {
        return Some(failure.kind);
    }
    if error.is::<CleanError>() {
        return Some(Kind::Input);
    }
    let kind = match (library_error(error), error.downcast_ref::<InferError>()) {
        (Some(error), _) => error.kind(),
        (None, Some(error)) => precis::infer_kind(error),
        (None, None) => return None,
    };
    Some(match kind {
        ErrorKind::Usage => Kind::Usage,
        ErrorKind::Model => Kind::Model,
        _ => Kind::Input,
    })
}

/// `error` as a library error: itself, or boxed as the cause of another.
fn library_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a precis::Error> {
    error.downcast_ref::<precis::Error>().or_else(|| {
        error
            .downcast_ref::<Box<precis::Error>>()
            .map(AsRef::as_ref)
    })
}

/// The option that names the translation model in the running command:
/// `--translation-model` in `run` (where `--model` is the summarizer),
/// `--model` in `translate`.
static TRANSLATION_FLAG: OnceLock<&'static str> = OnceLock::new();

/// Sets the option hints name for the translation model.
pub fn translation_model_flag(flag: &'static str) {
    // Set once, by the one command a process runs.
    let _ = TRANSLATION_FLAG.set(flag);
}

/// Context of an error in loading a translation model, so that its hints
/// name the translation model's option, not the summarizer's.
#[derive(Debug)]
pub struct TranslatorLoad(pub String);

impl fmt::Display for TranslatorLoad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `error` is about a translation model.
fn about_translation(error: &anyhow::Error) -> bool {
    // anyhow finds a context type at any depth of its contexts.
    error.downcast_ref::<TranslatorLoad>().is_some()
        || error.chain().any(|e| {
            matches!(
                library_error(e),
                Some(precis::Error::NoTranslatorFor { .. } | precis::Error::NoTranslator { .. })
            )
        })
}

/// The option that names the model `error` is about.
fn model_flag(translation: bool) -> &'static str {
    if translation {
        TRANSLATION_FLAG
            .get()
            .copied()
            .unwrap_or("--translation-model")
    } else {
        "--model"
    }
}

/// How to fix `error` with this CLI, when there is more to say than the
/// library's message; `translation` says whether the model at fault is a
/// translation model.
fn hint(error: &(dyn std::error::Error + 'static), translation: bool) -> Option<String> {
    use precis::Error;
    let flag = model_flag(translation);
    Some(match library_error(error)? {
        Error::NotCached { name, .. } => format!("run `precis models fetch {name}` on a machine with network access, or pass a local model folder with {flag} PATH"),
        Error::NotDownloaded { name, .. } => format!("run `precis models fetch {name}` on a machine with network access, or set PRECIS_MODELS_DIR to the folder that holds it"),
        Error::NotFetched { name, .. } => format!("run `precis models fetch {name}` with network access, or leave out --offline"),
        Error::NotInRegistry { .. } => "see `precis models list --remote` for the pairs it publishes, and `precis models list` for other translation models".into(),
        Error::Network { .. } => "check the network connection (PRECIS_REGISTRY_URL names the registry), or use --offline with models already on this machine".into(),
        Error::Http { .. } | Error::Registry { .. } | Error::Incomplete { .. } | Error::HashMismatch { .. } => "try again later; if it persists, the registry (or a proxy) is serving other files than it lists".into(),
        Error::Install { .. } => "free disk space, or set PRECIS_CACHE_DIR to a writable folder with room".into(),
        Error::UnknownModel(_) | Error::MissingOnHub { .. } | Error::NoTranslator { .. } => "see `precis models list`".into(),
        Error::Timeout { .. } => "raise --timeout or shorten the article".into(),
        Error::WrongLanguage { detected, .. } => format!("pass --from {detected}, or --from auto to translate each text from its detected language"),
        Error::NoTranslatorFor { .. } => format!("pass a model with {flag} NAME|DIR, or the articles' language with --from LANG"),
        Error::UndetectedLanguage => "pass its language with --from LANG".into(),
        Error::UnsupportedLanguage { .. } => "name a summarizer for that language with --model (textrank and lead3 work in any), or leave --model out to let precis choose".into(),
        Error::Infer(InferError::Corrupted { .. }) => "the model's files changed since they were fetched: fetch them again (`just models` for models/downloads, `precis models fetch NAME` for Hub models)".into(),
        Error::Infer(InferError::Mismatch { .. }) => "keep each model's own files in its folder (or fetch them again with `just models`), and check that --from and --to name the pair the folder holds".into(),
        Error::NothingKept { article, .. } => format!("check that it is an article, try --input text or --input html, and see `precis clean --format json {article}` for what was removed and why"),
        _ => return None,
    })
}

/// The library's generation settings and the options that set them.
const FLAGS: [(&str, &str); 8] = [
    ("min_length", "--min-length"),
    ("max_length", "--max-length"),
    ("num_beams", "--beams"),
    ("do_sample", "--sample"),
    ("length_penalty", "--length-penalty"),
    ("no_repeat_ngram_size", "--no-repeat-ngram"),
    ("precision", "--quantize"),
    ("top_p", "--top-p"),
];

/// The option that sets a library setting, or the setting's own name.
fn flag(setting: &str) -> &str {
    FLAGS
        .iter()
        .find(|(name, _)| *name == setting)
        .map_or(setting, |(_, flag)| flag)
}

/// `error`'s own message, with its fix hint. Settings are named with the
/// CLI options that set them.
fn message(error: &(dyn std::error::Error + 'static), translation: bool) -> String {
    let settings = matches!(
        library_error(error),
        Some(precis::Error::Infer(InferError::InvalidSettings(_)))
    ) || matches!(
        error.downcast_ref::<InferError>(),
        Some(InferError::InvalidSettings(_))
    );
    let mut text = error.to_string();
    if settings {
        // The setting may come from the model's own config, so it keeps its
        // name and gains the option that overrides it. Only snake_case
        // names: a plain word (`precision`) is also English.
        for (name, flag) in FLAGS.iter().filter(|(name, _)| name.contains('_')) {
            text = text.replace(name, &format!("{name} ({flag})"));
        }
    }
    match hint(error, translation) {
        Some(hint) => format!("{text}; {hint}"),
        None => text,
    }
}

/// `NotApplicable` in this CLI's words: the options given, not the
/// library's setting names.
fn not_applicable(error: &anyhow::Error) -> Option<String> {
    let precis::Error::NotApplicable { model, settings } = error
        .chain()
        .find_map(|e| e.downcast_ref::<precis::Error>())?
    else {
        return None;
    };
    let flags: Vec<&str> = settings.iter().map(|setting| flag(setting)).collect();
    Some(format!(
        "{} only apply to models that generate text; {model} picks sentences from the article (use --max-length WORDS to set its length, or --model with an abstractive model)",
        flags.join(", ")
    ))
}

/// Prints `error` to stderr as `error: …` followed by one `  caused by: …`
/// line per underlying cause, and returns its exit code.
pub fn report(error: &anyhow::Error) -> ExitCode {
    eprintln!("{}", render(error));
    classify(error).exit_code()
}

fn render(error: &anyhow::Error) -> String {
    if let Some(text) = not_applicable(error) {
        return format!("error: {text}");
    }
    let translation = about_translation(error);
    let mut causes = error.chain();
    let mut text = format!(
        "error: {}",
        causes
            .next()
            .map(|e| message(e, translation))
            .unwrap_or_default()
    );
    for cause in causes {
        text.push_str(&format!("\n  caused by: {}", message(cause, translation)));
    }
    text
}

/// An error and its causes on one line, with the fix hints.
pub fn chain(error: &anyhow::Error) -> String {
    let translation = about_translation(error);
    error
        .chain()
        .map(|e| message(e, translation))
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn library_errors_are_classified_through_context() {
        let input = Err::<(), _>(CleanError::Empty)
            .context("reading a.txt")
            .unwrap_err();
        assert_eq!(classify(&input), Kind::Input);
        let model = Err::<(), _>(precis::Error::UnknownModel("x".into()))
            .context("loading the summarizer")
            .unwrap_err();
        assert_eq!(classify(&model), Kind::Model);
        let settings = anyhow::Error::new(InferError::InvalidSettings("top_p > 1".into()));
        assert_eq!(classify(&settings), Kind::Usage);
    }

    #[test]
    fn outermost_failure_wins() {
        let error = anyhow::Error::new(CleanError::Empty).context(Failure::model("no model"));
        assert_eq!(classify(&error), Kind::Model);
    }

    #[test]
    fn hints_name_the_translation_models_option() {
        let not_cached = || precis::Error::NotCached {
            name: "opus-mt-en-de".into(),
            cache: "/cache".into(),
            offline: true,
        };
        let summarizer = anyhow::Error::new(not_cached()).context("cannot load the summarizer");
        assert!(
            render(&summarizer).contains("with --model PATH"),
            "{}",
            render(&summarizer)
        );
        let translator = anyhow::Error::new(not_cached())
            .context(TranslatorLoad("cannot load the translation model".into()));
        let text = render(&translator);
        assert!(text.contains("with --translation-model PATH"), "{text}");
        assert!(!text.contains("--model PATH"), "{text}");
    }

    #[test]
    fn damaged_or_mismatched_models_are_model_failures_with_a_fix() {
        let corrupted = anyhow::Error::new(precis::Error::Infer(InferError::Corrupted {
            path: "models/downloads/m/model.bin".into(),
            expected: "00".into(),
            actual: "11".into(),
        }));
        assert_eq!(classify(&corrupted), Kind::Model);
        assert!(render(&corrupted).contains("fetch them again"));
        let swapped = anyhow::Error::new(precis::Error::Infer(InferError::Mismatch {
            path: "models/downloads/bergamot-en-pt".into(),
            detail: "opposite direction".into(),
        }));
        assert_eq!(classify(&swapped), Kind::Model);
        assert!(render(&swapped).contains("--from and --to"));
    }

    #[test]
    fn report_lists_causes() {
        let error = anyhow::Error::new(CleanError::Empty).context("cannot clean a.txt");
        let text = render(&error);
        assert!(
            text.starts_with("error: cannot clean a.txt\n  caused by: the input is empty"),
            "{text}"
        );
    }
}
