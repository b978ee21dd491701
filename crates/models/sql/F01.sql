--! code = "F01"
--! name_zh = "超预算支出"
--! name_en = "Spending over budget"
--! domain = "finance"
--! severity = "high"
--! subject = "unit"
--! summary_zh = "某单位某预算科目全年支付合计超过其调整后预算（无调整数时为年初预算）。"
--! summary_en = "A year's payments on one unit's budget line exceed its adjusted budget (else the approved budget)."
--! basis_zh = "《中华人民共和国预算法》：各级预算的支出必须以经批准的预算为依据，未列入预算的不得支出。"
--! basis_en = "Budget Law of the PRC: spending at every level rests on the approved budget; what the budget does not provide for may not be spent."
--! reads = ["budget", "payment"]
--! reason_zh = "{subject_name}{year}年预算科目{budget_line}{line_name}支付{paid_fen}，超出预算{budget_fen}共{amount}（执行率{ratio:%}）。"
--! reason_en = "{subject_name} paid {paid_fen} in {year} on budget line {budget_line} against a budget of {budget_fen}: {amount} over ({ratio:%} spent)."
--!
--! [figures]
--! year = { zh = "年度", en = "Year" }
--! budget_line = { zh = "预算科目", en = "Budget line" }
--! line_name = { zh = "科目名称", en = "Line name" }
--! budget_fen = { zh = "预算（调整后）", en = "Budget (adjusted)" }
--! paid_fen = { zh = "全年支付", en = "Paid in the year" }
--! ratio = { zh = "执行率", en = "Share spent" }
--! payments = { zh = "支付笔数", en = "Payments" }
WITH line AS (
    SELECT org_code, year, budget_line, max(line_name) AS line_name,
        max(coalesce(adjusted, approved)) AS budget,
        array_agg(src('budget', _batch, _row, org_code || '/' || CAST(year AS VARCHAR) || '/' || budget_line)) AS sources
    FROM budget
    GROUP BY org_code, year, budget_line
),
paid AS (
    SELECT org_code, coalesce(year, CAST(date_part('year', pay_date) AS BIGINT)) AS year, budget_line,
        sum(amount) AS paid, count(*) AS payments,
        array_agg(src('payment', _batch, _row, payment_id)) AS sources
    FROM payment
    WHERE budget_line IS NOT NULL
    GROUP BY org_code, coalesce(year, CAST(date_part('year', pay_date) AS BIGINT)), budget_line
)
SELECT
    l.org_code || '/' || CAST(l.year AS VARCHAR) || '/' || l.budget_line AS key,
    'unit' AS subject_kind,
    l.org_code AS subject_id,
    coalesce(u.org_name, l.org_code) AS subject_name,
    p.paid - l.budget AS amount_fen,
    l.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    l.year,
    l.budget_line,
    l.line_name,
    l.budget AS budget_fen,
    p.paid AS paid_fen,
    CAST(p.paid AS DOUBLE) / CAST(l.budget AS DOUBLE) AS ratio,
    p.payments,
    l.sources AS src_budget,
    p.sources AS src_payments
FROM line l
JOIN paid p ON p.org_code = l.org_code AND p.year = l.year AND p.budget_line = l.budget_line
LEFT JOIN unit u ON u.org_code = l.org_code
WHERE p.paid > l.budget AND l.budget > 0
