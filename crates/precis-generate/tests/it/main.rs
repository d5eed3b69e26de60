//! precis-generate's integration tests in one test binary: HF parity of
//! the processors and of greedy/beam search on a mock model, settings
//! loading, and the engine's own guarantees.

mod config;
mod engine;
mod processors;
mod support;
