//! Quantized matrix × activation products with llama.cpp's arithmetic.
//!
//! candle 0.11 has no SIMD kernel for Q4_1 (SmolLM2's weights), and its Q8_1
//! activation quantization differs from ggml's (it scales by `1/d` instead of
//! `127/amax` and computes the block sum `s` in F16 arithmetic). Both matter:
//! the first costs half the decode speed, the second shifts logits enough to
//! change greedy choices. This module implements, for Q4_1 and Q8_0 weights:
//!
//! - activation quantization exactly as ggml's x86 `quantize_row_q8_1` /
//!   `quantize_row_q8_0`: `d = amax / 127`, `q = round_half_even(x · 127/amax)`,
//!   `s = f16(d · Σq)`;
//! - dot products in ggml's order (`ggml_vec_dot_q4_1_q8_1`,
//!   `ggml_vec_dot_q8_0_q8_0`): per block, 8 lanes of pairwise integer sums
//!   converted to F32 and accumulated with FMA, a fixed horizontal sum, and the
//!   Q4_1 minimum term accumulated separately;
//! - AVX2 kernels when the build targets AVX2 + FMA (x86-64-v3, as this
//!   workspace does), a scalar version with the same results otherwise;
//! - work split over output rows on candle's thread pool.
//!
//! Other weight types go through candle's `QMatMul`.

use std::sync::Arc;

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{Device, Module, Result, Tensor};
use half::f16;

const QK: usize = 32;

/// ggml's `block_q4_1`: 32 weights `w = d·q + m`, `q` in 0..16.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub(crate) struct BlockQ4_1 {
    d: f16,
    m: f16,
    qs: [u8; QK / 2],
}

/// ggml's `block_q8_0`: 32 values `d·q`.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub(crate) struct BlockQ8_0 {
    d: f16,
    qs: [i8; QK],
}

/// ggml's `block_q8_1`: 32 values `d·q`, with `s = d·Σq`.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub(crate) struct BlockQ8_1 {
    d: f16,
    s: f16,
    qs: [i8; QK],
}

const ZERO_Q8_1: BlockQ8_1 = BlockQ8_1 {
    d: f16::ZERO,
    s: f16::ZERO,
    qs: [0; QK],
};
const ZERO_Q8_0: BlockQ8_0 = BlockQ8_0 {
    d: f16::ZERO,
    qs: [0; QK],
};

fn f16_at(bytes: &[u8], at: usize) -> f16 {
    f16::from_bits(u16::from_le_bytes([bytes[at], bytes[at + 1]]))
}

fn parse_q4_1(bytes: &[u8]) -> Vec<BlockQ4_1> {
    bytes
        .chunks_exact(20)
        .map(|b| {
            let mut qs = [0u8; QK / 2];
            qs.copy_from_slice(&b[4..20]);
            BlockQ4_1 {
                d: f16_at(b, 0),
                m: f16_at(b, 2),
                qs,
            }
        })
        .collect()
}

fn parse_q8_0(bytes: &[u8]) -> Vec<BlockQ8_0> {
    bytes
        .chunks_exact(34)
        .map(|b| {
            let mut qs = [0i8; QK];
            for (q, byte) in qs.iter_mut().zip(&b[2..34]) {
                *q = *byte as i8;
            }
            BlockQ8_0 {
                d: f16_at(b, 0),
                qs,
            }
        })
        .collect()
}

/// The largest absolute value of a block (order-independent, so exact).
fn amax(xs: &[f32]) -> f32 {
    xs.iter().fold(0f32, |m, v| m.max(v.abs()))
}

/// ggml's x86 `quantize_row_q8_1` for one row (`x.len()` a multiple of 32).
fn quantize_row_q8_1(x: &[f32], out: &mut [BlockQ8_1]) {
    for (block, xs) in out.iter_mut().zip(x.chunks_exact(QK)) {
        let max = amax(xs);
        let d = max / 127.0;
        let id = if max != 0.0 { 127.0 / max } else { 0.0 };
        let mut sum = 0i32;
        for (q, v) in block.qs.iter_mut().zip(xs) {
            let r = (v * id).round_ties_even() as i32;
            *q = r as i8;
            sum += r;
        }
        block.d = f16::from_f32(d);
        block.s = f16::from_f32(d * sum as f32);
    }
}

