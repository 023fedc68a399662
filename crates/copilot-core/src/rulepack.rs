//! The rule pack: the suitability rules S1–S25 as versioned data (`assets/rules/pack.toml`).
//!
//! The engine ([`crate::suitability`]) implements each rule's check; the pack gives each rule its
//! effect, the policy settings ([`Policy`]) and the reason codes an advisor may give when overriding
//! a warning (S24). The pack's version and the SHA-256 of its file go into every draft's provenance
//! (S25), so a reviewer can tell which rules a draft was checked against.
//!
//! Loading refuses a pack that is not complete (every rule S1–S25 exactly once) or that gives a rule
//! an effect the regulation does not allow — S5 ("R1 only", CSRC 适当性管理办法 Art. 19) must be
//! `block_no_override`; S2, S3, S4, S12, S13, S14, S20 and S22 must block; S6, S9, S10, S11, S15,
//! S16, S19 and S21 must require documents — so a mistyped file cannot quietly weaken the gate.
//! Rules whose effect a bank may choose: S7 (`block` or `warn`), S18 (`warn` or `block`).

use crate::suitability::Policy;
use copilot_protocol::{RuleId, RULE_COUNT};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The pack shipped with the product (`assets/rules/pack.toml`).
pub const BUILTIN_PACK_TOML: &str = include_str!("../../../assets/rules/pack.toml");

/// What a rule does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Computes a value (S1).
    Compute,
    /// The product (or the client, for S2/S3/S20) may not be proposed; S4 only yields to S6.
    Block,
    /// Like `Block`, and no path lifts it (S5).
    BlockNoOverride,
    /// A warning the advisor may override with a reason code (S24); the reviewer sees it.
    Warn,
    /// Blocks above one policy threshold and warns above another (S8).
    BlockOrWarn,
    /// The draft must carry documents or steps (special warning, checklist, cooling-off …).
    RequireDocuments,
    /// Triggers a re-check of existing drafts (S17).
    Recheck,
    /// A policy setting (S23, S24).
    Policy,
    /// A record kept on every draft (S25).
    Record,
}

impl Effect {
    /// The snake_case name used in the pack file.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Compute => "compute",
            Effect::Block => "block",
            Effect::BlockNoOverride => "block_no_override",
            Effect::Warn => "warn",
            Effect::BlockOrWarn => "block_or_warn",
            Effect::RequireDocuments => "require_documents",
            Effect::Recheck => "recheck",
            Effect::Policy => "policy",
            Effect::Record => "record",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The effects the engine supports for each rule (index = rule number − 1). The first is the default.
const ALLOWED_EFFECTS: [&[Effect]; RULE_COUNT] = {
    use Effect::*;
    [
        &[Compute],          // S1
        &[Block],            // S2
        &[Block],            // S3
        &[Block],            // S4
        &[BlockNoOverride],  // S5
        &[RequireDocuments], // S6
        &[Block, Warn],      // S7
        &[BlockOrWarn],      // S8
        &[RequireDocuments], // S9
        &[RequireDocuments], // S10
        &[RequireDocuments], // S11
        &[Block],            // S12
        &[Block],            // S13
        &[Block],            // S14
        &[RequireDocuments], // S15
        &[RequireDocuments], // S16
        &[Recheck],          // S17
        &[Warn, Block],      // S18
        &[RequireDocuments], // S19
        &[Block],            // S20
        &[RequireDocuments], // S21
        &[Block],            // S22
        &[Policy],           // S23
        &[Policy],           // S24
        &[Record],           // S25
    ]
};

/// The jurisdiction a pack is written for; decides the S19 (EU) and S21 (US) report contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Jurisdiction {
    /// Mainland China (CSRC / NFRA / CBIRC).
    CN,
    /// European Union (MiFID II, Delegated Reg. 2017/565): adds S19.
    EU,
    /// United States (FINRA 2111, SEC Reg BI): adds S21.
    US,
}

impl FromStr for Jurisdiction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "CN" => Ok(Jurisdiction::CN),
            "EU" => Ok(Jurisdiction::EU),
            "US" => Ok(Jurisdiction::US),
            _ => Err(format!("expected CN, EU or US, found {s:?}")),
        }
    }
}

/// One rule's entry in the pack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// `S1` … `S25`.
    pub id: RuleId,
    /// The rule's effect.
    pub effect: Effect,
    /// Short title, English.
    pub title_en: String,
    /// Short title, Chinese.
    pub title_zh: String,
    /// The regulation or policy the rule comes from.
    pub source: String,
}

