//! AVX-512 kernels: 16 lanes a register.

use std::arch::x86_64::*;

use crate::dot::DOT_LANES;
use crate::panel::{GROUP, PANEL};
use crate::q8::{write_scale, Q8_0_BLOCK_BYTES, Q8_0_BLOCK_VALUES};

/// `R` input rows times a group of two packed panels, one 16-lane register
/// each, as `panel::tile` computes them.
///
/// # Safety
///
/// The CPU has AVX-512F, `x` holds at least `R * inputs` values and `group`
/// at least `GROUP * inputs * PANEL`.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn tile<const R: usize>(
    x: &[f32],
    inputs: usize,
    group: &[f32],
) -> [[f32; GROUP * PANEL]; R] {
    debug_assert!(x.len() >= R * inputs, "x holds {} values", x.len());
    debug_assert!(
        group.len() >= GROUP * inputs * PANEL,
        "group holds {}",
        group.len()
    );
    let mut acc = [[_mm512_setzero_ps(); GROUP]; R];
    let xp = x.as_ptr();
    let mut w0p = group.as_ptr();
    // SAFETY: the second panel starts `inputs * PANEL` values into `group`.
    let mut w1p = unsafe { group.as_ptr().add(inputs * PANEL) };
    for i in 0..inputs {
        // SAFETY: `w0p` and `w1p` are input `i`'s `PANEL` weights of each
        // panel, which this reads and then steps past (at most to the end
        // of its panel); `r * inputs + i < R * inputs`; the caller bounds
        // both slices.
        unsafe {
            let w0 = _mm512_loadu_ps(w0p);
            let w1 = _mm512_loadu_ps(w1p);
            w0p = w0p.add(PANEL);
            w1p = w1p.add(PANEL);
            for (r, acc) in acc.iter_mut().enumerate() {
                let a = _mm512_set1_ps(*xp.add(r * inputs + i));
                acc[0] = _mm512_fmadd_ps(a, w0, acc[0]);
                acc[1] = _mm512_fmadd_ps(a, w1, acc[1]);
            }
        }
    }
    let mut out = [[0f32; GROUP * PANEL]; R];
    for (out, acc) in out.iter_mut().zip(&acc) {
        // SAFETY: each row of `out` holds `GROUP * PANEL` = 32 values: two
        // stores of 16.
        unsafe {
            _mm512_storeu_ps(out.as_mut_ptr(), acc[0]);
            _mm512_storeu_ps(out.as_mut_ptr().add(PANEL), acc[1]);
        }
    }
    out
}

/// `dot::products_transposed`, with `rows` input rows and `outputs` weight
/// rows. Weight rows go 4 at a time, so that several streams of weights are
/// in flight. One input row leaves them to the hardware prefetcher, which
/// alone streams them fastest (a t5-small step on AMD Zen 5: 5.6 ms,
/// against 6.7 with 8 weight rows and software prefetches); several input
/// rows go 2 at a time, whose second pass over the same weights hits cache,
/// with the weights prefetched (see [`PREFETCH_AHEAD`]: a 4-beam step takes
/// 9 ms with, 12 without).
///
/// # Safety
///
/// The CPU has AVX-512F, `x` holds at least `rows * inputs` values, `w`
/// `outputs * inputs` and `out` `outputs * rows`.
#[target_feature(enable = "avx512f,avx2,fma")]
pub(crate) unsafe fn products_transposed(
    x: &[f32],
    w: &[f32],
    inputs: usize,
    rows: usize,
    outputs: usize,
    out: &mut [f32],
) {
    debug_assert!(x.len() >= rows * inputs, "x holds {} values", x.len());
    debug_assert!(w.len() >= outputs * inputs, "w holds {} values", w.len());
    debug_assert!(
        out.len() >= outputs * rows,
        "out holds {} values",
        out.len()
    );
    let (x, w, out) = (x.as_ptr(), w.as_ptr(), out.as_mut_ptr());
    let mut o = 0;
    while o < outputs {
        let a = if outputs - o >= 4 { 4 } else { 1 };
        let mut r = 0;
        while r < rows {
            let g = (rows - r).min(if a == 4 { 2 } else { 4 });
            // SAFETY: `o + a <= outputs` and `r + g <= rows`: the block's
            // weight rows `o..o + a`, input rows `r..r + g` and outputs are
            // in the slices the caller bounds.
            unsafe {
                let (x, w, out) = (x.add(r * inputs), w.add(o * inputs), out.add(o * rows + r));
                match (a, g) {
                    (4, 1) if rows == 1 => block::<4, 1, false>(x, w, inputs, out, rows),
                    (4, 1) => block::<4, 1, true>(x, w, inputs, out, rows),
                    (4, _) => block::<4, 2, true>(x, w, inputs, out, rows),
                    (_, 1) => block::<1, 1, true>(x, w, inputs, out, rows),
                    (_, 2) => block::<1, 2, true>(x, w, inputs, out, rows),
                    (_, 3) => block::<1, 3, true>(x, w, inputs, out, rows),
                    _ => block::<1, 4, true>(x, w, inputs, out, rows),
                }
            }
            r += g;
        }
        o += a;
    }
}

/// How far ahead of the products (in floats, 32 KiB) the weights are
/// prefetched, into L2. The weights of a block of rows are contiguous,
/// so the block's loads are one stream: prefetching it flat keeps the
/// start of every row covered, and prefetching into L2 rather than L1
/// leaves L1's few miss buffers to the loads themselves.
const PREFETCH_AHEAD: usize = 8192;

