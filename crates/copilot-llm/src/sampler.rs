//! Choosing the next token from logits: repeat penalty, bans, then candle's
//! [`LogitsProcessor`].
//!
//! Order of operations for one step (as in llama.cpp's default chain):
//! 1. repeat penalty over the last `repeat_last_n` tokens of the context
//!    (prompt and generated), with candle's `apply_repeat_penalty`: a positive
//!    logit is divided by the penalty, a negative one multiplied (CTRL paper,
//!    Keskar et al. 2019); skipped when the penalty is 1;
//! 2. banned ids get a logit of −∞;
//! 3. temperature 0 takes the arg-max; otherwise softmax at the temperature,
//!    then top-k, then top-p, then a draw from a seeded `StdRng`.

use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};

use crate::error::Result;

/// The sampling strategy for a given temperature, top-k and top-p.
///
/// `temperature <= 0` (or not finite) is greedy arg-max. Top-k before top-p
/// avoids sorting the whole vocabulary; top-p alone sorts it every step.
pub fn sampling_for(temperature: f64, top_k: Option<usize>, top_p: Option<f64>) -> Sampling {
    if !(temperature.is_finite() && temperature > 0.0) {
        return Sampling::ArgMax;
    }
    let top_p = top_p.filter(|p| *p > 0.0 && *p < 1.0);
    let top_k = top_k.filter(|k| *k > 0);
    match (top_k, top_p) {
        (Some(k), Some(p)) => Sampling::TopKThenTopP { k, p, temperature },
        (Some(k), None) => Sampling::TopK { k, temperature },
        (None, Some(p)) => Sampling::TopP { p, temperature },
        (None, None) => Sampling::All { temperature },
    }
}

/// A seeded sampler: the same seed, settings and logits give the same tokens.
pub struct Sampler {
    processor: LogitsProcessor,
    repeat_penalty: f32,
    repeat_last_n: usize,
}

impl Sampler {
    /// A sampler with the given strategy (see [`sampling_for`]), seed and repeat
    /// penalty (`1.0` = none) over the last `repeat_last_n` tokens.
    pub fn new(sampling: Sampling, seed: u64, repeat_penalty: f32, repeat_last_n: usize) -> Self {
        Sampler {
            processor: LogitsProcessor::from_sampling(seed, sampling),
            repeat_penalty,
            repeat_last_n,
        }
    }

