//! What is Marian's own in the model: its fixed sinusoidal positions. The
//! transformer itself is BART's ([`super::bart::Bart`] reads
//! `model_type: "marian"` from config.json); the tokenizer is
//! [`crate::tokenize::MarianTokenizer`].

use candle_core::{Device, Tensor};

/// HF's `MarianSinusoidalPositionalEmbedding` table, `[positions, dim]`:
/// unlike XLM's the features are not interleaved, `sin` fills the first
/// half and `cos` the second. Computed in f64 then rounded, as numpy does.
pub fn sinusoidal_positions(
    positions: usize,
    dim: usize,
    device: &Device,
) -> candle_core::Result<Tensor> {
    let sin_columns = dim.div_ceil(2);
    let mut table = Vec::with_capacity(positions * dim);
    for pos in 0..positions {
        let angle = |k: usize| pos as f64 / 10000f64.powf((2 * k) as f64 / dim as f64);
        table.extend((0..sin_columns).map(|k| angle(k).sin() as f32));
        table.extend((0..dim / 2).map(|k| angle(k).cos() as f32));
    }
    Tensor::from_vec(table, (positions, dim), device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_half_is_sine_second_half_cosine() {
        let table = sinusoidal_positions(3, 4, &Device::Cpu)
            .unwrap()
            .to_vec2::<f32>()
            .unwrap();
        // Position 0: sin 0 = 0, cos 0 = 1.
        assert_eq!(table[0], [0.0, 0.0, 1.0, 1.0]);
        // Position 2, k = 1: angle 2 / 10000^(2/4) = 0.02.
        let expected = [2f64.sin(), 0.02f64.sin(), 2f64.cos(), 0.02f64.cos()].map(|x| x as f32);
        assert_eq!(table[2], expected);
    }
}
