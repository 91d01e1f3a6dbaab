"""Benchmark of the product recommendations (not a test: it prints figures).

    python3 -m benchmarks.recommendations [--products 2000] [--limit 30]

Runs on the brand of the wallet benchmark (database ``oto_bench``, built by
``python3 -m benchmarks.wallet_engine``: 1,000,000 customers, 10,000,000
sale orders over 12 months, 3,000 sellers). The first run gives the brand a
catalogue (``--products`` products in 20 categories, one in twenty no longer
for sale, one in ten new) and order lines for its orders (1 to 3 each; a
customer leans to one category, popular products sell more), and keeps them
for the next runs. Then, timed one by one: the first build of the kept
product stats (what each store sold of each product per day, and how many
purchases had two products together, over the 90 days of the window: done
once, later nights add a day); the campaigns of ``benchmarks.suggestions``
generating one day of suggestions (daily limit ``--limit``: about 34,000,
what the sellers' wallets allow) with their recommendations; then the day is
topped up to ``--suggestions`` customers (default 90,000) with manual
suggestions and the recommendations of the whole day are computed again,
alone, as the next night would: yesterday's and today's stats refreshed,
then the day's customers. Everything but the catalogue and the lines is
rolled back.

Finds Odoo and PostgreSQL as ``./oto test`` does (see the README).
"""

import argparse
import os
import sys
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks import suggestions, wallet_engine  # noqa: E402
from benchmarks.odoo_runner import open_registry, prepare_bench, vacuum  # noqa: E402

CATEGORIES = 20
STAT_TABLES = ("oto_recommendation_sale", "oto_recommendation_pair")

LINES_SQL = """
CREATE TEMP TABLE bench_catalogue AS
SELECT pp.id AS product_id, pt.list_price,
       dense_rank() OVER (ORDER BY pt.categ_id) - 1 AS cat,
       row_number() OVER (PARTITION BY pt.categ_id ORDER BY pp.id) - 1 AS rank,
       pt.uom_id
  FROM product_product pp JOIN product_template pt ON pt.id = pp.product_tmpl_id
 WHERE pp.default_code LIKE 'BENCH-%';
CREATE UNIQUE INDEX ON bench_catalogue (cat, rank);
ANALYZE bench_catalogue;

-- Foreign keys come back NOT VALID after the load (the lines reference
-- existing orders and products by construction), as the wallet benchmark
-- does for its orders; indexes are rebuilt after it (faster).
CREATE TEMP TABLE bench_line_fkeys AS
SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
 WHERE conrelid = 'sale_order_line'::regclass AND contype = 'f';
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT conname FROM bench_line_fkeys LOOP
    EXECUTE 'ALTER TABLE sale_order_line DROP CONSTRAINT ' || quote_ident(r.conname);
  END LOOP;
END $$;
CREATE TEMP TABLE bench_line_indexes AS
SELECT indexdef FROM pg_indexes
 WHERE tablename = 'sale_order_line' AND indexname <> 'sale_order_line_pkey';
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexname FROM pg_indexes
            WHERE tablename = 'sale_order_line'
              AND indexname <> 'sale_order_line_pkey' LOOP
    EXECUTE 'DROP INDEX ' || quote_ident(r.indexname);
  END LOOP;
END $$;

INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty,
                             product_uom, price_unit, customer_lead, company_id,
                             currency_id, order_partner_id, state, sequence,
                             create_date, write_date, create_uid, write_uid)
SELECT so.id, 'Bench', c.product_id, 1, c.uom_id, c.list_price, 0, so.company_id,
       so.currency_id, so.partner_id, so.state, k,
       so.create_date, so.write_date, 1, 1
  FROM sale_order so
 CROSS JOIN LATERAL generate_series(1, 1 + (hashint4(so.id) & 2147483647) % 3) AS k
 CROSS JOIN LATERAL (
       -- Six lines in ten in the customer's category, popular products first.
       SELECT CASE WHEN (hashint4(so.id * 31 + k) & 2147483647) % 10 < 6
                   THEN (hashint4(so.partner_id) & 2147483647) % %(categories)s
                   ELSE (hashint4(so.id * 17 + k) & 2147483647) % %(categories)s
              END AS cat,
              ((hashint4(so.id * 7 + k) & 2147483647) / 2147483647.0::float8) AS u) pick
  JOIN bench_catalogue c
    ON c.cat = pick.cat
   AND c.rank = floor(power(pick.u, 3) * %(per_category)s)::int
 WHERE so.name LIKE 'B%' AND so.state = 'sale';

DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT indexdef FROM bench_line_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT conname, def FROM bench_line_fkeys LOOP
    EXECUTE 'ALTER TABLE sale_order_line ADD CONSTRAINT ' || quote_ident(r.conname)
            || ' ' || r.def || ' NOT VALID';
  END LOOP;
END $$;
ANALYZE sale_order_line;
"""


