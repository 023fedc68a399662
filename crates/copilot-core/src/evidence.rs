//! Evidence: for each fact a draft states about a product (rating, fees, minimum subscription,
//! term, lock-up, rating date), the span of the product's own documents that states the same
//! figure. The citation carries the document id and byte offsets of the sentence, so the UI can
//! open the document with the span highlighted, and the verifier (S14) can trace every figure.
//!
//! Matching is exact and deterministic: the document's figure tokens (see
//! [`crate::grounding::figure_tokens`]) are compared by decimal value with the shelf's value
//! (a percentage only with a token that carries `%`; a rating only as the same `R1`–`R5` code; a
//! date as the same ISO date). A fact whose figure appears in none of the product's documents is
//! returned as *uncited*: the shelf and the documents disagree, and the reviewer must see it.

use crate::grounding::{figure_tokens, numeric_value, sentence_ranges};
use crate::parse::normalize_width;
use crate::product::{Product, ProductDocument};
use copilot_protocol::Citation;
use rust_decimal::Decimal;

/// One fact of a product that a draft prints, and how to recognise it in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductFact {
    /// Stable name: `rating`, `management_fee_pct`, `subscription_fee_pct`, `min_subscription`,
    /// `term_months`, `lockup_months`, `rating_date`.
    pub name: &'static str,
    /// The value as the memo prints it (e.g. `0.30%`, `R2`, `2026-02-25`).
    pub display: String,
    matcher: Matcher,
}

#[derive(Debug, Clone, PartialEq)]
enum Matcher {
    Percent(Decimal),
    Number(Decimal),
    Code(String),
    Text(String),
}

/// The facts of `product` that the memo prints and that must be cited. Zero-valued fees, terms
/// and lock-ups are left out (documents often state them in words: "无锁定期", "no lock-up").
pub fn product_facts(product: &Product) -> Vec<ProductFact> {
    let mut out = vec![ProductFact {
        name: "rating",
        display: product.effective_rating().to_string(),
        matcher: Matcher::Code(product.effective_rating().to_string()),
    }];
    let pct = |name, d: Decimal| ProductFact {
        name,
        display: format!("{:.2}%", d.round_dp(2)),
        matcher: Matcher::Percent(d.normalize()),
    };
    if product.management_fee_pct > Decimal::ZERO {
        out.push(pct("management_fee_pct", product.management_fee_pct));
    }
    if product.subscription_fee_pct > Decimal::ZERO {
        out.push(pct("subscription_fee_pct", product.subscription_fee_pct));
    }
    out.push(ProductFact {
        name: "min_subscription",
        display: product.min_subscription.display(),
        matcher: Matcher::Number(product.min_subscription.amount.normalize()),
    });
    for (name, months) in [
        ("term_months", product.term_months),
        ("lockup_months", product.lockup_months),
    ] {
        if months > 0 {
            out.push(ProductFact {
                name,
                display: months.to_string(),
                matcher: Matcher::Number(Decimal::from(months)),
            });
        }
    }
    if let Some(d) = product.rating_date {
        out.push(ProductFact {
            name: "rating_date",
            display: d.to_string(),
            matcher: Matcher::Text(d.to_string()),
        });
    }
    out
}

/// Citations of a product's facts in its documents, and the names of the facts no document states.
///
/// `documents` may hold other products' documents; only those whose `product_code` is the
/// product's are searched. The first matching span (documents in the given order) is cited.
pub fn fact_citations(
    product: &Product,
    documents: &[ProductDocument],
) -> (Vec<Citation>, Vec<ProductFact>) {
    let docs: Vec<&ProductDocument> = documents
        .iter()
        .filter(|d| d.product_code == product.product_code)
        .collect();
    let mut cited = Vec::new();
    let mut uncited = Vec::new();
    for fact in product_facts(product) {
        match docs.iter().find_map(|d| find(d, &fact)) {
            Some(c) => cited.push(c),
            None => uncited.push(fact),
        }
    }
    (cited, uncited)
}

