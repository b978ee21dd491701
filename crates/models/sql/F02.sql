--! code = "F02"
--! name_zh = "大额现金支付"
--! name_en = "Large cash payment"
--! domain = "finance"
--! severity = "medium"
--! subject = "unit"
--! summary_zh = "单笔现金支付达到阈值（默认5万元）。"
--! summary_en = "A cash payment of at least the threshold (default 50,000 yuan)."
--! basis_zh = "《现金管理暂行条例》规定现金使用范围，结算起点以上的支出应通过银行转账；预算单位推行公务卡和国库集中支付，大额现金支付易生虚列支出、套取资金。"
--! basis_en = "The Interim Regulations on Cash Management limit what may be paid in cash, larger sums going by bank transfer; budget units pay through official cards and the treasury, and large cash payments invite fictitious spending."
--! reads = ["payment", "budget", "official"]
--! reason_zh = "{subject_name}于{pay_date}向{payee}现金支付{amount}（用途：{purpose}）。"
--! reason_en = "{subject_name} paid {amount} in cash to {payee} on {pay_date} (purpose: {purpose})."
--!
--! [params.threshold]
--! kind = "money"
--! default = 50000
--! zh = "大额现金阈值（元）"
--! en = "Large-cash threshold (yuan)"
--!
--! [figures]
--! payment_id = { zh = "支付流水号", en = "Payment" }
--! pay_date = { zh = "支付日期", en = "Date" }
--! payee = { zh = "收款人", en = "Payee" }
--! purpose = { zh = "用途", en = "Purpose" }
--! threshold_fen = { zh = "阈值", en = "Threshold" }
WITH cash AS (
    SELECT * FROM payment WHERE method = 'cash' AND amount >= ${threshold}
)
SELECT
    c.org_code || '/' || c.payment_id AS key,
    'unit' AS subject_kind,
    c.org_code AS subject_id,
    coalesce(max(u.org_name), c.org_code) AS subject_name,
    sum(c.amount) AS amount_fen,
    c.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    c.payment_id,
    max(c.pay_date) AS pay_date,
    max(c.payee_name) AS payee,
    max(c.purpose) AS purpose,
    ${threshold} AS threshold_fen,
    array_agg(src('payment', c._batch, c._row, c.payment_id)) AS src_payments
FROM cash c
LEFT JOIN unit u ON u.org_code = c.org_code
GROUP BY c.org_code, c.payment_id
