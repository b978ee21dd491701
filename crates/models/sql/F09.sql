--! code = "F09"
--! name_zh = "向注销吊销主体付款"
--! name_en = "Payee not in business"
--! domain = "finance"
--! severity = "high"
--! subject = "unit"
--! summary_zh = "收款企业在付款日之前已被吊销或注销。"
--! summary_en = "The payee enterprise was revoked or cancelled before the payment date."
--! basis_zh = "被吊销营业执照或已注销的市场主体不得开展经营活动，向其付款可能是虚构业务、套取资金。"
--! basis_en = "An enterprise whose licence is revoked, or that is cancelled, may not trade; paying it suggests a fictitious transaction used to siphon off funds."
--! reads = ["payment", "enterprise", "budget", "official"]
--! reason_zh = "{subject_name}向{payee}付款{payments}笔，合计{amount}，而该企业已于{status_date}{status}。"
--! reason_en = "{subject_name} paid {payee} {payments} time(s), {amount} in all, after it was {status} on {status_date}."
--!
--! [figures]
--! payee = { zh = "收款企业", en = "Payee" }
--! status = { zh = "登记状态", en = "Status" }
--! status_date = { zh = "状态日期", en = "Status date" }
--! dates = { zh = "支付日期", en = "Dates" }
--! payments = { zh = "笔数", en = "Payments" }
WITH gone AS (
    SELECT credit_code, max(name) AS name, max(status) AS status, min(status_date) AS status_date,
        max(src('enterprise', _batch, _row, credit_code)) AS source
    FROM enterprise
    WHERE status IN ('revoked', 'cancelled') AND status_date IS NOT NULL
    GROUP BY credit_code
)
SELECT
    p.org_code || '/' || p.payee_code AS key,
    'unit' AS subject_kind,
    p.org_code AS subject_id,
    coalesce(max(u.org_name), p.org_code) AS subject_name,
    sum(p.amount) AS amount_fen,
    p.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    max(g.name) || '（' || p.payee_code || '）' AS payee,
    CASE max(g.status) WHEN 'revoked' THEN '被吊销 revoked' ELSE '注销 cancelled' END AS status,
    max(g.status_date) AS status_date,
    array_agg(CAST(p.pay_date AS VARCHAR) ORDER BY p.pay_date, p.payment_id) AS dates,
    count(*) AS payments,
    array_agg(src('payment', p._batch, p._row, p.payment_id)) AS src_payments,
    max(g.source) AS src_enterprise
FROM payment p
JOIN gone g ON g.credit_code = p.payee_code AND g.status_date < p.pay_date
LEFT JOIN unit u ON u.org_code = p.org_code
GROUP BY p.org_code, p.payee_code
