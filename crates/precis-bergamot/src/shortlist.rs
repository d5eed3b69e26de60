//! Marian's binary lexical shortlist (`lex.*.s2t.bin`): for each source
//! token, the target tokens it most often translates to. Decoding only
//! scores the shortlist of its source sentence, which is both Bergamot's
//! speed trick and part of its output (a word outside the list can never be
//! chosen). Format and selection rules follow Marian `src/data/shortlist.cpp`.

use std::path::Path;

use crate::BergamotError;

const MAGIC: u64 = 0xF11A_48D5_0134_17F5;
const HEADER_WORDS: usize = 6;

/// The loaded shortlist table.
#[derive(Debug)]
pub struct Shortlist {
    /// The `first_num` most frequent target ids are always allowed.
    first_num: usize,
    /// `offsets[s]..offsets[s + 1]` indexes `targets` for source id `s`.
    offsets: Vec<u64>,
    targets: Vec<u32>,
}

impl Shortlist {
    /// Reads and checks the shortlist file at `path`.
    pub fn open(path: &Path) -> Result<Self, BergamotError> {
        let bytes = std::fs::read(path).map_err(|source| BergamotError::Io {
            context: format!("reading shortlist {}", path.display()),
            source,
        })?;
        Self::from_bytes(&bytes).map_err(|detail| BergamotError::BadWeights {
            path: path.to_path_buf(),
            detail: format!("{detail}; fetch the model files again"),
        })
    }