/// ggml's x86 `quantize_row_q8_0` for one row.
fn quantize_row_q8_0(x: &[f32], out: &mut [BlockQ8_0]) {
    for (block, xs) in out.iter_mut().zip(x.chunks_exact(QK)) {
        let max = amax(xs);
        let d = max / 127.0;
        let id = if max != 0.0 { 127.0 / max } else { 0.0 };
        for (q, v) in block.qs.iter_mut().zip(xs) {
            *q = (v * id).round_ties_even() as i8;
        }
        block.d = f16::from_f32(d);
    }
}

/// ggml's `hsum_float_8` order on 8 lanes.
fn hsum8(v: [f32; 8]) -> f32 {
    let r = [v[4] + v[0], v[5] + v[1], v[6] + v[2], v[7] + v[3]];
    let r = [r[0] + r[2], r[1] + r[3]];
    r[0] + r[1]
}

/// Scalar `ggml_vec_dot_q4_1_q8_1` with the AVX2 kernel's lane structure.
#[cfg_attr(
    all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    ),
    allow(dead_code)
)]
fn dot_q4_1_q8_1_scalar(x: &[BlockQ4_1], y: &[BlockQ8_1]) -> f32 {
    let mut acc = [0f32; 8];
    let mut summs = 0f32;
    for (bx, by) in x.iter().zip(y) {
        let d0 = bx.d.to_f32();
        let d1 = by.d.to_f32();
        summs = bx.m.to_f32().mul_add(by.s.to_f32(), summs);
        let d0d1 = d0 * d1;
        // Lane l holds elements 4l..4l+4 of the 32 (low nibbles are 0..16, high 16..32).
        for (lane, a) in acc.iter_mut().enumerate() {
            let mut sum = 0i32;
            for e in 4 * lane..4 * lane + 4 {
                let q = if e < 16 {
                    bx.qs[e] & 0x0F
                } else {
                    bx.qs[e - 16] >> 4
                };
                sum += i32::from(q) * i32::from(by.qs[e]);
            }
            *a = d0d1.mul_add(sum as f32, *a);
        }
    }
    hsum8(acc) + summs
}

/// Scalar `ggml_vec_dot_q8_0_q8_0` with the AVX2 kernel's lane structure.
#[cfg_attr(
    all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    ),
    allow(dead_code)
)]
fn dot_q8_0_q8_0_scalar(x: &[BlockQ8_0], y: &[BlockQ8_0]) -> f32 {
    let mut acc = [0f32; 8];
    for (bx, by) in x.iter().zip(y) {
        let d = bx.d.to_f32() * by.d.to_f32();
        for (lane, a) in acc.iter_mut().enumerate() {
            let sum: i32 = (4 * lane..4 * lane + 4)
                .map(|e| i32::from(bx.qs[e]) * i32::from(by.qs[e]))
                .sum();
            *a = d.mul_add(sum as f32, *a);
        }
    }
    hsum8(acc)
}

#[cfg(all(
    target_arch = "x86_64",
    target_feature = "avx2",
    target_feature = "fma"
))]
mod avx2 {
    use super::{BlockQ4_1, BlockQ8_0, BlockQ8_1};
    use std::arch::x86_64::*;

    #[inline(always)]
    unsafe fn hsum_float_8(x: __m256) -> f32 {
        let mut res = _mm256_extractf128_ps(x, 1);
        res = _mm_add_ps(res, _mm256_castps256_ps128(x));
        res = _mm_add_ps(res, _mm_movehl_ps(res, res));
        res = _mm_add_ss(res, _mm_movehdup_ps(res));
        _mm_cvtss_f32(res)
    }

