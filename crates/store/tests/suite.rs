//! One state-store test suite, run against SQLite always and against
//! PostgreSQL when `QINGFENG_TEST_POSTGRES` names a server (scripts/test starts
//! a throwaway cluster and sets it; plain `cargo test` skips those, marked ignored).

use store::*;

fn new_batch(sha: &str) -> NewBatch {
    NewBatch {
        table: "person".into(),
        source_name: "person.csv".into(),
        source_sha256: sha.into(),
        source_bytes: 10,
        format: "csv".into(),
        encoding: Some("utf8".into()),
        tolerance: 0,
        imported_at: "2026-11-29T08:00:00+08:00".into(),
        imported_by: "tester".into(),
    }
}

fn accepted() -> BatchEnd {
    BatchEnd {
        status: BatchStatus::Accepted,
        sheet: None,
        rows_read: 3,
        rows_stored: 3,
        error_count: 0,
        data_path: Some("tables/person/1.parquet".into()),
        data_sha256: Some("ff".into()),
        stats_json: Some("[]".into()),
        reason: None,
        report_path: None,
    }
}

async fn batch_lifecycle(store: &dyn StateStore) {
    let id = store.begin_batch(&new_batch("aa")).await.unwrap();
    assert_eq!(store.batch(id).await.unwrap().status, BatchStatus::Pending);
    assert!(store.find_accepted("person", "aa").await.unwrap().is_none());
    store.end_batch(id, &accepted()).await.unwrap();
    let found = store.find_accepted("person", "aa").await.unwrap().unwrap();
    assert_eq!((found.id, found.rows_stored, found.imported_by.as_str()), (id, 3, "tester"));
    // An ended batch cannot end again.
    assert!(matches!(store.end_batch(id, &accepted()).await, Err(StoreError::NoSuchBatch(_))));
    // The same source cannot be accepted twice for one table.
    let again = store.begin_batch(&new_batch("aa")).await.unwrap();
    assert!(store.end_batch(again, &accepted()).await.is_err());
    let orphan = store.begin_batch(&new_batch("bb")).await.unwrap();
    let aborted = store.abort_pending().await.unwrap();
    assert_eq!(aborted.iter().map(|b| b.id).collect::<Vec<_>>(), vec![again, orphan]);
    assert_eq!(store.batch(orphan).await.unwrap().status, BatchStatus::Aborted);
    assert_eq!(store.batches().await.unwrap().len(), 3);
}

