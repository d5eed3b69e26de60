//! Where precis's tests find data the repository does not hold: the
//! evaluation data in `../shared` beside the checkout and the models `just
//! models` downloads. A clone elsewhere may lack them, so a test that needs
//! them is skipped there with a notice; CI (`CI` set) has them, so there a
//! missing one fails the test instead of letting it pass without running.
//! Every test crate asks through these functions, so that rule is written
//! once.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `path` when it exists. Otherwise `None` with a notice saying how to get
/// it (`fetch`), or, under CI, a panic: there a skipped test is a failure.
pub fn required(path: PathBuf, fetch: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing under CI: {fetch}",
        path.display()
    );
    eprintln!("skipping: {} is absent ({fetch})", path.display());
    None
}

/// `../shared/<relative>`, the evaluation data beside the checkout.
pub fn shared(relative: &str) -> Option<PathBuf> {
    required(
        workspace_root().join("../shared").join(relative),
        "the evaluation data ../shared sits beside the checkout on the project's machines",
    )
}

/// `models/downloads/<folder>`, a model `just models` fetches.
pub fn downloaded(folder: &str) -> Option<PathBuf> {
    required(
        workspace_root().join("models/downloads").join(folder),
        "run `just models` (scripts/fetch_models.sh) to fetch it",
    )
}
