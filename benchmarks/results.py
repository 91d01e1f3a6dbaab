"""Benchmark of the results (not a test: it prints figures).

    python3 -m benchmarks.results [--sample 100]

Runs on the brand of the wallet benchmark (database ``oto_bench``, built by
``python3 -m benchmarks.wallet_engine``: 1,000,000 customers, 10,000,000
orders over 12 months, 300 stores, 3,000 sellers). The first time, it adds
60 days of sellers' work to it, ending on the day of the last orders (which
the benchmark takes as today): 66,000 contacts a day (80 % reach the
customer; about 2,000,000 in 30 days) and 33,000 suggestions a day. Then it
measures:

- the first computation of the kept days (the results of 400 days, done
  once by the hourly job), and a refresh with nothing changed;
- the brand's results (KPIs of the last 30 days and of the current month,
  each with the previous period, and the ranking of the 3,000 sellers): the
  kept days plus today computed live, a whole day of contacts and orders;
- a store's results (a store manager's screen);
- a seller's results card for ``--sample`` sellers (computed live).

Server time, median and 95th percentile. What it measures is rolled back;
the seeded work and the kept days stay for the next run.

Finds Odoo and PostgreSQL as ``./oto test`` does (see the README).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from unittest import mock

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks import wallet_engine  # noqa: E402
from benchmarks.odoo_runner import open_registry, prepare_bench, vacuum  # noqa: E402

CONTACTS_PER_DAY = 66_000
SUGGESTIONS_PER_DAY = 33_000
DAYS = 60

SEED_CONTACTS = """
INSERT INTO oto_contact (company_id, seller_id, partner_id, channel, reached,
                         reason, date, create_date, write_date)
SELECT w.company_id, coalesce(p.oto_seller_id, 1 + (x.r2 * 2999)::int),
       w.partner_id, 'whatsapp',
       CASE WHEN x.r < 0.8 THEN 'yes' ELSE 'no' END,
       CASE WHEN x.r < 0.8 THEN NULL ELSE 'no_answer' END,
       (x.d + interval '12 hours' + x.r2 * interval '10 hours')
           AT TIME ZONE 'America/Sao_Paulo' AT TIME ZONE 'UTC',
       now() - interval '1 day', now() - interval '1 day'
  FROM (SELECT d, random() AS r, random() AS r2,
               7 + (random() * 999999)::int AS p
          FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d,
               generate_series(1, %(contacts)s) g) x
  JOIN oto_wallet_customer w ON w.partner_id = x.p
  JOIN res_partner p ON p.id = w.partner_id;
INSERT INTO oto_suggestion (company_id, seller_id, partner_id, type, state,
                            date, rank, create_date, write_date)
SELECT w.company_id, coalesce(p.oto_seller_id, 1 + (x.r * 2999)::int),
       w.partner_id, 'segment',
       CASE WHEN x.r < 0.55 THEN 'done' ELSE 'expired' END,
       x.d::date, 1, now() - interval '1 day', now() - interval '1 day'
  FROM (SELECT d, random() AS r, 7 + (random() * 999999)::int AS p
          FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d,
               generate_series(1, %(suggestions)s) g) x
  JOIN oto_wallet_customer w ON w.partner_id = x.p
  JOIN res_partner p ON p.id = w.partner_id;
"""


def timings_line(label, timings):
    timings = sorted(timings)
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    return f"{label:<58} median {statistics.median(timings):7.1f} ms, p95 {p95:7.1f} ms"


def seed(cr, today):
    """The sellers' 60 days of work, once (kept for the next runs)."""
    cr.execute("SELECT count(*) FROM oto_contact")
    if cr.fetchone()[0] >= CONTACTS_PER_DAY * DAYS // 2:
        return False
    print(f"adding {DAYS} days of contacts and suggestions (once)...", flush=True)
    started = time.time()
    cr.execute(
        SEED_CONTACTS,
        {
            "first": today - timedelta(days=DAYS - 1),
            "last": today,
            "contacts": CONTACTS_PER_DAY,
            "suggestions": SUGGESTIONS_PER_DAY,
        },
    )
    cr.commit()
    print(f"  done in {time.time() - started:.0f} s", flush=True)
    return True


