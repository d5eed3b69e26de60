//! precis cleans, summarizes and translates news articles on a local CPU.
//! This crate is the one entry point: load a summarizer by name, a
//! translator by language pair, and chain them with cleaning in a
//! [`Pipeline`] that returns one [`Report`] per article.
//!
//! ```no_run
//! let article = std::fs::read_to_string("article.txt")?;
//! let document = precis::clean(&article)?;
//! let summary = precis::Summarizer::builder("minilm").load()?.summarize(&document)?;
//! let translation = precis::Translator::builder("en", "pt").load()?.translate(&summary.text)?;
//! println!("{}\n{}", summary.text, translation.lines.join("\n"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Names resolve in one place ([`locate`]): a built-in summarizer
//! (`minilm`, `textrank`, `lead3`), a catalog name ([`Catalog`]), a model
//! folder, or a Hugging Face repo id (`owner/name[@revision]`) fetched into
//! the standard Hugging Face cache. The crates below do the work:
//! `precis-clean` (cleaning) and `precis-infer` (model families and the
//! generation engine); their main types are re-exported here.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::todo,
    clippy::unimplemented
)]

pub mod catalog;
mod error;
mod hub;
mod listing;
mod pipeline;
pub mod registry;
mod report;
mod source;
mod summarizer;
mod threads;
mod translator;

pub use catalog::{Catalog, Preset, PresetSource};
pub use error::{infer_kind, Error, ErrorKind};
pub use hub::{hub_cache_dir, locate, models_dir, LoadOptions, Located};
pub use listing::{list_models, list_registry, Listing};
pub use pipeline::{ArticleFormat, Pipeline, PipelineBuilder, Served};
pub use report::{
    kind_name, millis, removed_summary, Cleaning, ErrorRecord, Lines, Record, Report, Timings,
    Translated, TranslationRecord, SCHEMA,
};
pub use source::{language, passthrough_note, regional_note, Resolved, SourceLanguage};
pub use summarizer::{
    default_name, Summarizer, SummarizerBuilder, DEFAULT_SUMMARIZER, FALLBACK_SUMMARIZER,
};
pub use threads::default_threads;
pub use translator::{
    default_model, Leg, Route, Translator, TranslatorBuilder, Translators, PIVOT_LANGUAGE,
};

pub use precis_clean::{
    clean_bytes, decode, detect_language, CleanError, CleanOptions, Decoded, Document, InputKind,
    Language, Metadata, Paragraph, SiteBoilerplate,
};
pub use precis_infer::generate::GenerationOverrides;
pub use precis_infer::{
    Family, InferError, ModelInfo, Precision, Segmentation, Summary, Translation,
};

/// Cleans one article (plain text or HTML, told apart by content).
pub fn clean(text: &str) -> Result<Document, Error> {
    Ok(precis_clean::clean(text, &CleanOptions::default())?)
}
