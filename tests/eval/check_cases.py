#!/usr/bin/env python3
"""Structure and coverage check of the evaluation cases (tests/eval/README.md).

Checks every file under the cases directory for the layout the README defines: known keys only
(a typo must not silently skip a check), unique ids, well-formed rule ids, dates, languages and
product codes, and that expectations only name products of their case. Prints how many cases
cover each rule and fails when the coverage targets are not met.

It does NOT judge whether an expectation is right: `copilot eval` (the Rust runner) does that.

Usage: python3 tests/eval/check_cases.py [CASES_DIR]     (standard library only, Python ≥ 3.11)
"""

from __future__ import annotations

import csv
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent

RULE_RE = re.compile(r"^S([1-9]|1[0-9]|2[0-5])$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RATING_RE = re.compile(r"^R[1-5]$")

# --- key lists (tests/eval/README.md) ------------------------------------------------------------

SUITABILITY_TOP = {"defaults", "case"}
DEFAULTS_KEYS = {"today", "client", "product"}
CASE_KEYS = {"id", "rules", "note", "today", "client", "products", "policy", "request", "expect"}

# One client row: the columns of clients.csv (assets/sample, crates/copilot-import/README.md) and the
# questionnaire columns of the README.
CLIENT_KEYS = {
    "client_id", "name", "id_number", "birth_date", "phone", "investor_class", "risk_level",
    "lowest_category", "assessment_date", "questionnaire_version", "civil_capacity",
    "horizon_months", "liquidity_need", "objective", "investable_assets", "annual_income", "debts",
    "currency", "experience_years", "experience_types", "notes", "profile_updated",
    "loss_tolerance", "max_loss_pct",
}
# One product row: the columns of products.csv.
PRODUCT_KEYS = {
    "product_code", "name_zh", "name_en", "product_type", "issuer_rating", "seller_rating",
    "term_months", "liquidity", "lockup_months", "min_subscription", "currency",
    "management_fee_pct", "subscription_fee_pct", "offering", "cooling_off_hours", "rating_date",
    "qualified_investor_only", "objective", "issuer",
}
REQUEST_KEYS = {
    "amount", "currency", "lang", "client_initiated", "channel", "recording_id", "overrides",
}
OVERRIDE_KEYS = {"rule", "product", "reason"}
EXPECT_KEYS = {
    "eligible", "excluded", "blocks", "no_recommendation", "warnings", "requirements", "error",
    "effective_rating", "proposed", "client_initiated", "unresolved_warnings", "retain_until",
    "rating_change", "invalidated", "rematch_excluded", "approval", "approval_ok",
}
APPROVAL_KEYS = {"drafter", "approver", "approver_role"}
LANGS = {"zh", "en"}
CHANNELS = {"branch", "remote"}
JURISDICTIONS = {"CN", "EU", "US"}

LINT_CASE_KEYS = {"id", "lang", "text", "expect"}
LINT_CATEGORIES = {"promise", "certainty", "prediction", "blurring"}
INJECTION_CASE_KEYS = {"id", "lang", "where", "text", "expect", "target_product"}
INJECTION_CATEGORIES = {"instruction", "role_markup", "hidden_characters", "data_exfiltration"}

DRAFTS_TOP = {"data", "draft"}
DATA_KEYS = {"clients", "products", "documents"}
DRAFT_KEYS = {"id", "client_id", "amount", "currency", "goal", "lang", "today"}

# --- coverage targets (the brief for the golden cases) --------------------------------------------

COVERED_RULES = [f"S{n}" for n in list(range(1, 13)) + list(range(15, 25))]
MIN_CASES_PER_RULE = 3
MIN_CASES_STRICT = {"S4": 8, "S7": 8, "S8": 8, "S12": 8}
MIN_SUITABILITY_CASES = 120
MIN_DRAFTS = 34


def policy_keys() -> set[str]:
    """The [policy] names of the rule pack, plus `jurisdiction` (README: policy = { jurisdiction })."""
    keys = {"jurisdiction"}
    pack = REPO / "assets" / "rules" / "pack.toml"
    if pack.is_file():
        with pack.open("rb") as f:
            keys |= set(tomllib.load(f).get("policy", {}))
    return keys


class Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.policy_keys = policy_keys()

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def keys(self, where: str, table: object, allowed: set[str], required: set[str] = frozenset()) -> bool:
        if not isinstance(table, dict):
            self.err(where, f"expected a table, found {type(table).__name__}")
            return False
        for k in table:
            if k not in allowed:
                self.err(where, f"unknown key {k!r}")
        for k in required:
            if k not in table:
                self.err(where, f"missing key {k!r}")
        return True

    def rule(self, where: str, value: object) -> None:
        if not isinstance(value, str) or not RULE_RE.match(value):
            self.err(where, f"not a rule id: {value!r}")

    def rule_list(self, where: str, value: object) -> None:
        if not isinstance(value, list):
            self.err(where, "expected a list of rule ids")
            return
        for v in value:
            self.rule(where, v)
        if len(set(map(str, value))) != len(value):
            self.err(where, "duplicate rule id in a set")

    def date(self, where: str, value: object) -> None:
        if not isinstance(value, str) or not DATE_RE.match(value):
            self.err(where, f"not a YYYY-MM-DD date: {value!r}")

    def string_row(self, where: str, row: dict) -> None:
        for k, v in row.items():
            if not isinstance(v, str):
                self.err(where, f"{k} must be a string (a CSV cell), found {v!r}")

    def codes(self, where: str, value: object, known: set[str]) -> None:
        if not isinstance(value, list):
            self.err(where, "expected a list of product codes")
            return
        for c in value:
            if c not in known:
                self.err(where, f"product {c!r} is not in the case")
        if len(set(map(str, value))) != len(value):
            self.err(where, "duplicate product code")

    def code_map(self, where: str, value: object, known: set[str], check_value) -> None:
        if not isinstance(value, dict):
            self.err(where, "expected a table product = value")
            return
        for c, v in value.items():
            if c not in known:
                self.err(where, f"product {c!r} is not in the case")
            check_value(f"{where}.{c}", v)

    def rating(self, where: str, value: object) -> None:
        if not isinstance(value, str) or not RATING_RE.match(value):
            self.err(where, f"not a rating R1–R5: {value!r}")

    # --- suitability -------------------------------------------------------------------------

    def suitability_file(self, path: Path, data: dict, ids: dict, rule_count: Counter) -> int:
        where = str(path)
        self.keys(where, data, SUITABILITY_TOP, {"case"})
        defaults = data.get("defaults", {})
        if self.keys(f"{where} [defaults]", defaults, DEFAULTS_KEYS):
            if "today" in defaults:
                self.date(f"{where} [defaults].today", defaults["today"])
            for name, allowed in (("client", CLIENT_KEYS), ("product", PRODUCT_KEYS)):
                if name in defaults and self.keys(f"{where} [defaults.{name}]", defaults[name], allowed):
                    self.string_row(f"{where} [defaults.{name}]", defaults[name])
        cases = data.get("case", [])
        if not isinstance(cases, list):
            self.err(where, "[[case]] must be an array of tables")
            return 0
        for i, case in enumerate(cases):
            self.suitability_case(f"{where} case #{i + 1}", case, ids, rule_count, path)
        return len(cases)

    def suitability_case(self, where: str, case: dict, ids: dict, rule_count: Counter, path: Path) -> None:
        if not self.keys(where, case, CASE_KEYS, {"id", "rules", "products", "expect"}):
            return
        cid = case.get("id")
        if isinstance(cid, str) and cid:
            where = f"{path} case {cid!r}"
            if cid in ids:
                self.err(where, f"duplicate id (also in {ids[cid]})")
            ids[cid] = str(path)
        else:
            self.err(where, "id must be a non-empty string")
        rules = case.get("rules", [])
        self.rule_list(f"{where}.rules", rules)
        if not rules:
            self.err(f"{where}.rules", "a case must name at least one rule")
        for r in set(rules) if isinstance(rules, list) else ():
            rule_count[r] += 1
        if "note" in case and not isinstance(case["note"], str):
            self.err(f"{where}.note", "must be a string")
        if "today" in case:
            self.date(f"{where}.today", case["today"])
        if "client" in case and self.keys(f"{where}.client", case["client"], CLIENT_KEYS):
            self.string_row(f"{where}.client", case["client"])
        known: set[str] = set()
        products = case.get("products", [])
        if not isinstance(products, list) or not products:
            self.err(f"{where}.products", "expected a non-empty list of products")
            products = []
        for j, p in enumerate(products):
            pw = f"{where}.products[{j}]"
            if self.keys(pw, p, PRODUCT_KEYS, {"product_code"}):
                self.string_row(pw, p)
                code = p.get("product_code")
                if code in known:
                    self.err(pw, f"duplicate product_code {code!r}")
                known.add(code)
        if "policy" in case and self.keys(f"{where}.policy", case["policy"], self.policy_keys):
            j = case["policy"].get("jurisdiction")
            if j is not None and j not in JURISDICTIONS:
                self.err(f"{where}.policy.jurisdiction", f"not one of {sorted(JURISDICTIONS)}: {j!r}")
        if "request" in case:
            self.request(f"{where}.request", case["request"], known)
        if "expect" in case:
            self.expect(f"{where}.expect", case["expect"], known)

    def request(self, where: str, req: dict, known: set[str]) -> None:
        if not self.keys(where, req, REQUEST_KEYS):
            return
        for k in ("amount", "currency", "recording_id"):
            if k in req and not isinstance(req[k], str):
                self.err(f"{where}.{k}", "must be a string")
        if "lang" in req and req["lang"] not in LANGS:
            self.err(f"{where}.lang", f"not one of {sorted(LANGS)}: {req['lang']!r}")
        if "channel" in req and req["channel"] not in CHANNELS:
            self.err(f"{where}.channel", f"not one of {sorted(CHANNELS)}: {req['channel']!r}")
        if "client_initiated" in req:
            self.codes(f"{where}.client_initiated", req["client_initiated"], known)
        overrides = req.get("overrides", [])
        if not isinstance(overrides, list):
            self.err(f"{where}.overrides", "expected a list")
            overrides = []
        for j, o in enumerate(overrides):
            ow = f"{where}.overrides[{j}]"
            if self.keys(ow, o, OVERRIDE_KEYS, {"rule", "reason"}):
                self.rule(f"{ow}.rule", o.get("rule"))
                if not isinstance(o.get("reason"), str):
                    self.err(f"{ow}.reason", "must be a string")
                if "product" in o and o["product"] not in known:
                    self.err(f"{ow}.product", f"product {o['product']!r} is not in the case")

    def expect(self, where: str, exp: dict, known: set[str]) -> None:
        if not self.keys(where, exp, EXPECT_KEYS):
            return
        if not exp:
            self.err(where, "no expectation: the case checks nothing")
        for k in ("eligible", "proposed", "client_initiated"):
            if k in exp:
                self.codes(f"{where}.{k}", exp[k], known)
        for k in ("excluded", "rematch_excluded"):
            if k in exp:
                self.code_map(f"{where}.{k}", exp[k], known, self.rule)
        for k in ("effective_rating", "rating_change"):
            if k in exp:
                self.code_map(f"{where}.{k}", exp[k], known, self.rating)
        for k in ("blocks", "warnings", "requirements"):
            if k in exp:
                self.rule_list(f"{where}.{k}", exp[k])
        if "error" in exp:
            self.rule(f"{where}.error", exp["error"])
            others = set(exp) - {"error"}
            if others:
                self.err(where, f"a rejected request has no result to check: drop {sorted(others)}")
        for k in ("no_recommendation", "invalidated", "approval_ok"):
            if k in exp and not isinstance(exp[k], bool):
                self.err(f"{where}.{k}", "must be true or false")
        if "unresolved_warnings" in exp:
            v = exp["unresolved_warnings"]
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                self.err(f"{where}.unresolved_warnings", "must be a non-negative integer")
        if "retain_until" in exp:
            self.date(f"{where}.retain_until", exp["retain_until"])
        if "eligible" in exp and "excluded" in exp and isinstance(exp["excluded"], dict):
            both = set(exp["eligible"]) & set(exp["excluded"])
            if both:
                self.err(where, f"products both eligible and excluded: {sorted(both)}")
            missing = known - set(exp["eligible"]) - set(exp["excluded"])
            if missing:
                self.err(where, f"eligible + excluded leave out {sorted(missing)}")
        if "proposed" in exp and "eligible" in exp:
            extra = set(exp["proposed"]) - set(exp["eligible"])
            if extra:
                self.err(f"{where}.proposed", f"not eligible: {sorted(extra)}")
        for pair in (("rating_change", "invalidated"), ("invalidated", "rating_change"),
                     ("rematch_excluded", "rating_change"), ("approval", "approval_ok"),
                     ("approval_ok", "approval")):
            if pair[0] in exp and pair[1] not in exp:
                self.err(where, f"{pair[0]} needs {pair[1]}")
        if "approval" in exp and self.keys(f"{where}.approval", exp["approval"], APPROVAL_KEYS, APPROVAL_KEYS):
            for k, v in exp["approval"].items():
                if not isinstance(v, str) or not v:
                    self.err(f"{where}.approval.{k}", "must be a non-empty string")

    # --- lint / injection ------------------------------------------------------------------

    def text_file(self, path: Path, data: dict, ids: dict, case_keys: set[str], categories: set[str],
                  extra) -> int:
        where = str(path)
        self.keys(where, data, {"case"}, {"case"})
        cases = data.get("case", [])
        for i, case in enumerate(cases):
            cw = f"{where} case #{i + 1}"
            if not self.keys(cw, case, case_keys, case_keys - {"target_product"}):
                continue
            cid = case.get("id")
            if cid in ids:
                self.err(cw, f"duplicate id {cid!r} (also in {ids[cid]})")
            ids[cid] = str(path)
            if case.get("lang") not in LANGS:
                self.err(f"{cw}.lang", f"not one of {sorted(LANGS)}")
            if not isinstance(case.get("text"), str) or not case.get("text"):
                self.err(f"{cw}.text", "must be a non-empty string")
            exp = case.get("expect")
            if not isinstance(exp, list) or any(e not in categories for e in exp):
                self.err(f"{cw}.expect", f"expected a list drawn from {sorted(categories)}")
            extra(cw, case)
        return len(cases)

    # --- drafts ------------------------------------------------------------------------------

    def drafts_file(self, path: Path, data: dict, ids: dict) -> list[dict]:
        where = str(path)
        self.keys(where, data, DRAFTS_TOP, {"draft"})
        # Default: the sample data in assets/sample; [data] paths are relative to this file.
        sample = REPO / "assets" / "sample"
        paths = {
            "clients": str(sample / "clients.csv"),
            "products": str(sample / "products.csv"),
            "documents": str(sample / "documents"),
        }
        if "data" in data and self.keys(f"{where} [data]", data["data"], DATA_KEYS):
            for k, v in data["data"].items():
                if not isinstance(v, str):
                    self.err(f"{where} [data].{k}", "must be a path string")
                else:
                    paths[k] = v
        clients_csv = (path.parent / paths["clients"]).resolve()
        client_ids: set[str] | None = None
        if clients_csv.is_file():
            with clients_csv.open(encoding="utf-8", newline="") as f:
                client_ids = {row["client_id"] for row in csv.DictReader(f)}
        else:
            self.err(where, f"clients file not found: {clients_csv}")
        for k in ("products", "documents"):
            if not (path.parent / paths[k]).exists():
                self.err(where, f"{k} not found: {paths[k]}")
        drafts = data.get("draft", [])
        for i, d in enumerate(drafts):
            dw = f"{where} draft #{i + 1}"
            if not self.keys(dw, d, DRAFT_KEYS, {"id", "client_id", "lang"}):
                continue
            did = d.get("id")
            dw = f"{where} draft {did!r}"
            if did in ids:
                self.err(dw, f"duplicate id (also in {ids[did]})")
            ids[did] = str(path)
            for k, v in d.items():
                if not isinstance(v, str):
                    self.err(f"{dw}.{k}", "must be a string")
            if d.get("lang") not in LANGS:
                self.err(f"{dw}.lang", f"not one of {sorted(LANGS)}")
            if client_ids is not None and d.get("client_id") not in client_ids:
                self.err(f"{dw}.client_id", f"no client {d.get('client_id')!r} in {paths['clients']}")
            if "today" in d:
                self.date(f"{dw}.today", d["today"])
            if "currency" in d and "amount" not in d:
                self.err(dw, "currency without amount")
        return drafts


def main() -> int:
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    ck = Checker()
    rule_count: Counter = Counter()
    suit_ids: dict = {}
    text_ids: dict = {}
    draft_ids: dict = {}
    n_suit = n_lint = n_inj = 0
    drafts: list[dict] = []
    files = 0
    for path in sorted(root.rglob("*.toml")):
        rel = path.relative_to(root)
        kind = rel.parts[0] if len(rel.parts) > 1 else ""
        try:
            with path.open("rb") as f:
                data = tomllib.load(f)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            ck.err(str(path), f"not valid TOML: {e}")
            continue
        files += 1
        if kind == "suitability":
            n_suit += ck.suitability_file(path, data, suit_ids, rule_count)
        elif kind == "lint":
            n_lint += ck.text_file(path, data, text_ids, LINT_CASE_KEYS, LINT_CATEGORIES, lambda w, c: None)
        elif kind == "injection":
            def inj(w, c):
                if c.get("where") not in {"notes", "document"}:
                    ck.err(f"{w}.where", "not one of ['document', 'notes']")
            n_inj += ck.text_file(path, data, text_ids, INJECTION_CASE_KEYS, INJECTION_CATEGORIES, inj)
        elif kind == "drafts":
            drafts += ck.drafts_file(path, data, draft_ids)
        else:
            ck.err(str(path), "not under suitability/, lint/, injection/ or drafts/")

    # Coverage table.
    print(f"{files} files: {n_suit} suitability cases, {n_lint} lint, {n_inj} injection, {len(drafts)} drafts\n")
    print("rule  cases  target")
    for n in range(1, 26):
        r = f"S{n}"
        target = MIN_CASES_STRICT.get(r, MIN_CASES_PER_RULE if r in COVERED_RULES else 0)
        mark = "" if rule_count[r] >= target else "   <-- below target"
        print(f"{r:<5} {rule_count[r]:>5}  {target:>6}{mark}")
        if rule_count[r] < target:
            ck.err("coverage", f"{r} is in {rule_count[r]} cases, target {target}")
    if n_suit < MIN_SUITABILITY_CASES:
        ck.err("coverage", f"{n_suit} suitability cases, target {MIN_SUITABILITY_CASES}")
    if drafts:
        langs = Counter(d.get("lang") for d in drafts)
        print(f"\ndrafts: {len(drafts)} ({langs['zh']} zh, {langs['en']} en), "
              f"{len({d.get('client_id') for d in drafts})} clients, "
              f"{sum('amount' not in d for d in drafts)} without amount, "
              f"{sum('goal' not in d for d in drafts)} without goal")
        if len(drafts) < MIN_DRAFTS:
            ck.err("coverage", f"{len(drafts)} drafts, target {MIN_DRAFTS}")
        if abs(langs["zh"] - langs["en"]) > 1:
            ck.err("coverage", f"drafts not split evenly between zh and en: {dict(langs)}")

    if ck.errors:
        print(f"\n{len(ck.errors)} problem(s):", file=sys.stderr)
        for e in ck.errors:
            print(f"  {e}", file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
