//! Linear layers whose weights are kept either in f32 or as 8-bit ggml
//! `Q8_0` blocks, chosen when a model is loaded. Q8 cuts the memory of the weight
//! matrices to about a quarter and speeds up CPU matmuls, at a small
//! accuracy cost that the tests measure.

use std::borrow::Cow;

use candle_core::quantized::{GgmlDType, QMatMul, QStorage, QTensor};
use candle_core::{Module, Result, Storage, Tensor, D};
use candle_nn::VarBuilder;
use precis_kernels::{products_transposed, quantize_q8_0_row, Q8_0_BLOCK_BYTES, Q8_0_BLOCK_VALUES};
use serde::{Deserialize, Serialize};

/// How linear-layer weights are stored in memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// Full precision, exactly the checkpoint's values.
    #[default]
    F32,
    /// ggml `Q8_0`: blocks of 32 weights sharing one f16 scale.
    Q8,
}

/// `y = x Wᵀ` with `W` of shape `[out, in]`, as in the checkpoint.
#[derive(Debug, Clone)]
pub(crate) enum Linear {
    F32(candle_nn::Linear),
    /// `out_dim` outputs of a matrix padded with zero rows to whole tiles.
    Q8 {
        matmul: QMatMul,
        out_dim: usize,
    },
}

/// candle's fast int8 kernels (AVX-512 VNNI / AVX-VNNI, repacked weights)
/// take weights in tiles of this many rows and fall back to a slower
/// per-row kernel otherwise: vocabulary-sized lm_heads (t5's 32101 rows)
/// get zero rows appended so that they use the fast kernels too.
const Q8_TILE_ROWS: usize = 16;

/// Up to this many input rows (a decoder step of a few beams or
/// sentences), f32 products stream the weights through
/// [`products_transposed`] instead of a GEMM that packs them on every call.
/// A t5-small step of 24 rows (8 inputs × 3 beams) takes 44 ms so against
/// 59 on the GEMM, of 32 rows 58 against 67; at 48 rows the GEMM is ahead.
const FEW_ROWS: usize = 32;

/// Weight rows per parallel task of those products, at the least: fewer
/// tasks than this would cost more to schedule than they save.
const MIN_TASK_ROWS: usize = 32;

impl Linear {
    /// Loads `weight` of shape `[out_dim, in_dim]` under `vb`.
    pub fn load(
        in_dim: usize,
        out_dim: usize,
        vb: VarBuilder,
        precision: Precision,
    ) -> Result<Self> {
        Self::new(vb.get((out_dim, in_dim), "weight")?, precision)
    }

    /// Wraps a `[out, in]` weight matrix. Q8 blocks run along the input
    /// dimension, so a matrix whose input size is not a multiple of the
    /// block size stays in f32 rather than failing to load.
    pub fn new(weight: Tensor, precision: Precision) -> Result<Self> {
        let block = GgmlDType::Q8_0.block_size();
        let (out_dim, in_dim) = weight.dims2()?;
        match precision {
            Precision::Q8 if in_dim.is_multiple_of(block) => {
                let weight = weight.contiguous()?;
                let rows = out_dim.next_multiple_of(Q8_TILE_ROWS);
                let data =
                    with_cpu_f32(&weight, |w| quantize_q8_0(w, in_dim, rows)).ok_or_else(|| {
                        candle_core::Error::msg("q8: weights must be f32 tensors in CPU memory")
                    })?;
                let storage =
                    QStorage::from_data(Cow::Owned(data), weight.device(), GgmlDType::Q8_0)?;
                Ok(Self::Q8 {
                    matmul: QMatMul::from_qtensor(QTensor::new(storage, (rows, in_dim))?)?,
                    out_dim,
                })
            }
            _ => Ok(Self::F32(candle_nn::Linear::new(weight, None))),
        }
    }
}

/// A linear layer with a bias (`weight` and `bias` under one path, as BART's
/// and BERT's checkpoints store them), or without one; the weight may be
/// quantized.
#[derive(Debug, Clone)]
pub(crate) struct Dense {
    weight: Linear,
    bias: Option<Tensor>,
}

impl Dense {
    /// Loads `weight` `[out_dim, in_dim]` and `bias` `[out_dim]` under `vb`.
    pub fn load(
        in_dim: usize,
        out_dim: usize,
        vb: VarBuilder,
        precision: Precision,
    ) -> Result<Self> {
        Ok(Self {
            weight: Linear::load(in_dim, out_dim, vb.clone(), precision)?,
            bias: Some(vb.get(out_dim, "bias")?),
        })
    }

    /// Wraps a `[out, in]` weight matrix and its `[out]` bias, if any.
    pub fn new(weight: Tensor, bias: Option<Tensor>, precision: Precision) -> Result<Self> {
        Ok(Self {
            weight: Linear::new(weight, precision)?,
            bias,
        })
    }
}

