//! Logits processors: the score rewrites applied before each token choice,
//! one type per Hugging Face `LogitsProcessor` class, with the same numbers
//! (f32 arithmetic in the same order) and assembled in the same order as
//! transformers' `_get_logits_processor`.
//!
//! Each processor works on one row: the row's decoder tokens so far (starting
//! with the decoder start token, as HF's `input_ids` do) and its next-token
//! scores, rewritten in place.

use super::config::GenerationConfig;

/// One score rewrite, applied to a single row.
pub trait LogitsProcessor: std::fmt::Debug + Send + Sync {
    /// The name of the Hugging Face class this mirrors.
    fn name(&self) -> &'static str;

    /// Rewrites `scores` (one entry per vocabulary id) given the row's
    /// decoder tokens so far, decoder start token included.
    fn process(&self, input_ids: &[u32], scores: &mut [f32]);
}

fn ban(scores: &mut [f32], token: u32) {
    if let Some(score) = scores.get_mut(token as usize) {
        *score = f32::NEG_INFINITY;
    }
}

/// Leaves only `tokens` possible, at score 0 (HF's forced-token processors).
fn force(scores: &mut [f32], tokens: &[u32]) {
    scores.fill(f32::NEG_INFINITY);
    for &token in tokens {
        if let Some(score) = scores.get_mut(token as usize) {
            *score = 0.0;
        }
    }
}

/// `RepetitionPenaltyLogitsProcessor`: every token already in the row is
/// made less likely (negative scores multiplied, positive ones divided).
#[derive(Debug, Clone)]
pub struct RepetitionPenalty {
    /// HF's `repetition_penalty`: > 1 discourages repeats.
    pub penalty: f32,
}

impl LogitsProcessor for RepetitionPenalty {
    fn name(&self) -> &'static str {
        "RepetitionPenaltyLogitsProcessor"
    }

    fn process(&self, input_ids: &[u32], scores: &mut [f32]) {
        // HF gathers then scatters, so a repeated id is penalised once.
        let mut seen = input_ids.to_vec();
        seen.sort_unstable();
        seen.dedup();
        for token in seen {
            if let Some(score) = scores.get_mut(token as usize) {
                *score = if *score < 0.0 {
                    *score * self.penalty
                } else {
                    *score / self.penalty
                };
            }
        }
    }
}

/// `NoRepeatNGramLogitsProcessor`: bans every token that would complete an
/// n-gram already present in the row.
#[derive(Debug, Clone)]
pub struct NoRepeatNGram {
    /// The n of the n-grams.
    pub size: usize,
}

impl LogitsProcessor for NoRepeatNGram {
    fn name(&self) -> &'static str {
        "NoRepeatNGramLogitsProcessor"
    }

    fn process(&self, input_ids: &[u32], scores: &mut [f32]) {
        let n = self.size;
        if n == 0 || input_ids.len() < n {
            return;
        }
        let prefix = &input_ids[input_ids.len() + 1 - n..];
        for window in input_ids.windows(n) {
            if let Some((&last, head)) = window.split_last() {
                if head == prefix {
                    ban(scores, last);
                }
            }
        }
    }
}

/// `NoBadWordsLogitsProcessor`: bans single tokens always, and the last
/// token of a longer sequence when the row ends with the rest of it.
#[derive(Debug, Clone)]
pub struct BadWords {
    single: Vec<u32>,
    multi: Vec<Vec<u32>>,
}

impl BadWords {
    /// Like HF, a bad word that is exactly one eos id is dropped: banning eos
    /// is `min_length`'s job.
    pub fn new(bad_words_ids: &[Vec<u32>], eos: &[u32]) -> Self {
        let mut single = Vec::new();
        let mut multi = Vec::new();
        for word in bad_words_ids {
            match word.as_slice() {
                [] => {}
                [token] if eos.contains(token) => {}
                [token] => single.push(*token),
                _ => multi.push(word.clone()),
            }
        }
        Self { single, multi }
    }
}

impl LogitsProcessor for BadWords {
    fn name(&self) -> &'static str {
        "NoBadWordsLogitsProcessor"
    }

    fn process(&self, input_ids: &[u32], scores: &mut [f32]) {
        for &token in &self.single {
            ban(scores, token);
        }
        for word in &self.multi {
            if let Some((&last, prefix)) = word.split_last() {
                if input_ids.ends_with(prefix) {
                    ban(scores, last);
                }
            }
        }
    }
}

/// `MinLengthLogitsProcessor`: no eos while the row (decoder start token
/// included) is shorter than `min_length`.
#[derive(Debug, Clone)]
pub struct MinLength {
    /// Shortest row, decoder start token included.
    pub min_length: usize,
    /// The ids banned until then.
    pub eos: Vec<u32>,
}

impl LogitsProcessor for MinLength {
    fn name(&self) -> &'static str {
        "MinLengthLogitsProcessor"
    }

    fn process(&self, input_ids: &[u32], scores: &mut [f32]) {
        if input_ids.len() < self.min_length {
            for &token in &self.eos {
                ban(scores, token);
            }
        }
    }
}