    #[inline(always)]
    unsafe fn mul_sum_us8_pairs_float(ax: __m256i, sy: __m256i) -> __m256 {
        let dot = _mm256_maddubs_epi16(ax, sy);
        _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_set1_epi16(1), dot))
    }

    /// `ggml_vec_dot_q4_1_q8_1`, AVX2 branch.
    pub(super) fn dot_q4_1_q8_1(x: &[BlockQ4_1], y: &[BlockQ8_1]) -> f32 {
        // SAFETY: this module is only compiled when AVX2 and FMA are enabled
        // for the whole build; loads are unaligned loads within the blocks.
        unsafe {
            let mut acc = _mm256_setzero_ps();
            let mut summs = 0f32;
            let low_mask = _mm256_set1_epi8(0x0F);
            for (bx, by) in x.iter().zip(y) {
                let d0 = bx.d.to_f32();
                let d1 = by.d.to_f32();
                summs = bx.m.to_f32().mul_add(by.s.to_f32(), summs);
                let d0d1 = _mm256_mul_ps(_mm256_set1_ps(d0), _mm256_set1_ps(d1));
                let tmp = _mm_loadu_si128(bx.qs.as_ptr() as *const __m128i);
                let bytes = _mm256_set_m128i(_mm_srli_epi16(tmp, 4), tmp);
                let qx = _mm256_and_si256(low_mask, bytes);
                let qy = _mm256_loadu_si256(by.qs.as_ptr() as *const __m256i);
                let xy = mul_sum_us8_pairs_float(qx, qy);
                acc = _mm256_fmadd_ps(d0d1, xy, acc);
            }
            hsum_float_8(acc) + summs
        }
    }

    /// Four independent `dot_q4_1_q8_1` products at once (same operations per
    /// product, interleaved for instruction-level parallelism).
    pub(super) fn dot_q4_1_q8_1_x4(x: [&[BlockQ4_1]; 4], y: &[BlockQ8_1]) -> [f32; 4] {
        // SAFETY: as above.
        unsafe {
            let mut acc = [_mm256_setzero_ps(); 4];
            let mut summs = [0f32; 4];
            let low_mask = _mm256_set1_epi8(0x0F);
            for (b, by) in y.iter().enumerate() {
                let d1 = by.d.to_f32();
                let s1 = by.s.to_f32();
                let qy = _mm256_loadu_si256(by.qs.as_ptr() as *const __m256i);
                for i in 0..4 {
                    let bx = &x[i][b];
                    summs[i] = bx.m.to_f32().mul_add(s1, summs[i]);
                    let d0d1 = _mm256_mul_ps(_mm256_set1_ps(bx.d.to_f32()), _mm256_set1_ps(d1));
                    let tmp = _mm_loadu_si128(bx.qs.as_ptr() as *const __m128i);
                    let bytes = _mm256_set_m128i(_mm_srli_epi16(tmp, 4), tmp);
                    let qx = _mm256_and_si256(low_mask, bytes);
                    let xy = mul_sum_us8_pairs_float(qx, qy);
                    acc[i] = _mm256_fmadd_ps(d0d1, xy, acc[i]);
                }
            }
            [
                hsum_float_8(acc[0]) + summs[0],
                hsum_float_8(acc[1]) + summs[1],
                hsum_float_8(acc[2]) + summs[2],
                hsum_float_8(acc[3]) + summs[3],
            ]
        }
    }

    /// Four independent `dot_q8_0_q8_0` products at once.
    pub(super) fn dot_q8_0_q8_0_x4(x: [&[BlockQ8_0]; 4], y: &[BlockQ8_0]) -> [f32; 4] {
        // SAFETY: as above.
        unsafe {
            let mut acc = [_mm256_setzero_ps(); 4];
            for (b, by) in y.iter().enumerate() {
                let dy = by.d.to_f32();
                let qy = _mm256_loadu_si256(by.qs.as_ptr() as *const __m256i);
                for i in 0..4 {
                    let bx = &x[i][b];
                    let d = _mm256_set1_ps(bx.d.to_f32() * dy);
                    let qx = _mm256_loadu_si256(bx.qs.as_ptr() as *const __m256i);
                    let ax = _mm256_sign_epi8(qx, qx);
                    let sy = _mm256_sign_epi8(qy, qx);
                    acc[i] = _mm256_fmadd_ps(d, mul_sum_us8_pairs_float(ax, sy), acc[i]);
                }
            }
            [
                hsum_float_8(acc[0]),
                hsum_float_8(acc[1]),
                hsum_float_8(acc[2]),
                hsum_float_8(acc[3]),
            ]
        }
    }

    /// `ggml_vec_dot_q8_0_q8_0`, AVX2 branch.
    pub(super) fn dot_q8_0_q8_0(x: &[BlockQ8_0], y: &[BlockQ8_0]) -> f32 {
        // SAFETY: as above.
        unsafe {
            let mut acc = _mm256_setzero_ps();
            for (bx, by) in x.iter().zip(y) {
                let d = _mm256_set1_ps(bx.d.to_f32() * by.d.to_f32());
                let qx = _mm256_loadu_si256(bx.qs.as_ptr() as *const __m256i);
                let qy = _mm256_loadu_si256(by.qs.as_ptr() as *const __m256i);
                let ax = _mm256_sign_epi8(qx, qx);
                let sy = _mm256_sign_epi8(qy, qx);
                let q = mul_sum_us8_pairs_float(ax, sy);
                acc = _mm256_fmadd_ps(d, q, acc);
            }
            hsum_float_8(acc)
        }
    }
}

