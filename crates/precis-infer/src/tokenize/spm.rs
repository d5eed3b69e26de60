//! SentencePiece models (`*.spm`, `*.model`) read in Rust: the protobuf
//! `ModelProto` is decoded by a minimal reader (only the fields precis
//! needs) and turned into a `tokenizers` Unigram tokenizer with the model's
//! normalization (its precompiled charsmap, then SentencePiece's whitespace
//! rules) and Metaspace pre-tokenization and decoding — what transformers' converter
//! builds, without Python.

use std::path::Path;

use tokenizers::models::unigram::Unigram;
use tokenizers::normalizers::{Precompiled, Replace, Sequence, Strip};
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::{NormalizerWrapper, Tokenizer};

use crate::InferError;

/// Checks that every lookup the charsmap's trie can make stays inside it:
/// `tokenizers` indexes the trie and the replacement strings without bounds
/// checks of its own, so a damaged `.spm` would panic on some input text
/// (found by fuzzing) instead of failing here, at load. The trie is a
/// darts-clone double array: from a node's base, byte `c` leads to unit
/// `base ^ c`, which is a child when its label is `c`; a child's base is
/// its unit XOR its offset, and a child with a leaf holds, at that base,
/// the start of its replacement in the NUL-separated strings after the
/// trie. Every reachable node is visited once.
fn check_charsmap(charsmap: &[u8]) -> Result<(), String> {
    let damaged = |what: &str| format!("its normalization table is damaged ({what})");
    let word = |at: usize| -> Option<usize> {
        let bytes = charsmap.get(at..at + 4)?;
        Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize)
    };
    let trie_bytes = word(0).ok_or_else(|| damaged("no trie size"))?;
    let units: Vec<usize> = (0..trie_bytes / 4)
        .map(|i| word(4 + 4 * i))
        .collect::<Option<_>>()
        .ok_or_else(|| damaged("the trie is cut short"))?;
    let strings = charsmap
        .get(4 + 4 * units.len()..)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .ok_or_else(|| damaged("replacements are not UTF-8"))?;
    // The unit fields as spm_precompiled reads them.
    let offset = |unit: usize| (unit >> 10) << ((unit & (1 << 9)) >> 6);
    let label = |unit: usize| unit & ((1 << 31) | 0xFF);
    let has_leaf = |unit: usize| (unit >> 8) & 1 == 1;
    let root = units.first().ok_or_else(|| damaged("an empty trie"))?;
    let mut bases = vec![offset(*root)];
    let mut seen = std::collections::HashSet::new();
    while let Some(base) = bases.pop() {
        if !seen.insert(base) {
            continue;
        }
        for c in 1..=255usize {
            let unit = *units
                .get(base ^ c)
                .ok_or_else(|| damaged("a lookup leaves the trie"))?;
            if label(unit) != c {
                continue;
            }
            let child = base ^ c ^ offset(unit);
            let at = units
                .get(child)
                .ok_or_else(|| damaged("a node lies outside the trie"))?;
            if has_leaf(unit) {
                let start = at & ((1 << 31) - 1);
                if !strings.is_char_boundary(start) {
                    return Err(damaged("a replacement lies outside its strings"));
                }
            }
            bases.push(child);
        }
    }
    Ok(())
}

/// `SentencePiece.Type` values of the pieces precis treats specially.
const TYPE_UNKNOWN: u64 = 2;

/// One vocabulary entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The piece's text (`▁` for a space).
    pub piece: String,
    /// Its Unigram log-probability.
    pub score: f32,
    /// `SentencePiece.Type`: 1 normal, 2 unknown, 3 control, 4 user-defined,
    /// 5 unused, 6 byte.
    pub kind: u64,
}

/// The parts of a SentencePiece `ModelProto` precis uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpmModel {
    /// The vocabulary, by id.
    pub pieces: Vec<Piece>,
    /// `normalizer_spec.precompiled_charsmap`: empty for identity.
    pub precompiled_charsmap: Vec<u8>,
}

/// A protobuf wire-format cursor.
struct Reader<'a> {
    bytes: &'a [u8],
}

/// A field's value: varints and fixed32s are numbers, the rest bytes.
enum Value<'a> {
    Varint(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
    Fixed64,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.bytes.split_first().ok_or("truncated varint")?;
            self.bytes = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("varint longer than 10 bytes".into())
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        if len > self.bytes.len() {
            return Err("field runs past the end of the file".into());
        }
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(head)
    }

    /// The next `(field number, value)`, or `None` at the end.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>, String> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed64
            }
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|e| e.to_string())?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                let raw = self.take(4)?;
                let raw: [u8; 4] = raw.try_into().map_err(|_| "short fixed32")?;
                Value::Fixed32(u32::from_le_bytes(raw))
            }
            wire => return Err(format!("unsupported wire type {wire}")),
        };
        Ok(Some((key >> 3, value)))
    }
}