    /// Parses and checks a shortlist: magic, size, checksum and that every
    /// offset and target id is in range.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let word = |i: usize| -> Option<u64> {
            let b = bytes.get(i * 8..i * 8 + 8)?;
            Some(u64::from_le_bytes(b.try_into().ok()?))
        };
        let header: Vec<u64> = (0..HEADER_WORDS).map_while(word).collect();
        let [magic, checksum, first_num, _best_num, offsets_len, targets_len] = header[..] else {
            return Err(format!(
                "shortlist is truncated: {} bytes, shorter than its header",
                bytes.len()
            ));
        };
        if magic != MAGIC {
            return Err(format!(
                "not a binary Marian shortlist (magic 0x{magic:016x})"
            ));
        }
        let expected =
            (offsets_len as u128) * 8 + (targets_len as u128) * 4 + (HEADER_WORDS as u128) * 8;
        if expected != bytes.len() as u128 {
            return Err(format!(
                "shortlist header claims {expected} bytes but the file has {}",
                bytes.len()
            ));
        }
        // Marian's checksum: boost-style hash_combine over the u64 words from
        // `first_num` to the end of the file.
        let words = (bytes.len() - 16) / 8;
        let actual = (0..words)
            .filter_map(|i| word(2 + i))
            .fold(0u64, |seed, v| {
                seed ^ v
                    .wrapping_add(0x9e37_79b9)
                    .wrapping_add(seed << 6)
                    .wrapping_add(seed >> 2)
            });
        if actual != checksum {
            return Err("shortlist checksum does not match: the file is corrupted".to_string());
        }
        let start = HEADER_WORDS * 8;
        let offsets_end = start + offsets_len as usize * 8;
        let offsets: Vec<u64> = bytes[start..offsets_end]
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect();
        let targets: Vec<u32> = bytes[offsets_end..]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let ordered = offsets.windows(2).all(|w| w[0] <= w[1]);
        if offsets.last() != Some(&targets_len) || !ordered {
            return Err(
                "shortlist offsets are out of order or do not cover the target table".into(),
            );
        }
        Ok(Self {
            first_num: first_num as usize,
            offsets,
            targets,
        })
    }

    /// Fails when the shortlist was built for another vocabulary than the
    /// model's `vocab_size` entries (source and target share it, as the
    /// tied embeddings do): a list per source token, and no target id
    /// outside it.
    pub fn check_vocab(&self, vocab_size: usize) -> Result<(), String> {
        let sources = self.offsets.len().saturating_sub(1);
        if sources != vocab_size {
            return Err(format!(
                "shortlist has lists for {sources} source tokens but the model's vocabulary has {vocab_size}; it belongs to another model"
            ));
        }
        match self.targets.iter().find(|&&t| t as usize >= vocab_size) {
            Some(t) => Err(format!(
                "shortlist lists target id {t} but the model's vocabulary has {vocab_size} entries; it belongs to another model"
            )),
            None => Ok(()),
        }
    }

    /// The sorted target ids allowed when translating `source` (token ids),
    /// from a vocabulary of `vocab_size`: the `first_num` most frequent
    /// words, every listed translation of each source token, then more
    /// frequent words until the count is a multiple of eight (intgemm's
    /// requirement, kept because it changes which words can win).
    pub fn allowed(&self, source: &[u32], vocab_size: usize) -> Vec<u32> {
        let mut keep = vec![false; vocab_size];
        for slot in keep.iter_mut().take(self.first_num) {
            *slot = true;
        }
        for &s in source {
            let s = s as usize;
            let (Some(&from), Some(&to)) = (self.offsets.get(s), self.offsets.get(s + 1)) else {
                continue;
            };
            for &t in self
                .targets
                .get(from as usize..to as usize)
                .unwrap_or_default()
            {
                if let Some(slot) = keep.get_mut(t as usize) {
                    *slot = true;
                }
            }
        }
        let mut count = keep.iter().filter(|&&k| k).count();
        for slot in keep.iter_mut().skip(self.first_num) {
            if count % 8 == 0 {
                break;
            }
            if !*slot {
                *slot = true;
                count += 1;
            }
        }
        keep.iter()
            .enumerate()
            .filter(|(_, &k)| k)
            .map(|(i, _)| i as u32)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid shortlist file from its parts, checksum included.
    pub(crate) fn build(first_num: u64, lists: &[&[u32]]) -> Vec<u8> {
        let mut offsets = vec![0u64];
        let mut targets = Vec::new();
        for list in lists {
            targets.extend_from_slice(list);
            offsets.push(targets.len() as u64);
        }
        let mut body = vec![first_num, 50, offsets.len() as u64, targets.len() as u64];
        body.extend(&offsets);
        let mut tail = Vec::new();
        for t in &targets {
            tail.extend_from_slice(&t.to_le_bytes());
        }
        let mut bytes = Vec::new();
        for w in &body {
            bytes.extend_from_slice(&w.to_le_bytes());
        }
        bytes.extend_from_slice(&tail);
        let words = bytes.len() / 8;
        let checksum = (0..words)
            .map(|i| u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().unwrap()))
            .fold(0u64, |seed, v| {
                seed ^ v
                    .wrapping_add(0x9e37_79b9)
                    .wrapping_add(seed << 6)
                    .wrapping_add(seed >> 2)
            });
        let mut out = Vec::new();
        out.extend_from_slice(&MAGIC.to_le_bytes());
        out.extend_from_slice(&checksum.to_le_bytes());
        out.extend_from_slice(&bytes);
        out
    }

    #[test]
    fn selects_frequent_words_translations_and_pads_to_eight() {
        let bytes = build(2, &[&[5], &[9, 30], &[]]);
        let list = Shortlist::from_bytes(&bytes).unwrap();
        // 0,1 frequent; 9,30 from source 1; padded with 2,3,4,5 to reach 8.
        assert_eq!(list.allowed(&[1, 1, 7], 40), vec![0, 1, 2, 3, 4, 5, 9, 30]);
    }

    #[test]
    fn a_shortlist_of_another_vocabulary_is_refused() {
        let lists: Vec<Vec<u32>> = (0..40).map(|s| vec![s, 39 - s]).collect();
        let lists: Vec<&[u32]> = lists.iter().map(Vec::as_slice).collect();
        let list = Shortlist::from_bytes(&build(2, &lists)).unwrap();
        assert!(list.check_vocab(40).is_ok());
        let err = list.check_vocab(41).unwrap_err();
        assert!(err.contains("40 source tokens"), "{err}");
        let mut out_of_range = lists.clone();
        out_of_range[3] = &[40];
        let list = Shortlist::from_bytes(&build(2, &out_of_range)).unwrap();
        assert!(list.check_vocab(40).unwrap_err().contains("target id 40"));
    }

    #[test]
    fn rejects_corruption() {
        let mut bytes = build(2, &[&[5], &[9, 30]]);
        // Flip a bit of the offsets table, inside the checksummed words.
        bytes[HEADER_WORDS * 8 + 8] ^= 1;
        assert!(Shortlist::from_bytes(&bytes)
            .unwrap_err()
            .contains("checksum"));
        assert!(Shortlist::from_bytes(&bytes[..20])
            .unwrap_err()
            .contains("truncated"));
        assert!(Shortlist::from_bytes(&[0u8; 48])
            .unwrap_err()
            .contains("magic"));
        let mut short = build(2, &[&[5]]);
        short.truncate(short.len() - 4);
        assert!(Shortlist::from_bytes(&short)
            .unwrap_err()
            .contains("claims"));
    }
}