impl Module for Dense {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        let ys = self.weight.forward(xs)?;
        match &self.bias {
            Some(bias) => ys.broadcast_add(bias),
            None => Ok(ys),
        }
    }
}

/// Runs `f` on the values of a contiguous f32 tensor in CPU memory, without
/// copying them; `None` for any other tensor.
fn with_cpu_f32<R>(tensor: &Tensor, f: impl FnOnce(&[f32]) -> R) -> Option<R> {
    let (storage, layout) = tensor.storage_and_layout();
    match (&*storage, layout.contiguous_offsets()) {
        (Storage::Cpu(cpu), Some((start, end))) => {
            cpu.as_slice::<f32>().ok()?.get(start..end).map(f)
        }
        _ => None,
    }
}

/// Row-major `w` with `in_dim` columns as `Q8_0` blocks, row after row, then
/// zero rows up to `rows` (all-zero bytes are a zero block: scale 0, values
/// 0), quantized in parallel.
fn quantize_q8_0(w: &[f32], in_dim: usize, rows: usize) -> Vec<u8> {
    use rayon::prelude::*;
    let row_bytes = in_dim / Q8_0_BLOCK_VALUES * Q8_0_BLOCK_BYTES;
    let mut data = vec![0u8; rows * row_bytes];
    data.par_chunks_mut(row_bytes)
        .zip(w.par_chunks_exact(in_dim))
        .for_each(|(out, row)| quantize_q8_0_row(row, out));
    data
}

/// `x·Wᵀ` for `rows` rows of `x` and row-major `w`, into `out` (`[rows,
/// outputs]`): blocks of weight rows go to rayon's pool. Each output is one
/// fixed-order dot product, so the result is the same whatever the threads.
fn few_row_products(x: &[f32], w: &[f32], in_dim: usize, rows: usize, out: &mut [f32]) {
    use rayon::prelude::*;
    let out_dim = w.len() / in_dim;
    // Output-major, so that each block of weight rows owns one slice.
    let mut transposed = if rows == 1 {
        Vec::new()
    } else {
        vec![0f32; out.len()]
    };
    let target = if rows == 1 {
        &mut *out
    } else {
        &mut transposed
    };
    let threads = rayon::current_num_threads();
    let task_rows = out_dim.div_ceil(4 * threads).max(MIN_TASK_ROWS);
    if threads == 1 || task_rows >= out_dim {
        products_transposed(x, w, in_dim, target);
    } else {
        w.par_chunks(task_rows * in_dim)
            .zip(target.par_chunks_mut(task_rows * rows))
            .for_each(|(w, target)| products_transposed(x, w, in_dim, target));
    }
    if rows > 1 {
        for (o, values) in transposed.chunks_exact(rows).enumerate() {
            for (r, &v) in values.iter().enumerate() {
                out[r * out_dim + o] = v;
            }
        }
    }
}