async fn users_sessions_and_throttling(store: &dyn StateStore) {
    let new = NewUser {
        username: "zhang".into(),
        display_name: "张三".into(),
        role: Role::Supervisor,
        password_hash: "$argon2id$...".into(),
        unit_code: None,
    };
    let id = store.create_user(&new, 100).await.unwrap();
    assert!(matches!(store.create_user(&new, 100).await, Err(StoreError::UserExists(_))));
    assert_eq!(store.user_by_name("zhang").await.unwrap().unwrap().role, Role::Supervisor);
    assert_eq!(store.users().await.unwrap().len(), 1);
    let session =
        Session { token_hash: "h".into(), user_id: id, csrf_token: "c".into(), created_at: 100, expires_at: 200 };
    store.create_session(&session).await.unwrap();
    assert_eq!(store.session("h", 150).await.unwrap().unwrap().1.username, "zhang");
    assert!(store.session("h", 200).await.unwrap().is_none(), "expired");
    store.delete_session("h").await.unwrap();
    assert!(store.session("h", 150).await.unwrap().is_none());
    for t in [10, 20, 30] {
        store.record_login_failure("user:zhang", t).await.unwrap();
    }
    assert_eq!(store.login_failures_since("user:zhang", 15).await.unwrap(), 2);
    store.clear_login_failures("user:zhang").await.unwrap();
    assert_eq!(store.login_failures_since("user:zhang", 0).await.unwrap(), 0);
    // API tokens act as their user, until revoked.
    store.create_api_token(id, "nightly", "th", 100).await.unwrap();
    let (user, label) = store.api_token_user("th").await.unwrap().unwrap();
    assert_eq!((user.username.as_str(), label.as_str()), ("zhang", "nightly"));
    assert!(store.create_api_token(id, "nightly", "th2", 100).await.is_err(), "labels are unique per user");
    assert_eq!(store.api_tokens().await.unwrap(), vec![("zhang".into(), "nightly".into(), 100, None)]);
    assert!(store.revoke_api_token(id, "nightly", 300).await.unwrap());
    assert!(!store.revoke_api_token(id, "nightly", 301).await.unwrap(), "already revoked");
    assert!(store.api_token_user("th").await.unwrap().is_none());
    // Disabling an account ends its sessions; so does a new password.
    let audit = NewAudit {
        at: "2026-11-29T10:00:00+08:00".into(),
        actor: "sec".into(),
        role: "security_admin".into(),
        address: None,
        action: "user.disable".into(),
        object: "user:zhang".into(),
        detail: "{}".into(),
    };
    let session = |h: &str| Session {
        token_hash: h.into(),
        user_id: id,
        csrf_token: "c".into(),
        created_at: 100,
        expires_at: 900,
    };
    store.create_session(&session("s1")).await.unwrap();
    store.set_user_disabled(id, true, &audit).await.unwrap();
    assert!(store.session("s1", 150).await.unwrap().is_none());
    assert!(store.user_by_name("zhang").await.unwrap().unwrap().disabled);
    store.set_user_disabled(id, false, &audit).await.unwrap();
    store.create_session(&session("s2")).await.unwrap();
    store.set_password(id, "$argon2id$new", &audit).await.unwrap();
    assert!(store.session("s2", 150).await.unwrap().is_none());
    assert_eq!(store.user_by_name("zhang").await.unwrap().unwrap().password_hash, "$argon2id$new");
    assert_eq!(store.audit_entries(0, 10).await.unwrap().len(), 3, "each change audited");
    store.set_user_region(id, Some("331099001"), &audit).await.unwrap();
    let scoped = store.user_by_name("zhang").await.unwrap().unwrap();
    assert_eq!(scoped.region_code.as_deref(), Some("331099001"));
    assert!(scoped.sees_region(Some("331099001002")) && !scoped.sees_region(Some("331099002001")));
    assert!(!scoped.sees_region(None), "a record without a region is for unscoped users only");
}