#[inline]
fn dot_q4_1_q8_1(x: &[BlockQ4_1], y: &[BlockQ8_1]) -> f32 {
    #[cfg(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    ))]
    {
        avx2::dot_q4_1_q8_1(x, y)
    }
    #[cfg(not(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    )))]
    {
        dot_q4_1_q8_1_scalar(x, y)
    }
}

#[inline]
fn dot_q8_0_q8_0(x: &[BlockQ8_0], y: &[BlockQ8_0]) -> f32 {
    #[cfg(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    ))]
    {
        avx2::dot_q8_0_q8_0(x, y)
    }
    #[cfg(not(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    )))]
    {
        dot_q8_0_q8_0_scalar(x, y)
    }
}

/// Four weight rows against one activation row.
#[inline]
fn dot_q4_1_q8_1_x4(x: [&[BlockQ4_1]; 4], y: &[BlockQ8_1]) -> [f32; 4] {
    #[cfg(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    ))]
    {
        avx2::dot_q4_1_q8_1_x4(x, y)
    }
    #[cfg(not(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    )))]
    {
        x.map(|x| dot_q4_1_q8_1_scalar(x, y))
    }
}

/// Four weight rows against one activation row.
#[inline]
fn dot_q8_0_q8_0_x4(x: [&[BlockQ8_0]; 4], y: &[BlockQ8_0]) -> [f32; 4] {
    #[cfg(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    ))]
    {
        avx2::dot_q8_0_q8_0_x4(x, y)
    }
    #[cfg(not(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    )))]
    {
        x.map(|x| dot_q8_0_q8_0_scalar(x, y))
    }
}

#[derive(Debug, Clone)]
enum Weights {
    Q4_1(Arc<Vec<BlockQ4_1>>),
    Q8_0(Arc<Vec<BlockQ8_0>>),
    Candle(QMatMul),
}

/// A quantized linear layer `y = x · Wᵀ` with `W` of shape `(out, in)`.
#[derive(Debug, Clone)]
pub(crate) struct QLinear {
    weights: Weights,
    out_features: usize,
    in_features: usize,
}

/// A raw pointer shared by the workers of one product; each writes disjoint elements.
#[derive(Clone, Copy)]
struct OutPtr(*mut f32);
// SAFETY: the workers write disjoint indices and the owner waits for them.
unsafe impl Send for OutPtr {}
unsafe impl Sync for OutPtr {}

impl OutPtr {
    /// Writes `value` at element `index`.
    ///
    /// # Safety
    /// `index` must be in bounds and written by no other thread concurrently.
    unsafe fn write(&self, index: usize, value: f32) {
        // SAFETY: guaranteed by the caller.
        unsafe { *self.0.add(index) = value };
    }
}

impl QLinear {
    /// Takes a 2-D GGUF weight of shape `(out, in)`.
    pub(crate) fn from_qtensor(tensor: QTensor) -> Result<Self> {
        let (out_features, in_features) = tensor.shape().dims2()?;
        let weights = match tensor.dtype() {
            GgmlDType::Q4_1 if in_features % QK == 0 => {
                Weights::Q4_1(Arc::new(parse_q4_1(&tensor.data()?)))
            }
            GgmlDType::Q8_0 if in_features % QK == 0 => {
                Weights::Q8_0(Arc::new(parse_q8_0(&tensor.data()?)))
            }
            _ => Weights::Candle(QMatMul::from_qtensor(tensor)?),
        };
        Ok(QLinear {
            weights,
            out_features,
            in_features,
        })
    }

    /// Rows `ids` of the weight matrix, dequantized: the token-embedding
    /// lookup when this layer holds `token_embd` (shape `(vocab, hidden)`).
    /// Returns F32 of shape `(ids.len(), in)`.
    pub(crate) fn rows(&self, ids: &[u32]) -> Result<Tensor> {
        let k = self.in_features;
        let per_row = k / QK;
        let mut out = Vec::with_capacity(ids.len() * k);
        for &id in ids {
            let id = id as usize;
            if id >= self.out_features {
                candle_core::bail!(
                    "token id {id} is outside the {} embedding rows",
                    self.out_features
                );
            }
            match &self.weights {
                Weights::Q4_1(w) => {
                    for b in &w[id * per_row..(id + 1) * per_row] {
                        let (d, m) = (b.d.to_f32(), b.m.to_f32());
                        out.extend(b.qs.iter().map(|q| f32::from(q & 0x0F) * d + m));
                        out.extend(b.qs.iter().map(|q| f32::from(q >> 4) * d + m));
                    }
                }
                Weights::Q8_0(w) => {
                    for b in &w[id * per_row..(id + 1) * per_row] {
                        let d = b.d.to_f32();
                        out.extend(b.qs.iter().map(|q| f32::from(*q) * d));
                    }
                }
                Weights::Candle(_) => {
                    candle_core::bail!("embedding lookup needs Q4_1 or Q8_0 weights")
                }
            }
        }
        Tensor::from_vec(out, (ids.len(), k), &Device::Cpu)
    }

