//! The plain-text pipeline: segment into blocks → classify blocks →
//! assemble the document. Each stage lives in its own module.

mod assemble;
mod blocks;
mod classify;
mod repeated;

pub(crate) use blocks::{segment, Block};
pub(crate) use repeated::RepeatedLines;

use crate::{Document, Reason};

/// Cleans a plain-text article cut into `blocks` by [`segment`]. `repeated`
/// holds the blocks shared with the other articles of the same batch.
///
/// Site furniture (a slogan, an appeal, a footer) is a few blocks around
/// an article's own text. When what the batch calls furniture is three
/// quarters of an article's body or more, the article repeats another one
/// (a repost, a syndicated copy): it is cleaned on its own, and a warning
/// says why, so learning never removes an article's body.
pub(crate) fn extract(blocks: Vec<Block>, repeated: &RepeatedLines) -> Document {
    let labels = classify::classify(&blocks, repeated);
    let with_site = assemble::assemble(blocks.clone(), labels);
    let shared: usize = with_site
        .removed
        .iter()
        .filter(|removed| removed.reason == Reason::RepeatedAcrossArticles)
        .map(|removed| removed.text.len())
        .sum();
    if shared == 0 {
        return with_site;
    }
    let labels = classify::classify(&blocks, &RepeatedLines::default());
    let mut alone = assemble::assemble(blocks, labels);
    let body =
        |document: &Document| -> usize { document.paragraphs.iter().map(|p| p.text.len()).sum() };
    if body(&with_site) * 4 >= body(&alone) {
        return with_site;
    }
    alone.warnings.push(
        "most of this article's text is also in another article of the batch (a repost or copy?), so it was cleaned on its own instead of as site furniture".into(),
    );
    alone
}
