--! code = "P10"
--! name_zh = "合同超额变更"
--! name_en = "Contract overrun"
--! domain = "trading"
--! severity = "medium"
--! subject = "tender"
--! summary_zh = "结算金额超过合同金额（无合同金额时为中标金额）10%以上。"
--! summary_en = "The final amount exceeds the contract amount (else the award amount) by 10 % or more."
--! basis_zh = "《政府采购法》第四十九条：追加采购金额不得超过原合同采购金额的百分之十；工程结算大幅超出合同价，提示低价中标、高价结算。"
--! basis_en = "Government Procurement Law art. 49: additional purchases may not exceed 10 % of the original contract; a settlement far above the contract suggests winning low and settling high."
--! reads = ["tender", "award"]
--! reason_zh = "{subject_name}合同金额{contract_fen}，结算金额{final_fen}，超出{overrun_fen}（{overrun:%}）。"
--! reason_en = "{subject_name} was contracted at {contract_fen} and settled at {final_fen}, {overrun_fen} ({overrun:%}) more."
--!
--! [params.ratio]
--! kind = "number"
--! default = 0.1
--! zh = "超出比例下限"
--! en = "Least overrun"
--!
--! [figures]
--! winner = { zh = "中标人", en = "Winner" }
--! contract_fen = { zh = "合同金额", en = "Contract amount" }
--! final_fen = { zh = "结算金额", en = "Final amount" }
--! overrun_fen = { zh = "超出金额", en = "Overrun" }
--! overrun = { zh = "超出比例", en = "Overrun ratio" }
WITH a AS (
    SELECT a.*, coalesce(a.contract_amount, a.award_amount) AS base FROM award a WHERE a.final_amount IS NOT NULL
)
SELECT
    a.tender_id || '/' || a.winner_code AS key,
    'tender' AS subject_kind,
    a.tender_id AS subject_id,
    coalesce(t.title, a.tender_id) AS subject_name,
    a.final_amount - a.base AS amount_fen,
    t.buyer_code AS org_code,
    t.region_code,
    coalesce(a.winner_name, a.winner_code) AS winner,
    a.base AS contract_fen,
    a.final_amount AS final_fen,
    a.final_amount - a.base AS overrun_fen,
    CAST(a.final_amount - a.base AS DOUBLE) / a.base AS overrun,
    src('award', a._batch, a._row, a.tender_id) AS src_award,
    src('tender', t._batch, t._row, t.tender_id) AS src_tender
FROM a
LEFT JOIN trade t ON t.tender_id = a.tender_id
WHERE a.base > 0 AND CAST(a.final_amount - a.base AS DOUBLE) >= ${ratio} * a.base
