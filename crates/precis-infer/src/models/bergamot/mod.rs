//! Bergamot (Firefox Translations) models in pure Rust: Marian's binary
//! model format, the lexical shortlist and the tiny transformer/SSRU
//! student network. Weights shipped as intgemm int8 are dequantized to f32
//! at load time.

mod config;
mod marian_bin;
mod model;
mod shortlist;

pub use config::{scalars, BergamotConfig};
pub use marian_bin::{Item, ItemType, MarianFile};
pub use model::{BatchModel, BergamotNet, DecoderState, EOS};
pub use shortlist::Shortlist;
