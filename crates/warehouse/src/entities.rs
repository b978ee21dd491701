//! One record per person, enterprise and unit (一人一档、一企一档), and the
//! relationship graph between them, built from the accepted batches.
//!
//! Persons are mentioned in many tables, not always with a usable ID number.
//! Exact keys first: every valid ID number is one person. A mention without an
//! ID, or with one whose check digit fails (evidence, not truth), is matched by
//! the Fellegi–Sunter model of `resolve::link` on name, birth date, region,
//! phone, bank account and the ID's digits: at or above the match threshold it
//! joins the best-scoring person with a valid ID (or, failing that, other
//! mentions like it); between the review and match thresholds the pair goes to
//! review; reviewers' decisions override scores both ways. Two valid ID numbers
//! are never merged. Enterprises and units are keyed by their credit code.

use crate::records::ProjectedRecord;
use crate::{SourceRecord, Warehouse, WarehouseError};
use resolve::graph::{Evidence, Graph, NodeKind};
use resolve::link::{Decision, FieldSpec, KeyPart, Kind, Records, Settings, resolve};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

impl SourceRecord {
    /// The value of a contract column as text ("" when empty or absent).
    pub fn value(&self, column: &str) -> &str {
        self.values.iter().find(|(k, _)| k == column).map(|(_, v)| v.as_str()).unwrap_or("")
    }
}

/// One mention of a person in a source row.
#[derive(Clone, Debug, Serialize)]
pub struct Mention {
    pub table: &'static str,
    pub batch: i64,
    pub row: i64,
    /// Which column group of the row: `person`, `relative`, `legal_rep`, `holder`, `recipient`, …
    pub role: &'static str,
    /// The ID number as recorded (normalized by the import), or "".
    pub id: String,
    pub id_valid: bool,
    pub name: String,
    pub birth: String,
    pub region: String,
    pub phone: String,
    pub account: String,
    pub address: String,
}

impl Mention {
    /// A stable reference to this mention, for review decisions.
    pub fn reference(&self) -> String {
        format!("{}/{}/{}/{}", self.table, self.batch, self.row, self.role)
    }

    /// The column that holds this mention's ID number.
    pub fn column(&self) -> &'static str {
        id_column(self.table, self.role)
    }
}

/// The column of `table` that holds the ID number of a mention in `role`.
fn id_column(table: &str, role: &str) -> &'static str {
    match (table, role) {
        ("kinship", "relative") => "relative_id_number",
        (_, "legal_rep") => "legal_rep_id",
        (_, "holder") => "holder_id",
        (_, "recipient") => "recipient_id",
        (_, "account_holder") => "account_holder_id",
        (_, "contact") => "contact_id",
        (_, "payee") => "payee_code",
        (_, "claimant") => "claimant_id",
        _ => "id_number",
    }
}

/// A person column of a source row that resolution fills or corrects: the
/// models read `id` there instead of what the row holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub table: String,
    pub column: &'static str,
    pub batch: i64,
    pub row: i64,
    /// What the row holds ("" when empty).
    pub recorded: String,
    /// The valid ID number of the person the mention was joined to.
    pub id: String,
}

/// A mention resolved to a person by the model, or waiting for review.
#[derive(Clone, Debug, Serialize)]
pub struct ResolvedMention {
    pub mention: Mention,
    /// The node it joined (or, for review, the candidate).
    pub entity: String,
    pub entity_name: String,
    pub probability: f64,
    pub evidence: Vec<resolve::link::Evidence>,
}

/// The resolved entities and their graph.
pub struct Entities {
    pub graph: Graph,
    /// Mentions joined to a person by the model rather than by a valid ID.
    pub linked: Vec<ResolvedMention>,
    /// Uncertain pairs for review.
    pub review: Vec<ResolvedMention>,
    /// Mention count, and persons with a valid ID.
    pub mentions: usize,
    pub keyed_persons: usize,
}

fn valid_id(id: &str) -> bool {
    domain::IdNumber::is_valid(id)
}

fn birth_of(id: &str) -> String {
    if id.len() == 18 && id.is_ascii() {
        format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14])
    } else {
        String::new()
    }
}

/// The name of a table the graph reads, as a constant.
fn table_name(table: &str) -> &'static str {
    TABLES.iter().map(|(t, _)| *t).find(|t| *t == table).unwrap_or("?")
}

fn mention(r: &ProjectedRecord, role: &'static str, id: &str, name: &str) -> Mention {
    Mention {
        table: table_name(&r.source.table),
        batch: r.source.batch,
        row: r.source.row,
        role,
        id: id.to_owned(),
        id_valid: valid_id(id),
        name: name.to_owned(),
        birth: String::new(),
        region: String::new(),
        phone: String::new(),
        account: String::new(),
        address: String::new(),
    }
}

/// Enterprises for rows that name one without a usable credit code: by the
/// `enterprise` register's names, spaces dropped and full-width brackets made
/// half-width (a name two codes carry matches neither), and by the registered
/// codes one character away from a code whose check character fails.
#[derive(Default)]
struct OrgNames {
    names: HashMap<String, Option<String>>,
    /// The same by `org_core` (legal form dropped), for names that say they are a company.
    cores: HashMap<String, Option<String>>,
    /// The valid registered codes.
    codes: HashSet<String>,
}