impl Module for Linear {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        match self {
            Self::F32(linear) => {
                let weight = linear.weight();
                let (out_dim, in_dim) = weight.dims2()?;
                let rows = xs.elem_count() / in_dim.max(1);
                if rows == 0 || rows > FEW_ROWS {
                    return linear.forward(xs);
                }
                let x = xs.flatten_all()?.to_vec1::<f32>()?;
                let mut out = vec![0f32; rows * out_dim];
                let streamed = with_cpu_f32(weight, |w| {
                    few_row_products(&x, w, in_dim, rows, &mut out);
                });
                if streamed.is_none() {
                    return linear.forward(xs);
                }
                let mut dims = xs.dims().to_vec();
                if let Some(last) = dims.last_mut() {
                    *last = out_dim;
                }
                Tensor::from_vec(out, dims, xs.device())
            }
            Self::Q8 { matmul, out_dim } => {
                let ys = matmul.forward(xs)?;
                if ys.dim(D::Minus1)? == *out_dim {
                    Ok(ys)
                } else {
                    ys.narrow(D::Minus1, 0, *out_dim)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    /// A Q8 matrix with a row count off the tile grid gets zero rows that
    /// change no output: the same values as candle's own quantization,
    /// unpadded.
    #[test]
    fn padded_q8_rows_change_no_output() {
        let (out_dim, in_dim) = (Q8_TILE_ROWS + 3, 64);
        let values = |n: usize, seed: f32| -> Vec<f32> {
            (0..n).map(|i| ((i as f32 + seed) * 0.37).sin()).collect()
        };
        let weight = Tensor::from_vec(
            values(out_dim * in_dim, 1.0),
            (out_dim, in_dim),
            &Device::Cpu,
        )
        .unwrap();
        let xs = Tensor::from_vec(values(2 * in_dim, 5.0), (1, 2, in_dim), &Device::Cpu).unwrap();
        let linear = Linear::new(weight.clone(), Precision::Q8).unwrap();
        assert!(matches!(
            &linear,
            Linear::Q8 {
                matmul: QMatMul::QTensor(_),
                ..
            }
        ));
        let padded = linear.forward(&xs).unwrap();
        assert_eq!(padded.dims(), [1, 2, out_dim]);
        let unpadded = QMatMul::from_qtensor(QTensor::quantize(&weight, GgmlDType::Q8_0).unwrap())
            .unwrap()
            .forward(&xs)
            .unwrap();
        assert_eq!(
            padded.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
            unpadded.flatten_all().unwrap().to_vec1::<f32>().unwrap()
        );
    }

    /// precis's quantizer writes candle's (ggml's) `Q8_0` bytes exactly:
    /// ties at .5 away from zero, values just below .5, a zero block, tiny
    /// and huge scales, a subnormal block (whose inverse scale is ∞), NaN
    /// and infinity. (precis-kernels' tests check that its AVX-512 and
    /// portable paths agree on the same values.)
    #[test]
    fn q8_quantization_is_candles_bit_for_bit() {
        let mut values: Vec<f32> = (0..64 * 96)
            .map(|i| ((i as f32) * 0.731).sin() * 3.0)
            .collect();
        // Block 1: scale exactly 1, so these are the rounded values themselves.
        let ties = [
            127.0,
            2.5,
            -2.5,
            0.5,
            -0.5,
            0.499_999_97,
            -0.499_999_97,
            1.5,
            -126.5,
        ];
        values[32..32 + ties.len()].copy_from_slice(&ties);
        values[64..96].fill(0.0);
        values[96..128].iter_mut().for_each(|v| *v *= 1e-30);
        values[128..160].iter_mut().for_each(|v| *v *= 1e30);
        values[256..288].iter_mut().for_each(|v| *v *= 1e-39);
        values[160] = f32::NAN;
        values[192] = f32::INFINITY;
        values[224] = -f32::INFINITY;
        let weight = Tensor::from_vec(values, (64, 96), &Device::Cpu).unwrap();
        let ours = with_cpu_f32(&weight, |w| quantize_q8_0(w, 96, 64)).unwrap();
        let candles = QTensor::quantize(&weight, GgmlDType::Q8_0).unwrap();
        assert_eq!(ours, candles.data().unwrap().as_ref());
        // Padding rows are zero blocks.
        let padded = with_cpu_f32(&weight, |w| quantize_q8_0(w, 96, 80)).unwrap();
        assert_eq!(padded[..ours.len()], ours[..]);
        assert!(padded[ours.len()..].iter().all(|&b| b == 0));
    }

    /// Few-row f32 products (decoder steps) stream the weights through
    /// precis's own kernel, in parallel blocks of weight rows: the same
    /// values as the plain product up to rounding, the same whatever the
    /// thread count, and each row the same whichever rows share the call.
    #[test]
    fn few_row_f32_products_equal_the_plain_product() {
        let (out_dim, in_dim) = (17 * MIN_TASK_ROWS + 7, 48);
        let weight: Vec<f32> = (0..out_dim * in_dim)
            .map(|i| (i as f32 * 0.11).cos())
            .collect();
        let weight = Tensor::from_vec(weight, (out_dim, in_dim), &Device::Cpu).unwrap();
        let linear = Linear::new(weight.clone(), Precision::F32).unwrap();
        for rows in [1, 4, FEW_ROWS] {
            let xs: Vec<f32> = (0..rows * in_dim).map(|i| (i as f32 * 0.7).sin()).collect();
            let xs = Tensor::from_vec(xs, (rows, 1, in_dim), &Device::Cpu).unwrap();
            let on = |threads: usize| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(|| linear.forward(&xs))
                    .unwrap()
            };
            let (one, two) = (on(1), on(2));
            assert_eq!(one.dims(), [rows, 1, out_dim]);
            let one = one.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            assert_eq!(one, two.flatten_all().unwrap().to_vec1::<f32>().unwrap());
            let last_alone = linear.forward(&xs.narrow(0, rows - 1, 1).unwrap()).unwrap();
            assert_eq!(
                last_alone.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                one[(rows - 1) * out_dim..]
            );
            let plain = xs.broadcast_matmul(&weight.t().unwrap()).unwrap();
            let plain = plain.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            for (i, (a, b)) in one.iter().zip(&plain).enumerate() {
                assert!(
                    (a - b).abs() <= 1e-5 * b.abs().max(1.0),
                    "rows {rows}, output {i}: {a} vs {b}"
                );
            }
        }
    }
}
