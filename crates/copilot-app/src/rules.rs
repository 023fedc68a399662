//! The rules in force: the suitability rule pack, the S13 lint patterns and the prompt-injection
//! patterns, each a data file under `assets/rules/` (built into the binary; a bank's own pack can
//! be given with `COPILOT_RULES_DIR`, a directory holding `pack.toml`, `lint.toml` and
//! `injection.toml`).

use crate::error::{AppError, Result};
use copilot_core::injection::InjectionPack;
use copilot_core::lint::LintPack;
use copilot_core::rulepack::RulePack;
use std::path::Path;

/// The three rule files, loaded and validated.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Suitability rules S1–S25 and the policy settings.
    pub pack: RulePack,
    /// S13 language-lint patterns.
    pub lint: LintPack,
    /// Prompt-injection patterns.
    pub injection: InjectionPack,
    /// SHA-256 (hex) of the three files' bytes, in the order pack, lint, injection, each
    /// length-prefixed: changes whenever any rule file changes (recorded in the audit log).
    pub files_sha256: String,
}

fn files_sha256(pack: &str, lint: &str, injection: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for text in [pack, lint, injection] {
        h.update((text.len() as u64).to_be_bytes());
        h.update(text.as_bytes());
    }
    hex::encode(h.finalize())
}

impl RuleSet {
    /// The files built into the product.
    ///
    /// # Errors
    /// [`AppError::Rules`] only if a shipped file is broken (unit tests load them).
    pub fn builtin() -> Result<RuleSet> {
        Ok(RuleSet {
            pack: RulePack::builtin().map_err(|e| AppError::Rules(e.to_string()))?,
            lint: LintPack::builtin().map_err(|e| AppError::Rules(e.to_string()))?,
            injection: InjectionPack::builtin().map_err(|e| AppError::Rules(e.to_string()))?,
            files_sha256: files_sha256(
                copilot_core::rulepack::BUILTIN_PACK_TOML,
                copilot_core::lint::BUILTIN_LINT_TOML,
                copilot_core::injection::BUILTIN_INJECTION_TOML,
            ),
        })
    }

    /// Loads `pack.toml`, `lint.toml` and `injection.toml` from `dir`.
    ///
    /// # Errors
    /// [`AppError::Rules`] naming the file and the problem; nothing is half-loaded.
    pub fn load(dir: &Path) -> Result<RuleSet> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| AppError::Io {
                path: path.clone(),
                source,
            })
        };
        let err =
            |name: &str, e: String| AppError::Rules(format!("{}: {e}", dir.join(name).display()));
        let (pack, lint, injection) = (
            read("pack.toml")?,
            read("lint.toml")?,
            read("injection.toml")?,
        );
        Ok(RuleSet {
            pack: RulePack::from_toml_str(&pack).map_err(|e| err("pack.toml", e.to_string()))?,
            lint: LintPack::from_toml_str(&lint).map_err(|e| err("lint.toml", e.to_string()))?,
            injection: InjectionPack::from_toml_str(&injection)
                .map_err(|e| err("injection.toml", e.to_string()))?,
            files_sha256: files_sha256(&pack, &lint, &injection),
        })
    }

    /// `COPILOT_RULES_DIR` when set, else the built-in files.
    ///
    /// # Errors
    /// As [`RuleSet::load`] / [`RuleSet::builtin`].
    pub fn from_env() -> Result<RuleSet> {
        match std::env::var_os("COPILOT_RULES_DIR") {
            Some(dir) if !dir.is_empty() => RuleSet::load(Path::new(&dir)),
            _ => RuleSet::builtin(),
        }
    }

    /// The version recorded on drafts: `pack-id@version+lint@v+injection@v`.
    pub fn version(&self) -> String {
        format!(
            "{}+lint@{}+injection@{}",
            self.pack.policy.rules_version,
            self.lint.version(),
            self.injection.version()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_and_the_assets_dir_matches() {
        let builtin = RuleSet::builtin().unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/rules");
        let loaded = RuleSet::load(&dir).unwrap();
        assert_eq!(builtin.version(), loaded.version());
        assert_eq!(builtin.pack.sha256, loaded.pack.sha256);
    }

    #[test]
    fn a_broken_file_names_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/rules");
        for f in ["pack.toml", "lint.toml", "injection.toml"] {
            std::fs::copy(src.join(f), tmp.path().join(f)).unwrap();
        }
        let pack = std::fs::read_to_string(tmp.path().join("pack.toml")).unwrap();
        std::fs::write(
            tmp.path().join("pack.toml"),
            pack.replace("effect = \"block_no_override\"", "effect = \"warn\""),
        )
        .unwrap();
        let e = RuleSet::load(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("pack.toml") && e.contains("S5"), "{e}");
    }
}
