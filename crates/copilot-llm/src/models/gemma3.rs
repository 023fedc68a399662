//! Quantized Gemma 3 (text), numerically aligned with llama.cpp.
//!
//! Adapted from candle-transformers 0.11.1 `models/quantized_gemma3.rs`
//! (<https://github.com/huggingface/candle>, © the candle authors, licensed
//! MIT OR Apache-2.0; this crate is Apache-2.0), with its bugs fixed against
//! llama.cpp's `src/models/gemma3.cpp`:
//!
//! - the feed-forward gate uses GELU (tanh form), not SiLU (candle issue
//!   #3745), evaluated as ggml does: through an F16 table (`GGML_GELU_FP16`);
//! - sliding-window layers mask keys 512 or more positions behind the query
//!   (`is_masked_swa`) in prefill *and* decode (candle ignored the window
//!   while decoding and was off by one in prefill), and a chunked prefill
//!   sees the cached prefix (candle masked it out);
//! - one RoPE table per base (10,000 for sliding layers, the file's base for
//!   global ones), sized to the usable context, instead of a 131,072-position
//!   table per layer (2.4 GB, ~5 s of load);
//! - llama.cpp's attention precision (F16 KV cache), as in [`super::llama`];
//! - token embeddings stay quantized and are looked up row by row (candle
//!   expanded the 262,144 × 640 table to F32, 640 MiB).

use candle_core::quantized::gguf_file;
use candle_core::{Device, IndexOp, Module, Result, Tensor};
use candle_transformers::quantized_nn::RmsNorm;
use half::f16;

use super::common::{
    attention_mask, grouped_attention, rope_tables, round_to_f16, KvCache, TokenEmbeddings,
};
use crate::quant::QLinear;

/// llama.cpp's default base for sliding-window layers (`rope_freq_base_train_swa`).
const SLIDING_ROPE_BASE: f32 = 10_000.0;
/// Gemma 3's layer pattern: five sliding-window layers, then one global.
const SLIDING_PATTERN: usize = 6;

/// ggml's `ggml_gelu_f32` (tanh approximation).
fn gelu_f32(x: f32) -> f32 {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    const GELU_COEF_A: f32 = 0.044_715;
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * x * (1.0 + GELU_COEF_A * x * x)).tanh())
}

/// ggml's `ggml_vec_geglu_f32` with `GGML_GELU_FP16`: `gelu(gate) · up`, the
/// GELU read from a table indexed by `gate` rounded to F16.
fn geglu(gate: &Tensor, up: &Tensor) -> Result<Tensor> {
    let dims = gate.dims().to_vec();
    let g = gate.flatten_all()?.to_vec1::<f32>()?;
    let u = up.flatten_all()?.to_vec1::<f32>()?;
    let out: Vec<f32> = g
        .iter()
        .zip(&u)
        .map(|(&x, &up)| {
            if x <= -10.0 {
                0.0
            } else if x >= 10.0 {
                x * up
            } else {
                let x16 = f16::from_f32(x).to_f32();
                f16::from_f32(gelu_f32(x16)).to_f32() * up
            }
        })
        .collect();
    Tensor::from_vec(out, dims, &Device::Cpu)
}

#[derive(Debug, Clone)]
struct Layer {
    wq: QLinear,
    wk: QLinear,
    wv: QLinear,
    wo: QLinear,
    q_norm: RmsNorm,
    k_norm: RmsNorm,
    attention_norm: RmsNorm,
    post_attention_norm: RmsNorm,
    ffn_norm: RmsNorm,
    post_ffn_norm: RmsNorm,
    gate: QLinear,
    up: QLinear,
    down: QLinear,
    n_head: usize,
    n_kv_head: usize,
    head_dim: usize,
    attention_scale: f64,
    /// `Some(w)` for sliding-window layers.
    window: Option<usize>,
    cos: Tensor,
    sin: Tensor,
    neg_inf: Tensor,
    kv_cache: KvCache,
}

