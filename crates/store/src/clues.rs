//! The clue workflow (问题线索处置): a clue is made from warnings, assigned to a
//! handler with a deadline, verified, disposed of by the four forms, rectified
//! by the responsible unit and closed. Every change is an event that records
//! who, when and why; nothing is deleted. The state machine here is pure; the
//! backends store its result with an optimistic version check, so that of two
//! people acting on one clue at once, one succeeds and the other is told.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClueStatus {
    /// 已登记: made, not yet assigned.
    Registered,
    /// 已交办: assigned to a handler with a deadline.
    Assigned,
    /// 核查中: the handler is verifying.
    Verifying,
    /// 已核实: verification ended with a verdict.
    Verified,
    /// 已处置: disposed of by one of the four forms.
    Disposed,
    /// 整改中: the responsible unit is rectifying.
    Rectifying,
    /// 已销号: closed.
    Closed,
}

impl ClueStatus {
    pub const ALL: [ClueStatus; 7] = [
        ClueStatus::Registered,
        ClueStatus::Assigned,
        ClueStatus::Verifying,
        ClueStatus::Verified,
        ClueStatus::Disposed,
        ClueStatus::Rectifying,
        ClueStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClueStatus::Registered => "registered",
            ClueStatus::Assigned => "assigned",
            ClueStatus::Verifying => "verifying",
            ClueStatus::Verified => "verified",
            ClueStatus::Disposed => "disposed",
            ClueStatus::Rectifying => "rectifying",
            ClueStatus::Closed => "closed",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ClueStatus::Registered => "已登记",
            ClueStatus::Assigned => "已交办",
            ClueStatus::Verifying => "核查中",
            ClueStatus::Verified => "已核实",
            ClueStatus::Disposed => "已处置",
            ClueStatus::Rectifying => "整改中",
            ClueStatus::Closed => "已销号",
        }
    }

    pub fn parse(s: &str) -> Option<ClueStatus> {
        ClueStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// How verification ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 属实
    True,
    /// 部分属实
    PartlyTrue,
    /// 不属实
    Untrue,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::True, Verdict::PartlyTrue, Verdict::Untrue];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::True => "true",
            Verdict::PartlyTrue => "partly_true",
            Verdict::Untrue => "untrue",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Verdict::True => "属实",
            Verdict::PartlyTrue => "部分属实",
            Verdict::Untrue => "不属实",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The four forms of supervision and discipline (监督执纪“四种形态”).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// 第一种形态: criticism and education, reminder talks, letters of inquiry.
    First,
    /// 第二种形态: light party or administrative sanctions, organizational adjustment.
    Second,
    /// 第三种形态: heavy sanctions, major post adjustment.
    Third,
    /// 第四种形态: case filed, transferred to the judicial organs.
    Fourth,
}

impl Form {
    pub const ALL: [Form; 4] = [Form::First, Form::Second, Form::Third, Form::Fourth];

