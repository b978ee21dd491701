#!/usr/bin/env python3
"""Random OCDS compiled releases full of the cases Cardinal's indicators decide on, to compare
Qingfeng's R models with Cardinal itself (scripts/compare-cardinal.py).

Usage: scripts/ocds-edge-cases.py [--utc] [--firms N] RELEASES FILE [SEED]

Each release draws from small pools of buyers, procuring entities and firms (so that the
per-firm and per-buyer indicators R025, R038 and R048 have distributions to find outliers in)
and mixes: cancelled tenders, every procurement method and none, procurement method details,
numberOfTenderers given or not, tender periods with time zones, date-only or missing; bids of
every status or none, consortium bids, bids without an amount or in another currency, tied
prices, late bids; no, one or two awards of every status, one or two suppliers, the winner
lowest or not; award items with classifications. Parties are left out, so that both sides
name a firm by `tenderers[].id` (Qingfeng otherwise prefers the party's identifier).

With --utc every date is a UTC time written the same way, so that Cardinal's comparison of
dates as text (R030) agrees with Qingfeng's comparison of instants: then every indicator's
flags must be the same on both sides, but R018's where numberOfTenderers is missing (counted
from the bids by Qingfeng, on purpose).
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone


def main():
    args = sys.argv[1:]
    utc = "--utc" in args
    args = [a for a in args if a != "--utc"]
    firm_count = 60
    try:
        if "--firms" in args:
            i = args.index("--firms")
            firm_count = int(args[i + 1])
            del args[i:i + 2]
        if len(args) not in (2, 3) or firm_count < 8:
            raise ValueError("RELEASES, FILE and SEED expected, and at least 8 firms")
        count, path = int(args[0]), args[1]
        rng = random.Random(int(args[2]) if len(args) == 3 else 1)
    except (ValueError, IndexError) as e:
        sys.exit(f"{e}\n{__doc__}")
    firms = [f"F{i:03}" for i in range(firm_count)]
    # A few firms bid often and win rarely (R025), a few are often disqualified (R038).
    heavy = firms[:8]
    buyers = [f"B{i:02}" for i in range(12)]
    entities = [f"E{i:02}" for i in range(6)]
    codes = [f"{a}{b}{c}" for a in "1234" for b in "0123456789" for c in "05"]

    def pick(weighted):
        r, total = rng.random() * sum(w for _, w in weighted), 0.0
        for value, w in weighted:
            total += w
            if r < total:
                return value
        return weighted[-1][0]

    def instant(t):
        form = "z" if utc else pick([("z", 4), ("offset", 4), ("date", 1)])
        if form == "date":
            return t.strftime("%Y-%m-%d")
        if form == "z":
            return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return t.astimezone(timezone(timedelta(hours=-5))).isoformat()

    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            release = {"ocid": f"ocds-edge-{n:06}", "id": f"{n}", "date": "2024-01-01T00:00:00Z", "tag": ["compiled"]}
            tender = {"id": f"T{n}"}
            status = pick([(None, 3), ("active", 3), ("complete", 3), ("cancelled", 1)])
            if status:
                tender["status"] = status
            method = pick([("open", 4), ("selective", 2), ("limited", 2), ("direct", 1), (None, 1)])
            if method:
                tender["procurementMethod"] = method
            details = pick([(None, 2), ("Cotización", 1), ("Licitación", 1), ("Random Selection", 1)])
            if details:
                tender["procurementMethodDetails"] = details
            start = datetime(2024, 1, 1, 9, tzinfo=timezone.utc) + timedelta(days=rng.randrange(300), hours=rng.randrange(24))
            end = start + timedelta(days=rng.randrange(0, 30), hours=rng.randrange(-12, 12))
            if rng.random() < 0.9:
                period = {}
                if rng.random() < 0.95:
                    period["startDate"] = instant(start)
                if rng.random() < 0.95:
                    period["endDate"] = instant(end)
                tender["tenderPeriod"] = period
            if rng.random() < 0.9:
                release["buyer"] = {"id": rng.choice(buyers)}
            if rng.random() < 0.7:
                tender["procuringEntity"] = {"id": rng.choice(entities)}
            release["tender"] = tender

            bidders = rng.sample(heavy if rng.random() < 0.3 else firms, rng.randrange(0, 7))
            bids = []
            base = rng.choice([100, 250, 1000, 5000])
            # Most processes priced tightly: a first, valid bid, the others about 5 % over it (now
            # and then the second bid only 0.1 %), so that R024's lower fence is above 0; a few firms bid high and seldom
            # win (R025); one buyer disqualifies most bids (R038).
            tight = rng.random() < 0.9
            harsh = release.get("buyer", {}).get("id") == buyers[0]
            for j, firm in enumerate(bidders):
                bid = {"id": f"{n}-{j}"}
                bid_status = pick([("valid", 12), ("disqualified", 12 if harsh else 4 if firm in heavy[:3] else 2), ("pending", 1),
                                   ("invited", 1), ("withdrawn", 1), (None, 1)])
                if bid_status:
                    bid["status"] = bid_status
                tenderers = [{"id": firm}]
                if rng.random() < 0.07:
                    tenderers.append({"id": rng.choice(firms)})
                if rng.random() < 0.03:
                    tenderers = []
                if tight and j == 0:
                    bid["status"], tenderers = "valid", [{"id": firm}]
                bid["tenderers"] = tenderers
                if rng.random() < 0.92 or (tight and j == 0):
                    if tight:
                        step = 1.001 if j == 1 and rng.random() < 0.05 else 1.05 + rng.uniform(-0.003, 0.003)
                        amount = base if j == 0 else round(base * step, 2)
                    elif rng.random() < 0.6:
                        amount = base * rng.choice([1, 1, 1.01, 1.02, 1.05, 1.1, 1.3, 2])
                    else:
                        amount = round(base * rng.uniform(0.8, 1.5), 2)
                    if firm in heavy[3:5]:
                        amount = round(amount * 1.5, 2)
                    bid["value"] = {"amount": amount, "currency": "CNY" if rng.random() < 0.97 else "USD"}
                if rng.random() < 0.9:
                    bid["date"] = instant(end + timedelta(hours=rng.choice([-48, -2, -1, 1, 30])))
                bids.append(bid)
            if bidders or rng.random() < 0.5:
                release["bids"] = {"details": bids}
            if "numberOfTenderers" not in tender and rng.random() < 0.5:
                tender["numberOfTenderers"] = len({b["tenderers"][0]["id"] for b in bids if b["tenderers"]}) if rng.random() < 0.8 else rng.randrange(0, 4)

            awards = []
            for k in range(pick([(0, 2), (1, 12), (2, 2)])):
                award = {"id": f"{n}-a{k}"}
                award_status = pick([("active", 12), ("pending", 1), ("cancelled", 1), ("unsuccessful", 1), (None, 1)])
                if award_status:
                    award["status"] = award_status
                valid = sorted((b.get("value", {}).get("amount", 0), b["tenderers"][0]["id"]) for b in bids
                               if b.get("status") == "valid" and b["tenderers"])
                # The high bidders hardly ever win.
                valid = [v for v in valid if v[1] not in heavy[3:5]] or valid
                if valid and (tight or rng.random() < 0.8):
                    winner = valid[0][1] if tight or rng.random() < 0.7 else rng.choice(valid)[1]
                else:
                    winner = rng.choice(firms)
                suppliers = [{"id": winner}]
                if rng.random() < 0.05:
                    suppliers.append({"id": rng.choice(firms)})
                award["suppliers"] = suppliers
                items = []
                for _ in range(rng.randrange(0, 4)):
                    item = {"id": str(len(items))}
                    if rng.random() < 0.9:
                        # Firms supply from 2, 3 or 4 classes (two-digit prefixes), one firm
                        # from 40 (R048).
                        pool = codes if winner == firms[5] else codes[:2 * (2 + firms.index(winner) % 3)]
                        item["classification"] = {"scheme": "CPV", "id": rng.choice(pool) + "0000"}
                    items.append(item)
                if items:
                    award["items"] = items
                award["value"] = {"amount": base, "currency": "CNY"}
                awards.append(award)
            if awards:
                release["awards"] = awards
            out.write(json.dumps(release, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
