-- The bid screens of every tender with three or more valid priced bids, highest collusion score first.
WITH listed AS (
    SELECT tender_id, count(*) AS bids, array_agg(price) AS prices,
        array_agg(price ORDER BY price, bidder_code) AS prices_fen
    FROM bid
    WHERE coalesce(status, 'valid') = 'valid' AND price > 0
    GROUP BY tender_id
    HAVING count(*) >= 3
),
-- The screens once per tender, not once per field read (see P04).
priced AS (
    SELECT tender_id, bids, prices_fen, unnest(make_array(bid_screens(prices))) AS s FROM listed
)
SELECT p.tender_id, max(t.title) AS title, max(t.buyer_code) AS buyer_code, max(t.buyer_name) AS buyer_name,
    max(t.category) AS category, max(t.method) AS method, CAST(max(t.bid_open_date) AS VARCHAR) AS bid_open_date,
    max(p.bids) AS bids, max(p.prices_fen) AS prices_fen,
    max(p.s['cv']) AS cv, max(p.s['spread']) AS spread, max(p.s['diffp']) AS diffp, max(p.s['rd']) AS rd,
    max(p.s['kurtosis']) AS kurtosis, max(p.s['skewness']) AS skewness, max(p.s['ks']) AS ks,
    max(p.s['identical']) AS identical, max(p.s['gap_spread']) AS gap_spread,
    max(p.s['score']) AS score, max(p.s['flags']) AS flags
FROM priced p
LEFT JOIN tender t ON t.tender_id = p.tender_id
GROUP BY p.tender_id
ORDER BY score DESC, p.tender_id
