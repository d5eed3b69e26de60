//! f32 kernels precis runs without a tensor library.
//!
//! - [`Linear`]: weights packed once, at load time, into panels of [`PANEL`]
//!   output columns, and a micro-kernel that multiplies up to [`TILE`] input
//!   rows by one panel. The Bergamot network's matrices are 256 wide and a
//!   decoder step multiplies a few dozen rows at most: a general GEMM spends
//!   about as long packing the weights on every call as multiplying them.
//! - [`dot`], [`dots`] and [`products_transposed`]: dot products of rows
//!   with row-major weights as checkpoints store them, unpacked. A decoder
//!   step of one to a few rows is bound by streaming the weights from
//!   memory, which these do once, with no packing and no copy.
//!
//! Every matrix output is one chain of fused multiply-adds over the inputs
//! in order, and every dot product sums its lanes in one fixed order, in the
//! AVX2/AVX-512 kernels and the portable ones alike: results are
//! bit-identical on every CPU and do not depend on which rows share a call.

/// Output columns per packed panel (two AVX2 registers, one AVX-512).
const PANEL: usize = 16;
/// Panels the AVX-512 kernel multiplies at once.
const GROUP: usize = 2;
/// Input rows per micro-kernel call: 6 rows × 2 registers of accumulators
/// plus 2 of weights and 1 broadcast fill 15 of AVX2's 16 registers.
const TILE: usize = 6;
/// Input rows multiplied by every panel before moving on, so those rows
/// (up to 48 × 1536 floats) stay in cache while the weights stream past.
pub const ROW_BLOCK: usize = 8 * TILE;
/// Partial sums of a dot product: 4 registers of 8 lanes.
const DOT_LANES: usize = 32;

/// Whether the AVX2 + FMA kernels can run (the answer is cached by std).
#[cfg(target_arch = "x86_64")]
fn avx2_fma() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

/// Whether the AVX-512 kernel can run (the answer is cached by std).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx512() -> bool {
    is_x86_feature_detected!("avx512f")
}

/// What follows the matrix product and bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    None,
    Relu,
}

/// A dense layer `y = x · Wᵀ + b` with its weights packed for the kernel.
pub struct Linear {
    inputs: usize,
    outputs: usize,
    /// Panel `p` holds, input by input, the weights of output columns
    /// `p * PANEL ..` (zero beyond `outputs`): `inputs * PANEL` values.
    panels: Vec<f32>,
    bias: Vec<f32>,
}

impl Linear {
    /// `weights` is `[outputs][inputs]` (one row per output), `bias` has
    /// `outputs` values (zeros for a layer without bias). `None` when the
    /// lengths do not match.
    pub fn new(weights: &[f32], inputs: usize, bias: Vec<f32>) -> Option<Self> {
        let outputs = bias.len();
        if inputs == 0 || weights.len() != inputs.checked_mul(outputs)? {
            return None;
        }
        let panel_count = outputs.div_ceil(PANEL);
        let mut panels = vec![0f32; panel_count * inputs * PANEL];
        for (o, row) in weights.chunks_exact(inputs).enumerate() {
            let panel = o / PANEL * inputs * PANEL;
            for (i, &w) in row.iter().enumerate() {
                panels[panel + i * PANEL + o % PANEL] = w;
            }
        }
        Some(Self {
            inputs,
            outputs,
            panels,
            bias,
        })
    }

    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// `x` holds rows of `inputs` values; returns their outputs, row-major.
    pub fn forward(&self, x: &[f32], activation: Activation) -> Vec<f32> {
        let (inputs, outputs) = (self.inputs, self.outputs);
        let rows = x.len() / inputs;
        let mut out = vec![0f32; rows * outputs];
        for (block_x, block_out) in x[..rows * inputs]
            .chunks(ROW_BLOCK * inputs)
            .zip(out.chunks_mut(ROW_BLOCK * outputs))
        {
            for (g, group) in self.panels.chunks(GROUP * inputs * PANEL).enumerate() {
                for (x, out) in block_x
                    .chunks(TILE * inputs)
                    .zip(block_out.chunks_mut(TILE * outputs))
                {
                    let first = g * GROUP * PANEL;
                    match x.len() / inputs {
                        6 => self.tile_into::<6>(x, group, first, out, activation),
                        5 => self.tile_into::<5>(x, group, first, out, activation),
                        4 => self.tile_into::<4>(x, group, first, out, activation),
                        3 => self.tile_into::<3>(x, group, first, out, activation),
                        2 => self.tile_into::<2>(x, group, first, out, activation),
                        _ => self.tile_into::<1>(x, group, first, out, activation),
                    }
                }
            }
        }
        out
    }

