//! Quantized Llama (e.g. SmolLM2), numerically aligned with llama.cpp.
//!
//! Adapted from candle-transformers 0.11.1 `models/quantized_llama.rs`
//! (<https://github.com/huggingface/candle>, © the candle authors, licensed
//! MIT OR Apache-2.0; this crate is Apache-2.0). Changes:
//!
//! - **llama.cpp's attention precision.** llama.cpp keeps the KV cache in F16
//!   by default, and multiplying an F16 matrix by an F32 one converts the F32
//!   operand to F16 first. So K and V are rounded to F16 when cached, Q is
//!   rounded to F16 before `Q·Kᵀ`, and the attention probabilities are rounded
//!   to F16 before `P·V`; accumulation stays F32. Stock candle keeps all of it
//!   in F32, which flips llama.cpp's greedy choice at near-ties (measured on
//!   SmolLM2: llama.cpp itself flips the same tokens when run with an F32 KV
//!   cache). The cache is stored as F32 values that are exactly representable
//!   in F16, so no conversion is needed per step.
//! - **RoPE table as llama.cpp computes it** (`theta = pos · base^(−2i/d)` by
//!   repeated multiplication in F32), sized to the usable context instead of a
//!   fixed 4,096 positions.
//! - The mixture-of-experts and GGML-v1 paths are removed.

use std::collections::HashMap;

use candle_core::quantized::gguf_file;
use candle_core::{Device, IndexOp, Module, Result, Tensor};
use candle_transformers::quantized_nn::RmsNorm;

use super::common::{grouped_attention, rope_tables, round_to_f16, KvCache, TokenEmbeddings};
use crate::quant::QLinear as QMatMul;

#[derive(Debug, Clone)]
struct Mlp {
    gate: QMatMul,
    down: QMatMul,
    up: QMatMul,
}

impl Module for Mlp {
    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        let gate = self.gate.forward(xs)?;
        let up = self.up.forward(xs)?;
        self.down.forward(&(candle_nn::ops::silu(&gate)? * up)?)
    }
}

#[derive(Debug, Clone)]
struct Layer {
    wq: QMatMul,
    wk: QMatMul,
    wv: QMatMul,
    wo: QMatMul,
    attention_norm: RmsNorm,
    mlp: Mlp,
    ffn_norm: RmsNorm,
    n_head: usize,
    n_kv_head: usize,
    head_dim: usize,
    rope_is_neox: bool,
    cos: Tensor,
    sin: Tensor,
    neg_inf: Tensor,
    kv_cache: KvCache,
}

impl Layer {
    fn rope(&self, x: &Tensor, index_pos: usize) -> Result<Tensor> {
        let (_b, _h, seq_len, _d) = x.dims4()?;
        let cos = self.cos.narrow(0, index_pos, seq_len)?;
        let sin = self.sin.narrow(0, index_pos, seq_len)?;
        let x = x.contiguous()?;
        if self.rope_is_neox {
            candle_nn::rotary_emb::rope(&x, &cos, &sin)
        } else {
            candle_nn::rotary_emb::rope_i(&x, &cos, &sin)
        }
    }

    fn attention(&mut self, x: &Tensor, mask: Option<&Tensor>, index_pos: usize) -> Result<Tensor> {
        let (b, seq_len, n_embd) = x.dims3()?;
        let q = self
            .wq
            .forward(x)?
            .reshape((b, seq_len, self.n_head, self.head_dim))?
            .transpose(1, 2)?;
        let k = self
            .wk
            .forward(x)?
            .reshape((b, seq_len, self.n_kv_head, self.head_dim))?
            .transpose(1, 2)?;
        let v = self
            .wv
            .forward(x)?
            .reshape((b, seq_len, self.n_kv_head, self.head_dim))?
            .transpose(1, 2)?
            .contiguous()?;
        let q = self.rope(&q, index_pos)?;
        let k = round_to_f16(&self.rope(&k, index_pos)?)?;
        let v = round_to_f16(&v)?;

        let (k, v) = self.kv_cache.append(&k, &v, index_pos)?;

        let q = round_to_f16(&q)?;
        let y = grouped_attention(
            &q,
            &k,
            &v,
            mask,
            Some((self.head_dim as f64).sqrt()),
            &self.neg_inf,
        )?;
        let y = y.transpose(1, 2)?.reshape((b, seq_len, n_embd))?;
        self.wo.forward(&y)
    }
}

/// A quantized Llama-architecture model with its KV cache.
#[derive(Debug, Clone)]
pub(crate) struct Llama {
    embeddings: TokenEmbeddings,
    layers: Vec<Layer>,
    norm: RmsNorm,
    output: QMatMul,
    masks: HashMap<(usize, usize), Tensor>,
}

