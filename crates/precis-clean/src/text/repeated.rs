//! Cross-article repetition: when several articles of one site are cleaned
//! together, blocks that recur in many of them (slogans, appeals, footers,
//! menus) are the site's furniture, not any article's content.

use std::collections::{HashMap, HashSet};

use super::blocks::Block;

/// Blocks seen in enough articles of a batch to count as site furniture.
#[derive(Debug, Default)]
pub(crate) struct RepeatedLines {
    lines: HashSet<String>,
}

impl RepeatedLines {
    /// Learns the blocks shared by at least two different articles and by
    /// at least a third of them; identical articles count once, so a
    /// duplicated input teaches nothing. A single article teaches nothing.
    pub(crate) fn learn(articles: &[&[Block]]) -> Self {
        let mut seen = HashSet::new();
        let articles: Vec<&[Block]> = articles
            .iter()
            .copied()
            .filter(|blocks| {
                seen.insert(blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>())
            })
            .collect();
        if articles.len() < 2 {
            return Self::default();
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for blocks in &articles {
            let unique: HashSet<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
            for text in unique {
                *counts.entry(text).or_default() += 1;
            }
        }
        let needed = articles.len().div_ceil(3).max(2);
        let lines = counts
            .into_iter()
            .filter(|&(_, count)| count >= needed)
            .map(|(text, _)| text.to_owned())
            .collect();
        RepeatedLines { lines }
    }

    pub(crate) fn contains(&self, text: &str) -> bool {
        self.lines.contains(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::blocks::segment;

    #[test]
    fn learns_only_shared_blocks() {
        let a = segment("Site News\n\nStory one is here.\n\nFollow us");
        let b = segment("Site News\n\nStory two is here.\n\nFollow us");
        let c = segment("Site News\n\nStory three.");
        let repeated = RepeatedLines::learn(&[&a, &b, &c]);
        assert!(repeated.contains("Site News"));
        assert!(repeated.contains("Follow us"));
        assert!(!repeated.contains("Story one is here."));
        assert!(!RepeatedLines::learn(&[&a]).contains("Site News"));
        // The same article twice is one article.
        assert!(!RepeatedLines::learn(&[&a, &a.clone()]).contains("Site News"));
    }
}
