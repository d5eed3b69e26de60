//! Reader for Marian's binary model format (`*.bin`), as written by
//! `marian-conv` and shipped by Firefox Translations.
//!
//! Layout (Marian `src/common/binary.cpp`): u64 version (1), u64 item count,
//! one header per item {u64 name length incl. NUL, u64 type, u64 shape
//! length, u64 data length}, all names (NUL-terminated), all shapes (i32),
//! u64 padding length and that many bytes (so data is 256-byte aligned),
//! then each item's data in header order. Every read is bounds-checked: a
//! damaged file is an error naming the problem, never a panic.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::BergamotError;

const VERSION: u64 = 1;
const HEADER_BYTES: usize = 32;

/// Int8 weights are checked in runs of this many values.
const BLOCK: usize = 4096;
/// Trained weights are bell-shaped around zero and quantized so that the
/// largest magnitude maps to 127: a run of them averages a small magnitude
/// (at most 27 in the Firefox tiny models), while random bytes average 64
/// (±0.6 over a run). Above this, a run is not trained weights.
const MAX_MEAN_MAGNITUDE: f32 = 48.0;
/// No trained float parameter (bias, norm scale) comes near this (the tiny
/// models' largest is 42); random bytes read as f32 exceed it about half
/// the time, when they are not NaN or infinite.
const MAX_FLOAT_MAGNITUDE: f32 = 1e4;

/// Element types this reader understands (Marian `src/common/types.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemType {
    /// Raw bytes; Marian stores the embedded `special:model.yml` this way.
    Int8,
    /// Little-endian f32 values.
    Float32,
    /// intgemm 8-bit weights: the int8 matrix (transposed: one row per output
    /// column) followed by its f32 quantization multiplier.
    Intgemm8,
}

impl ItemType {
    fn from_code(code: u64) -> Option<Self> {
        match code {
            0x0101 => Some(Self::Int8),
            0x0404 => Some(Self::Float32),
            0x4101 => Some(Self::Intgemm8),
            _ => None,
        }
    }

    /// Bytes the data of `elements` values needs at least (Marian pads
    /// every item to a multiple of 256 bytes, so files may hold more).
    fn min_bytes(self, elements: usize) -> Option<usize> {
        match self {
            Self::Int8 => Some(elements),
            Self::Float32 => elements.checked_mul(4),
            Self::Intgemm8 => elements.checked_add(4),
        }
    }
}

/// One named tensor of the file.
#[derive(Debug, Clone)]
pub struct Item {
    /// Marian's parameter name (`encoder_l1_self_Wq`, …).
    pub name: String,
    /// How its data is stored.
    pub item_type: ItemType,
    /// Its dimensions, outermost first.
    pub shape: Vec<usize>,
    data: Range<usize>,
}

impl Item {
    /// How many values the shape holds.
    pub fn elements(&self) -> usize {
        self.shape.iter().product()
    }
}

/// A whole Marian binary file held in memory, with its items indexed by name.
#[derive(Debug)]
pub struct MarianFile {
    path: PathBuf,
    bytes: Vec<u8>,
    items: Vec<Item>,
    by_name: HashMap<String, usize>,
}

/// Bounds-checked little-endian reader over the file bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        match end {
            Some(end) => {
                let slice = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(slice)
            }
            None => Err(format!(
                "file is truncated: reading {what} needs {n} bytes at offset {} but the file has {} bytes",
                self.pos,
                self.bytes.len()
            )),
        }
    }

    fn u64(&mut self, what: &str) -> Result<u64, String> {
        let raw = self.take(8, what)?;
        let mut buf = [0u8; 8];
        buf.copy_from_slice(raw);
        Ok(u64::from_le_bytes(buf))
    }

    fn usize(&mut self, what: &str) -> Result<usize, String> {
        let value = self.u64(what)?;
        usize::try_from(value).map_err(|_| format!("{what} {value} does not fit in memory"))
    }
}

impl MarianFile {
    /// Reads and indexes the file at `path`.
    pub fn open(path: &Path) -> Result<Self, BergamotError> {
        let bytes = std::fs::read(path).map_err(|source| BergamotError::Io {
            context: format!("reading Marian model {}", path.display()),
            source,
        })?;
        Self::from_bytes(bytes, path)
    }

