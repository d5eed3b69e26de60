//! precis-clean's integration tests, one module per area, in one test
//! binary that builds and links once.

mod extraction;
mod furniture;
mod html;
mod properties;
mod scripts;
mod seed_case;
mod support;
mod text_cleaning;
