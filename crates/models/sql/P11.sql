--! code = "P11"
--! name_zh = "低价被否"
--! name_en = "Lowest bid rejected"
--! domain = "trading"
--! severity = "medium"
--! subject = "tender"
--! summary_zh = "最低价评标的项目中最低报价被否决而由更高报价中标；或者项目有两家以上投标，除中标人外全部被否决。"
--! summary_en = "In a lowest-price tender the lowest bid is rejected and a higher one wins; or the tender had at least two bids and every bid but the winner's is rejected."
--! basis_zh = "《招标投标法实施条例》第五十一条列明了否决投标的情形；无正当理由否决最低价或其他全部投标人，是评标委员会偏袒特定投标人的常见手法。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 51 lists the grounds for rejecting a bid; rejecting the lowest bid, or every bid but one, without good grounds is a common way to steer an award."
--! reads = ["tender", "bid", "award"]
--! reason_zh = "{subject_name}{finding}：{rejected}被否决，{winner}以{winning_price_fen}中标。"
--! reason_en = "{subject_name}: {finding}; {rejected} rejected, {winner} won at {winning_price_fen}."
--!
--! [figures]
--! finding = { zh = "情形", en = "Finding" }
--! rejected = { zh = "被否决投标人", en = "Rejected bidders" }
--! lowest_price_fen = { zh = "最低报价", en = "Lowest price" }
--! winner = { zh = "中标人", en = "Winner" }
--! winning_price_fen = { zh = "中标报价", en = "Winning price" }
--! bids = { zh = "投标家数", en = "Bids" }
WITH b AS (
    SELECT *, coalesce(status, 'valid') AS state FROM bid WHERE coalesce(status, 'valid') <> 'withdrawn'
),
lowest AS MATERIALIZED (
    SELECT tender_id, min(price) AS price FROM b WHERE price > 0 GROUP BY tender_id
),
bidder AS (
    SELECT b.tender_id, b.bidder_code, bool_or(b.state = 'rejected') AS rejected,
        bool_or(b.state = 'rejected' AND b.price = l.price) AS lowest_rejected
    FROM b
    LEFT JOIN lowest l ON l.tender_id = b.tender_id
    GROUP BY b.tender_id, b.bidder_code
),
per_tender AS MATERIALIZED (
    SELECT tender_id, count(*) AS bids, sum(CASE WHEN rejected THEN 1 ELSE 0 END) AS rejected_count,
        bool_or(lowest_rejected) AS lowest_rejected
    FROM bidder
    GROUP BY tender_id
),
-- Source references only for tenders with a rejected bid (the only ones that can fire).
sources AS (
    SELECT b.tender_id, array_agg(src('bid', b._batch, b._row, b.tender_id || '/' || b.bidder_code)) AS src_bids,
        array_to_string(array_agg(DISTINCT CASE WHEN b.state = 'rejected' THEN coalesce(b.bidder_name, b.bidder_code) END), '、')
            AS rejected
    FROM b
    JOIN per_tender p ON p.tender_id = b.tender_id AND p.rejected_count > 0
    GROUP BY b.tender_id
),
winning AS (
    SELECT w.tender_id, w.winner_code, w.winner, w.award_amount, w.winners, w.sources, b.price AS winning_price
    FROM won w
    LEFT JOIN b ON b.tender_id = w.tender_id AND b.bidder_code = w.winner_code
)
SELECT
    t.tender_id AS key,
    'tender' AS subject_kind,
    t.tender_id AS subject_id,
    t.title AS subject_name,
    w.award_amount AS amount_fen,
    t.buyer_code AS org_code,
    t.region_code,
    CASE WHEN t.evaluation = 'lowest_price' AND p.lowest_rejected AND w.winning_price > l.price
        THEN '最低价评标中最低报价被否决 lowest bid rejected in a lowest-price tender'
        ELSE '除中标人外全部投标被否决 every bid but the winner''s rejected' END AS finding,
    s.rejected,
    l.price AS lowest_price_fen,
    w.winner,
    coalesce(w.winning_price, w.award_amount) AS winning_price_fen,
    p.bids,
    src('tender', t._batch, t._row, t.tender_id) AS src_tender,
    s.src_bids,
    w.sources AS src_award
FROM trade t
JOIN per_tender p ON p.tender_id = t.tender_id
JOIN winning w ON w.tender_id = t.tender_id AND w.winners = 1
LEFT JOIN lowest l ON l.tender_id = t.tender_id
JOIN sources s ON s.tender_id = t.tender_id
WHERE (t.evaluation = 'lowest_price' AND p.lowest_rejected AND w.winning_price > l.price)
    OR (p.bids >= 2 AND p.rejected_count = p.bids - 1)
