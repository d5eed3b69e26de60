//! Bias-free linear layers kept either in f32 or as 8-bit ggml `Q8_0`
//! blocks, chosen when a model is loaded. Q8 cuts the memory of the weight
//! matrices to about a quarter and speeds up CPU matmuls, at a small
//! accuracy cost that the tests measure.

use std::borrow::Cow;

use candle_core::quantized::{GgmlDType, QMatMul, QStorage, QTensor};
use candle_core::{Module, Result, Tensor, D};
use candle_nn::VarBuilder;
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
pub enum Linear {
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
/// sentences), f32 products take the weight as gemm's left operand.
const FEW_ROWS: usize = 16;

/// Weight rows per parallel block of those products.
const PIECE_ROWS: usize = 512;

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
                let mut quantized = QTensor::quantize(&weight, GgmlDType::Q8_0)?;
                let padding = out_dim.next_multiple_of(Q8_TILE_ROWS) - out_dim;
                if padding > 0 {
                    // All-zero bytes are a zero Q8_0 block (scale 0, values 0);
                    // padding after quantizing spares an f32 copy of the matrix.
                    let mut data = quantized.data()?.into_owned();
                    let row_bytes = in_dim / block * GgmlDType::Q8_0.type_size();
                    data.resize(data.len() + padding * row_bytes, 0);
                    let storage =
                        QStorage::from_data(Cow::Owned(data), weight.device(), GgmlDType::Q8_0)?;
                    quantized = QTensor::new(storage, (out_dim + padding, in_dim))?;
                }
                Ok(Self::Q8 {
                    matmul: QMatMul::from_qtensor(quantized)?,
                    out_dim,
                })
            }
            _ => Ok(Self::F32(candle_nn::Linear::new(weight, None))),
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
                // `x·Wᵀ` as `(W·xᵀ)ᵀ`: as the right operand, gemm repacks the
                // transposed `W` on every call (t5-small's lm_head: 65 MB per
                // decoder step); as the left one it streams it once. gemm
                // runs such thin products on one thread, so blocks of
                // `PIECE_ROWS` weight rows go to the pool; the blocks do not
                // depend on the thread count, nor do the results.
                let xt = xs.reshape((rows, in_dim))?.t()?;
                let pieces = out_dim.div_ceil(PIECE_ROWS);
                let ys = if pieces < 2 {
                    weight.matmul(&xt)?
                } else {
                    use rayon::prelude::*;
                    let parts = (0..pieces)
                        .into_par_iter()
                        .map(|piece| {
                            let first = piece * PIECE_ROWS;
                            let len = PIECE_ROWS.min(out_dim - first);
                            weight.narrow(0, first, len)?.matmul(&xt)
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Tensor::cat(&parts, 0)?
                };
                let ys = ys.t()?;
                let mut dims = xs.dims().to_vec();
                if let Some(last) = dims.last_mut() {
                    *last = out_dim;
                }
                ys.contiguous()?.reshape(dims)
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
    /// change no output: the same values as the unpadded quantized matmul.
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

    /// Few-row f32 products (decoder steps) take another route through
    /// gemm, in parallel blocks of weight rows: the same values as the
    /// plain product up to rounding, and the same whatever the thread count.
    #[test]
    fn few_row_f32_products_equal_the_plain_product() {
        let (out_dim, in_dim) = (3 * PIECE_ROWS + 7, 48);
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