async fn clue_merging(store: &dyn StateStore) {
    let scan = store.begin_scan(&new_scan()).await.unwrap();
    let list = [warning("M01-a", "M01", 1, 500, "331099001001"), warning("M01-b", "M01", 1, 900, "331099001001")];
    store.save_warnings(scan, &list, &[], &[]).await.unwrap();
    let by = Actor::new("sup", "supervisor");
    let clue = |w: &str| NewClue {
        title: format!("clue of {w}"),
        warnings: vec![w.into()],
        report: None,
        note: String::new(),
        by: by.clone(),
        at: "2026-11-29T09:00:00+08:00".into(),
    };
    let a = store.create_clue(&clue("M01-a")).await.unwrap();
    let b = store.create_clue(&clue("M01-b")).await.unwrap();
    let at = "2026-11-29T10:00:00+08:00";
    assert!(matches!(
        store.merge_clues((&b.code, 0), (&a.code, a.version), &by, "", at).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(store.merge_clues((&a.code, a.version), (&a.code, a.version), &by, "", at).await.is_err());
    let merged = store.merge_clues((&b.code, b.version), (&a.code, a.version), &by, "同一人", at).await.unwrap();
    assert_eq!((merged.code.as_str(), merged.version), (a.code.as_str(), a.version + 1));
    let (warnings, events) = store.clue_details(a.id).await.unwrap();
    assert_eq!(warnings, ["M01-a", "M01-b"]);
    assert_eq!(events.last().unwrap().action, "absorb");
    let b_now = store.clue(&b.code).await.unwrap().unwrap();
    assert_eq!(b_now.status, ClueStatus::Closed);
    let (b_warnings, b_events) = store.clue_details(b.id).await.unwrap();
    assert_eq!(b_warnings, ["M01-b"], "the merged clue keeps its own record");
    assert!(b_events.last().unwrap().detail.contains(&a.code));
    assert!(matches!(
        store.merge_clues((&b.code, b_now.version), (&a.code, merged.version), &by, "", at).await,
        Err(StoreError::Transition(_))
    ));
    assert_eq!(store.clues_of_warning("M01-b").await.unwrap().len(), 2);

    // Split M01-b off again, into a clue of its own.
    let a_now = store.clue(&a.code).await.unwrap().unwrap();
    let split = NewClue { title: "拆分".into(), note: "另案处理".into(), at: at.into(), ..clue("M01-b") };
    assert!(store.split_clue(&a.code, a_now.version - 1, &split).await.is_err(), "stale version");
    let whole = NewClue { warnings: vec!["M01-a".into(), "M01-b".into()], ..split.clone() };
    assert!(store.split_clue(&a.code, a_now.version, &whole).await.is_err(), "not all of them");
    let c = store.split_clue(&a.code, a_now.version, &split).await.unwrap();
    assert_eq!(store.clue_details(a.id).await.unwrap().0, ["M01-a"]);
    assert_eq!(store.clue_details(c.id).await.unwrap().0, ["M01-b"]);
    let a_events = store.clue_details(a.id).await.unwrap().1;
    assert!(a_events.last().unwrap().action == "split" && a_events.last().unwrap().detail.contains(&c.code));
    let holders: Vec<String> = store.clues_of_warning("M01-b").await.unwrap().into_iter().map(|x| x.code).collect();
    assert_eq!(holders, [b.code.clone(), c.code.clone()], "the merged clue's own record, and the new one");
}

async fn inspection_results(store: &dyn StateStore) {
    let audit = |at: &str| NewAudit {
        at: at.into(),
        actor: "clerk".into(),
        role: "clerk".into(),
        address: None,
        action: "inspection.result".into(),
        object: "inspection:abc".into(),
        detail: "{}".into(),
    };
    let mut result = store::NewInspectionResult {
        plan_commitment: "abc".into(),
        target: "T1".into(),
        checked_on: "2026-11-02".into(),
        outcome: "no_problem".into(),
        findings: String::new(),
        entered_by: "clerk".into(),
    };
    let first = store.save_inspection_result(&result, &audit("2026-11-03T09:00:00+08:00")).await.unwrap();
    result.outcome = "corrected".into();
    let corrected = store.save_inspection_result(&result, &audit("2026-11-03T10:00:00+08:00")).await.unwrap();
    assert_eq!((corrected.id, corrected.outcome.as_str()), (first.id, "corrected"), "corrected in place");
    store.mark_inspection_published(first.id, 7, "2026-11-04T09:00:00+08:00").await.unwrap();
    let stored = store.inspection_results(Some("abc")).await.unwrap();
    assert_eq!((stored.len(), stored[0].ledger_index), (1, Some(7)));
    assert!(matches!(
        store.save_inspection_result(&result, &audit("2026-11-05T09:00:00+08:00")).await,
        Err(StoreError::Published { .. })
    ));
    assert_eq!(store.inspection_results(None).await.unwrap().len(), 1);
    assert_eq!(store.audit_entries(0, 10).await.unwrap().len(), 2, "each entry audited in its transaction");
}

async fn ledger_entries_and_checkpoints(store: &dyn StateStore) {
    assert_eq!(store.ledger_size().await.unwrap(), 0);
    let entry = |n: u8| LedgerEntry {
        kind: "import_batch".into(),
        record: format!("{{\"batch\":{n}}}"),
        salt: "00".into(),
        leaf_hash: vec![n; 32],
        created_at: "2026-11-29T08:00:00+08:00".into(),
    };
    assert_eq!(store.ledger_append(&[entry(1), entry(2)]).await.unwrap(), 0);
    assert_eq!(store.ledger_append(&[entry(3)]).await.unwrap(), 2);
    assert_eq!(store.ledger_leaf_hashes(0, 2).await.unwrap(), vec![vec![1u8; 32], vec![2u8; 32]]);
    assert_eq!(store.ledger_leaf_hashes(1, 3).await.unwrap(), vec![vec![2u8; 32], vec![3u8; 32]]);
    assert_eq!(store.ledger_entry(2).await.unwrap().unwrap().record, "{\"batch\":3}");
    assert!(store.ledger_entry(3).await.unwrap().is_none());
    assert_eq!(store.ledger_records("import_batch").await.unwrap().len(), 3);
    store.ledger_add_checkpoint(2, "note 2", "t").await.unwrap();
    store.ledger_add_checkpoint(3, "note 3", "t").await.unwrap();
    store.ledger_add_checkpoint(3, "note 3 again", "t").await.unwrap();
    assert_eq!(store.ledger_checkpoint(None).await.unwrap(), Some((3, "note 3 again".into())));
    assert_eq!(store.ledger_checkpoint(Some(2)).await.unwrap(), Some((2, "note 2".into())));
}

fn warning(id: &str, model: &str, severity_rank: i64, amount_fen: i64, region: &str) -> WarningRecord {
    WarningRecord {
        id: id.into(),
        model: model.into(),
        domain: "livelihood".into(),
        severity: ["", "high", "medium", "low"][severity_rank as usize].into(),
        severity_rank,
        subject_kind: "person".into(),
        subject_id: format!("subject-{id}"),
        subject_name: "某某".into(),
        org_code: Some("UNIT1".into()),
        region_code: Some(region.into()),
        amount_fen,
        reason_zh: "理由".into(),
        reason_en: "reason".into(),
        evidence_json: "{}".into(),
        digest: format!("digest-{id}"),
        status: WarningStatus::Open,
        first_scan: 0,
        last_scan: 0,
        resolved_scan: None,
    }
}

fn new_scan() -> NewScan {
    NewScan {
        started_at: "2026-11-29T09:00:00+08:00".into(),
        trigger: "manual".into(),
        models_json: "[\"M01\"]".into(),
        batches_json: "[1]".into(),
        config_json: "{}".into(),
        config_sha256: "00".into(),
    }
}

async fn warnings_and_scans(store: &dyn StateStore) {
    let first = store.begin_scan(&new_scan()).await.unwrap();
    let list = [
        warning("M01-a", "M01", 1, 500, "331099001001"),
        warning("M01-b", "M01", 1, 900, "331099002001"),
        warning("M06-c", "M06", 2, 100_000, "331099001001"),
    ];
    store.save_warnings(first, &list, &[], &[]).await.unwrap();
    store
        .end_scan(first, "2026-11-29T09:00:05+08:00", &ScanCounts { new: 3, ..Default::default() }, None)
        .await
        .unwrap();

    // Queue order: severity, then amount, largest first.
    let (all, total) = store.warnings(&WarningFilter::default()).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(all.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), ["M01-b", "M01-a", "M06-c"]);
    assert_eq!(all[0], WarningRecord { first_scan: first, last_scan: first, ..list[1].clone() });
    let by_amount = WarningFilter { sort: WarningSort::Amount, ..Default::default() };
    assert_eq!(store.warnings(&by_amount).await.unwrap().0[0].id, "M06-c");
    let village = WarningFilter { region: Some("331099001".into()), ..Default::default() };
    assert_eq!(store.warnings(&village).await.unwrap().1, 2);
    let large = WarningFilter { min_amount_fen: Some(900), model: Some("M01".into()), ..Default::default() };
    assert_eq!(store.warnings(&large).await.unwrap().0.iter().map(|w| w.id.clone()).collect::<Vec<_>>(), ["M01-b"]);
    let page = WarningFilter { limit: Some(1), offset: 1, ..Default::default() };
    let (one, total) = store.warnings(&page).await.unwrap();
    assert_eq!((one.len(), total, one[0].id.as_str()), (1, 3, "M01-a"));

    // A second scan: one unchanged, one changed, one resolved by data.
    let second = store.begin_scan(&new_scan()).await.unwrap();
    let changed = WarningRecord { digest: "new".into(), amount_fen: 700, ..list[0].clone() };
    store.save_warnings(second, &[changed], &["M06-c".into()], &["M01-b".into()]).await.unwrap();
    let digests = store.warning_digests("M01").await.unwrap();
    assert_eq!(digests.len(), 2);
    let b = store.warning("M01-b").await.unwrap().unwrap();
    assert_eq!((b.status, b.resolved_scan), (WarningStatus::ResolvedByData, Some(second)));
    let a = store.warning("M01-a").await.unwrap().unwrap();
    assert_eq!((a.first_scan, a.last_scan, a.amount_fen, a.digest.as_str()), (first, second, 700, "new"));
    assert_eq!(store.warning("M06-c").await.unwrap().unwrap().last_scan, second);
    assert_eq!(store.warnings(&WarningFilter::default()).await.unwrap().1, 2, "resolved ones leave the queue");
    let everything = WarningFilter { all_statuses: true, ..Default::default() };
    assert_eq!(store.warnings(&everything).await.unwrap().1, 3, "but are kept");

    // Raised again: open again.
    let third = store.begin_scan(&new_scan()).await.unwrap();
    store.save_warnings(third, &[list[1].clone()], &[], &[]).await.unwrap();
    let b = store.warning("M01-b").await.unwrap().unwrap();
    assert_eq!((b.status, b.resolved_scan, b.first_scan), (WarningStatus::Open, None, first));
    store.end_scan(third, "x", &ScanCounts::default(), Some("M05: failed")).await.unwrap();
    let scans = store.scans(10).await.unwrap();
    assert_eq!(scans.iter().map(|s| s.id).collect::<Vec<_>>(), [third, second, first]);
    assert_eq!((scans[0].status.as_str(), scans[0].error.as_deref()), ("failed", Some("M05: failed")));
    assert_eq!((scans[2].status.as_str(), scans[2].new_count), ("finished", 3));
    assert!(store.warning("nope").await.unwrap().is_none());
    let counts = store.warning_counts().await.unwrap();
    let m01: Vec<_> = counts.iter().filter(|c| c.model == "M01").map(|c| (c.status, c.count, c.amount_fen)).collect();
    assert_eq!(m01, [(WarningStatus::Open, 2, 1600)], "{counts:?}");
    assert_eq!(counts.len(), 2, "M01 and M06, both open: {counts:?}");
}

/// More warnings than one statement writes, an identifier raised twice, and
/// more unchanged and resolved identifiers than one `IN` list holds.
async fn many_warnings(store: &dyn StateStore) {
    let first = store.begin_scan(&new_scan()).await.unwrap();
    let mut list: Vec<WarningRecord> =
        (0..2_450).map(|i| warning(&format!("P04-{i:05}"), "P04", 2, 100 + i, "331099001001")).collect();
    // Raised twice in one scan: the second one stands.
    list.push(WarningRecord { amount_fen: 7, ..list[3].clone() });
    store.save_warnings(first, &list, &[], &[]).await.unwrap();
    let digests = store.warning_digests("P04").await.unwrap();
    assert_eq!(digests.len(), 2_450);
    let w = store.warning("P04-02449").await.unwrap().unwrap();
    assert_eq!((w.amount_fen, w.first_scan, w.last_scan, w.status), (2_549, first, first, WarningStatus::Open));
    assert_eq!(store.warning("P04-00003").await.unwrap().unwrap().amount_fen, 7);
    assert_eq!(w, WarningRecord { first_scan: first, last_scan: first, ..list[2_449].clone() });

    let second = store.begin_scan(&new_scan()).await.unwrap();
    let unchanged: Vec<String> = (0..1_200).map(|i| format!("P04-{i:05}")).collect();
    let resolved: Vec<String> = (1_200..2_450).map(|i| format!("P04-{i:05}")).collect();
    store.save_warnings(second, &[], &unchanged, &resolved).await.unwrap();
    for (id, status, last) in [
        ("P04-00000", WarningStatus::Open, second),
        ("P04-01199", WarningStatus::Open, second),
        ("P04-01200", WarningStatus::ResolvedByData, first),
        ("P04-02449", WarningStatus::ResolvedByData, first),
    ] {
        let w = store.warning(id).await.unwrap().unwrap();
        assert_eq!((w.status, w.last_scan), (status, last), "{id}");
    }
    assert_eq!(store.warnings(&WarningFilter::default()).await.unwrap().1, 1_200);
}

async fn clue_workflow(store: &dyn StateStore) {
    let scan = store.begin_scan(&new_scan()).await.unwrap();
    store.save_warnings(scan, &[warning("M01-a", "M01", 1, 500, "331099001001")], &[], &[]).await.unwrap();
    let new = |warnings: Vec<String>| NewClue {
        title: "死亡人员冒领低保".into(),
        warnings,
        report: None,
        note: "立为线索".into(),
        by: Actor::new("zhang", "supervisor"),
        at: "2026-11-29T10:00:00+08:00".into(),
    };
    assert!(matches!(store.create_clue(&new(vec!["nope".into()])).await, Err(StoreError::NoSuchWarning(_))));
    let clue = store.create_clue(&new(vec!["M01-a".into()])).await.unwrap();
    assert_eq!((clue.status, clue.version, clue.code.as_str()), (ClueStatus::Registered, 1, "XS000001"));
    let at = "2026-11-29T10:05:00+08:00";
    let assign = Action::Assign { handler: "li".into(), deadline: "2026-12-15".into() };
    let c = store
        .act_on_clue(&clue.code, 1, &assign, &Actor::new("zhang", "supervisor"), "请于12月15日前核实", at)
        .await
        .unwrap();
    assert_eq!((c.status, c.version, c.handler.as_deref()), (ClueStatus::Assigned, 2, Some("li")));
    // Acting on a version that is gone is a conflict; an action the state refuses, a transition error.
    let stale = store.act_on_clue(&clue.code, 1, &Action::Start, &Actor::new("li", "supervisor"), "", at).await;
    assert!(matches!(stale, Err(StoreError::Conflict { expected: 1, current: 2, .. })), "{stale:?}");
    let refused = store.act_on_clue(&clue.code, 2, &Action::Close, &Actor::new("zhang", "supervisor"), "", at).await;
    assert!(matches!(refused, Err(StoreError::Transition(_))), "{refused:?}");
    // Two people acting on one version at the same moment: one succeeds, the other is told.
    let mut version = 2;
    for round in 0..10 {
        let note = format!("意见{round}");
        let (li, zhang) = (Actor::new("li", "handler"), Actor::new("zhang", "supervisor"));
        let (a, b) = tokio::join!(
            store.act_on_clue(&clue.code, version, &Action::Comment, &li, &note, at),
            store.act_on_clue(&clue.code, version, &Action::Comment, &zhang, &note, at),
        );
        let ok = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "round {round}: {a:?} {b:?}");
        assert!([&a, &b].iter().any(|r| matches!(r, Err(StoreError::Conflict { .. }))), "{a:?} {b:?}");
        version += 1;
    }
    for action in [
        Action::Start,
        Action::Verify { verdict: Verdict::True },
        Action::Dispose { form: Form::First, accountable: "王某（村会计）".into(), recovered_fen: 360_000 },
        Action::Rectify { unit: "12331099MB0000000X".into(), deadline: "2027-01-31".into() },
        Action::Rectified,
        Action::Close,
    ] {
        let c =
            store.act_on_clue(&clue.code, version, &action, &Actor::new("zhang", "supervisor"), "", at).await.unwrap();
        version = c.version;
    }
    let closed = store.clue(&clue.code).await.unwrap().unwrap();
    assert_eq!((closed.status, closed.recovered_fen, closed.form), (ClueStatus::Closed, 360_000, Some(Form::First)));
    // Every step is in the history, with who and from which state; nothing was lost.
    let (warnings, events) = store.clue_details(closed.id).await.unwrap();
    assert_eq!(warnings, ["M01-a"]);
    assert_eq!(events.len(), 1 + 1 + 10 + 6, "create, assign, ten comments, six steps");
    assert_eq!((events[1].action.as_str(), events[1].actor.as_str()), ("assign", "zhang"));
    assert_eq!(events[1].from_status, Some(ClueStatus::Registered));
    assert!(events[1].detail.contains("2026-12-15"), "{}", events[1].detail);
    assert_eq!(events.last().unwrap().to_status, ClueStatus::Closed);
    assert_eq!(store.clues(&ClueFilter { handler: Some("li".into()), ..Default::default() }).await.unwrap().len(), 1);
    assert!(store.clues(&ClueFilter { handler: Some("wang".into()), ..Default::default() }).await.unwrap().is_empty());
    assert_eq!(store.clues_of_warning("M01-a").await.unwrap()[0].code, "XS000001");
    assert!(store.clue("XS000099").await.unwrap().is_none() && store.clue("junk").await.unwrap().is_none());
    // Each step is in the audit trail too, written in the step's own transaction.
    let (trail, check) = store::audit_trail(store).await.unwrap();
    assert_eq!(check, Ok(()));
    assert_eq!(trail.iter().filter(|e| e.entry.object == "clue:XS000001").count(), events.len());
}