impl SpmModel {
    /// Decodes a serialized `ModelProto`.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let mut model = Self::default();
        let mut reader = Reader { bytes };
        while let Some((field, value)) = reader.field()? {
            match (field, value) {
                (1, Value::Bytes(piece)) => model.pieces.push(parse_piece(piece)?),
                (3, Value::Bytes(spec)) => {
                    let mut spec = Reader { bytes: spec };
                    while let Some((field, value)) = spec.field()? {
                        if let (2, Value::Bytes(charsmap)) = (field, value) {
                            model.precompiled_charsmap = charsmap.to_vec();
                        }
                    }
                }
                _ => {}
            }
        }
        if model.pieces.is_empty() {
            return Err("no vocabulary pieces: not a SentencePiece model".into());
        }
        Ok(model)
    }

    /// Reads a `.spm` / `.model` file.
    pub fn load(path: &Path) -> Result<Self, InferError> {
        let bad = |detail: String| InferError::BadConfig {
            path: path.to_path_buf(),
            detail: format!("{detail}; use the model's own SentencePiece file"),
        };
        let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        Self::parse(&bytes).map_err(bad)
    }

    /// The Unigram tokenizer this model describes; its ids are the
    /// SentencePiece ids. Unknown characters come out as the text they
    /// cover (consecutive ones fused, as SentencePiece does).
    pub fn tokenizer(&self) -> Result<Tokenizer, String> {
        let unk = self
            .pieces
            .iter()
            .position(|p| p.kind == TYPE_UNKNOWN)
            .ok_or("the model has no <unk> piece")?;
        let vocab = self
            .pieces
            .iter()
            .map(|p| (p.piece.clone(), f64::from(p.score)))
            .collect();
        let unigram = Unigram::from(vocab, Some(unk), false).map_err(|e| e.to_string())?;
        let mut tokenizer = Tokenizer::new(unigram);
        // SentencePiece's default normalizer spec: the charsmap, then
        // `remove_extra_whitespaces` (trim, collapse runs of spaces).
        let mut normalizers: Vec<NormalizerWrapper> = Vec::new();
        if !self.precompiled_charsmap.is_empty() {
            check_charsmap(&self.precompiled_charsmap)?;
            let charsmap =
                Precompiled::from(&self.precompiled_charsmap).map_err(|e| e.to_string())?;
            normalizers.push(charsmap.into());
        }
        normalizers.push(
            Replace::new(
                tokenizers::normalizers::replace::ReplacePattern::Regex(" {2,}".into()),
                " ",
            )
            .map_err(|e| e.to_string())?
            .into(),
        );
        normalizers.push(Strip::new(true, true).into());
        tokenizer
            .with_normalizer(Some(Sequence::new(normalizers)))
            .map_err(|e| e.to_string())?;
        let metaspace = Metaspace::new('▁', PrependScheme::Always, true);
        tokenizer.with_pre_tokenizer(Some(metaspace.clone()));
        // Decoding turns `▁` back into spaces and drops the leading one.
        tokenizer.with_decoder(Some(metaspace));
        Ok(tokenizer)
    }
}

fn parse_piece(bytes: &[u8]) -> Result<Piece, String> {
    let mut piece = Piece {
        piece: String::new(),
        score: 0.0,
        kind: 1,
    };
    let mut reader = Reader { bytes };
    while let Some((field, value)) = reader.field()? {
        match (field, value) {
            (1, Value::Bytes(text)) => {
                piece.piece = String::from_utf8(text.to_vec()).map_err(|e| e.to_string())?
            }
            (2, Value::Fixed32(bits)) => piece.score = f32::from_bits(bits),
            (3, Value::Varint(kind)) => piece.kind = kind,
            _ => {}
        }
    }
    Ok(piece)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pieces_and_refuses_truncated_files() {
        // pieces { piece: "▁a" score: -1.5 type: NORMAL }, pieces { "<unk>" type: UNKNOWN }
        let mut bytes = vec![0x0a, 0x0d, 0x0a, 0x04];
        bytes.extend("▁a".as_bytes());
        bytes.push(0x15);
        bytes.extend((-1.5f32).to_le_bytes());
        bytes.extend([0x18, 0x01]);
        bytes.extend([0x0a, 0x09, 0x0a, 0x05]);
        bytes.extend(b"<unk>");
        bytes.extend([0x18, 0x02]);
        let model = SpmModel::parse(&bytes).unwrap();
        assert_eq!(model.pieces.len(), 2);
        assert_eq!(model.pieces[0].piece, "▁a");
        assert_eq!(model.pieces[0].score, -1.5);
        assert_eq!(model.pieces[1].kind, TYPE_UNKNOWN);
        assert!(SpmModel::parse(&bytes[..bytes.len() - 3]).is_err());
        assert!(SpmModel::parse(b"").is_err());
        let tokenizer = model.tokenizer().unwrap();
        let encoding = tokenizer.encode("a  a", false).unwrap();
        assert_eq!(encoding.get_tokens(), ["▁a", "▁a"]);
    }
}