    /// Indexes a file already in memory; `path` is only used in messages.
    pub fn from_bytes(bytes: Vec<u8>, path: &Path) -> Result<Self, BergamotError> {
        let items = parse_items(&bytes).map_err(|detail| BergamotError::BadWeights {
            path: path.to_path_buf(),
            detail: format!(
                "{detail}; this is not a valid Marian binary model (fetch the model again)"
            ),
        })?;
        let by_name = items
            .iter()
            .enumerate()
            .map(|(i, item)| (item.name.clone(), i))
            .collect();
        Ok(Self {
            path: path.to_path_buf(),
            bytes,
            items,
            by_name,
        })
    }

    /// Every item, in file order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The item called `name`, if the file has one.
    pub fn get(&self, name: &str) -> Option<&Item> {
        self.by_name.get(name).and_then(|&i| self.items.get(i))
    }

    fn error(&self, detail: String) -> BergamotError {
        BergamotError::BadWeights {
            path: self.path.clone(),
            detail,
        }
    }

    fn item(&self, name: &str) -> Result<&Item, BergamotError> {
        self.get(name).ok_or_else(|| {
            self.error(format!(
                "tensor `{name}` is missing; the file is not a Bergamot transformer model of the expected architecture"
            ))
        })
    }

    fn data(&self, item: &Item) -> &[u8] {
        // Ranges were checked against the file length when parsing.
        self.bytes.get(item.data.clone()).unwrap_or_default()
    }

    /// The values of tensor `name` as f32 with its shape: float tensors as
    /// stored, intgemm tensors dequantized (value / quantization multiplier).
    pub fn matrix(&self, name: &str) -> Result<(Vec<f32>, Vec<usize>), BergamotError> {
        let item = self.item(name)?;
        let data = self.data(item);
        let n = item.elements();
        let values = match item.item_type {
            ItemType::Float32 => data
                .chunks_exact(4)
                .take(n)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            ItemType::Intgemm8 => {
                let quant_mult = self.quant_mult(item)?;
                data.iter()
                    .take(n)
                    .map(|&q| f32::from(q as i8) / quant_mult)
                    .collect()
            }
            ItemType::Int8 => {
                return Err(self.error(format!("tensor `{name}` holds raw bytes, not numbers")))
            }
        };
        self.check_plausible(item)?;
        Ok((values, item.shape.clone()))
    }

    /// Cheap structural evidence that a tensor holds trained weights, not
    /// damaged bytes (the file's recorded hash is the real proof, when
    /// there is one): floats finite and of a sane size, int8 runs not
    /// spread like random bytes.
    fn check_plausible(&self, item: &Item) -> Result<(), BergamotError> {
        let data = self.data(item);
        let n = item.elements();
        let damaged = |what: String| {
            self.error(format!(
                "tensor `{}` {what}: the file is damaged (re-fetch the model files)",
                item.name
            ))
        };
        match item.item_type {
            ItemType::Float32 => {
                let bad = data.chunks_exact(4).take(n).position(|c| {
                    let v = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                    // NaN fails `is_finite`, so it is caught too.
                    !v.is_finite() || v.abs() > MAX_FLOAT_MAGNITUDE
                });
                if let Some(i) = bad {
                    return Err(damaged(format!(
                        "holds a NaN, infinite or absurd value at index {i}"
                    )));
                }
            }
            ItemType::Intgemm8 => {
                let values = data.get(..n).unwrap_or_default();
                for (block, run) in values.chunks_exact(BLOCK).enumerate() {
                    let total: u32 = run
                        .iter()
                        .map(|&q| u32::from((q as i8).unsigned_abs()))
                        .sum();
                    let mean = total as f32 / BLOCK as f32;
                    if mean > MAX_MEAN_MAGNITUDE {
                        return Err(damaged(format!(
                            "has values {}..{} spread like random bytes (mean magnitude {mean:.0} of 127)",
                            block * BLOCK,
                            (block + 1) * BLOCK
                        )));
                    }
                }
            }
            ItemType::Int8 => {}
        }
        Ok(())
    }

