"""Benchmark of the wallet engine (not a test: it prints figures).

    python3 -m benchmarks.wallet_engine [--customers 1000000] [--orders 10000000]
        [--stores 300] [--sellers 3000] [--keep] [--reuse]

Builds a brand of the given size directly in PostgreSQL, through the add-on's
own tables (``oto_store``, ``oto_seller``, ``res_partner``, ``sale_order``),
in a database ``oto_bench`` cloned from the test template with ``oto_crm``
installed; then times each stage of the nightly engine, and two floors over
the same orders: a one-pass aggregate (count and sum over 12 months) and a
GROUP BY customer (count, sum, max date). Each stage is printed with its
ratio to the GROUP BY floor.

Finds Odoo and PostgreSQL as ``./oto test`` does (see the README).
``--reuse`` keeps an existing ``oto_bench`` database and its data.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.odoo_runner import open_registry, prepare  # noqa: E402
from devtools.run_tests import _odoo_run, clone_database, ensure_template  # noqa: E402

DBNAME = "oto_bench"


def build_database(odoo, db, args):
    template = ensure_template(odoo, db, "crm", False)
    clone_database(db, template, DBNAME)
    rc, _log, path = _odoo_run(odoo, db, DBNAME, ["-i", "oto_crm"], "bench_install.log")
    if rc:
        raise SystemExit(f"install failed: see {path}")
    sql = GENERATE_SQL.format(**vars(args))
    started = time.time()
    proc = subprocess.run(
        [db.tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", DBNAME],
        input=sql,
        text=True,
        env=db.env(),
        check=False,
    )
    if proc.returncode:
        raise SystemExit("data generation failed")
    print(
        f"data: {args.customers:,} customers, {args.orders:,} orders, {args.stores} stores, "
        f"{args.sellers} sellers built in {time.time() - started:.0f} s",
        flush=True,
    )


# Deterministic generation: customers buy mostly at a home store from a few
# sellers there; orders spread over the last 12 months.
GENERATE_SQL = """
SET synchronous_commit = off;
-- Orders that existed before the add-on: no change log entry.
ALTER TABLE sale_order DISABLE TRIGGER oto_wallet_change;
INSERT INTO oto_store (name, code, kind, company_id, active, sequence, area_codes,
                       create_date, write_date, create_uid, write_uid)
SELECT 'Loja ' || g, 'S' || g, CASE WHEN g % 5 = 0 THEN 'franchise' ELSE 'own' END,
       1, true, g, (11 + g % 80)::text, now(), now(), 1, 1
  FROM generate_series(1, {stores}) g;

INSERT INTO oto_seller (name, code, store_id, company_id, active, wallet_capacity,
                        daily_limit, create_date, write_date, create_uid, write_uid)
SELECT 'Vendedor ' || g, 'V' || g,
       (SELECT min(id) FROM oto_store) + (g - 1) % {stores}, 1, true, 0, 0,
       now(), now(), 1, 1
  FROM generate_series(1, {sellers}) g;

CREATE TEMP TABLE bench_customer AS
SELECT g AS n, (SELECT min(id) FROM oto_store) + (hashint4(g) & 2147483647) % {stores} AS store_id
  FROM generate_series(1, {customers}) g;

INSERT INTO res_partner (name, complete_name, active, type, is_company, customer_rank,
                         company_id, lang, autopost_bills, mobile, oto_phone_e164,
                         oto_store_id, create_date, write_date, create_uid, write_uid)
SELECT 'Cliente ' || n, 'Cliente ' || n, true, 'contact', false, 1, 1, 'pt_BR', 'ask',
       '+55 11 9' || lpad((n % 100000000)::text, 8, '0'),
       '+55119' || lpad((n % 100000000)::text, 8, '0'),
       store_id, now(), now(), 1, 1
  FROM bench_customer ORDER BY n;

CREATE TEMP TABLE bench_ids AS
SELECT row_number() OVER (ORDER BY id) AS n, id, oto_store_id AS store_id
  FROM res_partner WHERE name LIKE 'Cliente %' AND oto_store_id IS NOT NULL;
CREATE INDEX ON bench_ids (n);
ANALYZE bench_ids;

-- Sellers of each store, numbered 0..k-1.
CREATE TEMP TABLE bench_store_sellers AS
SELECT store_id, array_agg(id ORDER BY id) AS ids FROM oto_seller GROUP BY store_id;

