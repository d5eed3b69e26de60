//! Stage 5, assemble: turn classified blocks into the [`Document`], with
//! everything dropped recorded in `removed`.

use super::blocks::Block;
use super::classify::Label;
use crate::{Document, Paragraph, Removed};

/// Builds the document from blocks and their labels (same length, same order).
pub(crate) fn assemble(blocks: Vec<Block>, labels: Vec<Label>) -> Document {
    let mut document = Document::default();
    let mut heading: Option<String> = None;
    for (block, label) in blocks.into_iter().zip(labels) {
        match label {
            Label::Title => document.title = Some(block.text),
            Label::Heading => {
                document.headings.push(block.text.clone());
                heading = Some(block.text);
            }
            Label::Body => document.paragraphs.push(Paragraph {
                text: block.text,
                heading: heading.clone(),
                lead: false,
            }),
            Label::Drop(reason) => document.removed.push(Removed {
                text: block.text,
                reason,
            }),
        }
    }
    if document.paragraphs.is_empty() {
        document.warnings.push(format!(
            "no body text was kept: all {} block(s) of the input look like boilerplate (see `removed` for each and why); if that is wrong, pass the article's text on its own",
            document.removed.len()
        ));
    }
    document
}