    /// Whether [`rows`](Self::rows) can serve lookups for weights of `dtype`.
    pub(crate) fn serves_rows(dtype: GgmlDType) -> bool {
        matches!(dtype, GgmlDType::Q4_1 | GgmlDType::Q8_0)
    }

    /// `x`: F32 of shape `(..., in)`; returns `(..., out)`.
    pub(crate) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (k, n) = (self.in_features, self.out_features);
        let blocks_per_row = k / QK;
        match &self.weights {
            Weights::Candle(m) => m.forward(x),
            Weights::Q4_1(w) => {
                let (lhs, mut dims) = flatten_rows(x, k)?;
                let m = lhs.len() / k;
                let mut q = vec![ZERO_Q8_1; m * blocks_per_row];
                for (row, out) in lhs.chunks_exact(k).zip(q.chunks_exact_mut(blocks_per_row)) {
                    quantize_row_q8_1(row, out);
                }
                let row = |j: usize| &w[j * blocks_per_row..(j + 1) * blocks_per_row];
                let act = |r: usize| &q[r * blocks_per_row..(r + 1) * blocks_per_row];
                let dst = product(
                    m,
                    n,
                    |j, r| dot_q4_1_q8_1(row(j), act(r)),
                    |j, r| dot_q4_1_q8_1_x4([row(j), row(j + 1), row(j + 2), row(j + 3)], act(r)),
                );
                *dims.last_mut().unwrap_or(&mut 0) = n;
                Tensor::from_vec(dst, dims, &Device::Cpu)
            }
            Weights::Q8_0(w) => {
                let (lhs, mut dims) = flatten_rows(x, k)?;
                let m = lhs.len() / k;
                let mut q = vec![ZERO_Q8_0; m * blocks_per_row];
                for (row, out) in lhs.chunks_exact(k).zip(q.chunks_exact_mut(blocks_per_row)) {
                    quantize_row_q8_0(row, out);
                }
                let row = |j: usize| &w[j * blocks_per_row..(j + 1) * blocks_per_row];
                let act = |r: usize| &q[r * blocks_per_row..(r + 1) * blocks_per_row];
                let dst = product(
                    m,
                    n,
                    |j, r| dot_q8_0_q8_0(row(j), act(r)),
                    |j, r| dot_q8_0_q8_0_x4([row(j), row(j + 1), row(j + 2), row(j + 3)], act(r)),
                );
                *dims.last_mut().unwrap_or(&mut 0) = n;
                Tensor::from_vec(dst, dims, &Device::Cpu)
            }
        }
    }
}

/// The rows of `x` as one F32 vector, with `x`'s dims.
fn flatten_rows(x: &Tensor, k: usize) -> Result<(Vec<f32>, Vec<usize>)> {
    let dims = x.dims().to_vec();
    if dims.last() != Some(&k) {
        candle_core::bail!("linear layer expects {k} input features, got shape {dims:?}");
    }
    Ok((x.flatten_all()?.to_vec1::<f32>()?, dims))
}

