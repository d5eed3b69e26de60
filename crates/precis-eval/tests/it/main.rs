//! precis-eval's integration tests in one test binary that builds and
//! links once.

mod extractive_rouge;
mod parity;
mod support;