    /// Output columns `first..` (one group of panels) of `R` rows, bias and
    /// activation applied.
    fn tile_into<const R: usize>(
        &self,
        x: &[f32],
        group: &[f32],
        first: usize,
        out: &mut [f32],
        activation: Activation,
    ) {
        let width = (GROUP * PANEL).min(self.outputs - first);
        let bias = &self.bias[first..first + width];
        for (r, acc) in tile::<R>(x, self.inputs, group).iter().enumerate() {
            let row = &mut out[r * self.outputs + first..][..width];
            for ((y, &a), &b) in row.iter_mut().zip(acc).zip(bias) {
                let v = a + b;
                *y = match activation {
                    Activation::None => v,
                    Activation::Relu => v.max(0.0),
                };
            }
        }
    }
}

/// `R` rows of `x` (each `inputs` long) times a group of one or [`GROUP`]
/// panels: per row, the output sums before bias (`PANEL` per panel).
fn tile<const R: usize>(x: &[f32], inputs: usize, group: &[f32]) -> [[f32; GROUP * PANEL]; R] {
    let x = &x[..R * inputs];
    let mut out = [[0f32; GROUP * PANEL]; R];
    #[cfg(target_arch = "x86_64")]
    if group.len() == GROUP * inputs * PANEL && avx512() {
        // SAFETY: the CPU has AVX-512F, and the kernel reads only
        // `x[..R * inputs]` and `group[..GROUP * inputs * PANEL]`.
        return unsafe { avx512::tile::<R>(x, inputs, group) };
    }
    for (p, panel) in group.chunks_exact(inputs * PANEL).enumerate() {
        for (out, sums) in out.iter_mut().zip(panel_tile::<R>(x, inputs, panel)) {
            out[p * PANEL..(p + 1) * PANEL].copy_from_slice(&sums);
        }
    }
    out
}

/// [`tile`] for one panel.
fn panel_tile<const R: usize>(x: &[f32], inputs: usize, panel: &[f32]) -> [[f32; PANEL]; R] {
    #[cfg(target_arch = "x86_64")]
    if avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA, and the kernel reads only
        // `x[..R * inputs]` and `panel[..inputs * PANEL]`, which `tile`
        // and `chunks_exact` bound.
        return unsafe { avx2::tile::<R>(x, inputs, panel) };
    }
    let mut acc = [[0f32; PANEL]; R];
    for (i, w) in panel.chunks_exact(PANEL).enumerate() {
        for (r, acc) in acc.iter_mut().enumerate() {
            let a = x[r * inputs + i];
            for (s, &w) in acc.iter_mut().zip(w) {
                *s = a.mul_add(w, *s);
            }
        }
    }
    acc
}

/// `x · w` for vectors of equal length: [`DOT_LANES`] interleaved partial
/// sums of fused multiply-adds, summed pairwise in a fixed order.
pub fn dot(x: &[f32], w: &[f32]) -> f32 {
    let [d] = dots([x], w);
    d
}

/// [`dot`] of each of `R` vectors with `w`, reading `w` once (the sums of up
/// to 3 stay in registers).
pub fn dots<const R: usize>(xs: [&[f32]; R], w: &[f32]) -> [f32; R] {
    let n = xs.iter().fold(w.len(), |n, x| n.min(x.len()));
    let body = n - n % DOT_LANES;
    let heads = xs.map(|x| &x[..body]);
    #[cfg(target_arch = "x86_64")]
    let sums = if avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA; the kernel reads `body` values
        // of `w` and of each `heads` slice, which all hold `body` values.
        unsafe { avx2::dots(heads, &w[..body]) }
    } else {
        heads.map(|x| dot_portable(x, &w[..body]))
    };
    #[cfg(not(target_arch = "x86_64"))]
    let sums = heads.map(|x| dot_portable(x, &w[..body]));
    let mut out = [0f32; R];
    for ((out, sum), x) in out.iter_mut().zip(sums).zip(xs) {
        *out = x[body..n]
            .iter()
            .zip(&w[body..n])
            .fold(sum, |s, (&a, &b)| a.mul_add(b, s));
    }
    out
}

