//! Model families, one file each, with modules named after the tensor paths
//! of their Hugging Face checkpoints so weights load by path.

pub mod bart;
pub mod bergamot;
pub mod bert;
pub mod marian;
pub mod t5;

use serde::Deserialize;

/// A token id field that Hugging Face configs write either as one id or as
/// a list (`"eos_token_id": 1` or `"eos_token_id": [1, 2]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum TokenIds {
    One(u32),
    Many(Vec<u32>),
}

impl TokenIds {
    pub fn to_vec(&self) -> Vec<u32> {
        match self {
            Self::One(id) => vec![*id],
            Self::Many(ids) => ids.clone(),
        }
    }
}