/// `MinNewTokensLengthLogitsProcessor`: no eos before `min_new_tokens`
/// tokens follow the `prompt_length` decoder prompt tokens.
#[derive(Debug, Clone)]
pub struct MinNewTokens {
    /// Decoder prompt tokens (1: the decoder start token).
    pub prompt_length: usize,
    /// Fewest tokens generated after the prompt.
    pub min_new_tokens: usize,
    /// The ids banned until then.
    pub eos: Vec<u32>,
}

impl LogitsProcessor for MinNewTokens {
    fn name(&self) -> &'static str {
        "MinNewTokensLengthLogitsProcessor"
    }

    fn process(&self, input_ids: &[u32], scores: &mut [f32]) {
        if input_ids.len().saturating_sub(self.prompt_length) < self.min_new_tokens {
            for &token in &self.eos {
                ban(scores, token);
            }
        }
    }
}

/// `ForcedBOSTokenLogitsProcessor`: the first generated token is `token`.
#[derive(Debug, Clone)]
pub struct ForcedBos {
    /// The forced first token.
    pub token: u32,
}

impl LogitsProcessor for ForcedBos {
    fn name(&self) -> &'static str {
        "ForcedBOSTokenLogitsProcessor"
    }

    fn process(&self, input_ids: &[u32], scores: &mut [f32]) {
        if input_ids.len() == 1 {
            force(scores, &[self.token]);
        }
    }
}

/// `ForcedEOSTokenLogitsProcessor`: the token that reaches `max_length` is
/// an eos id.
#[derive(Debug, Clone)]
pub struct ForcedEos {
    /// The row length limit, decoder start token included.
    pub max_length: usize,
    /// The ids allowed as the last token.
    pub eos: Vec<u32>,
}

impl LogitsProcessor for ForcedEos {
    fn name(&self) -> &'static str {
        "ForcedEOSTokenLogitsProcessor"
    }

    fn process(&self, input_ids: &[u32], scores: &mut [f32]) {
        if input_ids.len() + 1 == self.max_length {
            force(scores, &self.eos);
        }
    }
}

/// `TemperatureLogitsWarper`: scores divided by the temperature.
#[derive(Debug, Clone)]
pub struct Temperature {
    /// The divisor.
    pub temperature: f32,
}

impl LogitsProcessor for Temperature {
    fn name(&self) -> &'static str {
        "TemperatureLogitsWarper"
    }

    fn process(&self, _input_ids: &[u32], scores: &mut [f32]) {
        for score in scores {
            *score /= self.temperature;
        }
    }
}

/// `TopKLogitsWarper`: everything below the k-th best score is removed
/// (ties with the k-th score stay, as in HF).
#[derive(Debug, Clone)]
pub struct TopK {
    /// How many best scores stay.
    pub top_k: usize,
    /// Floor on the tokens kept (beam sampling needs a non-eos one per beam).
    pub min_tokens_to_keep: usize,
}

impl LogitsProcessor for TopK {
    fn name(&self) -> &'static str {
        "TopKLogitsWarper"
    }

    fn process(&self, _input_ids: &[u32], scores: &mut [f32]) {
        let k = self.top_k.max(self.min_tokens_to_keep).min(scores.len());
        if k == 0 {
            return;
        }
        let mut sorted = scores.to_vec();
        let (_, &mut kth, _) = sorted.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        for score in scores {
            if *score < kth {
                *score = f32::NEG_INFINITY;
            }
        }
    }
}

/// `TopPLogitsWarper` (nucleus): keeps the smallest set of best tokens whose
/// probability reaches `top_p`.
#[derive(Debug, Clone)]
pub struct TopP {
    /// Probability mass to keep.
    pub top_p: f64,
    /// Floor on the tokens kept (beam sampling needs a non-eos one per beam).
    pub min_tokens_to_keep: usize,
}

impl LogitsProcessor for TopP {
    fn name(&self) -> &'static str {
        "TopPLogitsWarper"
    }

    fn process(&self, _input_ids: &[u32], scores: &mut [f32]) {
        // HF sorts ascending and removes the low tail whose cumulative
        // probability stays at or below 1 - top_p. Entries already at -inf
        // add nothing to that sum and stay removed, so only the others are
        // sorted (cheap after top-k).
        let mut order: Vec<usize> = (0..scores.len())
            .filter(|&i| scores[i] > f32::NEG_INFINITY)
            .collect();
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        let sorted: Vec<f32> = order.iter().map(|&i| scores[i]).collect();
        let probs = softmax(&sorted);
        let threshold = (1.0 - self.top_p) as f32;
        let removable = order.len().saturating_sub(self.min_tokens_to_keep);
        // torch's CPU cumsum accumulates in double.
        let mut cumulative = 0.0f64;
        for (&index, &p) in order.iter().zip(&probs).take(removable) {
            cumulative += f64::from(p);
            if cumulative as f32 > threshold {
                break;
            }
            scores[index] = f32::NEG_INFINITY;
        }
    }
}

