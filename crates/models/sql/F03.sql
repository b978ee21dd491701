--! code = "F03"
--! name_zh = "拆分支付"
--! name_en = "Split payments"
--! domain = "finance"
--! severity = "medium"
--! subject = "unit"
--! summary_zh = "同一单位7天内向同一收款人支付2次以上，每笔都低于审批阈值（默认10万元），合计达到阈值。"
--! summary_en = "One unit pays one payee two or more times within 7 days, each payment below the approval threshold (default 100,000 yuan), together reaching it."
--! basis_zh = "单位内部控制规定大额支出须集体决策或上级审批；化整为零、拆分支付以规避审批是财政监督和审计的常见问题。"
--! basis_en = "Internal-control rules put large payments to collective decision or higher approval; splitting one payment into several to stay under the threshold is a standing finding of audits."
--! reads = ["payment", "budget", "official"]
--! reason_zh = "{subject_name}在{first_date}起{days}天内向{payee}支付{payments}笔（每笔均低于{threshold_fen}），合计{amount}。"
--! reason_en = "{subject_name} paid {payee} {payments} times within {days} days from {first_date} (each below {threshold_fen}), {amount} in all."
--!
--! [params.threshold]
--! kind = "money"
--! default = 100000
--! zh = "审批阈值（元）"
--! en = "Approval threshold (yuan)"
--!
--! [params.window_days]
--! kind = "int"
--! default = 7
--! zh = "时间窗口（天）"
--! en = "Window (days)"
--!
--! [figures]
--! payee = { zh = "收款人", en = "Payee" }
--! first_date = { zh = "首笔日期", en = "First payment" }
--! days = { zh = "窗口天数", en = "Window (days)" }
--! dates = { zh = "支付日期", en = "Dates" }
--! amounts_fen = { zh = "各笔金额", en = "Amounts" }
--! payments = { zh = "笔数", en = "Payments" }
--! threshold_fen = { zh = "审批阈值", en = "Threshold" }
WITH small AS (
    SELECT payment_id, org_code, pay_date, amount, coalesce(payee_code, payee_name) AS payee, payee_name, _batch, _row,
        lag(pay_date) OVER (PARTITION BY org_code, coalesce(payee_code, payee_name) ORDER BY pay_date, payment_id) AS previous
    FROM payment
    WHERE amount < ${threshold} AND amount > 0
),
-- A run starts at a payment with no small payment to the same payee in the window before it.
anchor AS (
    SELECT * FROM small
    WHERE previous IS NULL OR CAST(pay_date AS INT) - CAST(previous AS INT) > ${window_days}
),
run AS (
    SELECT a.org_code, a.payee, a.payment_id AS anchor_id, a.pay_date AS first_date,
        b.payment_id, b.pay_date, b.amount, b.payee_name, b._batch, b._row
    FROM anchor a
    JOIN small b ON b.org_code = a.org_code AND b.payee = a.payee
        AND b.pay_date >= a.pay_date AND CAST(b.pay_date AS INT) - CAST(a.pay_date AS INT) <= ${window_days}
)
SELECT
    r.org_code || '/' || r.payee || '/' || r.anchor_id AS key,
    'unit' AS subject_kind,
    r.org_code AS subject_id,
    coalesce(max(u.org_name), r.org_code) AS subject_name,
    sum(r.amount) AS amount_fen,
    r.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    max(r.payee_name) || '（' || r.payee || '）' AS payee,
    max(r.first_date) AS first_date,
    ${window_days} AS days,
    array_agg(CAST(r.pay_date AS VARCHAR) ORDER BY r.pay_date, r.payment_id) AS dates,
    array_agg(r.amount ORDER BY r.pay_date, r.payment_id) AS amounts_fen,
    count(*) AS payments,
    ${threshold} AS threshold_fen,
    array_agg(src('payment', r._batch, r._row, r.payment_id)) AS src_payments
FROM run r
LEFT JOIN unit u ON u.org_code = r.org_code
GROUP BY r.org_code, r.payee, r.anchor_id
HAVING count(*) >= 2 AND sum(r.amount) >= ${threshold}
