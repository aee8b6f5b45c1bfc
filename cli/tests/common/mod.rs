//! Helpers shared by the command's integration tests.
#![allow(dead_code)] // each test crate uses some of them

use std::path::{Path, PathBuf};

/// A tiny self-cleaning temporary directory (no extra crate).
pub struct Dir(PathBuf);

impl Dir {
    pub fn new() -> Self {
        let p = std::env::temp_dir().join(format!(
            "fetchguard-cli-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `text` written to a file named `name` in a fresh directory, removed when the returned
/// `Dir` is dropped.
pub fn file(name: &str, text: &str) -> (Dir, PathBuf) {
    let dir = Dir::new();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}