fn audit_entry(n: usize) -> NewAudit {
    NewAudit {
        at: format!("2026-11-29T10:00:{:02}+08:00", n % 60),
        actor: format!("user{}", n % 3),
        role: "supervisor".into(),
        address: Some("127.0.0.1".into()),
        action: "clue.view".into(),
        object: format!("clue:XS{n:06}"),
        detail: "{}".into(),
    }
}

async fn audit_trail(store: &dyn StateStore) {
    assert_eq!(store.audit_head().await.unwrap(), (0, store::audit::GENESIS.to_owned()));
    // Appends at the same moment are serialized: one chain, no fork, no gap.
    for round in 0..5 {
        let e: Vec<NewAudit> = (0..4).map(|i| audit_entry(4 * round + i)).collect();
        let (a, b, c, d) = tokio::join!(
            store.audit_append(&e[0]),
            store.audit_append(&e[1]),
            store.audit_append(&e[2]),
            store.audit_append(&e[3]),
        );
        for r in [a, b, c, d] {
            r.unwrap();
        }
    }
    let entries = store.audit_entries(0, 1000).await.unwrap();
    assert_eq!(entries.len(), 20);
    let (seq, hash) = store.audit_head().await.unwrap();
    assert_eq!(store::audit::verify(&entries, seq, &hash), Ok(()));
    assert_eq!(store.audit_entries(18, 10).await.unwrap().iter().map(|e| e.seq).collect::<Vec<_>>(), [19, 20]);
}