/// `A` weight rows from `w` by `R` input rows from `x` (each `inputs`
/// long), into `out[a * rows + r]`: per pair the arithmetic of
/// `avx2::dots`, lane chains, reduction and tail alike. `PREFETCH`:
/// whether the weights are prefetched ahead.
///
/// # Safety
///
/// The CPU has AVX-512F, `x` points to `R * inputs` readable values, `w` to
/// `A * inputs`, and `out` to `(A - 1) * rows + R` writable ones.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
unsafe fn block<const A: usize, const R: usize, const PREFETCH: bool>(
    x: *const f32,
    w: *const f32,
    inputs: usize,
    out: *mut f32,
    rows: usize,
) {
    debug_assert!(R <= rows, "{R} rows of {rows}");
    let body = inputs - inputs % DOT_LANES;
    let mut acc = [[[_mm512_setzero_ps(); 2]; R]; A];
    for k in (0..body).step_by(DOT_LANES) {
        // As many lines as this step loads (2 per weight row), a fixed
        // distance ahead in the block's flat stream; past the end of `w`
        // the hint is harmless (a prefetch never faults).
        if PREFETCH {
            let next = w.wrapping_add(PREFETCH_AHEAD + A * k);
            for line in 0..2 * A {
                _mm_prefetch::<_MM_HINT_T1>(next.wrapping_add(16 * line).cast());
            }
        }
        for j in 0..2 {
            // SAFETY: `k + 16 * j + 16 <= k + DOT_LANES <= body <= inputs`,
            // within each of the `R` input rows and `A` weight rows.
            unsafe {
                let xs: [__m512; R] =
                    std::array::from_fn(|r| _mm512_loadu_ps(x.add(r * inputs + k + 16 * j)));
                for (a, acc) in acc.iter_mut().enumerate() {
                    let b = _mm512_loadu_ps(w.add(a * inputs + k + 16 * j));
                    for (acc, &xs) in acc.iter_mut().zip(&xs) {
                        acc[j] = _mm512_fmadd_ps(xs, b, acc[j]);
                    }
                }
            }
        }
    }
    for (a, acc) in acc.iter().enumerate() {
        for (r, acc) in acc.iter().enumerate() {
            let mut sum = reduce(acc);
            // SAFETY: `k < inputs`, within input row `r` and weight row `a`;
            // `a * rows + r <= (A - 1) * rows + R - 1`, within `out`.
            unsafe {
                for k in body..inputs {
                    sum = (*x.add(r * inputs + k)).mul_add(*w.add(a * inputs + k), sum);
                }
                *out.add(a * rows + r) = sum;
            }
        }
    }
}

/// The two accumulators of a dot product summed in the AVX2 kernel's
/// order: each register holds two of its registers, lane for lane.
#[target_feature(enable = "avx512f,avx2,fma")]
#[inline]
fn reduce(acc: &[__m512; 2]) -> f32 {
    let halves = |v: __m512| {
        let high = _mm512_extractf64x4_pd::<1>(_mm512_castps_pd(v));
        _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(high))
    };
    let s = _mm256_add_ps(halves(acc[0]), halves(acc[1]));
    let q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
    let q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)))
}

/// `q8::quantize_row_portable`, two 16-lane registers a block, with the
/// same results: the rounding runs in f32, where ±∞ and NaN survive until
/// the final masked conversion.
///
/// # Safety
///
/// The CPU has AVX-512F.
#[target_feature(enable = "avx512f")]
pub(crate) unsafe fn quantize_row(row: &[f32], out: &mut [u8]) {
    let zero = _mm512_setzero_ps();
    let (half, low, high) = (
        _mm512_set1_ps(0.5),
        _mm512_set1_ps(-128.0),
        _mm512_set1_ps(127.0),
    );
    let one = _mm512_set1_ps(1.0);
    for (out, values) in out
        .chunks_exact_mut(Q8_0_BLOCK_BYTES)
        .zip(row.chunks_exact(Q8_0_BLOCK_VALUES))
    {
        // SAFETY: `values` holds `Q8_0_BLOCK_VALUES` = 32 values: two loads of 16.
        let x = unsafe {
            [
                _mm512_loadu_ps(values.as_ptr()),
                _mm512_loadu_ps(values.as_ptr().add(16)),
            ]
        };
        // `max(a, m)` returns `m` where `a` is NaN: NaN is skipped.
        let m = _mm512_max_ps(_mm512_abs_ps(x[0]), zero);
        let m = _mm512_max_ps(_mm512_abs_ps(x[1]), m);
        let inverse = _mm512_set1_ps(write_scale(_mm512_reduce_max_ps(m), out));
        for (half_block, x) in x.into_iter().enumerate() {
            let v = _mm512_mul_ps(x, inverse);
            let whole = _mm512_roundscale_ps::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(v);
            let fraction = _mm512_sub_ps(v, whole);
            let up = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(fraction, half);
            let down = _mm512_cmp_ps_mask::<_CMP_LE_OQ>(fraction, _mm512_sub_ps(zero, half));
            let rounded = _mm512_mask_add_ps(whole, up, whole, one);
            let rounded = _mm512_mask_sub_ps(rounded, down, rounded, one);
            let clamped = _mm512_min_ps(_mm512_max_ps(rounded, low), high);
            let ordered = _mm512_cmp_ps_mask::<_CMP_ORD_Q>(v, v);
            let q = _mm512_maskz_cvttps_epi32(ordered, clamped);
            // SAFETY: `out` holds `Q8_0_BLOCK_BYTES` = 34 bytes: the scale's
            // 2, then 16 for each half block.
            unsafe {
                _mm_storeu_si128(
                    out.as_mut_ptr().add(2 + 16 * half_block).cast(),
                    _mm512_cvtepi32_epi8(q),
                )
            };
        }
    }
}
