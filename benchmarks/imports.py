"""Benchmark of the onboarding import (not a test: it prints figures).

    python3 -m benchmarks.imports [--customers 1000000] [--purchases 10000000]
        [--stores 300] [--sellers 3000] [--reuse] [--keep]

Writes the four files of a brand in the format of ``data/`` (stores,
sellers, customers, purchases: one line per order, half of them with two
products), then imports them with ``oto.import`` into a new, empty company
of a database ``oto_bench_import`` (cloned from the test template with
``oto_crm`` installed), timing each file (the check alone, then the
import), an import of the same purchases again (nothing changes), and the
first wallet run over the imported history. Rolled back at the end unless
``--keep``. The target (issue 20): 1,000,000 customers and 10,000,000
purchases in under 10 minutes.

Finds Odoo and PostgreSQL as ``./oto test`` does (see the README).
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.odoo_runner import open_registry, prepare  # noqa: E402
from devtools.run_tests import _odoo_run, clone_database, ensure_template  # noqa: E402

DBNAME = "oto_bench_import"
DDDS = (11, 21, 31, 41, 51, 61, 71, 81, 85, 91)
PRODUCTS = ("Vestido Midi", "Calça Jeans", "Blusa de Seda", "Saia Plissada")


def build_database(odoo, db):
    template = ensure_template(odoo, db, "crm", False)
    clone_database(db, template, DBNAME)
    rc, _log, path = _odoo_run(
        odoo, db, DBNAME, ["-i", "oto_crm"], "bench_import_install.log"
    )
    if rc:
        raise SystemExit(f"install failed: see {path}")


def write_files(folder, args):
    """The brand's four files; returns their paths by kind."""
    rng = random.Random(20)
    paths = {
        kind: os.path.join(folder, f"{kind}.csv")
        for kind in ("stores", "sellers", "customers", "purchases")
    }
    per_store = max(1, args.sellers // args.stores)
    with open(paths["stores"], "w", encoding="utf-8") as out:
        out.write("code,name,kind,city,state,area_codes\n")
        for s in range(args.stores):
            out.write(f"S{s:04d},Loja {s},own,São Paulo,SP,{DDDS[s % len(DDDS)]}\n")
    with open(paths["sellers"], "w", encoding="utf-8") as out:
        out.write("code,name,store_code,mobile\n")
        for s in range(args.stores):
            for k in range(per_store):
                out.write(f"S{s:04d}-{k:02d},Vendedor {s} {k},S{s:04d},\n")
    with open(paths["customers"], "w", encoding="utf-8") as out:
        out.write(
            "ref,name,email,mobile,birthdate,store_code,consent_whatsapp,"
            "consent_email,consent_date,consent_source\n"
        )
        for c in range(args.customers):
            ddd = DDDS[c % len(DDDS)]
            out.write(
                f"C{c:07d},Cliente {c},cliente{c}@example.com,"
                f"+55{ddd}9{6 + c % 4}{c % 10**7:07d},1990-01-{1 + c % 28:02d},"
                f"S{c % args.stores:04d},{'yes' if c % 3 else 'no'},yes,"
                "2025-07-01,store\n"
            )
    start = datetime(2025, 7, 1, 10, 0)
    lines = 0
    with open(paths["purchases"], "w", encoding="utf-8") as out:
        out.write(
            "order_ref,date,store_code,seller_code,customer_ref,channel,product,"
            "quantity,unit_price\n"
        )
        order = 0
        while lines < args.purchases:
            customer = rng.randrange(args.customers)
            store = customer % args.stores
            seller = f"S{store:04d}-{rng.randrange(per_store):02d}"
            when = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
            head = (
                f"P{order:08d},{when:%Y-%m-%dT%H:%M},S{store:04d},{seller},"
                f"C{customer:07d},store"
            )
            for product in PRODUCTS[: 1 + order % 2]:
                out.write(f"{head},{product},1,{100 + order % 400}.90\n")
                lines += 1
            order += 1
    return paths, order


def timed(label, func, rows=None):
    started = time.time()
    result = func()
    seconds = time.time() - started
    rate = f", {rows / seconds:,.0f} rows/s" if rows and seconds else ""
    print(f"{label:<44} {seconds:8.1f} s{rate}", flush=True)
    return result, seconds


def run(odoo, db, args, paths, orders):
    odoo_module, registry = open_registry(odoo, db, DBNAME)
    sizes = {
        "stores": args.stores,
        "sellers": args.sellers,
        "customers": args.customers,
        "purchases": args.purchases,
    }
    total = 0.0
    with registry.cursor() as cr:
        env = odoo_module.api.Environment(cr, odoo_module.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        admin.groups_id |= env.ref("oto_crm.oto_crm_group_admin")
        company = env["res.company"].create(
            {
                "name": f"Benchmark Brand {time.strftime('%Y%m%d-%H%M%S')}",
                "country_id": env.ref("base.br").id,
            }
        )
        admin.company_ids |= company
        env = env(user=admin, context={"allowed_company_ids": [company.id]})
        Import = env["oto.import"]
        for kind in ("stores", "sellers", "customers", "purchases"):
            with open(paths[kind], "rb") as file:
                data = file.read()
            timed(
                f"check {kind} ({sizes[kind]:,} rows)",
                lambda d=data, k=kind: Import._run(k, d, f"{k}.csv", dry_run=True),
                sizes[kind],
            )
            result, seconds = timed(
                f"import {kind} ({sizes[kind]:,} rows)",
                lambda d=data, k=kind: Import._run(k, d, f"{k}.csv"),
                sizes[kind],
            )
            total += seconds
            if result["issue_count"] or not result["done"]:
                print(f"  problems: {result['issue_count']}, {result['file_issue']}")
            print(
                f"  created {result['created']:,}, updated {result['updated']:,}, "
                f"unchanged {result['unchanged']:,}"
            )
        print(f"{'import, the four files':<44} {total:8.1f} s ({orders:,} orders)")
        result, _seconds = timed(
            "import the purchases again (no change)",
            lambda: Import._run("purchases", data, "purchases.csv"),
            args.purchases,
        )
        print(f"  created {result['created']:,}, updated {result['updated']:,}")
        timed(
            "first wallet run (full)",
            lambda: (
                env["oto.wallet.engine"]
                .sudo()
                .with_company(company)
                ._action_wallet_refresh(company, mode="full")
            ),
            args.customers,
        )
        if args.keep:
            cr.commit()
        else:
            cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--purchases", type=int, default=10_000_000)
    parser.add_argument("--stores", type=int, default=300)
    parser.add_argument("--sellers", type=int, default=3000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    prepared = prepare("benchmarks.imports")
    if not prepared:
        return 1
    odoo, db = prepared
    if not (args.reuse and db.exists(DBNAME)):
        build_database(odoo, db)
    with tempfile.TemporaryDirectory() as folder:
        paths, orders = write_files(folder, args)
        run(odoo, db, args, paths, orders)
    return 0


if __name__ == "__main__":
    sys.exit(main())