    /// The quantization multiplier stored after an intgemm tensor's values.
    pub fn quant_mult(&self, item: &Item) -> Result<f32, BergamotError> {
        let n = item.elements();
        match self.data(item).get(n..n + 4) {
            Some(c) if item.item_type == ItemType::Intgemm8 => {
                let m = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                if m.is_finite() && m > 0.0 {
                    Ok(m)
                } else {
                    Err(self.error(format!(
                        "tensor `{}` has an invalid quantization multiplier {m}",
                        item.name
                    )))
                }
            }
            _ => Err(self.error(format!("tensor `{}` is not an intgemm8 tensor", item.name))),
        }
    }

    /// A byte tensor as text (the embedded `special:model.yml`), without
    /// its trailing NULs.
    pub fn text(&self, name: &str) -> Result<&str, BergamotError> {
        let item = self.item(name)?;
        let bytes = self.data(item).get(..item.elements()).unwrap_or_default();
        let trimmed = bytes.split(|&b| b == 0).next().unwrap_or_default();
        std::str::from_utf8(trimmed)
            .map_err(|e| self.error(format!("tensor `{name}` is not UTF-8 text: {e}")))
    }
}

fn parse_items(bytes: &[u8]) -> Result<Vec<Item>, String> {
    let mut cur = Cursor { bytes, pos: 0 };
    let version = cur.u64("the version")?;
    if version != VERSION {
        return Err(format!(
            "unsupported Marian binary version {version} (only version {VERSION} is supported; encrypted or newer models are not)"
        ));
    }
    let count = cur.usize("the item count")?;
    // Each header is 32 bytes: reject absurd counts before allocating.
    let header_bytes = count
        .checked_mul(HEADER_BYTES)
        .filter(|&n| n <= bytes.len())
        .ok_or_else(|| {
            format!("file is truncated: it claims {count} tensors, more than its size allows")
        })?;
    let headers = cur.take(header_bytes, "the tensor headers")?;
    let mut raw = Vec::with_capacity(count);
    for h in headers.chunks_exact(HEADER_BYTES) {
        let mut hc = Cursor { bytes: h, pos: 0 };
        raw.push([
            hc.usize("a header")?,
            hc.usize("a header")?,
            hc.usize("a header")?,
            hc.usize("a header")?,
        ]);
    }
    let mut names = Vec::with_capacity(count);
    for [name_len, ..] in &raw {
        let name = cur.take(*name_len, "a tensor name")?;
        let name = name.strip_suffix(&[0]).unwrap_or(name);
        names.push(String::from_utf8_lossy(name).into_owned());
    }
    let mut shapes = Vec::with_capacity(count);
    for ([_, _, shape_len, _], name) in raw.iter().zip(&names) {
        let dims = cur.take(shape_len.saturating_mul(4), "a tensor shape")?;
        let shape = dims
            .chunks_exact(4)
            .map(|c| {
                let d = i32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                usize::try_from(d)
                    .map_err(|_| format!("tensor `{name}` has a negative dimension {d}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        shapes.push(shape);
    }
    let padding = cur.usize("the alignment padding")?;
    cur.take(padding, "the alignment padding")?;
    let mut items = Vec::with_capacity(count);
    for (([_, type_code, _, data_len], name), shape) in raw.iter().zip(names).zip(shapes) {
        let item_type = ItemType::from_code(*type_code as u64).ok_or_else(|| {
            format!("tensor `{name}` has unknown type 0x{type_code:04x} (supported: float32 0x0404, intgemm8 0x4101, int8 0x0101)")
        })?;
        let start = cur.pos;
        cur.take(*data_len, &format!("the data of tensor `{name}`"))?;
        let elements = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d));
        let needed = elements.and_then(|n| item_type.min_bytes(n));
        match needed {
            Some(needed) if needed <= *data_len => {}
            _ => {
                return Err(format!(
                    "tensor `{name}` has shape {shape:?} of type {item_type:?} but only {data_len} bytes of data"
                ))
            }
        }
        items.push(Item {
            name,
            item_type,
            shape,
            data: start..start + data_len,
        });
    }
    Ok(items)
}
