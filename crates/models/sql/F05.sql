--! code = "F05"
--! name_zh = "资金沉淀"
--! name_en = "Idle funds"
--! domain = "finance"
--! severity = "low"
--! subject = "unit"
--! summary_zh = "在参考日（默认9月30日）预算科目支出不足调整后预算的50%，或到年末不足80%。只在数据已覆盖参考日（或年末）时判断。"
--! summary_en = "At a reference date (default 30 September) a budget line has spent less than 50 % of its adjusted budget, or less than 80 % at year end. Judged only once the data reaches that date."
--! basis_zh = "国务院关于盘活财政存量资金的要求：预算执行进度缓慢、资金沉淀闲置的，应督促加快执行或收回统筹使用。"
--! basis_en = "The State Council's rules on putting idle fiscal funds to use: slow budget execution and idle balances are pressed to speed up, or the funds are recovered."
--! reads = ["budget", "payment"]
--! reason_zh = "{subject_name}{year}年预算科目{budget_line}{line_name}调整后预算{budget_fen}，截至{reference_date}仅支出{spent_by_reference_fen}（{reference_ratio:%}），全年支出{spent_fen}（{year_ratio:%}）。"
--! reason_en = "{subject_name}'s {year} budget line {budget_line} of {budget_fen} had spent {spent_by_reference_fen} ({reference_ratio:%}) by {reference_date} and {spent_fen} ({year_ratio:%}) in the year."
--!
--! [params.reference_day]
--! kind = "month_day"
--! default = "09-30"
--! zh = "参考日（月-日）"
--! en = "Reference day (month-day)"
--!
--! [params.reference_share]
--! kind = "number"
--! default = 0.5
--! zh = "参考日最低执行率"
--! en = "Least share spent by the reference day"
--!
--! [params.year_end_share]
--! kind = "number"
--! default = 0.8
--! zh = "年末最低执行率"
--! en = "Least share spent by year end"
--!
--! [figures]
--! year = { zh = "年度", en = "Year" }
--! budget_line = { zh = "预算科目", en = "Budget line" }
--! line_name = { zh = "科目名称", en = "Line name" }
--! budget_fen = { zh = "调整后预算", en = "Adjusted budget" }
--! reference_date = { zh = "参考日", en = "Reference date" }
--! spent_by_reference_fen = { zh = "参考日累计支出", en = "Spent by the reference date" }
--! reference_ratio = { zh = "参考日执行率", en = "Share by the reference date" }
--! spent_fen = { zh = "全年支出", en = "Spent in the year" }
--! year_ratio = { zh = "全年执行率", en = "Share of the year" }
--! year_end_reached = { zh = "数据已覆盖年末", en = "Data reaches year end" }
WITH horizon AS (
    SELECT max(pay_date) AS last_day FROM payment
),
line AS (
    SELECT org_code, year, budget_line, max(line_name) AS line_name, max(coalesce(adjusted, approved)) AS budget,
        to_date(CAST(year AS VARCHAR) || '-' || ${reference_day}) AS reference_date,
        to_date(CAST(year AS VARCHAR) || '-12-31') AS year_end,
        array_agg(src('budget', _batch, _row, org_code || '/' || CAST(year AS VARCHAR) || '/' || budget_line)) AS sources
    FROM budget
    GROUP BY org_code, year, budget_line
),
spent AS (
    SELECT l.org_code, l.year, l.budget_line,
        coalesce(sum(CASE WHEN p.pay_date <= l.reference_date THEN p.amount END), 0) AS by_reference,
        coalesce(sum(p.amount), 0) AS in_year,
        array_agg(src('payment', p._batch, p._row, p.payment_id)) AS sources
    FROM line l
    LEFT JOIN payment p ON p.org_code = l.org_code AND p.budget_line = l.budget_line
        AND coalesce(p.year, CAST(date_part('year', p.pay_date) AS BIGINT)) = l.year
    GROUP BY l.org_code, l.year, l.budget_line
),
judged AS (
    SELECT l.*, s.by_reference, s.in_year, s.sources AS payment_sources,
        h.last_day >= l.reference_date AS reference_reached,
        h.last_day >= l.year_end AS year_end_reached
    FROM line l
    JOIN spent s ON s.org_code = l.org_code AND s.year = l.year AND s.budget_line = l.budget_line
    CROSS JOIN horizon h
    WHERE l.budget > 0
)
SELECT
    j.org_code || '/' || CAST(j.year AS VARCHAR) || '/' || j.budget_line AS key,
    'unit' AS subject_kind,
    j.org_code AS subject_id,
    coalesce(u.org_name, j.org_code) AS subject_name,
    j.budget - j.in_year AS amount_fen,
    j.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    j.year,
    j.budget_line,
    j.line_name,
    j.budget AS budget_fen,
    j.reference_date,
    j.by_reference AS spent_by_reference_fen,
    CAST(j.by_reference AS DOUBLE) / CAST(j.budget AS DOUBLE) AS reference_ratio,
    j.in_year AS spent_fen,
    CAST(j.in_year AS DOUBLE) / CAST(j.budget AS DOUBLE) AS year_ratio,
    j.year_end_reached,
    j.sources AS src_budget,
    j.payment_sources AS src_payments
FROM judged j
LEFT JOIN unit u ON u.org_code = j.org_code
WHERE (j.reference_reached AND CAST(j.by_reference AS DOUBLE) < ${reference_share} * CAST(j.budget AS DOUBLE))
   OR (j.year_end_reached AND CAST(j.in_year AS DOUBLE) < ${year_end_share} * CAST(j.budget AS DOUBLE))