/// Rows of `x` (each `inputs` long) times the transpose of `w`, row-major
/// `[outputs][inputs]`, written output-major: `out[o * rows + r]` is the
/// [`dot`] of row `r` of `x` with row `o` of `w`. Each row of `w` is read
/// once, for every row of `x` at a time, so a few-row product streams the
/// weights from memory once. `out` must hold `outputs * rows` values.
pub fn products_transposed(x: &[f32], w: &[f32], inputs: usize, out: &mut [f32]) {
    let rows = x.len() / inputs.max(1);
    if rows == 0 {
        return;
    }
    let outputs = (w.len() / inputs).min(out.len() / rows);
    #[cfg(target_arch = "x86_64")]
    if avx512() {
        // SAFETY: the CPU has AVX-512F; the kernel reads `rows * inputs`
        // values of `x`, `outputs * inputs` of `w` and writes `outputs *
        // rows` of `out`, which all hold that many.
        return unsafe { avx512::products_transposed(x, w, inputs, rows, outputs, out) };
    }
    for (w, out) in w.chunks_exact(inputs).zip(out.chunks_exact_mut(rows)) {
        for (g, out) in out.chunks_mut(3).enumerate() {
            let first = &x[g * 3 * inputs..];
            match out.len() {
                3 => dots_into::<3>(first, inputs, w, out),
                2 => dots_into::<2>(first, inputs, w, out),
                _ => dots_into::<1>(first, inputs, w, out),
            }
        }
    }
}

/// [`dots`] of the first `R` rows of `x` with `w`, into `out[..R]`.
fn dots_into<const R: usize>(x: &[f32], inputs: usize, w: &[f32], out: &mut [f32]) {
    let rows = std::array::from_fn(|r| &x[r * inputs..(r + 1) * inputs]);
    out[..R].copy_from_slice(&dots::<R>(rows, w));
}

