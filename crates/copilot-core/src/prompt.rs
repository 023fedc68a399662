//! The rationale prompt: only this client's facts and the proposed products' facts.
//!
//! The same [`Facts`] value renders the prompt and feeds the grounding verifier, so the verifier
//! knows exactly which figures the model was given. The prompt carries no name, ID number, phone or
//! note text: the model needs none of them to explain suitability, and what it is not given it
//! cannot leak into the text.

use crate::money::format_amount;
use crate::product::Product;
use crate::profile::ClientProfile;
use crate::suitability::{Assessment, DraftRequest, Policy};
use crate::Lang;

/// Version of the prompt template; recorded in every draft's provenance (S25). Change it whenever
/// the wording or the fact layout below changes.
pub const PROMPT_VERSION: &str = "rationale-v2";

/// One fact line: a label and its value, as shown to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Label, e.g. `risk level`.
    pub label: String,
    /// Value, e.g. `C3`.
    pub value: String,
}

/// The facts given to the model: the client's, then each proposed product's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    /// Client facts.
    pub client: Vec<Fact>,
    /// Per proposed product: code, name, facts.
    pub products: Vec<(String, String, Vec<Fact>)>,
}

impl Facts {
    /// Every value string (client and products), for the verifier.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.client
            .iter()
            .map(|f| f.value.as_str())
            .chain(self.products.iter().flat_map(|(code, name, facts)| {
                std::iter::once(code.as_str())
                    .chain(std::iter::once(name.as_str()))
                    .chain(facts.iter().map(|f| f.value.as_str()))
            }))
    }
}

fn fact(label: &str, value: impl Into<String>) -> Fact {
    Fact {
        label: label.to_string(),
        value: value.into(),
    }
}

/// Collects the facts for the prompt (English labels: the default model is English-first; the
/// values are language-neutral codes and figures).
pub fn collect_facts(
    profile: &ClientProfile,
    shelf: &[Product],
    assessment: &Assessment,
    request: &DraftRequest,
    _policy: &Policy,
) -> Facts {
    let mut client = Vec::new();
    if let Some(level) = profile.risk_level {
        client.push(fact("risk level", level.to_string()));
    }
    client.push(fact("investor class", profile.investor_class.as_str()));
    client.push(fact("objective", profile.objective.as_str()));
    client.push(fact("liquidity need", profile.liquidity_need.as_str()));
    if let Some(h) = profile.horizon_months {
        client.push(fact("horizon (months)", h.to_string()));
    }
    client.push(fact(
        "investment experience (years)",
        profile.experience_years.to_string(),
    ));
    if let Some(amount) = request.amount {
        client.push(fact(
            "amount to invest",
            format!("{} {}", format_amount(amount.amount), amount.currency),
        ));
    }
    let mut products = Vec::new();
    for code in assessment.proposed.iter().cloned() {
        let Some(p) = shelf.iter().find(|p| p.product_code == code) else {
            continue;
        };
        let facts = vec![
            fact("type", p.product_type.label(Lang::En)),
            fact("risk rating", p.effective_rating().to_string()),
            fact("objective", p.objective.as_str()),
            fact("liquidity", p.liquidity.as_str()),
            fact("lock-up (months)", p.lockup_months.to_string()),
        ];
        products.push((code, p.name(request.lang).to_string(), facts));
    }
    Facts { client, products }
}

/// A prompt as system and user messages; the model adapter applies its chat template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// System message.
    pub system: String,
    /// User message.
    pub user: String,
}

/// Renders the rationale prompt.
///
/// The goal text is the advisor's input; it is quoted as data. The instruction forbids figures,
/// promises and other products; the sampler additionally bans numeral tokens and the verifier
/// removes anything that slips through.
pub fn render_prompt(facts: &Facts, goal: Option<&str>, lang: Lang) -> Prompt {
    let language = match lang {
        Lang::Zh => "Simplified Chinese",
        Lang::En => "English",
    };
    let system = format!(
        "You are an assistant to a bank's wealth advisor. Write in {language}. Explain in plain words why \
         the listed products suit the client. Use only the facts given. Do not write any numbers, \
         percentages, dates or returns. Never promise returns or safety of principal. Do not mention \
         any other product. Write one short paragraph of three to five sentences."
    );
    let mut user = String::from("Client facts:\n");
    for f in &facts.client {
        user.push_str(&format!("- {}: {}\n", f.label, f.value));
    }
    if let Some(goal) = goal.filter(|g| !g.trim().is_empty()) {
        user.push_str(&format!(
            "- goal (advisor's words): \"{}\"\n",
            goal.trim().replace('"', "'")
        ));
    }
    user.push_str("Proposed products:\n");
    // Names only: codes carry digits, which the sampler bans, and a code adds nothing to the
    // explanation; the deterministic sections print the codes.
    for (_code, name, product_facts) in &facts.products {
        let line = product_facts
            .iter()
            .map(|f| format!("{} {}", f.label, f.value))
            .collect::<Vec<_>>()
            .join("; ");
        user.push_str(&format!("- {name}: {line}\n"));
    }
    // The instruction sits in the system message: it is the same for every client, so its KV state
    // is cached once per model load (copilot-app's warm_up) and only the facts are prefilled.
    Prompt { system, user }
}