impl Layer {
    fn attention(&mut self, x: &Tensor, index_pos: usize) -> Result<Tensor> {
        let (b, seq_len, _) = x.dims3()?;
        let q = self
            .wq
            .forward(x)?
            .reshape((b, seq_len, self.n_head, self.head_dim))?;
        let k = self
            .wk
            .forward(x)?
            .reshape((b, seq_len, self.n_kv_head, self.head_dim))?;
        let v = self
            .wv
            .forward(x)?
            .reshape((b, seq_len, self.n_kv_head, self.head_dim))?;
        let q = self.q_norm.forward(&q.contiguous()?)?.transpose(1, 2)?;
        let k = self.k_norm.forward(&k.contiguous()?)?.transpose(1, 2)?;
        let v = round_to_f16(&v.transpose(1, 2)?.contiguous()?)?;

        let cos = self.cos.narrow(0, index_pos, seq_len)?;
        let sin = self.sin.narrow(0, index_pos, seq_len)?;
        let q = candle_nn::rotary_emb::rope(&q.contiguous()?, &cos, &sin)?;
        let k = candle_nn::rotary_emb::rope(&k.contiguous()?, &cos, &sin)?;
        // llama.cpp scales Q before the product (and the F16 rounding).
        let q = round_to_f16(&(q * self.attention_scale)?)?;
        let k = round_to_f16(&k)?;

        let (k, v) = self.kv_cache.append(&k, &v, index_pos)?;

        let kv_len = index_pos + seq_len;
        let (k, v, mask) = if seq_len == 1 {
            // One query: keep only the keys it may see.
            let visible = self.window.map_or(kv_len, |w| w.min(kv_len));
            (
                k.narrow(2, kv_len - visible, visible)?,
                v.narrow(2, kv_len - visible, visible)?,
                None,
            )
        } else {
            let mask = attention_mask(seq_len, index_pos, self.window, x.device())?;
            (k, v, Some(mask))
        };
        let y = grouped_attention(&q, &k, &v, mask.as_ref(), None, &self.neg_inf)?;
        let y = y
            .transpose(1, 2)?
            .reshape((b, seq_len, self.n_head * self.head_dim))?;
        self.wo.forward(&y)
    }
}

/// A quantized Gemma 3 text model with its KV cache.
#[derive(Debug, Clone)]
pub(crate) struct Gemma3 {
    embeddings: TokenEmbeddings,
    embedding_scale: f64,
    layers: Vec<Layer>,
    norm: RmsNorm,
    output: QLinear,
}

