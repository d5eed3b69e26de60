//! Dot products of rows with row-major weights: [`dot`], [`dots`] and
//! [`products_transposed`].

/// Partial sums of a dot product: 4 registers of 8 lanes.
pub(crate) const DOT_LANES: usize = 32;

/// `x · w` for vectors of equal length: 32 (`DOT_LANES`) interleaved
/// partial sums of fused multiply-adds, summed pairwise in a fixed order.
#[inline]
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
    let sums = if crate::x86::has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA; `w[..body]` and each of `heads`
        // hold `body` values, a multiple of `DOT_LANES`.
        unsafe { crate::x86::avx2::dots(heads, &w[..body]) }
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
    if crate::x86::has_avx512f() {
        // SAFETY: the CPU has AVX-512F; `x` holds at least `rows * inputs`
        // values, `w` `outputs * inputs` and `out` `outputs * rows`, by the
        // divisions above.
        return unsafe {
            crate::x86::avx512::products_transposed(x, w, inputs, rows, outputs, out)
        };
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
#[inline]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::values;

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