/// The processors for one generation, in HF's order.
#[derive(Debug, Default)]
pub struct LogitsProcessorList {
    processors: Vec<Box<dyn LogitsProcessor>>,
}

impl LogitsProcessorList {
    /// The list `generate` uses for `config`, exactly as transformers'
    /// `_get_logits_processor` builds it: repetition penalty, no-repeat
    /// n-gram, bad words, min length, min new tokens, forced bos, forced
    /// eos, then (sampling only) temperature, top-k, top-p. `eos` is the
    /// resolved eos list and `max_length` the resolved decoder length limit;
    /// the decoder prompt is the decoder start token alone.
    pub fn from_config(config: &GenerationConfig, eos: &[u32], max_length: usize) -> Self {
        let mut list: Vec<Box<dyn LogitsProcessor>> = Vec::new();
        if config.repetition_penalty != 1.0 {
            list.push(Box::new(RepetitionPenalty {
                penalty: config.repetition_penalty as f32,
            }));
        }
        if config.no_repeat_ngram_size > 0 {
            list.push(Box::new(NoRepeatNGram {
                size: config.no_repeat_ngram_size,
            }));
        }
        if let Some(bad_words_ids) = &config.bad_words_ids {
            list.push(Box::new(BadWords::new(bad_words_ids, eos)));
        }
        if !eos.is_empty() && config.min_length > 0 {
            list.push(Box::new(MinLength {
                min_length: config.min_length,
                eos: eos.to_vec(),
            }));
        }
        if let Some(min_new_tokens) = config.min_new_tokens.filter(|&n| n > 0 && !eos.is_empty()) {
            list.push(Box::new(MinNewTokens {
                prompt_length: 1,
                min_new_tokens,
                eos: eos.to_vec(),
            }));
        }
        if let Some(token) = config.forced_bos_token_id {
            list.push(Box::new(ForcedBos { token }));
        }
        if let Some(forced) = &config.forced_eos_token_id {
            list.push(Box::new(ForcedEos {
                max_length,
                eos: forced.clone(),
            }));
        }
        if config.do_sample {
            // Beam sampling must keep a non-eos continuation per beam.
            let min_tokens_to_keep = if config.num_beams > 1 {
                eos.len().max(1) + 1
            } else {
                1
            };
            if config.temperature != 1.0 {
                list.push(Box::new(Temperature {
                    temperature: config.temperature as f32,
                }));
            }
            if config.top_k != 0 {
                list.push(Box::new(TopK {
                    top_k: config.top_k,
                    min_tokens_to_keep,
                }));
            }
            if config.top_p < 1.0 {
                list.push(Box::new(TopP {
                    top_p: config.top_p,
                    min_tokens_to_keep,
                }));
            }
        }
        Self { processors: list }
    }

    /// HF class names, in application order.
    pub fn names(&self) -> Vec<&'static str> {
        self.processors.iter().map(|p| p.name()).collect()
    }

    /// Applies every processor, in order, to one row's scores.
    pub fn process(&self, input_ids: &[u32], scores: &mut [f32]) {
        for processor in &self.processors {
            processor.process(input_ids, scores);
        }
    }
}

/// Index of the largest score, the first one on ties; NaN counts as the
/// largest, like `torch.argmax`.
pub fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    let mut best_score = f32::NEG_INFINITY;
    for (i, &score) in scores.iter().enumerate() {
        if score.is_nan() {
            return i;
        }
        if i == 0 || score > best_score {
            best = i;
            best_score = score;
        }
    }
    best
}

/// `sum(exp(score - max))`: f32 `exp` (as torch computes it) summed in f64.
fn sum_exp(scores: &[f32], max: f32) -> f64 {
    scores.iter().map(|&s| f64::from((s - max).exp())).sum()
}

fn max_score(scores: &[f32]) -> f32 {
    scores.iter().copied().fold(f32::NEG_INFINITY, f32::max)
}

/// `log(sum(exp(scores)))`, shifted by the maximum for stability. `-inf`
/// when every score is `-inf`.
pub fn log_sum_exp(scores: &[f32]) -> f32 {
    let max = max_score(scores);
    if max == f32::NEG_INFINITY {
        return max;
    }
    max + sum_exp(scores, max).ln() as f32
}

/// Log-softmax in place (what beam search ranks), as `torch.log_softmax`.
pub fn log_softmax_in_place(scores: &mut [f32]) {
    let max = max_score(scores);
    if max == f32::NEG_INFINITY {
        return;
    }
    let log_sum = sum_exp(scores, max).ln() as f32;
    for score in scores {
        *score = *score - max - log_sum;
    }
}

/// Probabilities of `scores`.
pub fn softmax(scores: &[f32]) -> Vec<f32> {
    let max = max_score(scores);
    let sum = sum_exp(scores, max);
    scores
        .iter()
        .map(|&s| (f64::from((s - max).exp()) / sum) as f32)
        .collect()
}