-- Foreign keys are checked row by row at the end of the load (three quarters
-- of its time): drop them, load, and put them back NOT VALID (they hold for
-- new rows; the generated ones are valid by construction).
CREATE TEMP TABLE bench_fkeys AS
SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
 WHERE conrelid = 'sale_order'::regclass AND contype = 'f';
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT conname FROM bench_fkeys LOOP
    EXECUTE 'ALTER TABLE sale_order DROP CONSTRAINT ' || quote_ident(r.conname);
  END LOOP;
END $$;

-- The indexes are built after the load (faster); the engine's come back too.
CREATE TEMP TABLE bench_indexes AS
SELECT indexdef FROM pg_indexes
 WHERE tablename = 'sale_order' AND indexname <> 'sale_order_pkey';
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexname FROM pg_indexes
            WHERE tablename = 'sale_order' AND indexname <> 'sale_order_pkey' LOOP
    EXECUTE 'DROP INDEX ' || quote_ident(r.indexname);
  END LOOP;
END $$;

INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                        company_id, date_order, state, amount_total, amount_untaxed,
                        currency_rate, oto_seller_id, oto_store_id, oto_channel,
                        create_date, write_date, create_uid, write_uid)
SELECT 'B' || o.g, c.id, c.id, c.id, 1,
       now() - ((hashint4(o.g * 7) & 2147483647) % 365) * interval '1 day'
             - ((hashint4(o.g * 13) & 2147483647) % 600) * interval '1 minute',
       'sale',
       50 + (hashint4(o.g * 3) & 2147483647) % 950,
       50 + (hashint4(o.g * 3) & 2147483647) % 950,
       1.0,
       ss.ids[1 + ((hashint4(c.n::int) & 2147483647)::bigint + (CASE WHEN o.g % 4 = 0 THEN o.g ELSE 0 END))
                  % array_length(ss.ids, 1)],
       c.store_id, 'store', now() - interval '2 days', now() - interval '2 days', 1, 1
  FROM generate_series(1, {orders}) AS o(g)
  JOIN bench_ids c ON c.n = 1 + ((hashint4(o.g) & 2147483647) % {customers})
  JOIN bench_store_sellers ss ON ss.store_id = c.store_id;

DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexdef FROM bench_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT conname, def FROM bench_fkeys LOOP
    EXECUTE 'ALTER TABLE sale_order ADD CONSTRAINT ' || quote_ident(r.conname)
            || ' ' || r.def || ' NOT VALID';
  END LOOP;
