//! Warnings and the scans that raise them, as the state store keeps them.

/// A warning as stored: the identity and figures the models crate computes,
/// plus where it stands. `evidence_json` is `{"figures": …, "sources": […]}`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct WarningRecord {
    pub id: String,
    pub model: String,
    pub domain: String,
    pub severity: String,
    /// 1 high, 2 medium, 3 low: the queue sorts on it.
    pub severity_rank: i64,
    pub subject_kind: String,
    pub subject_id: String,
    pub subject_name: String,
    pub org_code: Option<String>,
    pub region_code: Option<String>,
    pub amount_fen: i64,
    pub reason_zh: String,
    pub reason_en: String,
    pub evidence_json: String,
    /// SHA-256 of the evidence: a change means the facts changed.
    pub digest: String,
    pub status: WarningStatus,
    pub first_scan: i64,
    pub last_scan: i64,
    pub resolved_scan: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningStatus {
    Open,
    /// The evidence is gone from the data (a corrected import, say); kept, never deleted.
    ResolvedByData,
}

impl WarningStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningStatus::Open => "open",
            WarningStatus::ResolvedByData => "resolved_by_data",
        }
    }

    pub fn parse(s: &str) -> Option<WarningStatus> {
        match s {
            "open" => Some(WarningStatus::Open),
            "resolved_by_data" => Some(WarningStatus::ResolvedByData),
            _ => None,
        }
    }
}

/// How many warnings of one model are in one status, and their amount: the dashboard's unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningCount {
    pub domain: String,
    pub model: String,
    pub status: WarningStatus,
    pub count: i64,
    pub amount_fen: i64,
}

/// The identity, digest and status of a stored warning: what a scan compares.
#[derive(Clone, Debug)]
pub struct WarningDigest {
    pub id: String,
    pub digest: String,
    pub status: WarningStatus,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WarningSort {
    /// Severity, then amount (largest first), then identity: the queue's order.
    #[default]
    Severity,
    Amount,
    Newest,
    Model,
}

/// Which warnings to list. Empty fields do not filter.
#[derive(Clone, Debug, Default)]
pub struct WarningFilter {
    pub domain: Option<String>,
    pub model: Option<String>,
    pub severity: Option<String>,
    /// A region code or its prefix (county → its villages).
    pub region: Option<String>,
    pub org_code: Option<String>,
    pub subject_id: Option<String>,
    pub min_amount_fen: Option<i64>,
    /// `None`: open only.
    pub status: Option<WarningStatus>,
    pub all_statuses: bool,
    pub sort: WarningSort,
    pub limit: Option<u64>,
    pub offset: u64,
}

/// A scan as it starts.
#[derive(Clone, Debug)]
pub struct NewScan {
    pub started_at: String,
    /// `manual`, `import` or `schedule`.
    pub trigger: String,
    /// JSON list of model codes.
    pub models_json: String,
    /// JSON list of the batch numbers read.
    pub batches_json: String,
    /// JSON of the configuration in force.
    pub config_json: String,
    pub config_sha256: String,
}

#[derive(Clone, Debug, Default)]
pub struct ScanCounts {
    pub new: u64,
    pub unchanged: u64,
    /// Still raised, with different evidence (or raised again after being resolved).
    pub changed: u64,
    pub resolved: u64,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct ScanRecord {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub trigger: String,
    pub models_json: String,
    pub batches_json: String,
    pub config_json: String,
    pub config_sha256: String,
    pub status: String,
    pub new_count: u64,
    pub unchanged_count: u64,
    pub changed_count: u64,
    pub resolved_count: u64,
    pub error: Option<String>,
}
