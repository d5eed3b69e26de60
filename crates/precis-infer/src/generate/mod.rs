//! The generation engine shared by every seq2seq family.

pub mod model;