impl Gemma3 {
    /// Loads the weights. `max_positions` bounds the RoPE tables (the usable context).
    pub(crate) fn from_gguf<R: std::io::Seek + std::io::Read>(
        ct: gguf_file::Content,
        reader: &mut R,
        device: &Device,
        max_positions: usize,
    ) -> Result<Self> {
        let md = |key: &str| match ct.metadata.get(&format!("gemma3.{key}")) {
            Some(v) => Ok(v),
            None => candle_core::bail!("cannot find gemma3.{key} in metadata"),
        };
        let head_count = md("attention.head_count")?.to_u32()? as usize;
        let head_count_kv = md("attention.head_count_kv")?.to_u32()? as usize;
        let block_count = md("block_count")?.to_u32()? as usize;
        let embedding_length = md("embedding_length")?.to_u32()? as usize;
        let head_dim = md("attention.key_length")?.to_u32()? as usize;
        let rms_norm_eps = md("attention.layer_norm_rms_epsilon")?.to_f32()? as f64;
        let window = md("attention.sliding_window")
            .and_then(|v| v.to_u32())
            .ok()
            .map(|w| w as usize)
            .filter(|w| *w > 0);
        let rope_base = md("rope.freq_base")
            .and_then(|v| v.to_f32())
            .unwrap_or(1_000_000.0);
        let sliding_rope_base = md("rope.local_freq_base")
            .and_then(|v| v.to_f32())
            .unwrap_or(SLIDING_ROPE_BASE);
        if md("rope.scaling.factor")
            .and_then(|v| v.to_f32())
            .is_ok_and(|f| f != 1.0)
        {
            candle_core::bail!("Gemma 3 files with RoPE scaling are not supported");
        }
        if md("attention.sliding_window_pattern").is_ok() {
            candle_core::bail!(
                "Gemma 3 files with an explicit sliding-window pattern are not supported"
            );
        }
        if head_count == 0 || head_count_kv == 0 || !head_count.is_multiple_of(head_count_kv) {
            candle_core::bail!("bad head counts {head_count}/{head_count_kv}");
        }
        // ggml/src/models/gemma3.cpp: 1/sqrt(head_dim), except 27B (62 layers).
        let attention_scale = if block_count == 62 {
            1.0 / ((embedding_length / head_count) as f64).sqrt()
        } else {
            1.0 / (head_dim as f64).sqrt()
        };

        let (global_cos, global_sin) = rope_tables(head_dim, rope_base, max_positions, device)?;
        let (local_cos, local_sin) =
            rope_tables(head_dim, sliding_rope_base, max_positions, device)?;
        let neg_inf = Tensor::new(f32::NEG_INFINITY, device)?;
        let (embeddings, tied_output) =
            TokenEmbeddings::new(ct.tensor(reader, "token_embd.weight", device)?, device)?;
        let norm = RmsNorm::from_qtensor(
            ct.tensor(reader, "output_norm.weight", device)?,
            rms_norm_eps,
        )?;
        let output = match ct.tensor(reader, "output.weight", device) {
            Ok(t) => QLinear::from_qtensor(t)?,
            Err(_) => tied_output,
        };
        let mut layers = Vec::with_capacity(block_count);
        for i in 0..block_count {
            let mut t = |name: &str| ct.tensor(reader, &format!("blk.{i}.{name}.weight"), device);
            let sliding = window.is_some() && i % SLIDING_PATTERN < SLIDING_PATTERN - 1;
            let (cos, sin) = if sliding {
                (local_cos.clone(), local_sin.clone())
            } else {
                (global_cos.clone(), global_sin.clone())
            };
            layers.push(Layer {
                wq: QLinear::from_qtensor(t("attn_q")?)?,
                wk: QLinear::from_qtensor(t("attn_k")?)?,
                wv: QLinear::from_qtensor(t("attn_v")?)?,
                wo: QLinear::from_qtensor(t("attn_output")?)?,
                q_norm: RmsNorm::from_qtensor(t("attn_q_norm")?, rms_norm_eps)?,
                k_norm: RmsNorm::from_qtensor(t("attn_k_norm")?, rms_norm_eps)?,
                attention_norm: RmsNorm::from_qtensor(t("attn_norm")?, rms_norm_eps)?,
                post_attention_norm: RmsNorm::from_qtensor(
                    t("post_attention_norm")?,
                    rms_norm_eps,
                )?,
                ffn_norm: RmsNorm::from_qtensor(t("ffn_norm")?, rms_norm_eps)?,
                post_ffn_norm: RmsNorm::from_qtensor(t("post_ffw_norm")?, rms_norm_eps)?,
                gate: QLinear::from_qtensor(t("ffn_gate")?)?,
                up: QLinear::from_qtensor(t("ffn_up")?)?,
                down: QLinear::from_qtensor(t("ffn_down")?)?,
                n_head: head_count,
                n_kv_head: head_count_kv,
                head_dim,
                attention_scale,
                window: if sliding { window } else { None },
                cos,
                sin,
                neg_inf: neg_inf.clone(),
                kv_cache: KvCache::new(max_positions),
            });
        }
        Ok(Gemma3 {
            embeddings,
            embedding_scale: (embedding_length as f64).sqrt(),
            layers,
            norm,
            output,
        })
    }

    /// Runs `x` (token ids, shape `(batch, seq_len)`) at positions
    /// `index_pos..`; returns the logits of the last position, `(batch, vocab)`.
    /// `index_pos = 0` replaces the KV cache.
    pub(crate) fn forward(&mut self, x: &Tensor, index_pos: usize) -> Result<Tensor> {
        let (_b, seq_len) = x.dims2()?;
        // ggml_scale by sqrtf(n_embd), in F32.
        let mut h = (self.embeddings.forward(x)? * (self.embedding_scale as f32) as f64)?;
        for layer in self.layers.iter_mut() {
            let residual = h.clone();
            let x = layer.attention_norm.forward(&h)?;
            let x = layer.attention(&x, index_pos)?;
            let x = (layer.post_attention_norm.forward(&x)? + residual)?;
            let residual = &x;
            let y = layer.ffn_norm.forward(&x)?;
            let y = geglu(&layer.gate.forward(&y)?, &layer.up.forward(&y)?)?;
            let y = layer.post_ffn_norm.forward(&layer.down.forward(&y)?)?;
            h = (y + residual)?;
        }
        let x = self.norm.forward(&h.i((.., seq_len - 1, ..))?)?;
        self.output.forward(&x)
    }
}
