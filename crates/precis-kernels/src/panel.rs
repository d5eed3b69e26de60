//! [`Linear`]: f32 weights packed into panels of [`PANEL`] output columns,
//! multiplied by up to [`TILE`] input rows at a time.

/// Output columns per packed panel (two AVX2 registers, one AVX-512).
pub(crate) const PANEL: usize = 16;
/// Panels the AVX-512 kernel multiplies at once.
pub(crate) const GROUP: usize = 2;
/// Input rows per micro-kernel call: 6 rows × 2 registers of accumulators
/// plus 2 of weights and 1 broadcast fill 15 of AVX2's 16 registers.
const TILE: usize = 6;
/// Input rows multiplied by every panel before moving on, so those rows
/// (up to 48 × 1536 floats) stay in cache while the weights stream past.
pub const ROW_BLOCK: usize = 8 * TILE;

/// What follows the matrix product and bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// The sums themselves.
    None,
    /// `max(0, sum)`.
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

    /// Values per output row.
    #[inline]
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
    if group.len() == GROUP * inputs * PANEL && crate::x86::has_avx512f() {
        // SAFETY: the CPU has AVX-512F, `x` holds `R * inputs` values (the
        // slice above) and `group` `GROUP * inputs * PANEL` (just checked).
        return unsafe { crate::x86::avx512::tile::<R>(x, inputs, group) };
    }
    for (p, panel) in group.chunks_exact(inputs * PANEL).enumerate() {
        for (out, sums) in out.iter_mut().zip(panel_tile::<R>(x, inputs, panel)) {
            out[p * PANEL..(p + 1) * PANEL].copy_from_slice(&sums);
        }
    }
    out
}

/// [`tile`] for one panel; `x` holds `R * inputs` values, `panel`
/// `inputs * PANEL`.
fn panel_tile<const R: usize>(x: &[f32], inputs: usize, panel: &[f32]) -> [[f32; PANEL]; R] {
    #[cfg(target_arch = "x86_64")]
    if crate::x86::has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA, and `tile` and `chunks_exact`
        // bound `x` to `R * inputs` values and `panel` to `inputs * PANEL`.
        return unsafe { crate::x86::avx2::tile::<R>(x, inputs, panel) };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::values;

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
}
