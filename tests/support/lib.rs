//! Helpers shared by the end-to-end tests of the `precis` binary: building
//! it once, running it in a sealed environment, and finding repo files.
//!
//! `tests/` is its own package, so cargo does not set `CARGO_BIN_EXE_precis`
//! here. [`precis_bin`] instead runs `cargo build -p precis-cli --bin precis`
//! once per test process, with the profile and target dir of the running test,
//! and returns the built binary. Set `PRECIS_BIN` to test another binary
//! (e.g. a release build) without building.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::OnceLock;

pub use assert_cmd::Command;

/// The repository root.
pub fn workspace_root() -> &'static Path {
    // CARGO_MANIFEST_DIR is `<root>/tests`.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// A file under `examples/`.
pub fn example(name: &str) -> PathBuf {
    workspace_root().join("examples").join(name)
}

/// `../shared`, when this machine has it (CI does; a clone elsewhere may not).
pub fn shared_dir() -> Option<PathBuf> {
    let dir = workspace_root().join("../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("notice: ../shared is absent; skipping the checks that need it");
        None
    }
}

/// The `precis` binary under test, built on first use.
pub fn precis_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("PRECIS_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => build_precis(),
    })
}

fn build_precis() -> PathBuf {
    // The test runs from `<target>/<profile>/deps/<test>-<hash>`.
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in <target>/<profile>/deps");
    let target_dir = profile_dir.parent().expect("profile dir has a parent");
    let profile = profile_dir
        .file_name()
        .and_then(|name| name.to_str())
        .expect("profile dir name is UTF-8");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
    let status = StdCommand::new(cargo)
        .current_dir(workspace_root())
        .args(["build", "--quiet", "-p", "precis-cli", "--bin", "precis"])
        .args(["--profile", if profile == "debug" { "dev" } else { profile }])
        .arg("--target-dir")
        .arg(target_dir)
        .status()
        .expect("run cargo build for the precis binary");
    assert!(status.success(), "cargo build -p precis-cli failed");
    profile_dir.join(format!("precis{}", std::env::consts::EXE_SUFFIX))
}

/// A scratch directory for one test, and `precis` commands that run in a
/// sealed environment inside it: no Hub access, an empty Hugging Face cache
/// and model folder (unless the test fills them), no colours, and the
/// repository root as working directory.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temp dir");
        Sandbox { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The model folder `precis` looks in (`PRECIS_MODELS_DIR`); empty at first.
    pub fn models_dir(&self) -> PathBuf {
        self.path().join("models")
    }

    /// Writes `contents` to `name` inside the sandbox, creating parent folders.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent folders");
        }
        std::fs::write(&path, contents).expect("write a test input");
        path
    }

    pub fn precis(&self) -> Command {
        let mut cmd = Command::new(precis_bin());
        cmd.current_dir(workspace_root())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HF_HUB_OFFLINE", "1")
            .env("HF_HOME", self.path().join("hf"))
            .env("PRECIS_MODELS_DIR", self.models_dir())
            .env("NO_COLOR", "1");
        cmd
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}
