//! ggml `Q8_0` quantization of f32 rows: blocks of [`Q8_0_BLOCK_VALUES`]
//! weights sharing one f16 scale, [`Q8_0_BLOCK_BYTES`] bytes a block.

/// Bytes of one ggml `Q8_0` block: an f16 scale, then 32 int8 values.
pub const Q8_0_BLOCK_BYTES: usize = 34;
/// Weights per `Q8_0` block.
pub const Q8_0_BLOCK_VALUES: usize = 32;

/// Writes the `Q8_0` blocks of `row` into `out`, one block of
/// [`Q8_0_BLOCK_BYTES`] per [`Q8_0_BLOCK_VALUES`] values (as many as both
/// hold whole). The bytes are those of ggml's `quantize_row_q8_0` (candle's
/// `QTensor::quantize`), bit for bit, but in a form the compiler
/// vectorizes, or with AVX-512 where the CPU has it: candle's calls libm's
/// `roundf` per weight and took most of a q8 model's load time.
#[inline]
pub fn quantize_q8_0_row(row: &[f32], out: &mut [u8]) {
    #[cfg(target_arch = "x86_64")]
    if crate::x86::has_avx512f() {
        // SAFETY: the CPU has AVX-512F, checked just above.
        return unsafe { crate::x86::avx512::quantize_row(row, out) };
    }
    quantize_row_portable(row, out);
}

fn quantize_row_portable(row: &[f32], out: &mut [u8]) {
    for (out, values) in out
        .chunks_exact_mut(Q8_0_BLOCK_BYTES)
        .zip(row.chunks_exact(Q8_0_BLOCK_VALUES))
    {
        quantize_block(values, out);
    }
}

/// One `Q8_0` block: `d = max|x| / 127` (as f16), `q = round(x / d)`, with
/// `f32::round`'s ties away from zero and `as i8`'s saturation (NaN is 0).
fn quantize_block(values: &[f32], out: &mut [u8]) {
    // `a > max` rather than `f32::max`, which does not vectorize; both skip NaN.
    let amax = values.iter().fold(0f32, |max, &x| {
        let a = x.abs();
        if a > max {
            a
        } else {
            max
        }
    });
    let inverse = write_scale(amax, out);
    for (q, &x) in out[2..].iter_mut().zip(values) {
        let v = x * inverse;
        // `v - trunc(v)` is exact, so this is `v.round()` without libm.
        // Saturating: a subnormal block's inverse scale overflows to ∞.
        let whole = v as i32;
        let fraction = v - whole as f32;
        let rounded = whole
            .saturating_add(i32::from(fraction >= 0.5))
            .saturating_sub(i32::from(fraction <= -0.5));
        *q = rounded.clamp(-128, 127) as i8 as u8;
    }
}

/// Writes a block's f16 scale `max|x| / 127` and returns the factor that
/// maps its values to [-127, 127] (0 for an all-zero block).
pub(crate) fn write_scale(amax: f32, out: &mut [u8]) -> f32 {
    let d = amax / 127.0;
    out[..2].copy_from_slice(&half::f16::from_f32(d).to_bits().to_le_bytes());
    if d != 0.0 {
        1.0 / d
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This CPU's quantizer writes the portable one's bytes: ties at .5
    /// away from zero, values just below .5, a zero block, tiny and huge
    /// scales, a subnormal block (whose inverse scale is ∞), NaN and
    /// infinity. (precis-infer's tests check these bytes against candle's.)
    #[test]
    fn q8_rows_are_the_portable_rows_bit_for_bit() {
        let (rows, columns) = (64, 96);
        let mut values: Vec<f32> = (0..rows * columns)
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
        let row_bytes = columns / Q8_0_BLOCK_VALUES * Q8_0_BLOCK_BYTES;
        let (mut ours, mut portable) = (vec![0u8; rows * row_bytes], vec![0u8; rows * row_bytes]);
        for ((ours, portable), row) in ours
            .chunks_exact_mut(row_bytes)
            .zip(portable.chunks_exact_mut(row_bytes))
            .zip(values.chunks_exact(columns))
        {
            quantize_q8_0_row(row, ours);
            quantize_row_portable(row, portable);
        }
        assert_eq!(ours, portable);
        let block = &ours[Q8_0_BLOCK_BYTES..2 * Q8_0_BLOCK_BYTES];
        assert_eq!(block[..2], half::f16::ONE.to_bits().to_le_bytes());
        let rounded: Vec<i8> = block[2..2 + ties.len()].iter().map(|&q| q as i8).collect();
        assert_eq!(rounded, [127, 3, -3, 1, -1, 0, 0, 2, -127]);
    }
}
