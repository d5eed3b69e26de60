//! The two YAML configs of a Bergamot model: the architecture embedded in
//! the model file (`special:model.yml`) and the decoder settings shipped
//! next to it (`config.*.yml`). Both are flat `key: value` files; only the
//! scalar keys precis needs are read, so a tiny parser does.

use std::collections::HashMap;

/// Top-level scalar `key: value` pairs of a flat YAML document (list items
/// and nested blocks are skipped).
pub fn scalars(yaml: &str) -> HashMap<&str, &str> {
    yaml.lines()
        .filter(|line| !line.starts_with([' ', '-', '#']))
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// The architecture of a Bergamot "tiny" student: a post-norm transformer
/// encoder and a decoder whose self-attention is an SSRU.
#[derive(Debug, Clone, PartialEq)]
pub struct BergamotConfig {
    /// Width of embeddings and hidden states.
    pub dim: usize,
    /// Attention heads.
    pub heads: usize,
    /// Inner width of the feed-forward blocks.
    pub ffn_dim: usize,
    /// Encoder layers.
    pub encoder_layers: usize,
    /// Decoder layers.
    pub decoder_layers: usize,
}

impl BergamotConfig {
    /// Reads `special:model.yml`, refusing the architecture variants this
    /// implementation does not compute, so a different model fails loudly
    /// instead of translating garbage.
    pub fn from_model_yml(yaml: &str) -> Result<Self, String> {
        let keys = scalars(yaml);
        let require = |key: &str, want: &str| -> Result<(), String> {
            match keys.get(key) {
                Some(&got) if got == want => Ok(()),
                got => Err(format!(
                    "model.yml has {key}: {} but precis only supports {want}",
                    got.unwrap_or(&"(missing)")
                )),
            }
        };
        require("type", "transformer")?;
        require("transformer-decoder-autoreg", "rnn")?;
        require("dec-cell", "ssru")?;
        require("transformer-postprocess", "dan")?;
        require("transformer-ffn-activation", "relu")?;
        require("tied-embeddings-all", "true")?;
        let number = |key: &str| -> Result<usize, String> {
            keys.get(key)
                .and_then(|v| v.parse().ok())
                .filter(|&n: &usize| n > 0)
                .ok_or_else(|| format!("model.yml has no positive integer `{key}`"))
        };
        // Depth 2 means one hidden layer of `transformer-dim-ffn`.
        if number("transformer-ffn-depth")? != 2 {
            return Err("model.yml transformer-ffn-depth must be 2".into());
        }
        let config = Self {
            dim: number("dim-emb")?,
            heads: number("transformer-heads")?,
            ffn_dim: number("transformer-dim-ffn")?,
            encoder_layers: number("enc-depth")?,
            decoder_layers: number("dec-depth")?,
        };
        if !config.dim.is_multiple_of(config.heads) || !config.dim.is_multiple_of(2) {
            return Err(format!(
                "dim-emb {} is not divisible by transformer-heads {} (and by 2)",
                config.dim, config.heads
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "dec-cell: ssru\ndec-depth: 2\ndim-emb: 256\ndim-vocabs:\n  - 32000\n  - 32000\nenc-depth: 6\ntied-embeddings-all: true\ntransformer-decoder-autoreg: rnn\ntransformer-dim-ffn: 1536\ntransformer-ffn-activation: relu\ntransformer-ffn-depth: 2\ntransformer-heads: 8\ntransformer-postprocess: dan\ntransformer-postprocess-top: \"\"\ntype: transformer\n";

    #[test]
    fn reads_the_tiny_architecture() {
        let config = BergamotConfig::from_model_yml(TINY).unwrap();
        let want = BergamotConfig {
            dim: 256,
            heads: 8,
            ffn_dim: 1536,
            encoder_layers: 6,
            decoder_layers: 2,
        };
        assert_eq!(config, want);
    }

    #[test]
    fn refuses_other_architectures() {
        let aan = TINY.replace("autoreg: rnn", "autoreg: average-attention");
        let err = BergamotConfig::from_model_yml(&aan).unwrap_err();
        assert!(err.contains("average-attention"), "{err}");
        let err = BergamotConfig::from_model_yml(&TINY.replace("dim-emb: 256", "dim-emb: 250"))
            .unwrap_err();
        assert!(err.contains("divisible"), "{err}");
    }
}
