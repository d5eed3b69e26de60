//! The one place that decides what kind of failure an error is, and so the
//! exit code and the report: 1 input, 3 model. (2, usage, is clap's own.)
//!
//! Library errors are classified by downcasting to their types
//! ([`CleanError`], [`InferError`]); problems the CLI finds itself are
//! raised as a [`Failure`] of the right kind.

use std::fmt;
use std::process::ExitCode;

use precis_clean::CleanError;
use precis_infer::InferError;

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
    error.downcast_ref::<InferError>().map(|error| match error {
        InferError::EmptyInput => Kind::Input,
        InferError::InvalidSettings(_) => Kind::Usage,
        _ => Kind::Model,
    })
}

/// Prints `error` to stderr as `error: …` followed by one `  caused by: …`
/// line per underlying cause, and returns its exit code.
pub fn report(error: &anyhow::Error) -> ExitCode {
    eprintln!("{}", render(error));
    classify(error).exit_code()
}

fn render(error: &anyhow::Error) -> String {
    let mut text = format!("error: {error}");
    for cause in error.chain().skip(1) {
        text.push_str(&format!("\n  caused by: {cause}"));
    }
    text
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
        let model = Err::<(), _>(InferError::UnknownModel("x".into()))
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
    fn report_lists_causes() {
        let error = anyhow::Error::new(CleanError::Empty).context("cannot clean a.txt");
        let text = render(&error);
        assert!(
            text.starts_with("error: cannot clean a.txt\n  caused by: the input is empty"),
            "{text}"
        );
    }
}