fn find(doc: &ProductDocument, fact: &ProductFact) -> Option<Citation> {
    let text = &doc.text;
    let (start, end, figure) = match &fact.matcher {
        Matcher::Text(needle) => {
            let at = text.find(needle.as_str())?;
            (at, at + needle.len(), needle.clone())
        }
        m => figure_tokens(text).into_iter().find_map(|tok| {
            let norm = normalize_width(&tok.text);
            let hit = match m {
                Matcher::Code(code) => norm.eq_ignore_ascii_case(code),
                Matcher::Percent(v) => norm.ends_with('%') && numeric_value(&tok.text) == Some(*v),
                Matcher::Number(v) => !norm.ends_with('%') && numeric_value(&tok.text) == Some(*v),
                Matcher::Text(_) => false,
            };
            hit.then(|| (tok.start, tok.end, tok.text.clone()))
        })?,
    };
    // Cite the whole sentence around the figure.
    let (s, e) = sentence_ranges(text)
        .into_iter()
        .find(|&(s, e)| s <= start && end <= e)
        .unwrap_or((start, end));
    let trimmed_start = s + (text[s..e].len() - text[s..e].trim_start().len());
    let trimmed_end = trimmed_start + text[trimmed_start..e].trim_end().len();
    Some(Citation {
        product_code: doc.product_code.clone(),
        document_id: doc.document_id.clone(),
        start: trimmed_start,
        end: trimmed_end,
        text: text[trimmed_start..trimmed_end].to_string(),
        fact: Some(fact.name.to_string()),
        figure: Some(figure),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suitability::tests::product;
    use crate::Rating;

    fn doc(code: &str, text: &str) -> ProductDocument {
        ProductDocument {
            document_id: format!("{code}.md"),
            product_code: code.into(),
            file_name: format!("{code}.md"),
            title: code.into(),
            text: text.into(),
        }
    }

    #[test]
    fn every_fact_is_cited_with_exact_offsets() {
        let mut p = product("BF01", Rating::R2);
        p.management_fee_pct = Decimal::new(30, 2);
        p.subscription_fee_pct = Decimal::new(60, 2);
        p.min_subscription = crate::Money::new(Decimal::new(10, 0), crate::Currency::CNY);
        let d = doc(
            "BF01",
            "# 说明\n本产品风险等级为 R2（中低风险）。\n管理费率 0.3%/年，认购费率 0.60%。起购金额为人民币 10 元。",
        );
        let other = doc("BF02", "管理费率 0.30%。");
        let (cited, uncited) = fact_citations(&p, &[other, d.clone()]);
        assert!(uncited.is_empty(), "{uncited:?}");
        let names: Vec<_> = cited.iter().map(|c| c.fact.clone().unwrap()).collect();
        assert_eq!(
            names,
            [
                "rating",
                "management_fee_pct",
                "subscription_fee_pct",
                "min_subscription"
            ]
        );
        for c in &cited {
            assert_eq!(c.document_id, "BF01.md");
            assert_eq!(&d.text[c.start..c.end], c.text);
            assert!(c.text.contains(c.figure.as_deref().unwrap()));
        }
        assert_eq!(cited[1].figure.as_deref(), Some("0.3%"));
    }

    #[test]
    fn a_fact_the_documents_contradict_is_uncited() {
        let mut p = product("BF01", Rating::R3);
        p.management_fee_pct = Decimal::new(50, 2);
        let d = doc(
            "BF01",
            "风险等级 R2。管理费率 0.30%/年。最低 1,000 元起购。",
        );
        let (cited, uncited) = fact_citations(&p, &[d]);
        let missing: Vec<_> = uncited.iter().map(|f| f.name).collect();
        assert_eq!(missing, ["rating", "management_fee_pct"]);
        // 1,000 (the test product's minimum) is found by value, not by spelling.
        assert_eq!(cited.len(), 1);
        assert_eq!(cited[0].figure.as_deref(), Some("1,000"));
    }
}