impl Llama {
    /// Loads the weights. `max_positions` bounds the RoPE table (the usable context).
    pub(crate) fn from_gguf<R: std::io::Seek + std::io::Read>(
        ct: gguf_file::Content,
        reader: &mut R,
        device: &Device,
        max_positions: usize,
    ) -> Result<Self> {
        let arch = match ct.metadata.get("general.architecture") {
            Some(gguf_file::Value::String(s)) => s.clone(),
            _ => candle_core::bail!("missing general.architecture"),
        };
        let md = |key: &str| match ct.metadata.get(&format!("{arch}.{key}")) {
            Some(v) => Ok(v),
            None => candle_core::bail!("cannot find {arch}.{key} in metadata"),
        };
        let head_count = md("attention.head_count")?.to_u32()? as usize;
        let head_count_kv = md("attention.head_count_kv")?.to_u32()? as usize;
        let block_count = md("block_count")?.to_u32()? as usize;
        let embedding_length = md("embedding_length")?.to_u32()? as usize;
        let rope_dim = md("rope.dimension_count")?.to_u32()? as usize;
        let rms_norm_eps = md("attention.layer_norm_rms_epsilon")?.to_f32()? as f64;
        let rope_freq_base = md("rope.freq_base")
            .and_then(|v| v.to_f32())
            .unwrap_or(10_000.0);
        if head_count == 0 || head_count_kv == 0 || !head_count.is_multiple_of(head_count_kv) {
            candle_core::bail!("bad head counts {head_count}/{head_count_kv}");
        }
        if !embedding_length.is_multiple_of(head_count) || rope_dim != embedding_length / head_count
        {
            candle_core::bail!("unsupported rope dimension {rope_dim}");
        }
        if md("expert_count").and_then(|v| v.to_u32()).unwrap_or(0) > 1 {
            candle_core::bail!("mixture-of-experts Llama models are not supported");
        }

        let (cos, sin) = rope_tables(rope_dim, rope_freq_base, max_positions, device)?;
        let neg_inf = Tensor::new(f32::NEG_INFINITY, device)?;
        let (embeddings, tied_output) =
            TokenEmbeddings::new(ct.tensor(reader, "token_embd.weight", device)?, device)?;
        let norm = RmsNorm::from_qtensor(
            ct.tensor(reader, "output_norm.weight", device)?,
            rms_norm_eps,
        )?;
        let output = match ct.tensor(reader, "output.weight", device) {
            Ok(t) => QMatMul::from_qtensor(t)?,
            Err(_) => tied_output,
        };
        let mut layers = Vec::with_capacity(block_count);
        for i in 0..block_count {
            let mut t = |name: &str| ct.tensor(reader, &format!("blk.{i}.{name}.weight"), device);
            layers.push(Layer {
                wq: QMatMul::from_qtensor(t("attn_q")?)?,
                wk: QMatMul::from_qtensor(t("attn_k")?)?,
                wv: QMatMul::from_qtensor(t("attn_v")?)?,
                wo: QMatMul::from_qtensor(t("attn_output")?)?,
                attention_norm: RmsNorm::from_qtensor(t("attn_norm")?, rms_norm_eps)?,
                mlp: Mlp {
                    gate: QMatMul::from_qtensor(t("ffn_gate")?)?,
                    down: QMatMul::from_qtensor(t("ffn_down")?)?,
                    up: QMatMul::from_qtensor(t("ffn_up")?)?,
                },
                ffn_norm: RmsNorm::from_qtensor(t("ffn_norm")?, rms_norm_eps)?,
                n_head: head_count,
                n_kv_head: head_count_kv,
                head_dim: embedding_length / head_count,
                // llama.cpp's LLAMA_ROPE_TYPE_NORM for the llama architecture.
                rope_is_neox: false,
                cos: cos.clone(),
                sin: sin.clone(),
                neg_inf: neg_inf.clone(),
                kv_cache: KvCache::new(max_positions),
            });
        }
        Ok(Llama {
            embeddings,
            layers,
            norm,
            output,
            masks: HashMap::new(),
        })
    }

    fn mask(&mut self, seq_len: usize, index_pos: usize, device: &Device) -> Result<Tensor> {
        let key = (seq_len, index_pos + seq_len);
        if let Some(mask) = self.masks.get(&key) {
            return Ok(mask.clone());
        }
        let mask = candle_transformers::utils::build_causal_mask(seq_len, index_pos, device)?;
        self.masks.insert(key, mask.clone());
        Ok(mask)
    }

    /// Runs `x` (token ids, shape `(batch, seq_len)`) at positions
    /// `index_pos..`; returns the logits of the last position, `(batch, vocab)`.
    /// `index_pos = 0` replaces the KV cache.
    pub(crate) fn forward(&mut self, x: &Tensor, index_pos: usize) -> Result<Tensor> {
        let (_b, seq_len) = x.dims2()?;
        let mask = if seq_len == 1 {
            None
        } else {
            Some(self.mask(seq_len, index_pos, x.device())?)
        };
        let mut h = self.embeddings.forward(x)?;
        for layer in self.layers.iter_mut() {
            let residual = h.clone();
            let x = layer.attention_norm.forward(&h)?;
            let x = (layer.attention(&x, mask.as_ref(), index_pos)? + residual)?;
            let residual = &x;
            let y = layer.mlp.forward(&layer.ffn_norm.forward(&x)?)?;
            h = (y + residual)?;
        }
        // RMS norm is per position, so only the last one needs it.
        let x = self.norm.forward(&h.i((.., seq_len - 1, ..))?)?;
        self.output.forward(&x)
    }
}
