--! code = "P13"
--! name_zh = "异常状态主体"
--! name_en = "Revoked or cancelled bidder"
--! domain = "trading"
--! severity = "high"
--! subject = "tender"
--! summary_zh = "投标人或中标人在开标前已被吊销营业执照或注销。"
--! summary_en = "A bidder or winner was revoked or cancelled before the bid opening."
--! basis_zh = "《公司法》《市场主体登记管理条例》：被吊销营业执照或注销的主体不得从事经营活动；其参加投标或中标，说明资格审查失职或借用他人名义投标。"
--! basis_en = "Company Law and the Regulations on the Registration of Market Entities: a revoked or cancelled entity may not trade; its bid or award means the qualification check failed or someone bid in its name."
--! reads = ["tender", "bid", "award", "enterprise"]
--! reason_zh = "{bidder}已于{status_date}{status}，仍于{bid_open_date}参加{subject_name}的投标{outcome}。"
--! reason_en = "{bidder} was {status} on {status_date} yet bid for {subject_name} on {bid_open_date}{outcome}."
--!
--! [figures]
--! bidder = { zh = "投标人", en = "Bidder" }
--! status = { zh = "登记状态", en = "Status" }
--! status_date = { zh = "状态日期", en = "Status date" }
--! bid_open_date = { zh = "开标日期", en = "Bid opening" }
--! outcome = { zh = "结果", en = "Outcome" }
WITH p AS (
    SELECT tender_id, bidder_code AS code, coalesce(bidder_name, bidder_code) AS name, _batch, _row, 'bid' AS tbl FROM bid
    UNION ALL
    SELECT tender_id, winner_code, coalesce(winner_name, winner_code), _batch, _row, 'award' FROM award
),
hit AS (
    SELECT p.*, e.status, e.status_date, t.bid_open_date, t.title, t.buyer_code, t.region_code, t.ceiling_price,
        src('enterprise', e._batch, e._row, e.credit_code) AS enterprise_source,
        src('tender', t._batch, t._row, t.tender_id) AS tender_source,
        src(p.tbl, p._batch, p._row, p.tender_id || '/' || p.code) AS row_source
    FROM p
    JOIN enterprise e ON e.credit_code = p.code
    JOIN trade t ON t.tender_id = p.tender_id
    WHERE e.status IN ('revoked', 'cancelled') AND e.status_date IS NOT NULL
        AND coalesce(t.bid_open_date, t.award_date) IS NOT NULL
        AND e.status_date < coalesce(t.bid_open_date, t.award_date)
)
SELECT
    h.tender_id || '/' || h.code AS key,
    'tender' AS subject_kind,
    h.tender_id AS subject_id,
    max(h.title) AS subject_name,
    coalesce(max(w.award_amount), max(h.ceiling_price)) AS amount_fen,
    max(h.buyer_code) AS org_code,
    max(h.region_code) AS region_code,
    max(h.name) || '（' || h.code || '）' AS bidder,
    CASE max(h.status) WHEN 'revoked' THEN '吊销 revoked' ELSE '注销 cancelled' END AS status,
    max(h.status_date) AS status_date,
    max(h.bid_open_date) AS bid_open_date,
    CASE WHEN bool_or(w.winner_code = h.code) THEN '并中标 and won it' ELSE '' END AS outcome,
    max(h.tender_source) AS src_tender,
    max(h.enterprise_source) AS src_enterprise,
    array_agg(h.row_source) AS src_rows
FROM hit h
LEFT JOIN won w ON w.tender_id = h.tender_id
GROUP BY h.tender_id, h.code
