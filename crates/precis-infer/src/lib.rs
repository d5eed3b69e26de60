//! precis-infer runs small seq2seq summarizers and translators on a local CPU
//! with candle: model loading (catalog preset, Hugging Face repo or local
//! folder), tokenization and a generation engine shared by every family.

// Input must never panic the library: failures are errors naming the fix.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

pub mod catalog;
mod error;
pub mod extractive;
pub mod generate;
mod kernels;
pub mod loading;
mod marian_translator;
pub mod models;
pub mod quantize;
pub mod spm;
pub mod summarizer;
mod task;
pub mod threads;
pub mod tokenize;
mod translator;

pub use error::InferError;
pub use marian_translator::MarianTranslator;
pub use summarizer::{Summarizer, SummarizerOptions};
pub use task::{ModelInfo, Segmentation, Summarize, Summary, Translate, Translation};
pub use translator::{DecodeSettings, Translator};

// The README's library snippets compile and run as doctests of this crate,
// which sees both libraries.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
