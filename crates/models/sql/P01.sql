--! code = "P01"
--! name_zh = "单一有效投标"
--! name_en = "Single valid bid"
--! domain = "trading"
--! severity = "medium"
--! subject = "tender"
--! summary_zh = "竞争性交易项目（公开招标、邀请招标、竞争性谈判、竞争性磋商、询价）只有一家有效投标。"
--! summary_en = "A competitive tender (open, invited, negotiation, consultation, inquiry) has exactly one valid bid."
--! basis_zh = "《招标投标法》第二十八条：投标人少于三个的，招标人应当依法重新招标；《政府采购法》第三十六条：符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家的，应予废标。"
--! basis_en = "Tendering and Bidding Law art. 28: with fewer than three bidders the tender is re-run; Government Procurement Law art. 36: with fewer than three qualified responsive suppliers the tender is void."
--! reads = ["tender", "bid", "award"]
--! reason_zh = "{subject_name}（{method}）仅有{valid_bids}家有效投标（共{bids}家投标），由{winner}成交，金额{amount}。"
--! reason_en = "{subject_name} ({method}) had {valid_bids} valid bid(s) of {bids}; {winner} won it for {amount}."
--!
--! [figures]
--! method = { zh = "交易方式", en = "Method" }
--! bids = { zh = "投标家数", en = "Bids" }
--! valid_bids = { zh = "有效投标家数", en = "Valid bids" }
--! winner = { zh = "中标人", en = "Winner" }
WITH bidder AS (
    SELECT tender_id, bidder_code, bool_or(coalesce(status, 'valid') = 'valid') AS valid
    FROM bid
    GROUP BY tender_id, bidder_code
),
counted AS (
    SELECT tender_id, count(*) AS bids, sum(CASE WHEN valid THEN 1 ELSE 0 END) AS valid_bids
    FROM bidder
    GROUP BY tender_id
),
hit AS MATERIALIZED (
    SELECT t.*, c.bids, c.valid_bids
    FROM trade t
    JOIN counted c ON c.tender_id = t.tender_id
    WHERE t.method IN ('open', 'invited', 'negotiation', 'consultation', 'inquiry') AND c.valid_bids = 1
),
-- Source references only for the tenders that fire.
sources AS (
    SELECT b.tender_id, array_agg(src('bid', b._batch, b._row, b.tender_id || '/' || b.bidder_code)) AS src_bids
    FROM bid b
    JOIN hit h ON h.tender_id = b.tender_id
    GROUP BY b.tender_id
)
SELECT
    t.tender_id AS key,
    'tender' AS subject_kind,
    t.tender_id AS subject_id,
    t.title AS subject_name,
    coalesce(w.award_amount, t.ceiling_price) AS amount_fen,
    t.buyer_code AS org_code,
    t.region_code,
    t.method_label AS method,
    t.bids,
    t.valid_bids,
    coalesce(w.winner, '—') AS winner,
    src('tender', t._batch, t._row, t.tender_id) AS src_tender,
    s.src_bids,
    w.sources AS src_award
FROM hit t
JOIN sources s ON s.tender_id = t.tender_id
LEFT JOIN won w ON w.tender_id = t.tender_id
