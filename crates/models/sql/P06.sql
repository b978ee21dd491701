--! code = "P06"
--! name_zh = "轮流中标"
--! name_en = "Bid rotation"
--! domain = "trading"
--! severity = "medium"
--! subject = "group"
--! summary_zh = "两家以上企业在24个月内共同参加同一招标人或同一类别的3个以上项目，中标在它们之间轮换：每家至少中标一次，一家中标时其余均落标。"
--! summary_en = "A group of two or more firms bids together in three or more tenders of one buyer or category within 24 months, and the win rotates among them: each wins at least once, the others lose when one wins."
--! basis_zh = "《招标投标法实施条例》第三十九条：投标人之间约定部分投标人放弃投标或者中标、约定轮流中标，属于投标人相互串通投标。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 39: bidders agreeing that some of them withdraw or lose, or that they win in turn, is collusive bidding."
--! reads = ["tender", "bid", "award"]
--! reason_zh = "{firm_names}在{scope}的{tenders}个项目中共同投标并轮流中标（{first_date}至{last_date}），合计中标{amount}。"
--! reason_en = "{firm_names} bid together in {tenders} tenders of {scope} and won in turn ({first_date} to {last_date}), {amount} in all."
--!
--! [params.months]
--! kind = "int"
--! default = 24
--! zh = "时间窗口（月）"
--! en = "Window (months)"
--!
--! [params.min_tenders]
--! kind = "int"
--! default = 3
--! zh = "最少共同投标项目数"
--! en = "Least tenders together"
--!
--! [figures]
--! firm_names = { zh = "企业", en = "Firms" }
--! scope = { zh = "范围", en = "Scope" }
--! tenders = { zh = "项目数", en = "Tenders" }
--! tender_ids = { zh = "项目编号", en = "Tender ids" }
--! winners = { zh = "各项目中标人", en = "Winner of each" }
--! first_date = { zh = "首个项目", en = "First" }
--! last_date = { zh = "最后项目", en = "Last" }
WITH valid AS (
    SELECT tender_id, array_distinct(array_agg(bidder_code)) AS bidders
    FROM bid
    WHERE coalesce(status, 'valid') = 'valid'
    GROUP BY tender_id
),
t AS MATERIALIZED (
    SELECT t.tender_id, t.buyer_code, t.category, t.category_label, w.winner_code,
        coalesce(t.award_date, w.contract_date, t.bid_open_date, t.publish_date) AS day, v.bidders
    FROM trade t
    JOIN won w ON w.tender_id = t.tender_id AND w.winners = 1
    JOIN valid v ON v.tender_id = t.tender_id
),
-- Each tender counts in two scopes: its buyer, and its category.
scoped AS (
    SELECT 'buyer:' || buyer_code AS scope, * FROM t
    UNION ALL SELECT 'category:' || category AS scope, * FROM t
),
found AS (
    SELECT scope, unnest(rotation_groups(array_agg(named_struct('tender', tender_id, 'day', day, 'winner', winner_code,
        'bidders', bidders)), ${months} * 3044 / 100, ${min_tenders})) AS g
    FROM scoped
    WHERE day IS NOT NULL
    GROUP BY scope
),
-- A group found in both scopes is one warning: the scope with more tenders (then the buyer) speaks for it.
best AS (
    SELECT g['firms'] AS firms, scope, g['tenders'] AS tender_ids,
        row_number() OVER (PARTITION BY g['firms'] ORDER BY array_length(g['tenders']) DESC, scope) AS pick
    FROM found
),
member AS MATERIALIZED (
    SELECT b.firms, b.scope, b.tender_ids, unnest(b.tender_ids) AS tender_id FROM best b WHERE b.pick = 1
),
member_bids AS (
    SELECT m.firms, array_agg(src('bid', b._batch, b._row, b.tender_id || '/' || b.bidder_code)) AS src_bids
    FROM member m
    JOIN bid b ON b.tender_id = m.tender_id AND array_has(string_to_array(m.firms, ','), b.bidder_code)
    GROUP BY m.firms
),
firm_name AS (
    SELECT bidder_code, max(bidder_name) AS name FROM bid GROUP BY bidder_code
),
summary AS (
    SELECT
        m.firms AS key,
        'group' AS subject_kind,
        m.firms AS subject_id,
        array_to_string(array_agg(DISTINCT coalesce(f.name, w.winner_code)), '、') AS subject_name,
        sum(w.award_amount) AS amount_fen,
        max(t.buyer_code) AS org_code,
        max(t.region_code) AS region_code,
        array_to_string(array_agg(DISTINCT coalesce(f.name, w.winner_code)), '、') AS firm_names,
        CASE WHEN starts_with(max(m.scope), 'buyer:') THEN '招标人 buyer ' || max(coalesce(t.buyer_name, t.buyer_code))
            ELSE '类别 category ' || max(t.category_label) END AS scope,
        count(*) AS tenders,
        array_agg(t.tender_id ORDER BY t.award_date, t.tender_id) AS tender_ids,
        array_agg(w.winner ORDER BY t.award_date, t.tender_id) AS winners,
        min(coalesce(t.award_date, t.bid_open_date)) AS first_date,
        max(coalesce(t.award_date, t.bid_open_date)) AS last_date,
        array_agg(src('tender', t._batch, t._row, t.tender_id)) AS src_tenders,
        flatten(array_agg(w.sources)) AS src_awards
    FROM member m
    JOIN trade t ON t.tender_id = m.tender_id
    JOIN won w ON w.tender_id = m.tender_id
    LEFT JOIN firm_name f ON f.bidder_code = w.winner_code
    GROUP BY m.firms
)
SELECT s.*, mb.src_bids
FROM summary s
JOIN member_bids mb ON mb.firms = s.key
