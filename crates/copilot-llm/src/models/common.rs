//! Pieces shared by the model implementations.

use candle_core::quantized::QTensor;
use candle_core::{DType, Device, Module, Result, Tensor};
use candle_nn::Embedding;

use crate::quant::QLinear;

/// Rounds every element to the nearest F16 value (ties to even, as the F16C
/// instructions llama.cpp uses), keeping the F32 type. llama.cpp keeps the KV
/// cache in F16 and converts the F32 operand of an F16 matrix product to F16.
pub(crate) fn round_to_f16(x: &Tensor) -> Result<Tensor> {
    x.to_dtype(DType::F16)?.to_dtype(DType::F32)
}

/// RoPE tables `(max_positions, rope_dim / 2)` computed as ggml's
/// `ggml_rope_cache_init`: `theta = pos · base^(−2i/d)` by repeated
/// multiplication in F32.
pub(crate) fn rope_tables(
    rope_dim: usize,
    freq_base: f32,
    max_positions: usize,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let half = rope_dim / 2;
    let theta_scale = freq_base.powf(-2.0 / rope_dim as f32);
    let mut cos = Vec::with_capacity(max_positions * half);
    let mut sin = Vec::with_capacity(max_positions * half);
    for pos in 0..max_positions {
        let mut theta = pos as f32;
        for _ in 0..half {
            cos.push(theta.cos());
            sin.push(theta.sin());
            theta *= theta_scale;
        }
    }
    Ok((
        Tensor::from_vec(cos, (max_positions, half), device)?,
        Tensor::from_vec(sin, (max_positions, half), device)?,
    ))
}

/// The attention mask for `seq_len` queries at positions `index_pos..` over
/// keys at positions `0..index_pos + seq_len`: shape `(seq_len, kv_len)`,
/// 1 = masked. With a sliding window `w`, a key more than `w − 1` positions
/// behind the query is masked too (llama.cpp's `is_masked_swa`, standard type).
pub(crate) fn attention_mask(
    seq_len: usize,
    index_pos: usize,
    window: Option<usize>,
    device: &Device,
) -> Result<Tensor> {
    let kv_len = index_pos + seq_len;
    let mask: Vec<u8> = (0..seq_len)
        .flat_map(|i| {
            let query = index_pos + i;
            (0..kv_len).map(move |key| {
                let future = key > query;
                let outside = window.is_some_and(|w| query - key.min(query) >= w);
                u8::from(future || outside)
            })
        })
        .collect();
    Tensor::from_slice(&mask, (seq_len, kv_len), device)
}

/// Token embeddings: looked up row by row from the quantized matrix when the
/// type allows (no F32 copy of the whole table), else dequantized once.
#[derive(Debug, Clone)]
pub(crate) enum TokenEmbeddings {
    Quantized(QLinear),
    Dense(Embedding),
}

impl TokenEmbeddings {
    /// From `token_embd.weight` (shape `(vocab, hidden)`). Also returns the
    /// matrix as a linear layer for models whose output is tied to it.
    pub(crate) fn new(tensor: QTensor, device: &Device) -> Result<(Self, QLinear)> {
        let (_, hidden) = tensor.shape().dims2()?;
        if QLinear::serves_rows(tensor.dtype()) {
            let linear = QLinear::from_qtensor(tensor)?;
            return Ok((TokenEmbeddings::Quantized(linear.clone()), linear));
        }
        let dense = tensor.dequantize(device)?;
        let linear = QLinear::from_qtensor(tensor)?;
        Ok((
            TokenEmbeddings::Dense(Embedding::new(dense, hidden)),
            linear,
        ))
    }

    /// `ids`: shape `(batch, seq_len)`; returns `(batch, seq_len, hidden)`.
    pub(crate) fn forward(&self, ids: &Tensor) -> Result<Tensor> {
        match self {
            TokenEmbeddings::Dense(e) => e.forward(ids),
            TokenEmbeddings::Quantized(q) => {
                let (b, s) = ids.dims2()?;
                let flat = ids.flatten_all()?.to_vec1::<u32>()?;
                let rows = q.rows(&flat)?;
                let hidden = rows.dim(1)?;
                rows.reshape((b, s, hidden))
            }
        }
    }
}

