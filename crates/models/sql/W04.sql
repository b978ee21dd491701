--! code = "W04"
--! name_zh = "加油超油箱容积"
--! name_en = "Refuel above tank capacity"
--! domain = "conduct"
--! severity = "high"
--! subject = "vehicle"
--! summary_zh = "一次加油量超过该车油箱容积的105%。"
--! summary_en = "One refuel of more litres than 105 % of the vehicle's tank."
--! basis_zh = "公务用车加油卡只能为登记车辆加油；一次加油超过油箱容积，说明油卡为其他车辆（往往是私车）加油或虚开加油量（《党政机关公务用车管理办法》）。"
--! basis_en = "An official car's fuel card fuels that car only; more litres than the tank holds means the card filled another (usually private) vehicle or the litres were invented (Measures on the Management of Official Vehicles)."
--! reads = ["fuel_record", "official_vehicle"]
--! reason_zh = "{subject_id}的加油卡{card_no}于{time}加油{litres}升，超过油箱容积{tank}升的{tolerance:%}。"
--! reason_en = "Card {card_no} of {subject_id} took {litres} litres on {time}, above {tolerance:%} of the {tank}-litre tank."
--!
--! [params.tolerance]
--! kind = "number"
--! default = 1.05
--! zh = "容积容差（倍）"
--! en = "Tank tolerance (ratio)"
--!
--! [figures]
--! card_no = { zh = "加油卡号", en = "Fuel card" }
--! time = { zh = "加油时间", en = "Time" }
--! litres = { zh = "加油量（升）", en = "Litres" }
--! tank = { zh = "油箱容积（升）", en = "Tank (litres)" }
--! tolerance = { zh = "容差", en = "Tolerance" }
--! station = { zh = "加油站", en = "Station" }
SELECT
    r.card_no || '/' || CAST(r.seconds AS VARCHAR) AS key,
    'vehicle' AS subject_kind,
    r.plate AS subject_id,
    coalesce(u.org_name, r.org_code, '') AS subject_name,
    r.amount AS amount_fen,
    r.org_code,
    CAST(NULL AS VARCHAR) AS region_code,
    r.card_no,
    to_char(r.time, '%Y-%m-%d %H:%M') AS time,
    r.litres,
    r.tank_capacity AS tank,
    ${tolerance} AS tolerance,
    coalesce(r.station, '') AS station,
    src('fuel_record', r._batch, r._row, r.card_no) AS src_refuel,
    src('official_vehicle', r.vehicle_batch, r.vehicle_row, r.plate) AS src_vehicle
FROM refuel r
LEFT JOIN unit u ON u.org_code = r.org_code
WHERE r.tank_capacity IS NOT NULL AND r.litres > ${tolerance} * r.tank_capacity