END $$;
ALTER TABLE sale_order ENABLE TRIGGER oto_wallet_change;
VACUUM ANALYZE sale_order;
VACUUM ANALYZE res_partner;
"""


def timed(label, func, floor=None):
    started = time.time()
    result = func()
    elapsed = time.time() - started
    ratio = f"  ({elapsed / floor:.2f}x the GROUP BY floor)" if floor else ""
    print(f"{label:<58} {elapsed:8.2f} s{ratio}", flush=True)
    return elapsed, result


def snapshot(cr, name, query):
    """A temporary copy of ``query``'s rows, to count what a stage changed
    (taken and compared outside the timings)."""
    cr.execute(f"DROP TABLE IF EXISTS {name}")
    cr.execute(f"CREATE TEMP TABLE {name} AS {query}")


def changed(cr, name, query):
    cr.execute(f"SELECT count(*) FROM (({query}) EXCEPT (SELECT * FROM {name})) AS d")
    return cr.fetchone()[0]


CUSTOMER_STATE = (
    "SELECT partner_id, order_count, round(amount::numeric, 2), last_purchase, "
    "preferred_store_id, preferred_seller_id FROM oto_wallet_customer"
)
RFV_STATE = (
    "SELECT partner_id, r_score, f_score, v_score, segment_id FROM oto_wallet_customer"
)


def run_engine(odoo, db, args):
    from freezegun import freeze_time  # noqa: PLC0415 (Odoo's Python has it)

    odoo_module, registry = open_registry(odoo, db, DBNAME)
    SQL = odoo_module.tools.SQL
    Datetime = odoo_module.fields.Datetime
    with registry.cursor() as cr:
        env = odoo_module.api.Environment(cr, odoo_module.SUPERUSER_ID, {})
        company = env.company
        engine = env["oto.wallet.engine"].with_company(company)
        start = SQL("now() - interval '12 months'")

        def floor_one_pass():
            cr.execute(
                SQL(
                    "SELECT count(*), sum(amount_total) FROM sale_order "
                    "WHERE state = 'sale' AND date_order >= %s",
                    start,
                )
            )
            return cr.fetchall()

        def floor_group_by():
            cr.execute(
                SQL(
                    "SELECT count(*) FROM (SELECT partner_id, count(*), sum(amount_total), "
                    "max(date_order) FROM sale_order WHERE state = 'sale' AND date_order >= %s "
                    "GROUP BY partner_id) t",
                    start,
                )
            )
            return cr.fetchall()

        # Back to the generated brand (an earlier run of this script added a
        # day of orders, cancelled some and gave some to other customers).
        cr.execute("DELETE FROM sale_order WHERE starts_with(name, 'N')")
        cr.execute(
            "UPDATE sale_order SET state = 'sale' "
            "WHERE state = 'cancel' AND starts_with(name, 'B')"
        )
        cr.execute(
            "UPDATE sale_order SET partner_id = client_order_ref::int, "
            "client_order_ref = NULL "
            "WHERE starts_with(name, 'B') AND client_order_ref IS NOT NULL"
        )
        cr.execute("UPDATE res_company SET oto_last_engine_run = NULL")
        cr.commit()
        print(f"\nstage{' ' * 54}seconds", flush=True)
        timed("floor: one-pass aggregate (count, sum, 12 months)", floor_one_pass)
        floor, _r = timed(
            "floor: GROUP BY customer (count, sum, max date)", floor_group_by
        )

        env["ir.config_parameter"].set_param("oto_crm.wallet_batch_size", args.batch)
        first = Datetime.now().replace(microsecond=0)
        _e, run = timed(
            "first full run on existing data (state, wallets, RFV)",
            lambda: engine._action_wallet_refresh(company, mode="full"),
            floor,
        )
        print(f"  ({run.total:,} customers, {run.moved:,} given a seller by the rule)")
        cr.commit()

        # The next night, 24 hours later: a day of new orders (dated between
        # the two runs), orders of the past cancelled or given to another
        # customer during the day; a day of orders leaves the window and
        # recency moves for every customer.
        night = first + timedelta(hours=24)
        cancelled = max(args.new_orders // 30, 1)
        reassigned = max(args.new_orders // 60, 1)
        cr.execute(
            SQL(
                """
            INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id,
                company_id, date_order, state, amount_total, amount_untaxed, currency_rate,
                oto_seller_id, oto_store_id, oto_channel, create_date, write_date,
                create_uid, write_uid)
            SELECT 'N' || g, p.id, p.id, p.id, 1,
                   %(first)s + (g * 86000 / %(n)s) * interval '1 second', 'sale',
                   120, 120, 1.0, s.id, s.store_id, 'store', now(), now(), 1, 1
              FROM generate_series(1, %(n)s) g
              JOIN LATERAL (SELECT id, oto_store_id FROM res_partner
                             WHERE id = (SELECT min(id) FROM res_partner
                                          WHERE starts_with(name, 'Cliente '))
                                        + mod(hashint4(g * 31) & 2147483647, %(customers)s)) p
                   ON TRUE
              JOIN LATERAL (SELECT id, store_id FROM oto_seller
                             WHERE store_id = p.oto_store_id
                             ORDER BY hashint4(id + g) LIMIT 1) s ON TRUE
            """,
                first=first,
                n=args.new_orders,
                customers=args.customers,
            )
        )
        cr.execute(
            SQL(
                """
            UPDATE sale_order SET state = 'cancel' WHERE id IN (
                SELECT id FROM sale_order
                 WHERE starts_with(name, 'B') AND state = 'sale'
                   AND date_order >= %(first)s - interval '300 days'
                 ORDER BY hashint4(id) LIMIT %(n)s)
            """,
                first=first,
                n=cancelled,
            )
        )
        cr.execute(
            SQL(
                """
            UPDATE sale_order SET client_order_ref = partner_id::text,
                   partner_id = partner_id + 1
             WHERE id IN (
                SELECT id FROM sale_order
                 WHERE starts_with(name, 'B') AND state = 'sale'
                   AND client_order_ref IS NULL
                   AND date_order >= %(first)s - interval '300 days'
                 ORDER BY hashint4(id + 7) LIMIT %(n)s)
            """,
                first=first,
                n=reassigned,
            )
        )
        cr.execute(
            SQL(
                "SELECT count(*) FROM sale_order WHERE state = 'sale' "
                "AND date_order >= %s AND date_order < %s",
                first - relativedelta(months=company.oto_window_months),
                night - relativedelta(months=company.oto_window_months),
            )
        )
        leaving = cr.fetchone()[0]
        cr.commit()
        snapshot(cr, "bench_rfv", RFV_STATE)
        with freeze_time(night, tick=True):
            elapsed, run = timed(
                f"next night: {args.new_orders:,} new orders, {cancelled:,} cancelled, "
                f"{reassigned:,} reassigned",
                lambda: engine._action_wallet_refresh(company, mode=None),
                floor,
            )
        rescored = changed(cr, "bench_rfv", RFV_STATE)
        print(
            f"  ({run.mode} run: {run.total:,} customers queued, {run.moved:,} moved, "
            f"{leaving:,} orders left the window, {rescored:,} customers' RFV changed)"
        )
        cr.commit()

        # 5% of the customers buy again at another store of theirs (their
        # state brought up to date as a batch does, untimed); then every
        # customer's preferred store and seller, and the RFV, from the state.
        with freeze_time(night + timedelta(hours=2), tick=True):
            cr.execute(
                SQL(
                    """
                INSERT INTO sale_order (name, partner_id, partner_invoice_id,
                    partner_shipping_id, company_id, date_order, state, amount_total,
                    amount_untaxed, currency_rate, oto_seller_id, oto_store_id, oto_channel,
                    create_date, write_date, create_uid, write_uid)
                SELECT 'N5-' || p.id || '-' || k, p.id, p.id, p.id, 1,
                       %(at)s, 'sale', 900, 900, 1.0, s.id, s.store_id, 'store',
                       now(), now(), 1, 1
                  FROM res_partner p
                 CROSS JOIN generate_series(1, 3) k
                  JOIN LATERAL (SELECT id, store_id FROM oto_seller
                                 WHERE store_id <> p.oto_store_id
                                 ORDER BY hashint4(id + p.id) LIMIT 1) s ON TRUE
                 WHERE starts_with(p.name, 'Cliente ')
                   AND mod(hashint4(p.id) & 2147483647, 20) = 0
                RETURNING partner_id
                """,
                    at=night + timedelta(hours=1),
                )
            )
            partners = sorted({row[0] for row in cr.fetchall()})
            engine._refresh_pairs(
                company,
                partners,
                night
                + timedelta(hours=2)
                - relativedelta(months=company.oto_window_months),
                night + timedelta(hours=2),
            )
            snapshot(cr, "bench_customer", CUSTOMER_STATE)
            timed(
                "preferred store and seller, all customers (from state)",
                lambda: engine._refresh_customers(company),
                floor,
            )
            moved = changed(cr, "bench_customer", CUSTOMER_STATE)
            print(
                f"  ({len(partners):,} customers' purchases changed; "
                f"{moved:,} customer rows written differ)"
            )
            snapshot(cr, "bench_rfv", RFV_STATE)
            timed(
                "RFV, all customers (thresholds, scores, segments)",
                lambda: engine._compute_rfv(company),
                floor,
            )
            print(f"  ({changed(cr, 'bench_rfv', RFV_STATE):,} customers' RFV changed)")
        cr.rollback()

        # A seller whose wallet is exactly 1,000 customers of their store.
        store = env["oto.store"].search([], limit=1)
        seller = env["oto.seller"].create(
            {"name": "Vendedor 1000", "code": "V-1000", "store_id": store.id}
        )
        cr.execute(
            SQL(
                "UPDATE res_partner SET oto_seller_id = %s WHERE id IN "
                "(SELECT id FROM res_partner WHERE oto_store_id = %s "
                " AND starts_with(name, 'Cliente ') ORDER BY id LIMIT 1000)",
                seller.id,
                store.id,
            )
        )
        env.invalidate_all()
        count = seller.customer_count
        timed(
            f"redistribution of a {count:,}-customer wallet (inactivation)",
            lambda: seller.write({"active": False}),
        )
        cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--stores", type=int, default=300)
    parser.add_argument("--sellers", type=int, default=3000)
    parser.add_argument("--new-orders", type=int, default=30_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    prepared = prepare("benchmarks.wallet_engine")
    if not prepared:
        return 1
    odoo, db = prepared
    if not (args.reuse and db.exists(DBNAME)):
        build_database(odoo, db, args)
    run_engine(odoo, db, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