/// A reason code an advisor may give when overriding a warning (S24).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideReason {
    /// Stable code, e.g. `CLIENT_CONFIRMED_CAPACITY`.
    pub code: String,
    /// Label, Chinese.
    pub zh: String,
    /// Label, English.
    pub en: String,
}

/// Why a pack file was refused.
#[derive(Debug, thiserror::Error)]
pub enum RulePackError {
    /// The file could not be read.
    #[error("cannot read the rule pack {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not valid TOML, or a key or value of the wrong shape.
    #[error("rule pack is not valid: {0}")]
    Syntax(String),
    /// A setting out of range, a missing or duplicated rule, or a forbidden effect.
    #[error("rule pack is not acceptable: {0}")]
    Invalid(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackMeta {
    id: String,
    version: String,
    jurisdiction: String,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    assessment_validity_months: u32,
    max_share_of_assets_pct: Decimal,
    concentration_warn_pct: Decimal,
    qualified_min_assets_cny: Decimal,
    qualified_min_experience_years: u32,
    elderly_age: u32,
    high_risk_rating: copilot_protocol::Rating,
    elderly_consideration_hours: u32,
    cooling_off_min_hours: u32,
    dual_recording_channels: Vec<String>,
    retention_years: u32,
    max_proposals: usize,
    no_loss_max_loss_pct: u32,
    small_loss_max_loss_pct: u32,
    no_loss_max_risk_level: copilot_protocol::RiskLevel,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackMeta,
    policy: PolicyFile,
    #[serde(default)]
    override_reason: Vec<OverrideReason>,
    rule: Vec<RuleDef>,
}

/// A loaded, validated rule pack.
#[derive(Debug, Clone, PartialEq)]
pub struct RulePack {
    /// Pack id, e.g. `cn-retail`.
    pub id: String,
    /// Pack version, e.g. `2026.11.2`.
    pub version: String,
    /// Free-text description.
    pub description: String,
    /// SHA-256 of the pack file's bytes, lower-case hex.
    pub sha256: String,
    /// The settings and effects the engine reads.
    pub policy: Policy,
    /// The rules S1–S25, in order.
    pub rules: Vec<RuleDef>,
}

impl RulePack {
    /// The pack shipped with the product.
    ///
    /// # Errors
    /// Only if the shipped file is broken (a unit test loads it).
    pub fn builtin() -> Result<RulePack, RulePackError> {
        RulePack::from_toml_str(BUILTIN_PACK_TOML)
    }

    /// Loads a pack from a file.
    ///
    /// # Errors
    /// [`RulePackError::Io`] when unreadable, else as [`RulePack::from_toml_str`].
    pub fn load(path: &Path) -> Result<RulePack, RulePackError> {
        let text = std::fs::read_to_string(path).map_err(|source| RulePackError::Io {
            path: path.display().to_string(),
            source,
        })?;
        RulePack::from_toml_str(&text)
    }

    /// Parses and validates a pack.
    ///
    /// # Errors
    /// [`RulePackError::Syntax`] for malformed TOML or unknown keys; [`RulePackError::Invalid`]
    /// for a missing/duplicated rule, a forbidden effect, an unknown jurisdiction, a percentage
    /// outside 0–100 % (S8 warn above block), an empty or duplicated reason code.
    pub fn from_toml_str(text: &str) -> Result<RulePack, RulePackError> {
        let file: PackFile =
            toml::from_str(text).map_err(|e| RulePackError::Syntax(e.to_string()))?;
        let invalid = |m: String| Err(RulePackError::Invalid(m));
        let jurisdiction: Jurisdiction = file
            .pack
            .jurisdiction
            .parse()
            .map_err(|e| RulePackError::Invalid(format!("[pack] jurisdiction: {e}")))?;
        if file.pack.version.trim().is_empty() || file.pack.id.trim().is_empty() {
            return invalid("[pack] id and version must not be empty".into());
        }

        let mut effects = BTreeMap::new();
        for def in &file.rule {
            let n = def.id.number() as usize;
            if effects.insert(def.id, def.effect).is_some() {
                return invalid(format!("rule {} is listed twice", def.id));
            }
            let allowed = ALLOWED_EFFECTS[n - 1];
            if !allowed.contains(&def.effect) {
                let names: Vec<&str> = allowed.iter().map(|e| e.as_str()).collect();
                return invalid(format!(
                    "rule {} may not have effect {:?}; allowed: {}",
                    def.id,
                    def.effect.as_str(),
                    names.join(", ")
                ));
            }
        }
        let missing: Vec<String> = RuleId::all()
            .filter(|id| !effects.contains_key(id))
            .map(|id| id.to_string())
            .collect();
        if !missing.is_empty() {
            return invalid(format!("rules missing: {}", missing.join(", ")));
        }
        let mut rules = file.rule;
        rules.sort_by_key(|r| r.id);

        let p = file.policy;
        let hundred = Decimal::ONE_HUNDRED;
        if p.concentration_warn_pct <= Decimal::ZERO || p.concentration_warn_pct > hundred {
            return invalid("[policy] concentration_warn_pct must be in (0, 100]".into());
        }
        if p.max_share_of_assets_pct < p.concentration_warn_pct {
            return invalid(
                "[policy] max_share_of_assets_pct must not be below concentration_warn_pct".into(),
            );
        }
        if p.assessment_validity_months == 0 || p.assessment_validity_months > 36 {
            return invalid("[policy] assessment_validity_months must be 1–36".into());
        }
        if p.cooling_off_min_hours < 24 {
            return invalid(
                "[policy] cooling_off_min_hours must be at least 24 (CSRC 私募募集办法 Art. 28)"
                    .into(),
            );
        }
        if p.retention_years < 20 {
            return invalid(
                "[policy] retention_years must be at least 20 (CSRC 适当性管理办法 Art. 32)".into(),
            );
        }
        // Settings that would switch a rule off are refused: the regulation fixes these floors.
        if p.max_share_of_assets_pct > hundred {
            return invalid(
                "[policy] max_share_of_assets_pct must be at most 100 (S8: an amount above the client's investable assets is never in line with capacity)".into(),
            );
        }
        if p.assessment_validity_months > 12 {
            return invalid(
                "[policy] assessment_validity_months must be at most 12 (CBIRC 商业银行理财业务监督管理办法 2018: reassess after one year)".into(),
            );
        }
        if p.qualified_min_assets_cny < Decimal::new(3_000_000, 0)
            || p.qualified_min_experience_years < 2
        {
            return invalid(
                "[policy] qualified_min_assets_cny must be at least 3000000 and qualified_min_experience_years at least 2 (CBIRC 2018 Art. 26)".into(),
            );
        }
        if p.elderly_age == 0 || p.elderly_age > 65 {
            return invalid(
                "[policy] elderly_age must be 1–65 (S9: 65 or older is elderly)".into(),
            );
        }
        if p.high_risk_rating > copilot_protocol::Rating::R4 {
            return invalid(
                "[policy] high_risk_rating must be R4 or lower (S9/S10: R4 and R5 are high-risk)"
                    .into(),
            );
        }
        if !p
            .dual_recording_channels
            .iter()
            .any(|c| c.trim().eq_ignore_ascii_case("branch"))
        {
            return invalid(
                "[policy] dual_recording_channels must include \"branch\" (S16: CBIRC 2017 双录 in branch sales)".into(),
            );
        }
        if p.max_proposals == 0 {
            return invalid("[policy] max_proposals must be at least 1".into());
        }
        if p.no_loss_max_loss_pct > 100 || p.small_loss_max_loss_pct > 100 {
            return invalid("[policy] loss percentages must be 0–100".into());
        }
        let mut codes = std::collections::BTreeSet::new();
        for r in &file.override_reason {
            if r.code.trim().is_empty() || !codes.insert(r.code.clone()) {
                return invalid(format!(
                    "override reason code {:?} is empty or duplicated",
                    r.code
                ));
            }
        }

        let policy = Policy {
            rules_version: format!("{}@{}", file.pack.id, file.pack.version),
            jurisdiction,
            assessment_validity_months: p.assessment_validity_months,
            max_share_of_assets_pct: p.max_share_of_assets_pct,
            concentration_warn_pct: p.concentration_warn_pct,
            qualified_min_assets_cny: p.qualified_min_assets_cny,
            qualified_min_experience_years: p.qualified_min_experience_years,
            elderly_age: p.elderly_age,
            high_risk_rating: p.high_risk_rating,
            elderly_consideration_hours: p.elderly_consideration_hours,
            cooling_off_min_hours: p.cooling_off_min_hours,
            dual_recording_channels: p.dual_recording_channels,
            retention_years: p.retention_years,
            max_proposals: p.max_proposals,
            no_loss_max_loss_pct: p.no_loss_max_loss_pct,
            small_loss_max_loss_pct: p.small_loss_max_loss_pct,
            no_loss_max_risk_level: p.no_loss_max_risk_level,
            effects,
            override_reasons: file.override_reason,
        };
        Ok(RulePack {
            id: file.pack.id,
            version: file.pack.version,
            description: file.pack.description,
            sha256: hex(&Sha256::digest(text.as_bytes())),
            policy,
            rules,
        })
    }

    /// The rule's entry.
    pub fn rule(&self, id: RuleId) -> &RuleDef {
        // Validation guarantees every rule is present, sorted by id.
        &self.rules[id.number() as usize - 1]
    }
}

/// The default effect of every rule (the first allowed one), as the engine uses without a pack.
pub fn default_effects() -> BTreeMap<RuleId, Effect> {
    RuleId::all()
        .map(|id| (id, ALLOWED_EFFECTS[id.number() as usize - 1][0]))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pack_loads_and_matches_the_code_defaults() {
        let pack = RulePack::builtin().expect("shipped pack must load");
        assert_eq!(pack.rules.len(), RULE_COUNT);
        assert_eq!(pack.sha256.len(), 64);
        // The code's defaults are the shipped pack's settings; only the version label differs.
        let defaults = Policy {
            rules_version: pack.policy.rules_version.clone(),
            ..Policy::default()
        };
        assert_eq!(pack.policy, defaults);
        assert_eq!(
            pack.rule(RuleId::new(5).unwrap()).effect,
            Effect::BlockNoOverride
        );
    }

    fn with(replace: &str, by: &str) -> Result<RulePack, RulePackError> {
        assert!(
            BUILTIN_PACK_TOML.contains(replace),
            "fixture text {replace:?}"
        );
        RulePack::from_toml_str(&BUILTIN_PACK_TOML.replacen(replace, by, 1))
    }

    #[test]
    fn s5_cannot_be_weakened() {
        let err = with(
            "id = \"S5\"\neffect = \"block_no_override\"",
            "id = \"S5\"\neffect = \"warn\"",
        )
        .unwrap_err();
        assert!(err.to_string().contains("S5"), "{err}");
    }

    #[test]
    fn s7_may_be_a_warning() {
        let pack = with(
            "id = \"S7\"\neffect = \"block\"",
            "id = \"S7\"\neffect = \"warn\"",
        )
        .unwrap();
        assert_eq!(
            pack.policy.effect(copilot_protocol::rules::S7),
            Effect::Warn
        );
    }

    #[test]
    fn missing_duplicated_and_unknown_are_refused() {
        let err = with("id = \"S25\"", "id = \"S24\"").unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
        let err = with("retention_years = 20", "retention_years = 5").unwrap_err();
        assert!(err.to_string().contains("retention_years"), "{err}");
        let err = with("elderly_age = 65", "elderly_age = 65\nelderly_ages = 70").unwrap_err();
        assert!(matches!(err, RulePackError::Syntax(_)), "{err}");
        let err = with("jurisdiction = \"CN\"", "jurisdiction = \"XX\"").unwrap_err();
        assert!(err.to_string().contains("jurisdiction"), "{err}");
        let err = with("cooling_off_min_hours = 24", "cooling_off_min_hours = 12").unwrap_err();
        assert!(err.to_string().contains("cooling_off"), "{err}");
    }

    #[test]
    fn settings_that_switch_a_rule_off_are_refused() {
        for (from, to, needle) in [
            (
                "max_share_of_assets_pct = \"100\"",
                "max_share_of_assets_pct = \"100000\"",
                "max_share_of_assets_pct",
            ),
            (
                "assessment_validity_months = 12",
                "assessment_validity_months = 36",
                "assessment_validity_months",
            ),
            (
                "qualified_min_assets_cny = \"3000000\"",
                "qualified_min_assets_cny = \"0\"",
                "qualified_min_assets_cny",
            ),
            (
                "qualified_min_experience_years = 2",
                "qualified_min_experience_years = 0",
                "qualified_min_experience_years",
            ),
            ("elderly_age = 65", "elderly_age = 200", "elderly_age"),
            (
                "high_risk_rating = \"R4\"",
                "high_risk_rating = \"R5\"",
                "high_risk_rating",
            ),
            (
                "dual_recording_channels = [\"branch\"]",
                "dual_recording_channels = []",
                "dual_recording_channels",
            ),
        ] {
            let e = with(from, to).unwrap_err().to_string();
            assert!(e.contains(needle), "{to}: {e}");
        }
        // Stricter settings stay allowed.
        with("elderly_age = 65", "elderly_age = 60").unwrap();
        with("high_risk_rating = \"R4\"", "high_risk_rating = \"R3\"").unwrap();
        with(
            "assessment_validity_months = 12",
            "assessment_validity_months = 6",
        )
        .unwrap();
    }

    #[test]
    fn the_hash_changes_with_the_text() {
        let a = RulePack::builtin().unwrap();
        let b = with("max_proposals = 3", "max_proposals = 2").unwrap();
        assert_ne!(a.sha256, b.sha256);
        assert_eq!(b.policy.max_proposals, 2);
    }
}
