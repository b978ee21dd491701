--! code = "P04"
--! name_zh = "报价异常"
--! name_en = "Suspicious bid prices"
--! domain = "trading"
--! severity = "medium"
--! subject = "tender"
--! summary_zh = "有效报价不少于3家时：两家以上报价相同；或报价呈等差数列（各级差彼此相差不超过0.5%）；或变异系数低于0.5%；或不少于4家时相对距离RD=(b2−b1)/std(未中标报价)≥2（Imhof筛查指标）。"
--! summary_en = "With three or more valid priced bids: two or more identical prices; or an arithmetic progression (all gaps within 0.5 % of each other); or a coefficient of variation under 0.5 %; or, with four or more bids, a relative distance RD = (b2 − b1) / std(losing bids) of 2 or more (Imhof's screens)."
--! basis_zh = "《招标投标法实施条例》第四十条：不同投标人的投标文件异常一致或者投标报价呈规律性差异的，视为投标人相互串通投标。"
--! basis_en = "Regulations on the Tendering and Bidding Law art. 40: bids that are abnormally alike or whose prices differ by a regular pattern are deemed collusive."
--! reads = ["tender", "bid", "award"]
--! reason_zh = "{subject_name}的{bids}家有效报价{screens}（串通评分{score:%}）。"
--! reason_en = "The {bids} valid bids of {subject_name}: {screens} (collusion score {score:%})."
--!
--! [params.progression]
--! kind = "number"
--! default = 0.005
--! zh = "等差数列：级差相对差异上限"
--! en = "Progression: most relative difference between gaps"
--!
--! [params.cv]
--! kind = "number"
--! default = 0.005
--! zh = "变异系数下限"
--! en = "Coefficient of variation below"
--!
--! [params.rd]
--! kind = "number"
--! default = 2
--! zh = "相对距离RD上限"
--! en = "Relative distance at least"
--!
--! [figures]
--! screens = { zh = "触发的筛查", en = "Screens that fired" }
--! bids = { zh = "有效报价家数", en = "Valid priced bids" }
--! prices_fen = { zh = "报价（由低到高）", en = "Prices (lowest first)" }
--! identical = { zh = "报价相同的家数", en = "Bids sharing a price" }
--! gap_spread = { zh = "级差相对差异", en = "Relative difference of gaps" }
--! cv = { zh = "变异系数", en = "Coefficient of variation" }
--! spread = { zh = "极差率", en = "Spread" }
--! diffp = { zh = "最低两价差率", en = "Percentage difference" }
--! rd = { zh = "相对距离RD", en = "Relative distance" }
--! kurtosis = { zh = "峰度", en = "Kurtosis" }
--! skewness = { zh = "偏度", en = "Skewness" }
--! ks = { zh = "KS均匀性统计量", en = "Kolmogorov–Smirnov statistic" }
--! score = { zh = "串通评分", en = "Collusion score" }
WITH listed AS (
    SELECT tender_id, count(*) AS bids, array_agg(price) AS prices
    FROM bid
    WHERE coalesce(status, 'valid') = 'valid' AND price > 0
    GROUP BY tender_id
    HAVING count(*) >= 3
),
-- unnest(make_array(…)) computes the screens once per tender: a plain column would be
-- inlined into each s['…'] below and computed once per use (four times faster so).
priced AS (
    SELECT tender_id, bids, unnest(make_array(bid_screens(prices))) AS s FROM listed
),
screened AS (
    SELECT *,
        concat_ws('；',
            CASE WHEN s['identical'] >= 2 THEN s['identical'] || '家报价相同 identical prices' END,
            CASE WHEN s['identical'] = 0 AND s['gap_spread'] <= ${progression} THEN '呈等差数列 arithmetic progression' END,
            CASE WHEN s['cv'] < ${cv} THEN '变异系数' || round(s['cv'] * 100, 3) || '% coefficient of variation' END,
            CASE WHEN bids >= 4 AND s['rd'] >= ${rd} THEN '相对距离RD=' || round(s['rd'], 2) || ' relative distance' END
        ) AS screens
    FROM priced
),
-- The tenders that fire, computed once for the two places that read them.
fired AS MATERIALIZED (
    SELECT * FROM screened WHERE screens <> ''
),
-- Source references and the sorted prices only for the tenders that fire.
sources AS (
    SELECT b.tender_id, array_agg(src('bid', b._batch, b._row, b.tender_id || '/' || b.bidder_code)) AS src_bids,
        array_sort(array_agg(b.price)) AS prices_fen
    FROM bid b
    JOIN fired p ON p.tender_id = b.tender_id
    WHERE coalesce(b.status, 'valid') = 'valid' AND b.price > 0
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
    p.screens,
    p.bids,
    s.prices_fen,
    p.s['identical'] AS identical,
    round(p.s['gap_spread'], 6) AS gap_spread,
    round(p.s['cv'], 6) AS cv,
    round(p.s['spread'], 6) AS spread,
    round(p.s['diffp'], 6) AS diffp,
    round(p.s['rd'], 6) AS rd,
    round(p.s['kurtosis'], 6) AS kurtosis,
    round(p.s['skewness'], 6) AS skewness,
    round(p.s['ks'], 6) AS ks,
    p.s['score'] AS score,
    src('tender', t._batch, t._row, t.tender_id) AS src_tender,
    s.src_bids
FROM fired p
JOIN sources s ON s.tender_id = p.tender_id
JOIN trade t ON t.tender_id = p.tender_id
LEFT JOIN won w ON w.tender_id = t.tender_id