/// A company's name without its legal form, when it has one and at least
/// four characters remain (shorter ones could be a person's name).
fn org_core(name: &str) -> Option<String> {
    const FORMS: [&str; 5] = ["股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司"];
    let core = FORMS.iter().find_map(|form| name.strip_suffix(form))?;
    (core.chars().count() >= 4).then(|| core.to_owned())
}

fn org_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .collect()
}

impl OrgNames {
    fn of(rows: &Rows) -> OrgNames {
        let mut orgs = OrgNames::default();
        for r in rows.of("enterprise") {
            orgs.insert(r.value("credit_code"), r.value("name"));
        }
        orgs
    }

    /// One enterprise of the register.
    fn insert(&mut self, code: &str, name: &str) {
        if domain::CreditCode::is_valid(code) {
            self.codes.insert(code.to_owned());
        }
        let name = org_key(name);
        if code.is_empty() || name.is_empty() {
            return;
        }
        // A name two codes carry stands for neither.
        let add = |map: &mut HashMap<String, Option<String>>, key: String| {
            map.entry(key)
                .and_modify(|known| {
                    if known.as_deref() != Some(code) {
                        *known = None;
                    }
                })
                .or_insert_with(|| Some(code.to_owned()));
        };
        if let Some(core) = org_core(&name) {
            add(&mut self.cores, core);
        }
        add(&mut self.names, name);
    }

    /// The credit code of the one enterprise so named — exactly, or, for a
    /// name that says it is a company, with the legal form written another way
    /// ("某某建筑公司" for "某某建筑有限公司").
    fn code(&self, name: &str) -> Option<&str> {
        let name = org_key(name);
        match self.names.get(&name) {
            Some(known) => known.as_deref(),
            None => org_core(&name).and_then(|core| self.cores.get(&core)).and_then(|c| c.as_deref()),
        }
    }

    /// The one registered code a mistyped code comes from: `recorded` has the
    /// form of a credit code but fails its check character, and exactly one
    /// registered code is one substitution or transposition away.
    fn typo_of(&self, recorded: &str) -> Option<&str> {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        let (upper, bad) = domain::CreditCode::normalize_allowing_bad_check(recorded).ok()?;
        bad?;
        // Every code one substitution or one swap of neighbours away (557 of them):
        // a few hundred lookups per mistyped code, whatever the register's size.
        let mut found: Option<&str> = None;
        let mut consider = |candidate: &[u8; 18]| -> bool {
            let Some(code) = std::str::from_utf8(candidate).ok().and_then(|c| self.codes.get(c)) else {
                return true;
            };
            match found {
                Some(f) if f != code => false,
                _ => {
                    found = Some(code);
                    true
                }
            }
        };
        for i in 0..18 {
            for &c in ALPHABET.iter().filter(|&&c| c != upper[i]) {
                let mut candidate = upper;
                candidate[i] = c;
                if !consider(&candidate) {
                    return None;
                }
            }
            if i < 17 && upper[i] != upper[i + 1] {
                let mut candidate = upper;
                candidate.swap(i, i + 1);
                if !consider(&candidate) {
                    return None;
                }
            }
        }
        found
    }
}

/// The enterprise a row names without a usable credit code — by a code whose
/// check character fails (evidence, not truth: the registered code one
/// character away, unless the row's name is another registered firm's), or
/// by its name: `(column, credit code)`.
fn named_enterprise<'a>(r: &ProjectedRecord, orgs: &'a OrgNames) -> Option<(&'static str, &'a str)> {
    let (column, name) = match r.source.table.as_str() {
        "enterprise_role" => ("holder_id", r.value("holder_name")),
        "payment" => ("payee_code", r.value("payee_name")),
        "bid" => ("bidder_code", r.value("bidder_name")),
        "award" => ("winner_code", r.value("winner_name")),
        _ => return None,
    };
    let recorded = r.value(column);
    if domain::CreditCode::is_valid(recorded) || valid_id(recorded) {
        return None;
    }
    if let Some(code) = orgs.typo_of(recorded) {
        return match orgs.code(name) {
            Some(other) if other != code => None,
            _ => Some((column, code)),
        };
    }
    orgs.code(name).map(|code| (column, code))
}

/// A value that is neither a valid ID number nor a valid credit code but has
/// their length: a key mistyped, or a document of another kind.
fn bad_key(value: &str) -> bool {
    value.len() == 18 && !domain::CreditCode::is_valid(value) && !valid_id(value)
}