/// `dst[r·n + j] = f(j, r)` for `m` rows and `n` columns, split over output
/// columns on candle's thread pool, in 16 × 16 tiles so that the weight and
/// activation rows of a tile stay in L1 (as ggml's `mul_mat` tiles). `f4(j, r)`
/// computes columns `j..j + 4` of row `r` at once, with the same results as `f`.
fn product(
    m: usize,
    n: usize,
    f: impl Fn(usize, usize) -> f32 + Sync,
    f4: impl Fn(usize, usize) -> [f32; 4] + Sync,
) -> Vec<f32> {
    const TILE: usize = 16;
    let mut dst = vec![0f32; m * n];
    let out = OutPtr(dst.as_mut_ptr());
    let units = n.div_ceil(TILE);
    candle_core::utils::barrier_pool().execute_chunked(units, |range| {
        for unit in range {
            let start = unit * TILE;
            let end = (start + TILE).min(n);
            for row_tile in (0..m).step_by(TILE) {
                for r in row_tile..(row_tile + TILE).min(m) {
                    let mut j = start;
                    // With one activation row the single kernel streams
                    // weights faster; four rows at once pay off in prefill.
                    while m > 1 && j + 4 <= end {
                        let values = f4(j, r);
                        for (i, v) in values.iter().enumerate() {
                            // SAFETY: (r, j + i) is written by exactly one unit, within m·n.
                            unsafe { out.write(r * n + j + i, *v) };
                        }
                        j += 4;
                    }
                    while j < end {
                        // SAFETY: as above.
                        unsafe { out.write(r * n + j, f(j, r)) };
                        j += 1;
                    }
                }
            }
        }
    });
    dst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q8_1_quantization_follows_ggml() {
        let x: Vec<f32> = (0..32).map(|i| (i as f32 - 15.5) * 0.37).collect();
        let mut out = [ZERO_Q8_1];
        quantize_row_q8_1(&x, &mut out);
        let max = 15.5 * 0.37f32;
        assert_eq!(out[0].d, f16::from_f32(max / 127.0));
        assert_eq!(out[0].qs[0], -127);
        assert_eq!(out[0].qs[31], 127);
        let sum: i32 = out[0].qs.iter().map(|q| i32::from(*q)).sum();
        assert_eq!(out[0].s, f16::from_f32(max / 127.0 * sum as f32));
        // All zeros stay zero.
        quantize_row_q8_1(&[0.0; 32], &mut out);
        assert!(out[0].qs.iter().all(|q| *q == 0));
    }

    #[test]
    fn kernels_agree_with_the_scalar_reference_and_dequantized_math() {
        let mut state = 12345u32;
        let mut next = || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            state
        };
        let k = 128;
        let w: Vec<BlockQ4_1> = (0..k / QK)
            .map(|_| {
                let mut qs = [0u8; 16];
                qs.iter_mut().for_each(|q| *q = next() as u8);
                BlockQ4_1 {
                    d: f16::from_f32((next() % 100) as f32 / 1000.0 + 0.001),
                    m: f16::from_f32(-((next() % 100) as f32) / 200.0),
                    qs,
                }
            })
            .collect();
        let x: Vec<f32> = (0..k)
            .map(|_| (next() % 2000) as f32 / 1000.0 - 1.0)
            .collect();
        let mut q = vec![ZERO_Q8_1; k / QK];
        quantize_row_q8_1(&x, &mut q);
        let fast = dot_q4_1_q8_1(&w, &q);
        let scalar = dot_q4_1_q8_1_scalar(&w, &q);
        assert_eq!(fast.to_bits(), scalar.to_bits());
        // Close to the exact product of the dequantized values.
        let mut exact = 0f64;
        for (b, block) in w.iter().enumerate() {
            for e in 0..32 {
                let nibble = if e < 16 {
                    block.qs[e] & 0x0F
                } else {
                    block.qs[e - 16] >> 4
                };
                let wv = block.d.to_f32() * f32::from(nibble) + block.m.to_f32();
                exact += f64::from(wv) * f64::from(x[b * 32 + e]);
            }
        }
        assert!((f64::from(fast) - exact).abs() < 0.05, "{fast} vs {exact}");

        let w8: Vec<BlockQ8_0> = (0..k / QK)
            .map(|_| {
                let mut qs = [0i8; 32];
                qs.iter_mut().for_each(|q| *q = next() as i8);
                BlockQ8_0 {
                    d: f16::from_f32(0.01),
                    qs,
                }
            })
            .collect();
        let x4 = dot_q4_1_q8_1_x4([&w, &w, &w, &w], &q);
        assert!(x4.iter().all(|v| v.to_bits() == fast.to_bits()));
        let mut q8 = vec![ZERO_Q8_0; k / QK];
        quantize_row_q8_0(&x, &mut q8);
        let single = dot_q8_0_q8_0(&w8, &q8);
        assert_eq!(single.to_bits(), dot_q8_0_q8_0_scalar(&w8, &q8).to_bits());
        let x4 = dot_q8_0_q8_0_x4([&w8, &w8, &w8, &w8], &q8);
        assert!(x4.iter().all(|v| v.to_bits() == single.to_bits()));
    }
}
