//! Bias-free linear layers kept either in f32 or as 8-bit ggml `Q8_0`
//! blocks, chosen when a model is loaded. Q8 cuts the memory of the weight
//! matrices to about a quarter and speeds up CPU matmuls, at a small
//! accuracy cost that the tests measure.

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{Module, Result, Tensor};
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
    Q8(QMatMul),
}

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
        match precision {
            Precision::Q8 if weight.dim(1)? % block == 0 => {
                let quantized = QTensor::quantize(&weight, GgmlDType::Q8_0)?;
                Ok(Self::Q8(QMatMul::from_qtensor(quantized)?))
            }
            _ => Ok(Self::F32(candle_nn::Linear::new(weight, None))),
        }
    }
}

impl Module for Linear {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        match self {
            Self::F32(linear) => linear.forward(xs),
            Self::Q8(matmul) => matmul.forward(xs),
        }
    }
}