def ensure_catalogue(odoo_module, registry, args):
    """The catalogue and the order lines, once (kept by later runs)."""
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM sale_order_line")
        lines = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM product_product WHERE default_code LIKE 'BENCH-%'"
        )
        catalogue = cr.fetchone()[0]
        if lines:
            print(f"catalogue and {lines:,} order lines already there", flush=True)
            return
        env = odoo_module.api.Environment(cr, odoo_module.SUPERUSER_ID, {})
        started = time.time()
        if catalogue:
            # A catalogue from a run stopped before its lines.
            args.products = catalogue
        else:
            categories = env["product.category"].create(
                [{"name": f"Bench categoria {n:02d}"} for n in range(CATEGORIES)]
            )
            env["product.template"].create(
                [
                    {
                        "name": f"Produto {n:05d}",
                        "default_code": f"BENCH-{n:05d}",
                        "categ_id": categories[n % CATEGORIES].id,
                        "list_price": 50 + n % 400,
                        "sale_ok": n % 20 != 7,
                    }
                    for n in range(args.products)
                ]
            )
            env.flush_all()
            # One in ten is new (a fortnight old); the others a year old.
            cr.execute(
                "UPDATE product_product SET create_date = now() - "
                "CASE WHEN id % 10 = 0 THEN interval '15 days' "
                "ELSE interval '400 days' END WHERE default_code LIKE 'BENCH-%'"
            )
            cr.commit()
            print(
                f"{'catalogue':<58} {time.time() - started:8.2f} s"
                f"  ({args.products:,} products, {CATEGORIES} categories)",
                flush=True,
            )
        started = time.time()
        cr.execute(
            LINES_SQL.replace("%(categories)s", str(CATEGORIES)).replace(
                "%(per_category)s", str(args.products // CATEGORIES)
            )
        )
        cr.commit()
        cr.execute("SELECT count(*) FROM sale_order_line")
        print(
            f"{'order lines':<58} {time.time() - started:8.2f} s"
            f"  ({cr.fetchone()[0]:,} lines)",
            flush=True,
        )


def run(odoo, db, args):
    odoo_module, registry = open_registry(odoo, db, wallet_engine.DBNAME)
    from odoo.addons.oto_crm.models.brand_time import brand_today  # noqa: PLC0415

    ensure_catalogue(odoo_module, registry, args)
    vacuum(
        db,
        wallet_engine.DBNAME,
        (*suggestions.TOUCHED_TABLES, *STAT_TABLES, "oto_recommendation"),
    )
    with registry.cursor() as cr:
        env = odoo_module.api.Environment(cr, odoo_module.SUPERUSER_ID, {})
        company = env.company
        Recommendation = env["oto.recommendation"]
        today = brand_today(env)
        # The kept stats from scratch (a first night).
        for table in STAT_TABLES:
            cr.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
        cr.execute(
            "DELETE FROM ir_config_parameter "
            "WHERE key LIKE 'oto_crm.recommendation_stats_%%'"
        )
        env.registry.clear_cache()
        started = time.time()
        ranges = Recommendation._refresh_product_stats(company, today)
        cr.execute("SELECT count(*) FROM oto_recommendation_sale")
        sales = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM oto_recommendation_pair")
        pairs = cr.fetchone()[0]
        days = sum((b - a).days + 1 for a, b in ranges)
        print(
            f"{'kept product stats, first build':<58} {time.time() - started:8.2f} s"
            f"  ({days} days: {sales:,} sales rows, {pairs:,} pair rows)",
            flush=True,
        )
        suggestions.create_campaigns(
            env, company, args.limit, "Oi {first_name}! Separei para você: {products}."
        )
        engine = env["oto.suggestion.engine"]
        started = time.time()
        engine._generate(company)
        print(
            f"{'one day of suggestions, recommendations included':<58} "
            f"{time.time() - started:8.2f} s",
            flush=True,
        )
        # Up to --suggestions: more customers of the day (manual suggestions
        # for customers with a seller and no open suggestion).
        cr.execute(
            """
            INSERT INTO oto_suggestion (date, company_id, seller_id, store_id,
                                        partner_id, type, state, priority,
                                        create_date, write_date, create_uid, write_uid)
            SELECT %(today)s, %(company)s, p.oto_seller_id, p.oto_store_id, p.id,
                   'manual', 'assigned', '0', now(), now(), 1, 1
              FROM res_partner p
             WHERE p.oto_seller_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM oto_suggestion s
                                WHERE s.partner_id = p.id
                                  AND s.state IN ('backlog', 'assigned', 'in_progress'))
             ORDER BY hashint4(p.id)
             LIMIT greatest(%(wanted)s - (
                       SELECT count(*) FROM oto_suggestion
                        WHERE date = %(today)s
                          AND state IN ('backlog', 'assigned', 'in_progress')), 0)
            """,
            {"today": today, "company": company.id, "wanted": args.suggestions},
        )
        cr.execute("ANALYZE oto_suggestion")
        # The next night: yesterday's purchases are new, today's too.
        env["ir.config_parameter"].set_param(
            Recommendation._kept_param(company, "until"),
            odoo_module.fields.Date.to_string(today - timedelta(days=2)),
        )
        started = time.time()
        written = Recommendation._compute_for_day(company, today)
        elapsed = time.time() - started
        cr.execute(
            "SELECT count(DISTINCT suggestion_id), "
            "count(*) FILTER (WHERE kind = 'together'), "
            "count(*) FILTER (WHERE kind IN ('new', 'category')), "
            "count(*) FILTER (WHERE kind IN ('store', 'brand')) "
            "FROM oto_recommendation"
        )
        with_some, together, category, best = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM oto_suggestion WHERE date = %s "
            "AND state IN ('backlog', 'assigned', 'in_progress')",
            [today],
        )
        day = cr.fetchone()[0]
        print(
            f"{'recommendations of the day, alone (stats of 2 days too)':<58} "
            f"{elapsed:8.2f} s"
            f"  ({written:,} for {day:,} suggestions; target 60 s)",
            flush=True,
        )
        print(
            f"  {with_some:,} suggestions with some: {together:,} bought together, "
            f"{category:,} from favourite categories, {best:,} best sellers"
        )
        cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--suggestions", type=int, default=90_000)
    args = parser.parse_args()
    prepared = prepare_bench("benchmarks.recommendations")
    if not prepared:
        return 1
    odoo, db = prepared
    run(odoo, db, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