/// Whoever edits the database behind the program's back is found out.
#[tokio::test]
async fn sqlite_audit_tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = SqliteStore::open(&path).await.unwrap();
    for n in 0..5 {
        store.audit_append(&audit_entry(n)).await.unwrap();
    }
    store.close().await;
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query("UPDATE audit SET actor = 'nobody' WHERE seq = 3").execute(&raw).await.unwrap();
    let store = SqliteStore::open(&path).await.unwrap();
    let (seq, hash) = store.audit_head().await.unwrap();
    let broken = store::audit::verify(&store.audit_entries(0, 100).await.unwrap(), seq, &hash).unwrap_err();
    assert_eq!(broken.seq, 3, "{broken}");
    // Put entry 3 back as it was (audit_entry(2)), then remove the last entry.
    sqlx::query("DELETE FROM audit WHERE seq = 5").execute(&raw).await.unwrap();
    sqlx::query("UPDATE audit SET actor = 'user2' WHERE seq = 3").execute(&raw).await.unwrap();
    let broken = store::audit::verify(&store.audit_entries(0, 100).await.unwrap(), seq, &hash).unwrap_err();
    assert_eq!(broken.seq, 5, "removing the last entry is found too: {broken}");
}

async fn reports_become_clues(store: &dyn StateStore) {
    let new = NewReport {
        receipt: "R7K2M9Q4XW3P".into(),
        secret_hash: "aa".into(),
        about_kind: "person".into(),
        about: "某村会计".into(),
        content: "冒领低保".into(),
        identity: Some(vec![1, 2, 3]),
        at: "2026-11-29T10:00:00+08:00".into(),
    };
    let audit = NewAudit { action: "report.create".into(), object: "report:R7K2M9Q4XW3P".into(), ..audit_entry(0) };
    let report = store.create_report(&new, &audit).await.unwrap();
    assert_eq!((report.status.as_str(), report.identity.as_deref()), ("received", Some(&[1u8, 2, 3][..])));
    assert_eq!(store.report_by_receipt("R7K2M9Q4XW3P").await.unwrap().unwrap().id, report.id);
    assert!(store.report_by_receipt("nope").await.unwrap().is_none());
    let clue = NewClue {
        title: "举报：冒领低保".into(),
        warnings: vec![],
        report: Some(report.id),
        note: String::new(),
        by: Actor::new("zhang", "supervisor"),
        at: "2026-11-29T11:00:00+08:00".into(),
    };
    let made = store.create_clue(&clue).await.unwrap();
    let report = store.report(report.id).await.unwrap().unwrap();
    assert_eq!((report.status.as_str(), report.clue.as_deref()), ("accepted", Some(made.code.as_str())));
    // A report becomes one clue, once.
    assert!(matches!(store.create_clue(&clue).await, Err(StoreError::NoSuchReport(_))));
    assert_eq!(store.reports().await.unwrap().len(), 1);
    let zhang = Actor::new("zhang", "supervisor");
    let answered = store.answer_report(report.id, "已查实，已处理。", true, &zhang, "2026-12-01").await.unwrap();
    assert_eq!((answered.status.as_str(), answered.reply.as_deref()), ("closed", Some("已查实，已处理。")));
    assert!(store.answer_report(report.id, "again", false, &zhang, "2026-12-02").await.is_err(), "closed stays closed");
    let (trail, check) = store::audit_trail(store).await.unwrap();
    assert_eq!(check, Ok(()));
    assert!(trail.iter().any(|e| e.entry.action == "report.create"));
}

