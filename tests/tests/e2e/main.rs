//! End-to-end tests of the `precis` binary, one module per area. They are
//! one test binary so the binary under test is built once per run.

mod bad_input;
mod bounds;
mod clean;
mod cli;
mod eval;
mod families;
mod inputs;
mod integrity;
mod language;
mod models;
mod outputs;
mod run;
mod translate;
