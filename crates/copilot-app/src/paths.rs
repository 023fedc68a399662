//! Where things live: the data directory, the models directory, the assets directory.

use std::path::{Path, PathBuf};

/// The default data directory: `$COPILOT_DATA_DIR`, else the platform data directory
/// (`$XDG_DATA_HOME/wealth-copilot` or `~/.local/share/wealth-copilot` on Linux,
/// `%APPDATA%\wealth-copilot` on Windows, `~/Library/Application Support/wealth-copilot` on macOS).
pub fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("COPILOT_DATA_DIR") {
        return PathBuf::from(d);
    }
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    };
    base.unwrap_or_else(|| PathBuf::from("."))
        .join("wealth-copilot")
}

/// Finds a directory named `name` that contains `marker`: `$env_var` first, then (when
/// `search_cwd`) `name` in the current directory and its ancestors, then beside the executable and its ancestors, then the
/// source tree this binary was built from (development builds).
fn find_dir(env_var: &str, name: &str, marker: &str, search_cwd: bool) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(env_var) {
        return Some(PathBuf::from(d));
    }
    let mut starts: Vec<PathBuf> = Vec::new();
    if search_cwd {
        if let Ok(cwd) = std::env::current_dir() {
            starts.push(cwd);
        }
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(parent) = exe.parent() {
            starts.push(parent.to_path_buf());
        }
    }
    starts.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."));
    for start in starts {
        for dir in start.ancestors() {
            let candidate = dir.join(name);
            if candidate.join(marker).exists() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The models directory (holds `manifest.json`, the allow-list): `$COPILOT_MODEL_DIR`, or a
/// `models/` directory beside the executable (installed layout) or in the source tree it was built
/// from; never one found through the current directory, which anyone can prepare.
pub fn models_dir() -> Option<PathBuf> {
    find_dir("COPILOT_MODEL_DIR", "models", "manifest.json", false)
}

/// The assets directory (holds `sample/`): `$COPILOT_ASSETS_DIR` or an `assets/` directory.
pub fn assets_dir() -> Option<PathBuf> {
    find_dir("COPILOT_ASSETS_DIR", "assets", "sample/clients.csv", true)
}

/// Where IT installs the bank's trust root (a file advisors cannot write):
/// `/etc/wealth-copilot/trust-root.json` (Linux), `%ProgramData%\wealth-copilot\trust-root.json`
/// (Windows), `/Library/Application Support/wealth-copilot/trust-root.json` (macOS).
/// `$COPILOT_TRUST_ROOT` overrides it (see `Workspace::load_trust_root`).
pub fn system_trust_root() -> Option<PathBuf> {
    if cfg!(windows) {
        std::env::var_os("ProgramData").map(|p| {
            PathBuf::from(p)
                .join("wealth-copilot")
                .join("trust-root.json")
        })
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from(
            "/Library/Application Support/wealth-copilot/trust-root.json",
        ))
    } else {
        Some(PathBuf::from("/etc/wealth-copilot/trust-root.json"))
    }
}
