--! code = "P09"
--! name_zh = "中标集中"
--! name_en = "Winner concentration"
--! domain = "trading"
--! severity = "low"
--! subject = "enterprise"
--! summary_zh = "一年内，一家供应商的中标金额占某招标人全年中标总额的50%以上，且该招标人当年不少于5个中标项目。"
--! summary_en = "In one year one supplier wins 50 % or more of a buyer's awarded value, over five or more awards."
--! basis_zh = "同一招标人的项目长期集中由一家企业中标，提示指定中标、设置排他性条件或利益输送，是巡察和审计关注的重点（《政府采购法》第二十二条不得以不合理条件对供应商实行差别待遇）。"
--! basis_en = "A buyer's work going year after year to one firm suggests steering, exclusive conditions or favours (Government Procurement Law art. 22 forbids treating suppliers differently on unreasonable conditions)."
--! reads = ["tender", "award"]
--! reason_zh = "{year}年{buyer}共{awards}个中标项目合计{buyer_total_fen}，其中{subject_name}中标{wins}个、{amount}，占{share:%}。"
--! reason_en = "In {year} {subject_name} won {wins} of {buyer}'s {awards} awards, {amount} of {buyer_total_fen} ({share:%})."
--!
--! [params.share]
--! kind = "number"
--! default = 0.5
--! zh = "中标金额占比下限"
--! en = "Least share of the buyer's awarded value"
--!
--! [params.min_awards]
--! kind = "int"
--! default = 5
--! zh = "招标人全年最少中标项目数"
--! en = "Least awards of the buyer in the year"
--!
--! [figures]
--! buyer = { zh = "招标人", en = "Buyer" }
--! year = { zh = "年度", en = "Year" }
--! awards = { zh = "招标人全年中标项目数", en = "Buyer's awards in the year" }
--! buyer_total_fen = { zh = "招标人全年中标总额", en = "Buyer's awarded value" }
--! wins = { zh = "该企业中标项目数", en = "Awards won" }
--! share = { zh = "占比", en = "Share" }
--! tender_ids = { zh = "中标项目", en = "Tenders won" }
WITH a AS (
    SELECT t.tender_id, t.buyer_code, coalesce(t.buyer_name, t.buyer_code) AS buyer_name, t.region_code,
        a.winner_code, coalesce(a.winner_name, a.winner_code) AS winner_name, a.award_amount,
        date_part('year', coalesce(t.award_date, a.contract_date, t.bid_open_date)) AS year,
        t._batch, t._row, a._batch AS award_batch, a._row AS award_row
    FROM trade t
    JOIN award a ON a.tender_id = t.tender_id
    WHERE a.award_amount > 0 AND coalesce(t.award_date, a.contract_date, t.bid_open_date) IS NOT NULL
),
buyer_year AS (
    SELECT buyer_code, year, count(*) AS awards, sum(award_amount) AS total FROM a GROUP BY buyer_code, year
),
-- The winners that qualify, by cheap aggregates; the lists are built for them only.
concentrated AS (
    SELECT a.buyer_code, a.winner_code, a.year
    FROM a
    JOIN buyer_year y ON y.buyer_code = a.buyer_code AND y.year = a.year
    GROUP BY a.buyer_code, a.winner_code, a.year
    HAVING max(y.awards) >= ${min_awards} AND CAST(sum(a.award_amount) AS DOUBLE) >= ${share} * max(y.total)
)
SELECT
    a.buyer_code || '/' || a.winner_code || '/' || CAST(CAST(a.year AS BIGINT) AS VARCHAR) AS key,
    'enterprise' AS subject_kind,
    a.winner_code AS subject_id,
    max(a.winner_name) AS subject_name,
    sum(a.award_amount) AS amount_fen,
    a.buyer_code AS org_code,
    max(a.region_code) AS region_code,
    max(a.buyer_name) AS buyer,
    CAST(a.year AS BIGINT) AS year,
    max(y.awards) AS awards,
    max(y.total) AS buyer_total_fen,
    count(*) AS wins,
    CAST(sum(a.award_amount) AS DOUBLE) / max(y.total) AS share,
    array_agg(a.tender_id ORDER BY a.tender_id) AS tender_ids,
    array_agg(src('tender', a._batch, a._row, a.tender_id)) AS src_tenders,
    array_agg(src('award', a.award_batch, a.award_row, a.tender_id)) AS src_awards
FROM a
JOIN concentrated c ON c.buyer_code = a.buyer_code AND c.winner_code = a.winner_code AND c.year = a.year
JOIN buyer_year y ON y.buyer_code = a.buyer_code AND y.year = a.year
GROUP BY a.buyer_code, a.winner_code, a.year
HAVING max(y.awards) >= ${min_awards} AND CAST(sum(a.award_amount) AS DOUBLE) >= ${share} * max(y.total)
