//! Stage 4, classify: decide for every block whether it is the title, a
//! heading, body text, or boilerplate to drop (and why).

use std::collections::HashSet;

use super::blocks::Block;
use super::RepeatedLines;
use crate::Reason;

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Title,
    Heading,
    Body,
    Drop(Reason),
}

/// Labels every block (one label per block, same order).
pub(crate) fn classify(blocks: &[Block], repeated: &RepeatedLines) -> Vec<Label> {
    let mut labels = vec![Label::Body; blocks.len()];
    let mut seen = HashSet::new();
    for (block, label) in blocks.iter().zip(labels.iter_mut()) {
        if repeated.contains(&block.text) {
            *label = Label::Drop(Reason::RepeatedAcrossArticles);
        } else if !seen.insert(block.text.as_str()) {
            *label = Label::Drop(Reason::Duplicate);
        }
    }
    if let Some(title) = blocks.iter().position(|b| !b.text.ends_with('.')) {
        if let Some(label) = labels.get_mut(title) {
            *label = Label::Title;
        }
    }
    labels
}
