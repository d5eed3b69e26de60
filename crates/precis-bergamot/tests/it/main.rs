//! precis-bergamot's integration tests in one binary.

mod format;