def run(odoo, db, args):
    odoo_module, registry = open_registry(odoo, db, wallet_engine.DBNAME)
    with registry.cursor() as cr:
        # The day of the last orders, in the brand's time, is "today".
        cr.execute(
            "SELECT (max(date_order) AT TIME ZONE 'UTC' "
            "AT TIME ZONE 'America/Sao_Paulo')::date FROM sale_order"
        )
        today = cr.fetchone()[0]
        seeded = seed(cr, today)
    if seeded:
        vacuum(db, wallet_engine.DBNAME, ("oto_contact", "oto_suggestion"))
    target = "odoo.addons.oto_crm.models.oto_result_day.brand_today"
    with registry.cursor() as cr, mock.patch(target, return_value=today):
        env = odoo_module.api.Environment(cr, odoo_module.SUPERUSER_ID, {})
        company = env.company
        cr.execute(
            "SELECT count(*) FROM oto_contact WHERE date >= %s",
            [today - timedelta(days=29)],
        )
        contacts = cr.fetchone()[0]
        print(
            f"\nbrand: 3,000 sellers; {contacts:,} contacts in the last 30 days; "
            f"today is {today}",
            flush=True,
        )
        Result = env["oto.result.day"]
        cr.execute(
            "SELECT count(*) FROM oto_result_day WHERE company_id = %s", [company.id]
        )
        if not cr.fetchone()[0]:
            started = time.time()
            Result._refresh(company, today)
            cr.commit()
            print(
                f"{'first computation of the kept days (400 days)':<58} "
                f"{time.time() - started:8.2f} s",
                flush=True,
            )
        started = time.time()
        Result._refresh(company, today)
        print(
            f"{'refresh with nothing changed':<58} "
            f"{(time.time() - started) * 1000:8.1f} ms",
            flush=True,
        )
        cr.commit()
        for period in ("30d", "month"):
            timings = []
            for _i in range(5):
                env.invalidate_all()
                started = time.perf_counter()
                result = Result.get_results(period)
                timings.append((time.perf_counter() - started) * 1000)
            kpis = {kpi["key"]: kpi for kpi in result["kpis"]}
            print(timings_line(f"brand results, {period} (server time)", timings))
            print(
                f"  revenue {kpis['revenue']['value']:,.0f} "
                f"({kpis['revenue']['variation']:+}%), "
                f"{kpis['sales']['value']:,} sales, conversion "
                f"{kpis['conversion']['value']}%, "
                f"{kpis['offered']['value']:,} suggestions offered, "
                f"engagement {kpis['engagement']['value']}%, "
                f"{len(result['ranking']):,} sellers ranked",
                flush=True,
            )
        store = env["oto.store"].search([("company_id", "=", company.id)], limit=1)
        timings = []
        for _i in range(5):
            env.invalidate_all()
            started = time.perf_counter()
            Result.get_results("30d", store_id=store.id)
            timings.append((time.perf_counter() - started) * 1000)
        print(timings_line("a store's results, 30d (server time)", timings))
        cr.execute(
            "SELECT id FROM oto_seller WHERE company_id = %s ORDER BY id LIMIT %s",
            [company.id, args.sample],
        )
        timings = []
        for (seller_id,) in cr.fetchall():
            env.invalidate_all()
            started = time.perf_counter()
            Result.get_results("30d", seller_id=seller_id)
            timings.append((time.perf_counter() - started) * 1000)
        print(
            timings_line(
                f"a seller's results card, 30d ({args.sample} sellers)", timings
            ),
            flush=True,
        )
        cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=100)
    args = parser.parse_args()
    prepared = prepare_bench("benchmarks.results")
    if not prepared:
        return 1
    odoo, db = prepared
    run(odoo, db, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