async fn entity_decisions(store: &dyn StateStore) {
    let audit = |actor: &str| NewAudit {
        actor: actor.into(),
        action: "entity.decide".into(),
        object: "pair".into(),
        ..audit_entry(1)
    };
    let (a, b) = ("person/1/4/person", "kinship/2/7/relative");
    // Order does not matter: (b, a) is the same pair.
    let first = store.record_entity_decision(b, a, "same", "同一户籍", None, &audit("alice")).await.unwrap();
    assert_eq!((first.a.as_str(), first.b.as_str()), ("kinship/2/7/relative", "person/1/4/person"));
    // A second reviewer cannot override it without naming it …
    let err = store.record_entity_decision(a, b, "different", "", None, &audit("bob")).await.unwrap_err();
    assert!(matches!(&err, store::StoreError::Decided { by, .. } if by == "alice"), "{err}");
    let err =
        store.record_entity_decision(a, b, "different", "", Some(first.id + 99), &audit("bob")).await.unwrap_err();
    assert!(matches!(err, store::StoreError::Decided { .. }));
    // … and can when naming it; the history keeps both.
    let second =
        store.record_entity_decision(a, b, "different", "出生日期不同", Some(first.id), &audit("bob")).await.unwrap();
    let current = store.entity_decisions().await.unwrap();
    assert_eq!(current, vec![second.clone()]);
    let history = store.entity_decision_history(b, a).await.unwrap();
    assert_eq!(history.iter().map(|d| d.decision.as_str()).collect::<Vec<_>>(), ["same", "different"]);
    // Each decision is in the audit trail.
    let trail = store.audit_entries(0, 100).await.unwrap();
    assert_eq!(trail.iter().filter(|e| e.entry.action == "entity.decide").count(), 2);
}

