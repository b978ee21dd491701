--! code = "P07"
--! name_zh = "拆分规避招标"
--! name_en = "Split to avoid tendering"
--! domain = "trading"
--! severity = "high"
--! subject = "enterprise"
--! summary_zh = "同一招标人在90天内与同一供应商（或同一项目代码）签订2份以上合同，每份都低于其类别的招标限额，合计达到限额。默认限额（《必须招标的工程项目规定》）：工程400万元，货物200万元，服务100万元。"
--! summary_en = "One buyer awards one supplier (or one project code) two or more contracts within 90 days, each below the tendering threshold of its category, together reaching it. Default thresholds: works 4,000,000 yuan, goods 2,000,000, services 1,000,000."
--! basis_zh = "《招标投标法》第四条：任何单位和个人不得将依法必须进行招标的项目化整为零或者以其他任何方式规避招标；《必须招标的工程项目规定》第五条规定了施工400万元、货物200万元、服务100万元的限额。"
--! basis_en = "Tendering and Bidding Law art. 4: no one may split a project that must be tendered, or avoid tendering in any other way; the Rules on Works Projects that Must Be Tendered art. 5 set 4 million yuan for works, 2 million for goods and 1 million for services."
--! reads = ["tender", "award"]
--! reason_zh = "{buyer}在{first_date}起{days}天内与{counterpart}签订{contracts}份{category}合同（每份均低于{threshold_fen}），合计{amount}。"
--! reason_en = "{buyer} signed {contracts} {category} contracts with {counterpart} within {days} days from {first_date} (each below {threshold_fen}), {amount} in all."
--!
--! [params.works]
--! kind = "money"
--! default = 4000000
--! zh = "工程招标限额（元）"
--! en = "Works threshold (yuan)"
--!
--! [params.goods]
--! kind = "money"
--! default = 2000000
--! zh = "货物招标限额（元）"
--! en = "Goods threshold (yuan)"
--!
--! [params.services]
--! kind = "money"
--! default = 1000000
--! zh = "服务招标限额（元）"
--! en = "Services threshold (yuan)"
--!
--! [params.window_days]
--! kind = "int"
--! default = 90
--! zh = "时间窗口（天）"
--! en = "Window (days)"
--!
--! [figures]
--! buyer = { zh = "招标人", en = "Buyer" }
--! counterpart = { zh = "供应商或项目", en = "Supplier or project" }
--! category = { zh = "类别", en = "Category" }
--! first_date = { zh = "首份合同日期", en = "First contract" }
--! days = { zh = "窗口天数", en = "Window (days)" }
--! contracts = { zh = "合同份数", en = "Contracts" }
--! tender_ids = { zh = "项目编号", en = "Tender ids" }
--! amounts_fen = { zh = "各份金额", en = "Amounts" }
--! threshold_fen = { zh = "招标限额", en = "Threshold" }
WITH c AS (
    SELECT t.tender_id, t.buyer_code, coalesce(t.buyer_name, t.buyer_code) AS buyer_name, t.category, t.category_label,
        t.project_code, t.region_code, a.winner_code, coalesce(a.winner_name, a.winner_code) AS winner_name,
        coalesce(a.contract_amount, a.award_amount) AS amount,
        coalesce(a.contract_date, t.award_date, t.bid_open_date) AS day,
        CASE t.category WHEN 'works' THEN ${works} WHEN 'goods' THEN ${goods} WHEN 'services' THEN ${services} END
            AS threshold,
        t._batch, t._row, a._batch AS award_batch, a._row AS award_row
    FROM trade t
    JOIN award a ON a.tender_id = t.tender_id
),
small AS (
    SELECT * FROM c WHERE threshold IS NOT NULL AND amount > 0 AND amount < threshold AND day IS NOT NULL
),
-- Contracts grouped two ways: by supplier, and by project code when the suppliers differ.
all_keyed AS (
    SELECT 'enterprise' AS kind, winner_code AS who, winner_name || '（' || winner_code || '）' AS counterpart, *
    FROM small
    UNION ALL
    SELECT 'unit' AS kind, buyer_code AS who, '项目 project ' || project_code AS counterpart, *
    FROM small WHERE project_code IS NOT NULL
),
-- A run needs two contracts: a contract alone in its group (one buyer, category and
-- counterpart) starts none and is in none.
keyed AS MATERIALIZED (
    SELECT k.* FROM all_keyed k
    JOIN (
        SELECT kind, buyer_code, category, counterpart FROM all_keyed
        GROUP BY kind, buyer_code, category, counterpart HAVING count(*) >= 2
    ) g ON g.kind = k.kind AND g.buyer_code = k.buyer_code AND g.category = k.category AND g.counterpart = k.counterpart
),
seq AS (
    SELECT *, lag(day) OVER (PARTITION BY kind, buyer_code, category, counterpart ORDER BY day, tender_id) AS previous
    FROM keyed
),
anchor AS (
    SELECT * FROM seq WHERE previous IS NULL OR CAST(day AS INT) - CAST(previous AS INT) > ${window_days}
),
run AS MATERIALIZED (
    SELECT a.tender_id AS anchor_id, a.day AS first_date, b.*
    FROM anchor a
    JOIN keyed b ON b.kind = a.kind AND b.buyer_code = a.buyer_code AND b.category = a.category
        AND b.counterpart = a.counterpart
        AND b.day >= a.day AND CAST(b.day AS INT) - CAST(a.day AS INT) <= ${window_days}
),
-- The runs that can fire, by cheap aggregates (count(*) ≥ count(DISTINCT)); the lists and
-- source references below are built for those only.
candidate AS (
    SELECT kind, buyer_code, counterpart, category, anchor_id
    FROM run
    GROUP BY kind, buyer_code, counterpart, category, anchor_id
    HAVING count(*) >= 2 AND sum(amount) >= max(threshold) AND (kind = 'enterprise' OR min(winner_code) <> max(winner_code))
)
SELECT
    r.kind || '/' || r.buyer_code || '/' || r.counterpart || '/' || r.anchor_id AS key,
    r.kind AS subject_kind,
    max(r.who) AS subject_id,
    CASE r.kind WHEN 'enterprise' THEN max(r.winner_name) ELSE max(r.buyer_name) END AS subject_name,
    sum(r.amount) AS amount_fen,
    r.buyer_code AS org_code,
    max(r.region_code) AS region_code,
    max(r.buyer_name) AS buyer,
    r.counterpart,
    max(r.category_label) AS category,
    max(r.first_date) AS first_date,
    ${window_days} AS days,
    count(DISTINCT r.tender_id) AS contracts,
    array_agg(r.tender_id ORDER BY r.day, r.tender_id) AS tender_ids,
    array_agg(r.amount ORDER BY r.day, r.tender_id) AS amounts_fen,
    max(r.threshold) AS threshold_fen,
    array_agg(src('tender', r._batch, r._row, r.tender_id)) AS src_tenders,
    array_agg(src('award', r.award_batch, r.award_row, r.tender_id)) AS src_awards
FROM run r
JOIN candidate c ON c.kind = r.kind AND c.buyer_code = r.buyer_code AND c.counterpart = r.counterpart
    AND c.category = r.category AND c.anchor_id = r.anchor_id
GROUP BY r.kind, r.buyer_code, r.counterpart, r.category, r.anchor_id
HAVING count(DISTINCT r.tender_id) >= 2 AND sum(r.amount) >= max(r.threshold)
    AND (r.kind = 'enterprise' OR count(DISTINCT r.winner_code) >= 2)