/// Asks the CPU to start loading `values` into cache (a hint: no effect on
/// results, and none at all off x86-64).
pub fn prefetch(values: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    for line in values.chunks(16) {
        // SAFETY: SSE is part of x86-64, and a prefetch never faults; the
        // address is in bounds anyway.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                line.as_ptr().cast(),
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = values;
}

/// [`dot`] of two slices whose length is a multiple of [`DOT_LANES`], in
/// the AVX2 kernel's order.
fn dot_portable(x: &[f32], w: &[f32]) -> f32 {
    let mut acc = [0f32; DOT_LANES];
    for (xs, ws) in x.chunks_exact(DOT_LANES).zip(w.chunks_exact(DOT_LANES)) {
        for ((s, &a), &b) in acc.iter_mut().zip(xs).zip(ws) {
            *s = a.mul_add(b, *s);
        }
    }
    // Registers 0+1 and 2+3, then their sum; then lanes l + (l+4), and
    // (0+2) + (1+3) of what is left.
    let mut s = [0f32; 8];
    for (l, s) in s.iter_mut().enumerate() {
        *s = (acc[l] + acc[8 + l]) + (acc[16 + l] + acc[24 + l]);
    }
    let q = [s[0] + s[4], s[1] + s[5], s[2] + s[6], s[3] + s[7]];
    (q[0] + q[2]) + (q[1] + q[3])
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{DOT_LANES, PANEL};

    /// See [`super::tile`]. Safety: AVX2 and FMA available,
    /// `x.len() >= R * inputs`, `panel.len() >= inputs * PANEL`.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn tile<const R: usize>(
        x: &[f32],
        inputs: usize,
        panel: &[f32],
    ) -> [[f32; PANEL]; R] {
        let mut acc = [[_mm256_setzero_ps(); 2]; R];
        let xp = x.as_ptr();
        let mut wp = panel.as_ptr();
        for i in 0..inputs {
            let w0 = _mm256_loadu_ps(wp);
            let w1 = _mm256_loadu_ps(wp.add(8));
            wp = wp.add(PANEL);
            for (r, acc) in acc.iter_mut().enumerate() {
                let a = _mm256_broadcast_ss(&*xp.add(r * inputs + i));
                acc[0] = _mm256_fmadd_ps(a, w0, acc[0]);
                acc[1] = _mm256_fmadd_ps(a, w1, acc[1]);
            }
        }
        let mut out = [[0f32; PANEL]; R];
        for (out, acc) in out.iter_mut().zip(&acc) {
            _mm256_storeu_ps(out.as_mut_ptr(), acc[0]);
            _mm256_storeu_ps(out.as_mut_ptr().add(8), acc[1]);
        }
        out
    }

    /// See [`super::dot_portable`], for `R` vectors at once (the 4
    /// accumulators of each of up to 3 stay in registers). Safety: AVX2 and
    /// FMA available, all slices the same length, a multiple of
    /// [`DOT_LANES`].
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn dots<const R: usize>(xs: [&[f32]; R], w: &[f32]) -> [f32; R] {
        let mut acc = [[_mm256_setzero_ps(); 4]; R];
        let wp = w.as_ptr();
        let xps = xs.map(|x| x.as_ptr());
        for k in (0..w.len()).step_by(DOT_LANES) {
            for j in 0..4 {
                let b = _mm256_loadu_ps(wp.add(k + 8 * j));
                for (acc, xp) in acc.iter_mut().zip(xps) {
                    let a = _mm256_loadu_ps(xp.add(k + 8 * j));
                    acc[j] = _mm256_fmadd_ps(a, b, acc[j]);
                }
            }
        }
        acc.map(|acc| {
            let s = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
            let q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
            let q = _mm_add_ps(q, _mm_movehl_ps(q, q));
            _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)))
        })
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{DOT_LANES, GROUP, PANEL};

    /// See [`super::tile`]: two panels, one 16-lane register each. Safety:
    /// AVX-512F available, `x.len() >= R * inputs`,
    /// `group.len() >= GROUP * inputs * PANEL`.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn tile<const R: usize>(
        x: &[f32],
        inputs: usize,
        group: &[f32],
    ) -> [[f32; GROUP * PANEL]; R] {
        let mut acc = [[_mm512_setzero_ps(); GROUP]; R];
        let xp = x.as_ptr();
        let mut w0p = group.as_ptr();
        let mut w1p = group.as_ptr().add(inputs * PANEL);
        for i in 0..inputs {
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
        let mut out = [[0f32; GROUP * PANEL]; R];
        for (out, acc) in out.iter_mut().zip(&acc) {
            _mm512_storeu_ps(out.as_mut_ptr(), acc[0]);
            _mm512_storeu_ps(out.as_mut_ptr().add(PANEL), acc[1]);
        }
        out
    }

    /// See [`super::products_transposed`]. Weight rows go 4 at a time, so
    /// that several streams of weights are in flight. One input row leaves
    /// them to the hardware prefetcher, which alone streams them fastest
    /// (a t5-small step on AMD Zen 5: 5.6 ms, against 6.7 with 8 weight rows
    /// and software prefetches); several input rows go 2 at a time, whose
    /// second pass over the same weights hits cache, with the weights
    /// prefetched (see [`PREFETCH_AHEAD`]: a 4-beam step takes 9 ms with,
    /// 12 without). Safety: AVX-512F available, `x` holds `rows * inputs`
    /// values, `w` `outputs * inputs`, `out` `outputs * rows`.
    #[target_feature(enable = "avx512f,avx2,fma")]
    pub(super) unsafe fn products_transposed(
        x: &[f32],
        w: &[f32],
        inputs: usize,
        rows: usize,
        outputs: usize,
        out: &mut [f32],
    ) {
        let (x, w, out) = (x.as_ptr(), w.as_ptr(), out.as_mut_ptr());
        let mut o = 0;
        while o < outputs {
            let a = if outputs - o >= 4 { 4 } else { 1 };
            let mut r = 0;
            while r < rows {
                let g = (rows - r).min(if a == 4 { 2 } else { 4 });
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
    /// [`super::dots`], lane chains, reduction and tail alike. `PREFETCH`:
    /// whether the weights are prefetched ahead.
    #[target_feature(enable = "avx512f,avx2,fma")]
    #[inline]
    unsafe fn block<const A: usize, const R: usize, const PREFETCH: bool>(
        x: *const f32,
        w: *const f32,
        inputs: usize,
        out: *mut f32,
        rows: usize,
    ) {
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
        for (a, acc) in acc.iter().enumerate() {
            for (r, acc) in acc.iter().enumerate() {
                let mut sum = reduce(acc);
                for k in body..inputs {
                    sum = (*x.add(r * inputs + k)).mul_add(*w.add(a * inputs + k), sum);
                }
                *out.add(a * rows + r) = sum;
            }
        }
    }

    /// The two accumulators of a dot product summed in the AVX2 kernel's
    /// order: each register holds two of its registers, lane for lane.
    #[target_feature(enable = "avx512f,avx2,fma")]
    #[inline]
    unsafe fn reduce(acc: &[__m512; 2]) -> f32 {
        let halves = |v: __m512| {
            let high = _mm512_extractf64x4_pd::<1>(_mm512_castps_pd(v));
            _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(high))
        };
        let s = _mm256_add_ps(halves(acc[0]), halves(acc[1]));
        let q = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
        let q = _mm_add_ps(q, _mm_movehl_ps(q, q));
        _mm_cvtss_f32(_mm_add_ss(q, _mm_shuffle_ps(q, q, 1)))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Deterministic values in [-1, 1) with varied exponents.
    pub(crate) fn values(n: usize, seed: u32) -> Vec<f32> {
        let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state as f32 / u32::MAX as f32) * 2.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn linear_is_each_output_a_chain_of_fmas_in_order() {
        // 37 outputs: two full panels and a partial one; 13 rows: two
        // full tiles and a single row.
        let (inputs, outputs, rows) = (40, 37, 13);
        let w = values(inputs * outputs, 1);
        let b = values(outputs, 2);
        let x = values(rows * inputs, 3);
        let layer = Linear::new(&w, inputs, b.clone()).unwrap();
        for activation in [Activation::None, Activation::Relu] {
            let y = layer.forward(&x, activation);
            for r in 0..rows {
                for o in 0..outputs {
                    let sum = (0..inputs)
                        .fold(0f32, |s, i| x[r * inputs + i].mul_add(w[o * inputs + i], s))
                        + b[o];
                    let want = if activation == Activation::Relu {
                        sum.max(0.0)
                    } else {
                        sum
                    };
                    assert_eq!(
                        y[r * outputs + o].to_bits(),
                        want.to_bits(),
                        "row {r} output {o}"
                    );
                }
            }
        }
        // A row's outputs do not depend on the other rows of the call.
        let alone = layer.forward(&x[5 * inputs..6 * inputs], Activation::None);
        assert_eq!(
            alone,
            layer.forward(&x, Activation::None)[5 * outputs..6 * outputs]
        );
        assert!(Linear::new(&w, inputs + 1, b).is_none());
    }

    #[test]
    fn dot_matches_the_portable_order() {
        for n in [0, 5, 32, 256, 300] {
            let (x, w) = (values(n, 4), values(n, 5));
            let body = n - n % DOT_LANES;
            let want = x[body..]
                .iter()
                .zip(&w[body..])
                .fold(dot_portable(&x[..body], &w[..body]), |s, (&a, &b)| {
                    a.mul_add(b, s)
                });
            assert_eq!(dot(&x, &w).to_bits(), want.to_bits(), "length {n}");
            let exact: f64 = x
                .iter()
                .zip(&w)
                .map(|(&a, &b)| f64::from(a) * f64::from(b))
                .sum();
            assert!((f64::from(dot(&x, &w)) - exact).abs() < 1e-4, "length {n}");
            let (y, z) = (values(n, 6), values(n, 7));
            assert_eq!(
                dots([&x, &y, &z], &w),
                [dot(&x, &w), dot(&y, &w), dot(&z, &w)]
            );
        }
    }

    /// Every output of a few-row product is the [`dot`] of its row and
    /// weight row, whatever the row count: 9 weight rows leave a tail after
    /// blocks of 4, and the row counts cover groups of 2 and 4
    /// (AVX-512) and 3 (elsewhere) with and without a partial group.
    #[test]
    fn products_transposed_are_the_dots_of_each_row() {
        let (inputs, outputs) = (70, 9);
        let w = values(inputs * outputs, 8);
        for rows in [1, 2, 3, 4, 8, 9, 13, 16] {
            let x = values(rows * inputs, 9);
            let mut out = vec![f32::NAN; rows * outputs];
            products_transposed(&x, &w, inputs, &mut out);
            for o in 0..outputs {
                for r in 0..rows {
                    let want = dot(&x[r * inputs..][..inputs], &w[o * inputs..][..inputs]);
                    assert_eq!(
                        out[o * rows + r].to_bits(),
                        want.to_bits(),
                        "{rows} rows: output {o} of row {r}"
                    );
                }
            }
        }
    }
}