/// Scaled dot-product attention with grouped KV heads, without copying K and
/// V once per query head: query heads sharing a KV head are stacked as rows.
///
/// `q`: `(batch, n_head, seq, head_dim)`; `k`, `v`: `(batch, n_kv_head, kv_len,
/// head_dim)`; `mask`: `(seq, kv_len)`, 1 = masked. Scores are divided by
/// `divisor` when given; attention weights are rounded to F16 (llama.cpp
/// converts them to F16 for the product with its F16 V cache). Returns
/// `(batch, n_head, seq, head_dim)`.
pub(crate) fn grouped_attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    mask: Option<&Tensor>,
    divisor: Option<f64>,
    neg_inf: &Tensor,
) -> Result<Tensor> {
    let (b, n_head, seq, head_dim) = q.dims4()?;
    let (_, n_kv_head, kv_len, _) = k.dims4()?;
    let n_rep = n_head / n_kv_head;
    let q = q
        .contiguous()?
        .reshape((b, n_kv_head, n_rep * seq, head_dim))?;
    let att = q.matmul(&k.t()?)?;
    let att = match divisor {
        Some(d) => (att / d)?,
        None => att,
    };
    let att = att.reshape((b, n_head, seq, kv_len))?;
    let att = match mask {
        None => att,
        Some(mask) => {
            let mask = mask.broadcast_as(att.shape())?;
            mask.where_cond(&neg_inf.broadcast_as(att.shape().dims())?, &att)?
        }
    };
    let att = round_to_f16(&candle_nn::ops::softmax_last_dim(&att)?)?;
    let att = att.reshape((b, n_kv_head, n_rep * seq, kv_len))?;
    att.matmul(v)?.reshape((b, n_head, seq, head_dim))
}

/// A per-layer KV cache written in place: `(batch, n_kv_head, allocated,
/// head_dim)` buffers that grow by doubling (from 256 positions) up to the
/// context length, so appending a token copies only that token and memory
/// follows the context in use. Cloning copies the positions in use, so a
/// clone is an independent snapshot.
#[derive(Debug)]
pub(crate) struct KvCache {
    buffers: Option<(Tensor, Tensor)>,
    len: usize,
    limit: usize,
}

/// First allocation of a [`KvCache`], in positions.
const KV_INITIAL_POSITIONS: usize = 256;

impl KvCache {
    /// An empty cache for at most `limit` positions.
    pub(crate) fn new(limit: usize) -> Self {
        KvCache {
            buffers: None,
            len: 0,
            limit,
        }
    }

    fn allocated(&self) -> usize {
        self.buffers
            .as_ref()
            .and_then(|(k, _)| k.dim(2).ok())
            .unwrap_or(0)
    }

    /// Makes room for `needed` positions, keeping the first `self.len`.
    fn reserve(&mut self, like: &Tensor, needed: usize) -> Result<()> {
        let allocated = self.allocated();
        if needed <= allocated {
            return Ok(());
        }
        let size = needed
            .max(allocated * 2)
            .max(KV_INITIAL_POSITIONS)
            .min(self.limit);
        let (b, heads, _, head_dim) = like.dims4()?;
        let k_new = Tensor::zeros((b, heads, size, head_dim), like.dtype(), like.device())?;
        let v_new = Tensor::zeros((b, heads, size, head_dim), like.dtype(), like.device())?;
        if let (Some((k, v)), true) = (&self.buffers, self.len > 0) {
            k_new.slice_set(&k.narrow(2, 0, self.len)?.contiguous()?, 2, 0)?;
            v_new.slice_set(&v.narrow(2, 0, self.len)?.contiguous()?, 2, 0)?;
        }
        self.buffers = Some((k_new, v_new));
        Ok(())
    }

    /// Writes `k` and `v` (`(batch, n_kv_head, seq, head_dim)`) at positions
    /// `index_pos..` (`index_pos = 0` starts over) and returns views of every
    /// cached position, `(batch, n_kv_head, index_pos + seq, head_dim)`.
    pub(crate) fn append(
        &mut self,
        k: &Tensor,
        v: &Tensor,
        index_pos: usize,
    ) -> Result<(Tensor, Tensor)> {
        let seq = k.dim(2)?;
        if index_pos != 0 && index_pos != self.len {
            candle_core::bail!("KV cache holds {} positions, not {index_pos}", self.len);
        }
        if index_pos + seq > self.limit {
            candle_core::bail!("KV cache limit of {} positions exceeded", self.limit);
        }
        self.len = index_pos;
        self.reserve(k, index_pos + seq)?;
        let Some((k_buf, v_buf)) = &self.buffers else {
            candle_core::bail!("KV cache buffers missing");
        };
        k_buf.slice_set(&k.contiguous()?, 2, index_pos)?;
        v_buf.slice_set(&v.contiguous()?, 2, index_pos)?;
        self.len = index_pos + seq;
        Ok((k_buf.narrow(2, 0, self.len)?, v_buf.narrow(2, 0, self.len)?))
    }
}

impl Clone for KvCache {
    fn clone(&self) -> Self {
        let copy = |buf: &Tensor| -> Result<Tensor> {
            let fresh = buf.zeros_like()?;
            if self.len > 0 {
                fresh.slice_set(&buf.narrow(2, 0, self.len)?.contiguous()?, 2, 0)?;
            }
            Ok(fresh)
        };
        let buffers = self
            .buffers
            .as_ref()
            .and_then(|(k, v)| match (copy(k), copy(v)) {
                (Ok(k), Ok(v)) => Some((k, v)),
                // Without a copy the clone starts empty: `append` then only
                // accepts `index_pos = 0`, so a failed copy cannot be misread.
                _ => None,
            });
        KvCache {
            len: if buffers.is_some() { self.len } else { 0 },
            buffers,
            limit: self.limit,
        }
    }
}
