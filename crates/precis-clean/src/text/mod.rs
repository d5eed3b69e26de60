//! The plain-text pipeline: segment into blocks → classify blocks →
//! assemble the document. Each stage lives in its own module.

mod assemble;
mod blocks;
mod classify;
mod repeated;

pub(crate) use blocks::{segment, Block};
pub(crate) use repeated::RepeatedLines;

use crate::Document;

/// Cleans a plain-text article cut into `blocks` by [`segment`]. `repeated`
/// holds the blocks shared with the other articles of the same batch.
pub(crate) fn extract(blocks: Vec<Block>, repeated: &RepeatedLines) -> Document {
    let labels = classify::classify(&blocks, repeated);
    assemble::assemble(blocks, labels)
}