async fn sqlite() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("state.db")).await.unwrap();
    (dir, store)
}

/// A fresh database on the test server for each test.
async fn postgres() -> PgStore {
    let server = std::env::var("QINGFENG_TEST_POSTGRES")
        .expect("QINGFENG_TEST_POSTGRES must name a PostgreSQL server (scripts/test starts one)");
    let name = format!("qingfeng_test_{}", uuid::Uuid::new_v4().simple());
    PgStore::create_database(&server, &name).await.expect("cannot create a database on the PostgreSQL test server");
    let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
    PgStore::open(&format!("{base}/{name}")).await.unwrap()
}

macro_rules! suite {
    ($($test:ident),*) => {
        mod on_sqlite {
            $(#[tokio::test]
            async fn $test() {
                let (_dir, store) = super::sqlite().await;
                super::$test(&store).await;
            })*
        }
        mod on_postgres {
            $(#[tokio::test]
            #[ignore = "needs PostgreSQL: scripts/test starts a throwaway cluster"]
            async fn $test() {
                let store = super::postgres().await;
                super::$test(&store).await;
            })*
        }
    };
}

suite!(
    batch_lifecycle,
    users_sessions_and_throttling,
    ledger_entries_and_checkpoints,
    warnings_and_scans,
    many_warnings,
    clue_workflow,
    audit_trail,
    reports_become_clues,
    inspection_results,
    clue_merging,
    entity_decisions
);

#[tokio::test]
async fn sqlite_reopens_with_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = SqliteStore::open(&path).await.unwrap();
    store.begin_batch(&new_batch("aa")).await.unwrap();
    store.close().await;
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.batches().await.unwrap().len(), 1);
}
