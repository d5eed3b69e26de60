//! precis-infer runs small summarizers and translators on a local CPU: the
//! model families (T5, BART, Marian on candle; Bergamot through the
//! `precis-bergamot` engine), their tokenizers, the generation engine every seq2seq family
//! shares, extractive summarizers, and the two jobs as traits
//! ([`Summarize`], [`Translate`]). Every loader takes a model folder; finding
//! one from a catalog name or a Hub repo id is the `precis` crate's job.

// All unsafe code lives in precis-kernels, behind safe functions.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Input must never panic the library: failures are errors naming the fix.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

mod bergamot_translator;
mod error;
pub mod extractive;
mod family;
pub mod files;
pub mod integrity;
pub mod models;
mod opus_mt_translator;
pub mod quantize;
pub mod summarizer;
mod task;
pub mod threads;
pub mod tokenize;
mod typography;

/// The generation engine (its own crate, `precis-generate`).
pub use precis_generate as generate;

pub use bergamot_translator::BergamotTranslator;
pub use error::InferError;
pub use family::Family;
pub use opus_mt_translator::{OpusMtOptions, OpusMtTranslator};
pub use precis_bergamot::DecodeSettings;
pub use quantize::Precision;
pub use summarizer::{Seq2SeqOptions, Seq2SeqSummarizer};
pub use task::{ModelInfo, Segmentation, Summarize, Summary, TaskDefaults, Translate, Translation};
