//! Cross-article repetition: when several articles of one site are cleaned
//! together, blocks that recur in many of them (slogans, appeals, footers,
//! menus) are the site's furniture, not any article's content.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::blocks::Block;

/// Blocks seen in enough articles of a batch to count as site furniture,
/// learned one article at a time from fingerprints (64-bit hashes), so a
/// batch of any size holds a few bytes per distinct block, never the texts.
#[derive(Debug, Default, Clone)]
pub(crate) struct RepeatedLines {
    /// Per block fingerprint: how many different articles hold it.
    counts: HashMap<u64, usize>,
    /// Fingerprints of the articles learned: identical ones count once.
    articles: HashSet<u64>,
}

fn fingerprint(value: impl Hash) -> u64 {
    // DefaultHasher::new() uses fixed keys: the same text, the same hash.
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl RepeatedLines {
    /// Counts one more article's blocks. A block is furniture once it is
    /// shared by at least two different articles and by at least a third
    /// of them; identical articles count once, so a duplicated input
    /// teaches nothing, and a single article teaches nothing.
    pub(crate) fn add(&mut self, blocks: &[Block]) {
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        if !self.articles.insert(fingerprint(&texts)) {
            return;
        }
        let unique: HashSet<u64> = texts.iter().map(fingerprint).collect();
        for hash in unique {
            *self.counts.entry(hash).or_default() += 1;
        }
    }

    pub(crate) fn contains(&self, text: &str) -> bool {
        let articles = self.articles.len();
        if articles < 2 {
            return false;
        }
        let needed = articles.div_ceil(3).max(2);
        self.counts
            .get(&fingerprint(text))
            .is_some_and(|&count| count >= needed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::blocks::segment;

    fn learn(articles: &[&[Block]]) -> RepeatedLines {
        let mut repeated = RepeatedLines::default();
        for blocks in articles {
            repeated.add(blocks);
        }
        repeated
    }

    #[test]
    fn learns_only_shared_blocks() {
        let a = segment("Site News\n\nStory one is here.\n\nFollow us");
        let b = segment("Site News\n\nStory two is here.\n\nFollow us");
        let c = segment("Site News\n\nStory three.");
        let repeated = learn(&[&a, &b, &c]);
        assert!(repeated.contains("Site News"));
        assert!(repeated.contains("Follow us"));
        assert!(!repeated.contains("Story one is here."));
        assert!(!learn(&[&a]).contains("Site News"));
        // The same article twice is one article.
        assert!(!learn(&[&a, &a.clone()]).contains("Site News"));
    }
}
