#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod audit;
pub mod evidence;
pub mod grounding;
pub mod injection;
pub mod lint;
pub mod memo;
pub mod money;
pub mod parse;
pub mod product;
pub mod profile;
pub mod prompt;
pub mod review;
pub mod roi;
pub mod rulepack;
pub mod secret;
pub mod suitability;

pub use copilot_protocol::{Lang, Rating, RiskLevel, RuleId};
pub use money::{Currency, Money};
pub use product::{Liquidity, Offering, Product, ProductDocument, ProductType};
pub use profile::{
    CivilCapacity, ClientProfile, Holding, InvestorClass, LiquidityNeed, LossTolerance, Objective,
};
pub use rulepack::RulePack;
pub use secret::{DatabaseKey, Sensitive};
pub use suitability::{assess, Assessment, DraftRequest, Policy};