    pub fn as_str(self) -> &'static str {
        match self {
            Form::First => "first",
            Form::Second => "second",
            Form::Third => "third",
            Form::Fourth => "fourth",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Form::First => "第一种形态（批评教育、谈话提醒）",
            Form::Second => "第二种形态（轻处分、组织调整）",
            Form::Third => "第三种形态（重处分、重大职务调整）",
            Form::Fourth => "第四种形态（立案审查、移送司法）",
        }
    }

    pub fn parse(s: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What someone does to a clue. Dates are `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Assign (or reassign) to a handler with a verification deadline.
    Assign {
        handler: String,
        deadline: String,
    },
    /// The handler starts verifying.
    Start,
    Verify {
        verdict: Verdict,
    },
    Dispose {
        form: Form,
        accountable: String,
        recovered_fen: i64,
    },
    /// Order the responsible unit to rectify by a deadline.
    Rectify {
        unit: String,
        deadline: String,
    },
    /// The unit reports the rectification done.
    Rectified,
    /// Close (销号).
    Close,
    /// A comment: no change of state.
    Comment,
    /// Merged into another clue (its warnings join that one): closed.
    Merge {
        into: String,
    },
    /// Another clue merged into this one, bringing its warnings: no change of state.
    Absorb {
        from: String,
        warnings: Vec<String>,
    },
    /// Some of its warnings split off into a new clue: no change of state.
    Split {
        into: String,
        warnings: Vec<String>,
    },
    /// A document attached (stored by its SHA-256, never removed): no change of state.
    Attach {
        name: String,
        sha256: String,
        bytes: u64,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Assign { .. } => "assign",
            Action::Start => "start",
            Action::Verify { .. } => "verify",
            Action::Dispose { .. } => "dispose",
            Action::Rectify { .. } => "rectify",
            Action::Rectified => "rectified",
            Action::Close => "close",
            Action::Comment => "comment",
            Action::Attach { .. } => "attach",
            Action::Merge { .. } => "merge",
            Action::Split { .. } => "split",
            Action::Absorb { .. } => "absorb",
        }
    }
}

/// An action the clue's state does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("线索处于“{}”，不能{zh} / a clue that is {} cannot be {en}", from.label_zh(), from.as_str())]
pub struct TransitionError {
    pub from: ClueStatus,
    pub zh: &'static str,
    pub en: &'static str,
}

/// A clue's code, from its number: `XS000042`.
pub fn clue_code(id: i64) -> String {
    format!("XS{id:06}")
}

/// The number in a clue's code.
pub fn clue_id(code: &str) -> Option<i64> {
    code.strip_prefix("XS").filter(|d| d.bytes().all(|b| b.is_ascii_digit())).and_then(|d| d.parse().ok())
}

/// A clue as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClueRecord {
    pub id: i64,
    /// `XS000001`
    pub code: String,
    pub title: String,
    pub status: ClueStatus,
    pub handler: Option<String>,
    pub deadline: Option<String>,
    pub verdict: Option<Verdict>,
    pub form: Option<Form>,
    pub accountable: Option<String>,
    pub recovered_fen: i64,
    pub rectify_unit: Option<String>,
    pub rectify_deadline: Option<String>,
    pub rectified_at: Option<String>,
    /// Raised by each change; an action names the version it was decided on.
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
}

impl ClueRecord {
    /// The state after `action`, or why it is not allowed. Comments leave it as it is.
    pub fn apply(&self, action: &Action, at: &str) -> Result<ClueRecord, TransitionError> {
        use ClueStatus::*;
        let refuse = |zh, en| Err(TransitionError { from: self.status, zh, en });
        let mut next = self.clone();
        next.updated_at = at.to_owned();
        next.version += 1;
        match action {
            Action::Assign { handler, deadline } => {
                if !matches!(self.status, Registered | Assigned | Verifying) {
                    return refuse("交办", "assigned");
                }
                next.status = Assigned;
                next.handler = Some(handler.clone());
                next.deadline = Some(deadline.clone());
            }
            Action::Start => {
                if self.status != Assigned {
                    return refuse("开始核查", "started");
                }
                next.status = Verifying;
            }
            Action::Verify { verdict } => {
                if self.status != Verifying {
                    return refuse("作出核查结论", "verified");
                }
                next.status = Verified;
                next.verdict = Some(*verdict);
            }
            Action::Dispose { form, accountable, recovered_fen } => {
                if self.status != Verified || self.verdict == Some(Verdict::Untrue) {
                    return refuse(
                        "处置（须已核实属实或部分属实）",
                        "disposed of (it must be verified true or partly true)",
                    );
                }
                next.status = Disposed;
                next.form = Some(*form);
                next.accountable = Some(accountable.clone());
                next.recovered_fen = *recovered_fen;
            }
            Action::Rectify { unit, deadline } => {
                if self.status != Disposed {
                    return refuse("下达整改", "sent for rectification");
                }
                next.status = Rectifying;
                next.rectify_unit = Some(unit.clone());
                next.rectify_deadline = Some(deadline.clone());
            }
            Action::Rectified => {
                if self.status != Rectifying || self.rectified_at.is_some() {
                    return refuse("报告整改完成", "reported rectified");
                }
                next.rectified_at = Some(at.to_owned());
            }
            Action::Close => {
                let closable = match self.status {
                    Verified => self.verdict == Some(Verdict::Untrue),
                    Disposed => true,
                    Rectifying => self.rectified_at.is_some(),
                    _ => false,
                };
                if !closable {
                    return refuse(
                        "销号（须不属实、已处置或整改完成）",
                        "closed (it must be untrue, disposed of, or rectified)",
                    );
                }
                next.status = Closed;
            }
            Action::Comment | Action::Attach { .. } => {}
            Action::Merge { .. } | Action::Absorb { .. } | Action::Split { .. } => {
                if self.status == Closed {
                    return refuse("合并或拆分", "merged or split");
                }
                if matches!(action, Action::Merge { .. }) {
                    next.status = Closed;
                }
            }
        }
        Ok(next)
    }

    /// Whether a deadline has passed with the work it set still open, on `today` (`YYYY-MM-DD`).
    pub fn overdue(&self, today: &str) -> bool {
        let passed = |d: &Option<String>| d.as_deref().is_some_and(|d| d < today);
        match self.status {
            ClueStatus::Assigned | ClueStatus::Verifying => passed(&self.deadline),
            ClueStatus::Rectifying => self.rectified_at.is_none() && passed(&self.rectify_deadline),
            _ => false,
        }
    }
}

/// A new clue, made from warnings.
#[derive(Clone, Debug)]
pub struct NewClue {
    pub title: String,
    pub warnings: Vec<String>,
    /// The citizen's report the clue is made from, if any.
    pub report: Option<i64>,
    pub note: String,
    pub by: crate::Actor,
    pub at: String,
}

/// One entry of a clue's history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClueEvent {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub from_status: Option<ClueStatus>,
    pub to_status: ClueStatus,
    pub note: String,
    /// The action's data, as JSON.
    pub detail: String,
}

/// Which clues to list.
#[derive(Clone, Debug, Default)]
pub struct ClueFilter {
    /// Only those assigned to this user (a handler sees no others).
    pub handler: Option<String>,
    pub status: Option<ClueStatus>,
    /// Only those whose rectification falls to this unit (its credit code).
    pub rectify_unit: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clue() -> ClueRecord {
        ClueRecord {
            id: 1,
            code: "XS000001".into(),
            title: "t".into(),
            status: ClueStatus::Registered,
            handler: None,
            deadline: None,
            verdict: None,
            form: None,
            accountable: None,
            recovered_fen: 0,
            rectify_unit: None,
            rectify_deadline: None,
            rectified_at: None,
            version: 1,
            created_at: "2026-11-01".into(),
            created_by: "zhang".into(),
            updated_at: "2026-11-01".into(),
        }
    }

    #[test]
    fn the_whole_way_to_closure() {
        let steps = [
            Action::Assign { handler: "li".into(), deadline: "2026-12-01".into() },
            Action::Start,
            Action::Verify { verdict: Verdict::PartlyTrue },
            Action::Dispose { form: Form::Second, accountable: "王某".into(), recovered_fen: 1_200_00 },
            Action::Rectify { unit: "12331099MB0000000X".into(), deadline: "2027-01-15".into() },
            Action::Rectified,
            Action::Close,
        ];
        let mut c = clue();
        for a in &steps {
            c = c.apply(a, "2026-11-29").unwrap();
        }
        assert_eq!((c.status, c.version, c.recovered_fen), (ClueStatus::Closed, 8, 120_000));
        assert_eq!(c.form, Some(Form::Second));
    }

    #[test]
    fn refused_steps_say_why() {
        let c = clue();
        let e = c.apply(&Action::Close, "2026-11-29").unwrap_err();
        assert!(e.to_string().contains("已登记") && e.to_string().contains("cannot be closed"), "{e}");
        assert!(c.apply(&Action::Start, "d").is_err(), "not assigned yet");
        // An untrue verdict closes without disposition; it cannot be disposed of.
        let mut u = c.apply(&Action::Assign { handler: "li".into(), deadline: "2026-12-01".into() }, "d").unwrap();
        u = u.apply(&Action::Start, "d").unwrap().apply(&Action::Verify { verdict: Verdict::Untrue }, "d").unwrap();
        let dispose = Action::Dispose { form: Form::First, accountable: String::new(), recovered_fen: 0 };
        assert!(u.apply(&dispose, "d").is_err());
        assert_eq!(u.apply(&Action::Close, "d").unwrap().status, ClueStatus::Closed);
        // A comment changes nothing but the version.
        let commented = c.apply(&Action::Comment, "d").unwrap();
        assert_eq!((commented.status, commented.version), (ClueStatus::Registered, 2));
    }

    #[test]
    fn overdue_until_the_work_is_done() {
        let c = clue().apply(&Action::Assign { handler: "li".into(), deadline: "2026-11-20".into() }, "d").unwrap();
        assert!(c.overdue("2026-11-29") && !c.overdue("2026-11-20"));
        let v = c.apply(&Action::Start, "d").unwrap().apply(&Action::Verify { verdict: Verdict::True }, "d").unwrap();
        assert!(!v.overdue("2026-11-29"), "verified: the deadline is met");
    }
}

/// A citizen's report (信访举报). The reporter's identity is stored only as the
/// ciphertext the web app made; the store never sees it in the clear.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportRecord {
    pub id: i64,
    /// What the reporter keeps to follow it, with a secret the store keeps only hashed.
    pub receipt: String,
    #[serde(skip)]
    pub secret_hash: String,
    /// `person`, `unit`, `fund` or `other`.
    pub about_kind: String,
    pub about: String,
    pub content: String,
    #[serde(skip)]
    pub identity: Option<Vec<u8>>,
    /// `received`, `accepted` (a clue was made of it) or `closed`.
    pub status: String,
    pub reply: Option<String>,
    pub clue: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug)]
pub struct NewReport {
    pub receipt: String,
    pub secret_hash: String,
    pub about_kind: String,
    pub about: String,
    pub content: String,
    pub identity: Option<Vec<u8>>,
    pub at: String,
}