/// The rows the graph reads, by table.
struct Rows(BTreeMap<&'static str, Vec<ProjectedRecord>>);

impl Rows {
    fn of(&self, table: &str) -> &[ProjectedRecord] {
        self.0.get(table).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The tables the graph reads, and the columns it needs of each.
const TABLES: [(&str, &[&str]); 13] = [
    ("person", &["id_number", "name", "birth_date", "region_code", "phone", "address", "household_id"]),
    ("official", &["id_number", "name", "org_code", "org_name", "position", "region_code", "start_date", "end_date"]),
    ("kinship", &["id_number", "relative_id_number", "relative_name", "relation"]),
    ("enterprise", &["credit_code", "name", "legal_rep_id", "legal_rep_name"]),
    ("enterprise_role", &["credit_code", "holder_id", "holder_name", "role", "share_ratio", "start_date", "end_date"]),
    (
        "disbursement",
        &[
            "recipient_id",
            "recipient_name",
            "region_code",
            "bank_account",
            "account_holder_id",
            "program_code",
            "period",
            "amount",
            "handler_org",
        ],
    ),
    ("tender", &["tender_id", "buyer_code", "buyer_name"]),
    (
        "bid",
        &[
            "tender_id",
            "bidder_code",
            "bidder_name",
            "price",
            "contact_id",
            "contact_name",
            "contact_phone",
            "ip",
            "mac",
            "device_id",
            "file_hash",
            "bond_account",
        ],
    ),
    ("award", &["tender_id", "winner_code", "winner_name", "award_amount"]),
    ("payment", &["org_code", "payee_code", "payee_name", "pay_date", "amount", "purpose"]),
    ("reimbursement", &["claimant_id", "claimant_name"]),
    ("inspector", &["id_number", "name", "region_code"]),
    ("death", &["id_number", "name"]),
];

/// Every person mention of the rows, in a fixed order.
fn mentions(rows: &Rows, orgs: &OrgNames) -> Vec<Mention> {
    let mut out = Vec::new();
    for r in rows.of("person") {
        let mut m = mention(r, "person", r.value("id_number"), r.value("name"));
        m.birth = r.value("birth_date").to_owned();
        m.region = r.value("region_code").to_owned();
        m.phone = r.value("phone").to_owned();
        m.address = r.value("address").to_owned();
        out.push(m);
    }
    for r in rows.of("official") {
        let mut m = mention(r, "official", r.value("id_number"), r.value("name"));
        m.region = r.value("region_code").to_owned();
        out.push(m);
    }
    for r in rows.of("kinship") {
        out.push(mention(r, "person", r.value("id_number"), ""));
        out.push(mention(r, "relative", r.value("relative_id_number"), r.value("relative_name")));
    }
    for r in rows.of("enterprise") {
        let (id, name) = (r.value("legal_rep_id"), r.value("legal_rep_name"));
        if !id.is_empty() || !name.is_empty() {
            out.push(mention(r, "legal_rep", id, name));
        }
    }
    for r in rows.of("enterprise_role") {
        let id = r.value("holder_id");
        // A holder with a credit code, or named as a registered enterprise, is not a person.
        if domain::CreditCode::is_valid(id) || named_enterprise(r, orgs).is_some() {
            continue;
        }
        out.push(mention(r, "holder", id, r.value("holder_name")));
    }
    // A recipient paid every month is mentioned once per valid ID: the rows
    // after the first add nothing to resolve, and the graph finds their person
    // by the ID itself.
    let mut paid: HashSet<&str> = HashSet::new();
    for r in rows.of("disbursement") {
        let recipient = r.value("recipient_id");
        let repeated = valid_id(recipient) && !paid.insert(recipient);
        let holder = r.value("account_holder_id");
        if repeated && holder.is_empty() {
            continue;
        }
        let mut m = mention(r, "recipient", recipient, r.value("recipient_name"));
        m.region = r.value("region_code").to_owned();
        if holder.is_empty() {
            m.account = r.value("bank_account").to_owned();
        }
        if !repeated {
            out.push(m);
        }
        if !holder.is_empty() {
            let mut h = mention(r, "account_holder", holder, "");
            h.account = r.value("bank_account").to_owned();
            out.push(h);
        }
    }
    for r in rows.of("bid") {
        let (id, name) = (r.value("contact_id"), r.value("contact_name"));
        if !id.is_empty() || !name.is_empty() {
            let mut m = mention(r, "contact", id, name);
            m.phone = r.value("contact_phone").to_owned();
            out.push(m);
        }
    }
    for r in rows.of("payment") {
        let code = r.value("payee_code");
        if !code.is_empty() && !domain::CreditCode::is_valid(code) && code.len() == 18 {
            out.push(mention(r, "payee", code, r.value("payee_name")));
        }
    }
    // A claimant is mentioned once per valid ID, like a recipient.
    let mut claimed: HashSet<&str> = HashSet::new();
    for r in rows.of("reimbursement") {
        let (id, name) = (r.value("claimant_id"), r.value("claimant_name"));
        if (id.is_empty() && name.is_empty()) || (valid_id(id) && !claimed.insert(id)) {
            continue;
        }
        out.push(mention(r, "claimant", id, name));
    }
    for r in rows.of("inspector") {
        let mut m = mention(r, "inspector", r.value("id_number"), r.value("name"));
        m.region = r.value("region_code").to_owned();
        out.push(m);
    }
    for r in rows.of("death") {
        out.push(mention(r, "person", r.value("id_number"), r.value("name")));
    }
    for m in &mut out {
        if m.birth.is_empty() {
            m.birth = birth_of(&m.id);
        }
    }
    out
}

/// The model's settings for persons.
pub fn person_settings() -> Settings {
    let fields = vec![
        FieldSpec::new("key", Kind::Exact),
        FieldSpec::new("name", Kind::ChineseName).with_term_frequency(),
        FieldSpec::new("birth_date", Kind::Typed),
        FieldSpec::new("region", Kind::Region),
        FieldSpec::new("phone", Kind::Exact),
        FieldSpec::new("account", Kind::Exact),
        FieldSpec::new("id_number", Kind::IdNumber).implying(&[2, 3]),
        FieldSpec::new("address", Kind::Text),
    ];
    let blocking = vec![
        vec![KeyPart::Reading(1), KeyPart::Field(2)],
        vec![KeyPart::Reading(1), KeyPart::Substr(3, 0, 6)],
        vec![KeyPart::Field(4)],
        vec![KeyPart::Field(5)],
        vec![KeyPart::Substr(6, 0, 14)],
        vec![KeyPart::Reading(1)],
    ];
    let mut settings = Settings::new(fields, blocking);
    settings.distinct_key = Some(0);
    settings.random_pairs = 200_000;
    settings
}

struct Resolved {
    /// Node id of each mention.
    node: Vec<String>,
    linked: Vec<ResolvedMention>,
    review: Vec<ResolvedMention>,
    keyed: usize,
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned()).filter(|s| !s.is_empty())
}

/// Resolves mentions to persons; `decisions` by mention reference (or valid ID) pairs.
fn resolve_persons(mentions: &[Mention], decisions: &[(String, String, Decision)]) -> Resolved {
    // One record per valid ID (its attributes the first non-empty of its mentions),
    // one per other mention.
    let mut records = Records::default();
    let mut record_of_id: HashMap<&str, usize> = HashMap::new();
    let mut attributes: Vec<[String; 7]> = Vec::new();
    let mut record_of_mention = Vec::with_capacity(mentions.len());
    let mut keyless: Vec<usize> = Vec::new(); // record → mention, for records of one mention
    for (i, m) in mentions.iter().enumerate() {
        let fill = |a: &mut [String; 7]| {
            for (slot, v) in a.iter_mut().zip([&m.name, &m.birth, &m.region, &m.phone, &m.account, &m.id, &m.address]) {
                if slot.is_empty() {
                    slot.clone_from(v);
                }
            }
        };
        if m.id_valid {
            let r = *record_of_id.entry(m.id.as_str()).or_insert_with(|| {
                attributes.push(Default::default());
                keyless.push(usize::MAX);
                attributes.len() - 1
            });
            fill(&mut attributes[r]);
            record_of_mention.push(r);
        } else {
            attributes.push(Default::default());
            keyless.push(i);
            fill(attributes.last_mut().expect("just pushed"));
            record_of_mention.push(attributes.len() - 1);
        }
    }
    for (r, a) in attributes.iter().enumerate() {
        let key = if keyless[r] == usize::MAX { some(&a[5]) } else { None };
        records.push(
            0,
            vec![key, some(&a[0]), some(&a[1]), some(&a[2]), some(&a[3]), some(&a[4]), some(&a[5]), some(&a[6])],
        );
    }
    let is_keyed = |r: usize| keyless[r] == usize::MAX;
    let name_of = |r: usize| attributes[r][0].clone();
    let node_of_keyed = |r: usize| attributes[r][5].clone();

    // Reviewers' decisions, by record.
    let record_of_ref: HashMap<String, usize> = mentions
        .iter()
        .enumerate()
        .flat_map(|(i, m)| {
            let mut refs = vec![(m.reference(), record_of_mention[i])];
            if m.id_valid {
                refs.push((m.id.clone(), record_of_mention[i]));
            }
            refs
        })
        .collect();
    let decided: Vec<(usize, usize, Decision)> =
        decisions.iter().filter_map(|(a, b, d)| Some((*record_of_ref.get(a)?, *record_of_ref.get(b)?, *d))).collect();

    let settings = person_settings();
    // Persons with a valid ID are never compared with each other: with nobody
    // else there is nothing to resolve.
    let anyone_unkeyed = keyless.iter().any(|&m| m != usize::MAX);
    let result = (records.len() >= 2 && anyone_unkeyed).then(|| resolve(&settings, &records, &decided));

    // A keyless record joins the keyed record of its best link at the threshold
    // (or a reviewer's "same"); else it stays with keyless records it matches.
    let mut best: HashMap<usize, (usize, f64, usize)> = HashMap::new(); // record → (keyed record, p, link index)
    let mut review = Vec::new();
    let mut parent: Vec<usize> = (0..records.len()).collect();
    let verdict: HashMap<(usize, usize), Decision> =
        decided.iter().map(|&(a, b, d)| ((a.min(b), a.max(b)), d)).collect();
    let mut linked_by = Vec::new();
    let different: Vec<(usize, usize)> =
        verdict.iter().filter(|(_, d)| **d == Decision::Different).map(|(&pair, _)| pair).collect();
    if let Some(result) = &result {
        for (li, link) in result.links.iter().enumerate() {
            let verdict = verdict.get(&(link.a.min(link.b), link.a.max(link.b))).copied();
            let p = match verdict {
                Some(Decision::Same) => 1.0,
                Some(Decision::Different) => continue,
                None => link.probability,
            };
            if p < settings.match_threshold {
                review.push((li, link.a, link.b));
                continue;
            }
            match (is_keyed(link.a), is_keyed(link.b)) {
                (true, true) => {}
                (true, false) | (false, true) => {
                    let (keyed, other) = if is_keyed(link.a) { (link.a, link.b) } else { (link.b, link.a) };
                    if best.get(&other).is_none_or(|(_, q, _)| p > *q) {
                        best.insert(other, (keyed, p, li));
                    }
                }
                (false, false) => {
                    let (x, y) = (find(&mut parent, link.a), find(&mut parent, link.b));
                    // Never through a pair a reviewer called different.
                    let apart = different.iter().any(|&(p, q)| {
                        let (fp, fq) = (find(&mut parent, p), find(&mut parent, q));
                        (fp, fq) == (x, y) || (fp, fq) == (y, x)
                    });
                    if x != y && !apart {
                        parent[x.max(y)] = x.min(y);
                        linked_by.push(li);
                    }
                }
            }
        }
        // Reviewers' "same" with no link at all.
        for (&(a, b), d) in &verdict {
            if *d == Decision::Same && !result.links.iter().any(|l| (l.a.min(l.b), l.a.max(l.b)) == (a, b)) {
                match (is_keyed(a), is_keyed(b)) {
                    (true, false) => {
                        best.insert(b, (a, 1.0, usize::MAX));
                    }
                    (false, true) => {
                        best.insert(a, (b, 1.0, usize::MAX));
                    }
                    (false, false) => {
                        let (x, y) = (find(&mut parent, a), find(&mut parent, b));
                        parent[x.max(y)] = x.min(y);
                    }
                    (true, true) => {}
                }
            }
        }
    }
    // A keyless cluster takes the keyed person of any member's best link — unless
    // a member was called different from that person: then no member takes it
    // (a reviewer's decision is not overridden through others).
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for r in 0..records.len() {
        if !is_keyed(r) {
            members.entry(find(&mut parent, r)).or_default().push(r);
        }
    }
    let kept_apart = |root: usize, keyed: usize| {
        members.get(&root).into_iter().flatten().any(|&m| different.contains(&(m.min(keyed), m.max(keyed))))
    };
    best.retain(|&record, (keyed, _, _)| !kept_apart(find(&mut parent, record), *keyed));
    let mut cluster_keyed: HashMap<usize, usize> = HashMap::new();
    for (&record, &(keyed, _, _)) in &best {
        let root = find(&mut parent, record);
        cluster_keyed.entry(root).or_insert(keyed);
    }
    let node_of_record = |r: usize, parent: &mut Vec<usize>| -> String {
        if is_keyed(r) {
            return node_of_keyed(r);
        }
        if let Some((keyed, _, _)) = best.get(&r) {
            return node_of_keyed(*keyed);
        }
        let root = find(parent, r);
        if let Some(keyed) = cluster_keyed.get(&root) {
            return node_of_keyed(*keyed);
        }
        let m = &mentions[keyless[root]];
        format!("{}@{}", if m.name.is_empty() { "?" } else { &m.name }, m.reference())
    };
    let node: Vec<String> = (0..mentions.len()).map(|i| node_of_record(record_of_mention[i], &mut parent)).collect();

    let describe = |record: usize, other: usize, li: usize, entity: String| -> Option<ResolvedMention> {
        let result = result.as_ref()?;
        let m = mentions.get(*keyless.get(record)?)?;
        let (probability, evidence) = match result.links.get(li) {
            Some(link) => (link.probability, result.evidence(&settings, link)),
            None => (1.0, Vec::new()),
        };
        Some(ResolvedMention { mention: m.clone(), entity, entity_name: name_of(other), probability, evidence })
    };
    let mut linked: Vec<ResolvedMention> = Vec::new();
    for (&record, &(keyed, _, li)) in &best {
        linked.extend(describe(record, keyed, li, node_of_keyed(keyed)));
    }
    linked.sort_by(|a, b| a.mention.reference().cmp(&b.mention.reference()));
    let review = review
        .into_iter()
        .filter_map(|(li, a, b)| {
            let (record, other) = if is_keyed(a) { (b, a) } else { (a, b) };
            let entity = node_of_record(other, &mut parent);
            if node_of_record(record, &mut parent) == entity {
                return None; // already joined through another link
            }
            describe(record, other, li, entity)
        })
        .collect();
    Resolved { node, linked, review, keyed: record_of_id.len() }
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn evidence(r: &ProjectedRecord, detail: String) -> Evidence {
    Evidence { table: r.source.table.clone(), batch: r.source.batch, row: r.source.row, detail }
}

/// Builds the graph from the rows and the resolved persons.
fn build(rows: &Rows, mentions: &[Mention], resolved: &Resolved, orgs: &OrgNames) -> Graph {
    let mut g = Graph::default();
    let node_of: HashMap<(&str, i64, i64, &str), &str> =
        mentions.iter().zip(&resolved.node).map(|(m, n)| ((m.table, m.batch, m.row, m.role), n.as_str())).collect();
    let person = |g: &mut Graph, r: &ProjectedRecord, role: &str, name: &str| -> Option<usize> {
        if let Some(id) = node_of.get(&(r.source.table.as_str(), r.source.batch, r.source.row, role)) {
            return Some(g.node(id, NodeKind::Person, name));
        }
        // A row left out of the mentions as a repeat: its valid ID is its person.
        let id = r.value(id_column(&r.source.table, role));
        valid_id(id).then(|| g.node(id, NodeKind::Person, name))
    };
    let enterprises: HashSet<&str> = rows.of("enterprise").iter().map(|r| r.value("credit_code")).collect();
    let organisation = |g: &mut Graph, code: &str, name: &str, default: NodeKind| -> Option<usize> {
        if code.is_empty() {
            return None;
        }
        let kind = if enterprises.contains(code) { NodeKind::Enterprise } else { default };
        Some(g.node(code, kind, name))
    };

    for r in rows.of("person") {
        person(&mut g, r, "person", r.value("name"));
    }
    // Households: each member joined to the household's first member.
    let mut households: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows.of("person") {
        let household = r.value("household_id");
        let Some(p) = person(&mut g, r, "person", r.value("name")) else { continue };
        if household.is_empty() {
            continue;
        }
        match households.get(household) {
            Some(&head) => g.edge(head, p, "household", household, evidence(r, format!("户号 {household}"))),
            None => {
                households.insert(household, p);
            }
        }
    }
    for r in rows.of("official") {
        let (Some(p), Some(u)) = (
            person(&mut g, r, "official", r.value("name")),
            organisation(&mut g, r.value("org_code"), r.value("org_name"), NodeKind::Unit),
        ) else {
            continue;
        };
        let position = r.value("position");
        let period = format!("{}–{}", r.value("start_date"), r.value("end_date"));
        g.edge(p, u, "post", position, evidence(r, format!("{position} {period}")));
    }
    for r in rows.of("kinship") {
        let (Some(a), Some(b)) =
            (person(&mut g, r, "person", ""), person(&mut g, r, "relative", r.value("relative_name")))
        else {
            continue;
        };
        let relation = r.value("relation");
        g.edge(a, b, "kin", relation, evidence(r, relation.to_owned()));
    }
    for r in rows.of("enterprise") {
        let Some(e) = organisation(&mut g, r.value("credit_code"), r.value("name"), NodeKind::Enterprise) else {
            continue;
        };
        if let Some(p) = person(&mut g, r, "legal_rep", r.value("legal_rep_name")) {
            g.edge(p, e, "role", "法定代表人", evidence(r, "legal representative".into()));
        }
    }
    for r in rows.of("enterprise_role") {
        let Some(e) = organisation(&mut g, r.value("credit_code"), "", NodeKind::Enterprise) else { continue };
        let role = r.value("role");
        let detail = format!("{role} {} {}–{}", r.value("share_ratio"), r.value("start_date"), r.value("end_date"));
        let holder_id = r.value("holder_id");
        let holder = if domain::CreditCode::is_valid(holder_id) {
            organisation(&mut g, holder_id, r.value("holder_name"), NodeKind::Enterprise)
        } else if let Some((_, code)) = named_enterprise(r, orgs) {
            organisation(&mut g, code, r.value("holder_name"), NodeKind::Enterprise)
        } else {
            person(&mut g, r, "holder", r.value("holder_name"))
        };
        if let Some(h) = holder {
            g.edge(h, e, "role", role, evidence(r, detail));
        }
    }
    let buyers: HashMap<&str, (&str, &str)> = rows
        .of("tender")
        .iter()
        .map(|r| (r.value("tender_id"), (r.value("buyer_code"), r.value("buyer_name"))))
        .collect();
    // Bids: bidder —bid— buyer; contact —agent— bidder; bidders sharing an identifier.
    let mut shared: BTreeMap<(&str, &str), Vec<(usize, &ProjectedRecord)>> = BTreeMap::new();
    for r in rows.of("bid") {
        let tender = r.value("tender_id");
        let code = named_enterprise(r, orgs).map_or(r.value("bidder_code"), |(_, code)| code);
        let Some(bidder) = organisation(&mut g, code, r.value("bidder_name"), NodeKind::Enterprise) else {
            continue;
        };
        if let Some(&(code, name)) = buyers.get(tender)
            && let Some(buyer) = organisation(&mut g, code, name, NodeKind::Unit)
        {
            g.edge(bidder, buyer, "bid", tender, evidence(r, format!("{tender} {}", r.value("price"))));
        }
        if let Some(p) = person(&mut g, r, "contact", r.value("contact_name")) {
            g.edge(p, bidder, "agent", tender, evidence(r, format!("{tender} 委托代理人")));
        }
        for column in ["ip", "mac", "device_id", "file_hash", "bond_account", "contact_phone"] {
            let v = r.value(column);
            if !v.is_empty() {
                shared.entry((column, v)).or_default().push((bidder, r));
            }
        }
    }
    for ((column, value), bids) in &shared {
        let Some((first, first_row)) = bids.first() else { continue };
        for (other, row) in &bids[1..] {
            if other != first {
                let label = format!("{column} {value}");
                g.edge(*first, *other, "shared_identifier", &label, evidence(first_row, label.clone()));
                g.edge(*first, *other, "shared_identifier", &label, evidence(row, label.clone()));
            }
        }
    }
    for r in rows.of("award") {
        let tender = r.value("tender_id");
        let winner_code = named_enterprise(r, orgs).map_or(r.value("winner_code"), |(_, code)| code);
        let (Some(winner), Some(&(code, name))) =
            (organisation(&mut g, winner_code, r.value("winner_name"), NodeKind::Enterprise), buyers.get(tender))
        else {
            continue;
        };
        if let Some(buyer) = organisation(&mut g, code, name, NodeKind::Unit) {
            g.edge(winner, buyer, "award", tender, evidence(r, format!("{tender} {}", r.value("award_amount"))));
        }
    }
    for r in rows.of("payment") {
        let Some(unit) = organisation(&mut g, r.value("org_code"), "", NodeKind::Unit) else { continue };
        let code = r.value("payee_code");
        let payee = if domain::CreditCode::is_valid(code) {
            organisation(&mut g, code, r.value("payee_name"), NodeKind::Enterprise)
        } else if let Some((_, named)) = named_enterprise(r, orgs) {
            organisation(&mut g, named, r.value("payee_name"), NodeKind::Enterprise)
        } else {
            person(&mut g, r, "payee", r.value("payee_name"))
        };
        if let Some(p) = payee {
            let detail = format!("{} {} {}", r.value("pay_date"), r.value("amount"), r.value("purpose"));
            g.edge(unit, p, "payment", "", evidence(r, detail));
        }
    }
    for r in rows.of("disbursement") {
        let Some(p) = person(&mut g, r, "recipient", r.value("recipient_name")) else { continue };
        let program = r.value("program_code");
        let detail = format!("{program} {} {}", r.value("period"), r.value("amount"));
        if let Some(u) = organisation(&mut g, r.value("handler_org"), "", NodeKind::Unit) {
            g.edge(p, u, "disbursement", program, evidence(r, detail.clone()));
        }
        if let Some(h) = person(&mut g, r, "account_holder", "") {
            let label = format!("bank_account {}", r.value("bank_account"));
            g.edge(p, h, "shared_identifier", &label, evidence(r, detail));
        }
    }
    for r in rows.of("inspector") {
        person(&mut g, r, "inspector", r.value("name"));
    }
    g
}

/// The columns resolution reads from each table when it only corrects the
/// models' input (no graph): small tables whole, the large ones only where a
/// person is named without a valid ID.
const MENTION_COLUMNS: [(&str, &[&str]); 12] = [
    ("person", &["id_number", "name", "birth_date", "region_code", "phone", "address"]),
    ("official", &["id_number", "name", "region_code"]),
    ("kinship", &["id_number", "relative_id_number", "relative_name"]),
    ("enterprise", &["credit_code", "name", "legal_rep_id", "legal_rep_name"]),
    ("enterprise_role", &["holder_id", "holder_name"]),
    ("disbursement", &["recipient_id", "recipient_name", "region_code", "bank_account", "account_holder_id"]),
    ("bid", &["contact_id", "contact_name", "contact_phone", "bidder_code", "bidder_name"]),
    ("award", &["winner_code", "winner_name"]),
    ("payment", &["payee_code", "payee_name"]),
    ("reimbursement", &["claimant_id", "claimant_name"]),
    ("inspector", &["id_number", "name", "region_code"]),
    ("death", &["id_number", "name"]),
];

/// Whether a large table's row names a person without a valid ID.
fn names_someone_unkeyed(r: &crate::records::RowView) -> bool {
    let unkeyed = |id: &str, name: &str| (!id.is_empty() || !name.is_empty()) && !valid_id(id);
    match r.table {
        "disbursement" => {
            unkeyed(r.value("recipient_id"), r.value("recipient_name"))
                || (!r.value("account_holder_id").is_empty() && !valid_id(r.value("account_holder_id")))
        }
        "bid" => unkeyed(r.value("contact_id"), r.value("contact_name")) || bad_key(r.value("bidder_code")),
        "award" => bad_key(r.value("winner_code")),
        "reimbursement" => unkeyed(r.value("claimant_id"), r.value("claimant_name")),
        // A payee named without a code may be a registered enterprise.
        "payment" => r.value("payee_code").is_empty() || bad_key(r.value("payee_code")),
        "person" => !valid_id(r.value("id_number")),
        _ => true,
    }
}

impl Warehouse {
    /// What resolution changes in the models' input: every mention the model
    /// joined to a person with a valid ID number whose row holds another value
    /// (a mistyped ID, or none). Reads only the columns it needs, and of the
    /// large tables only the rows naming someone without a valid ID.
    pub async fn corrections(&self) -> Result<Vec<Correction>, WarehouseError> {
        // The population register whole only if someone is unkeyed: it is the
        // largest table, and its keyed rows serve only as persons to match against.
        let mut rows = BTreeMap::new();
        for (table, columns) in MENTION_COLUMNS {
            rows.insert(table, self.records_projected(table, columns, names_someone_unkeyed).await?);
        }
        let orgs = OrgNames::of(&Rows(rows.clone()));
        // Enterprises named by a mistyped code or without one.
        let mut out: Vec<Correction> = ["enterprise_role", "payment", "bid", "award"]
            .iter()
            .flat_map(|t| rows.get(t).map(Vec::as_slice).unwrap_or(&[]))
            .filter_map(|r| {
                let (column, code) = named_enterprise(r, &orgs)?;
                Some(Correction {
                    table: r.source.table.clone(),
                    column,
                    batch: r.source.batch,
                    row: r.source.row,
                    recorded: r.value(column).to_owned(),
                    id: code.to_owned(),
                })
            })
            .collect();
        if mentions(&Rows(rows.clone()), &orgs).iter().all(|m| m.id_valid) {
            // Nobody unkeyed: the register need not be read.
            return Ok(out);
        }
        for (table, columns) in MENTION_COLUMNS.iter().filter(|(t, _)| *t == "person") {
            rows.insert(*table, self.records_projected(table, columns, |_| true).await?);
        }
        let rows = Rows(rows);
        let mentions = mentions(&rows, &orgs);
        let resolved = resolve_persons(&mentions, &self.decisions().await?);
        out.extend(resolved.linked.into_iter().filter(|l| valid_id(&l.entity) && l.mention.id != l.entity).map(|l| {
            Correction {
                column: l.mention.column(),
                table: l.mention.table.to_owned(),
                batch: l.mention.batch,
                row: l.mention.row,
                recorded: l.mention.id,
                id: l.entity,
            }
        }));
        Ok(out)
    }

    /// Whether `side` can be one side of a reviewer's decision: a valid ID
    /// number, or a mention reference `table/batch/row/role` naming an accepted
    /// batch of that table. The error says what is wrong, in Chinese and English.
    pub async fn check_decision_side(&self, side: &str) -> Result<(), String> {
        if valid_id(side) {
            return Ok(());
        }
        let bad = |why: &str| {
            format!(
                "“{side}”不是有效身份证号，也不是“表/批次/行/角色”形式的记录引用（{why}） / {side:?} is neither a valid ID number nor a mention reference table/batch/row/role ({why})"
            )
        };
        let parts: Vec<&str> = side.split('/').collect();
        let [table, batch, row, role] = parts[..] else { return Err(bad("four parts expected")) };
        if !TABLES.iter().any(|(t, _)| *t == table) {
            return Err(bad("unknown table"));
        }
        const ROLES: [&str; 11] = [
            "person",
            "official",
            "relative",
            "legal_rep",
            "holder",
            "recipient",
            "account_holder",
            "contact",
            "payee",
            "claimant",
            "inspector",
        ];
        if !ROLES.contains(&role) {
            return Err(bad("unknown role"));
        }
        let (Ok(batch), Ok(row)) = (batch.parse::<i64>(), row.parse::<i64>()) else {
            return Err(bad("batch and row are numbers"));
        };
        let files = self.table_files(table).await.map_err(|e| e.to_string())?;
        if row < 1 || !files.iter().any(|(b, _)| b.id == batch) {
            return Err(bad("no such accepted batch of that table"));
        }
        Ok(())
    }

    async fn decisions(&self) -> Result<Vec<(String, String, Decision)>, WarehouseError> {
        Ok(self
            .store()
            .entity_decisions()
            .await?
            .into_iter()
            .filter_map(|d| {
                let decision = match d.decision.as_str() {
                    "same" => Decision::Same,
                    "different" => Decision::Different,
                    _ => return None,
                };
                Some((d.a, d.b, decision))
            })
            .collect())
    }

    /// Resolves persons across every table and builds the relationship graph,
    /// respecting every reviewer's current decision (`same`, `different`; an
    /// `unsure` leaves the pair to the model and in review).
    pub async fn entities(&self) -> Result<Entities, WarehouseError> {
        let decisions = self.decisions().await?;
        let decisions = decisions.as_slice();
        let mut rows = BTreeMap::new();
        for (table, columns) in TABLES {
            rows.insert(table, self.records_projected(table, columns, |_| true).await?);
        }
        let rows = Rows(rows);
        let orgs = OrgNames::of(&rows);
        let mentions = mentions(&rows, &orgs);
        let resolved = resolve_persons(&mentions, decisions);
        let graph = build(&rows, &mentions, &resolved, &orgs);
        Ok(Entities {
            graph,
            mentions: mentions.len(),
            keyed_persons: resolved.keyed,
            linked: resolved.linked,
            review: resolved.review,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid credit code: `first17` and its check character.
    fn code(first17: &str) -> String {
        domain::CreditCode::from_first17(first17).unwrap().into_string()
    }

    #[test]
    fn a_company_is_found_by_its_name_with_the_legal_form_written_another_way() {
        let (a, b, c) = (code("91331099MA2A00001"), code("91331099MA2A00002"), code("91331099MA2A00003"));
        let mut orgs = OrgNames::default();
        orgs.insert(&a, "某某建筑有限公司");
        orgs.insert(&b, "张伟公司");
        for name in ["某某建筑有限公司", "某某建筑 有限公司", "某某建筑公司", "某某建筑有限责任公司"]
        {
            assert_eq!(orgs.code(name), Some(a.as_str()), "{name}");
        }
        // Not without a legal form, not a short core (a person's name), not another firm's.
        for name in ["某某建筑", "张伟", "某某建筑工程有限公司"] {
            assert_eq!(orgs.code(name), None, "{name}");
        }
        // Two firms whose names differ only in the legal form: neither by the other form.
        orgs.insert(&c, "某某建筑股份有限公司");
        assert_eq!(orgs.code("某某建筑公司"), None);
        assert_eq!(orgs.code("某某建筑股份有限公司"), Some(c.as_str()));
    }

    #[test]
    fn a_mistyped_credit_code_is_the_one_registered_code_a_character_away() {
        let a = code("91331099MA2A00001");
        let mut orgs = OrgNames::default();
        orgs.insert(&a, "某某建筑有限公司");
        // The check character changed, two neighbours swapped (in either part and across them).
        let wrong_check = format!("{}{}", &a[..17], if a.ends_with('0') { '1' } else { '0' });
        assert_eq!(orgs.typo_of(&wrong_check), Some(a.as_str()));
        for i in [3, 8, 12] {
            let mut swapped = a.clone().into_bytes();
            swapped.swap(i, i + 1);
            let swapped = String::from_utf8(swapped).unwrap();
            if swapped != a && !domain::CreditCode::is_valid(&swapped) {
                assert_eq!(orgs.typo_of(&swapped), Some(a.as_str()), "{swapped}");
            }
        }
        // A valid code is no typo; two edits are too far.
        assert_eq!(orgs.typo_of(&a), None);
        let far = format!("{}X{}", &wrong_check[..10], &wrong_check[11..]);
        assert_eq!(orgs.typo_of(&far), None);
        // Two registered codes one character away from it: which one is not known.
        // a = P c1 k1, b = P c2 k2, and the typo P c2 k1 is one edit from each.
        let b = "0123456789ABCDEFGHJKLMNPQRTUWXY"
            .chars()
            .map(|c2| code(&format!("{}{c2}", &a[..16])))
            .find(|b| b[16..17] != a[16..17] && b[17..] != a[17..])
            .unwrap();
        let typo = format!("{}{}", &b[..17], &a[17..]);
        assert_eq!(orgs.typo_of(&typo), Some(a.as_str()), "while only a is registered");
        orgs.insert(&b, "另一家公司");
        assert_eq!(orgs.typo_of(&typo), None);
    }
}