    /// Picks the next token id.
    ///
    /// `logits`: one score per vocabulary id (shape `[vocab]`). `context`: the
    /// ids so far (prompt then generated), of which the last `repeat_last_n`
    /// are penalised. `banned`: ids that must not be chosen; they are set to
    /// −∞ (a ban covering every id leaves the arg-max undefined and sampling
    /// fails with [`LlmError::Candle`](crate::LlmError::Candle)).
    ///
    /// # Errors
    /// [`LlmError::Candle`](crate::LlmError::Candle) if the tensor operations fail.
    pub fn sample(&mut self, logits: &[f32], context: &[u32], banned: &[&[u32]]) -> Result<u32> {
        let mut logits = logits.to_vec();
        if self.repeat_penalty != 1.0 && self.repeat_last_n > 0 {
            let start = context.len().saturating_sub(self.repeat_last_n);
            let tensor = Tensor::from_slice(&logits, logits.len(), &Device::Cpu)?;
            let penalised = candle_transformers::utils::apply_repeat_penalty(
                &tensor,
                self.repeat_penalty,
                &context[start..],
            )?;
            logits = penalised.to_vec1::<f32>()?;
        }
        for list in banned {
            for id in list.iter() {
                if let Some(logit) = logits.get_mut(*id as usize) {
                    *logit = f32::NEG_INFINITY;
                }
            }
        }
        let len = logits.len();
        let tensor = Tensor::from_vec(logits, len, &Device::Cpu)?;
        Ok(self.processor.sample(&tensor)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOGITS: [f32; 6] = [1.0, 3.0, 2.5, -1.0, 0.5, 2.9];

    fn draw(sampling: Sampling, seed: u64, n: usize) -> Vec<u32> {
        let mut s = Sampler::new(sampling, seed, 1.0, 0);
        (0..n)
            .map(|_| s.sample(&LOGITS, &[], &[]).unwrap())
            .collect()
    }

    #[test]
    fn temperature_zero_is_argmax() {
        assert_eq!(sampling_for(0.0, Some(40), Some(0.9)), Sampling::ArgMax);
        assert_eq!(sampling_for(-1.0, None, None), Sampling::ArgMax);
        assert_eq!(sampling_for(f64::NAN, None, None), Sampling::ArgMax);
        assert_eq!(draw(Sampling::ArgMax, 1, 3), vec![1, 1, 1]);
    }

    #[test]
    fn strategies_follow_the_parameters() {
        assert_eq!(
            sampling_for(0.7, Some(40), Some(0.9)),
            Sampling::TopKThenTopP {
                k: 40,
                p: 0.9,
                temperature: 0.7
            }
        );
        assert_eq!(
            sampling_for(0.7, Some(40), Some(1.0)),
            Sampling::TopK {
                k: 40,
                temperature: 0.7
            }
        );
        assert_eq!(
            sampling_for(0.7, None, Some(0.5)),
            Sampling::TopP {
                p: 0.5,
                temperature: 0.7
            }
        );
        assert_eq!(
            sampling_for(0.7, Some(0), None),
            Sampling::All { temperature: 0.7 }
        );
    }

    #[test]
    fn same_seed_same_tokens() {
        let sampling = sampling_for(1.0, Some(4), Some(0.95));
        let a = draw(sampling.clone(), 42, 50);
        let b = draw(sampling.clone(), 42, 50);
        assert_eq!(a, b);
        let c = draw(sampling, 43, 50);
        assert_ne!(a, c, "a different seed should give a different sequence");
    }

    #[test]
    fn top_k_limits_the_candidates() {
        let tokens = draw(sampling_for(5.0, Some(2), None), 7, 200);
        assert!(tokens.iter().all(|t| *t == 1 || *t == 5), "{tokens:?}");
        assert!(tokens.contains(&1) && tokens.contains(&5));
    }

    #[test]
    fn top_p_drops_the_tail() {
        // Probabilities at temperature 1: id 1 ≈ 0.33, 5 ≈ 0.30, 2 ≈ 0.20, …
        let tokens = draw(sampling_for(1.0, None, Some(0.5)), 3, 300);
        assert!(tokens.iter().all(|t| *t == 1 || *t == 5), "{tokens:?}");
    }

    #[test]
    fn banned_ids_are_never_chosen() {
        let mut s = Sampler::new(Sampling::ArgMax, 0, 1.0, 0);
        assert_eq!(s.sample(&LOGITS, &[], &[&[1]]).unwrap(), 5);
        assert_eq!(s.sample(&LOGITS, &[], &[&[1], &[5]]).unwrap(), 2);
        let mut s = Sampler::new(sampling_for(10.0, None, None), 9, 1.0, 0);
        for _ in 0..300 {
            let t = s.sample(&LOGITS, &[], &[&[0, 1, 2]]).unwrap();
            assert!(t >= 3, "banned id {t} drawn");
        }
    }

    #[test]
    fn repeat_penalty_applies_to_the_last_n_tokens() {
        // Penalty 2 halves logit 3.0 of id 1 → 1.5, so id 5 (2.9) wins.
        let mut s = Sampler::new(Sampling::ArgMax, 0, 2.0, 2);
        assert_eq!(s.sample(&LOGITS, &[4, 1], &[]).unwrap(), 5);
        // Id 1 is outside the last 2 tokens: no penalty.
        assert_eq!(s.sample(&LOGITS, &[1, 4, 4], &[]).unwrap(), 1);
        // Penalised twice in the window still counts once.
        assert_eq!(s.sample(&LOGITS, &[1, 1], &[]).unwrap(), 5);
    }
}
