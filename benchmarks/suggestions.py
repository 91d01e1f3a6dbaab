"""Benchmark of the daily suggestions (not a test: it prints figures).

    python3 -m benchmarks.suggestions [--limit 30] [--sample 100]

Runs on the brand of the wallet benchmark (database ``oto_bench``, built and
given its wallets by ``python3 -m benchmarks.wallet_engine``: 1,000,000
customers, 3,000 sellers): the brand's daily limit is set to ``--limit``,
five campaigns are created (no purchase for 60 days, post-sale after 7
days, the "Em risco" segment, new customers, and a new collection for every
customer, which fills every list), and one day of suggestions is generated; then the
list of ``--sample`` sellers, each logged in as themselves, is served
(``oto.suggestion.get_seller_day``, what the seller's phone screen calls),
twice each (the first opening after a server start, with that user's
access rules not yet cached, and again), and the server time is measured
(median and 95th percentile).
Everything is rolled back at the end: the database stays as it was (the
tables it writes are vacuumed before it measures).

Finds Odoo and PostgreSQL as ``./oto test`` does (see the README).
"""

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks import wallet_engine  # noqa: E402
from benchmarks.odoo_runner import open_registry, prepare_bench, vacuum  # noqa: E402

CAMPAIGNS = [
    {"name": "Sentimos sua falta", "kind": "sales", "audience": "no_purchase",
     "audience_days": 60, "sequence": 10},
    {"name": "Pós-venda", "kind": "relationship", "audience": "post_sale",
     "audience_days": 7, "sequence": 5},
    {"name": "Clientes em risco", "kind": "sales", "audience": "segment",
     "sequence": 20},
    {"name": "Boas-vindas", "kind": "relationship", "audience": "new_customer",
     "audience_days": 30, "sequence": 1},
    {"name": "Nova coleção", "kind": "sales", "audience": "domain",
     "domain": "[('customer_rank', '>', 0)]", "sequence": 30},
]  # fmt: skip


# Written by a run, then rolled back: vacuumed before the next one measures.
TOUCHED_TABLES = (
    "oto_suggestion",
    "oto_campaign",
    "oto_campaign_holdout",
    "res_users",
    "res_partner",
    "res_groups_users_rel",
    "oto_seller",
    "res_company",
    "mail_followers",
    "mail_message",
)


def create_campaigns(env, company, limit, message=None):
    """The benchmark's five campaigns on ``company``, daily limit ``limit``."""
    company.oto_daily_limit = limit
    at_risk = env.ref("oto_crm.oto_rfv_segment_at_risk")
    for values in CAMPAIGNS:
        if values["audience"] == "segment":
            values = {**values, "segment_ids": at_risk.ids}
        env["oto.campaign"].create(
            {
                **values,
                "company_id": company.id,
                "holdout_percent": 10,
                "message": message or "Oi {first_name}, aqui é {seller} da {store}!",
            }
        )


def run(odoo, db, args):
    vacuum(db, wallet_engine.DBNAME, TOUCHED_TABLES)
    odoo_module, registry = open_registry(odoo, db, wallet_engine.DBNAME)
    with registry.cursor() as cr:
        env = odoo_module.api.Environment(cr, odoo_module.SUPERUSER_ID, {})
        company = env.company
        create_campaigns(env, company, args.limit)
        sellers = env["oto.seller"].search_count([("company_id", "=", company.id)])
        # What the lists can hold: no seller gets more than their wallet.
        cr.execute(
            "SELECT count(*), sum(least(%s, n)) FROM (SELECT count(*) AS n "
            "FROM res_partner WHERE oto_seller_id IS NOT NULL GROUP BY oto_seller_id) w",
            [args.limit],
        )
        with_wallet, room = cr.fetchone()
        room = int(room or 0)
        print(
            f"\nbrand: {sellers:,} sellers ({with_wallet:,} with customers), limit "
            f"{args.limit} a day (at most {room:,} suggestions), "
            f"{len(CAMPAIGNS)} campaigns",
            flush=True,
        )
        engine = env["oto.suggestion.engine"]
        started = time.time()
        summary = engine._generate(company)
        elapsed = time.time() - started
        made = sum(n for n, _held in summary.values())
        held = sum(h for _n, h in summary.values())
        print(
            f"{'generation of one day of suggestions':<58} {elapsed:8.2f} s"
            f"  ({made:,} suggestions, {held:,} held out)",
            flush=True,
        )
        for campaign, (count, held_out) in summary.items():
            print(
                f"  {campaign.name:<30} {count:>8,} suggested {held_out:>8,} held out"
            )
        started = time.time()
        engine._generate(company)
        print(
            f"{'the same day again (nothing new)':<58} {time.time() - started:8.2f} s"
        )

        # The sellers' phone screen: each sampled seller logged in.
        cr.execute(
            "SELECT seller_id FROM oto_suggestion GROUP BY seller_id "
            "ORDER BY seller_id LIMIT %s",
            [args.sample],
        )
        seller_ids = [row[0] for row in cr.fetchall()]
        group = env.ref("oto_crm.oto_crm_group_seller")
        users = {}
        for seller in env["oto.seller"].browse(seller_ids):
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": seller.name,
                        "login": f"bench-{seller.code}",
                        "company_id": company.id,
                        "company_ids": [(6, 0, company.ids)],
                        "groups_id": [(6, 0, group.ids)],
                    }
                )
            )
            seller.user_id = user
            users[seller.id] = user
        env.flush_all()
        # Each seller opens the list twice: the first time after a server
        # start (the server's caches of that user's rules are cold), then
        # again (as all day long). Record caches are dropped before each.
        firsts, agains, sizes = [], [], []
        for seller_id in seller_ids:
            Suggestion = env["oto.suggestion"].with_user(users[seller_id])
            for timings in (firsts, agains):
                env.invalidate_all()
                started = time.perf_counter()
                day = Suggestion.get_seller_day()
                timings.append((time.perf_counter() - started) * 1000)
            sizes.append(sum(len(g["suggestions"]) for g in day["groups"]))
        for label, timings in (
            ("a seller's list, first opening (server time)", firsts),
            ("a seller's list, opened again (server time)", agains),
        ):
            timings.sort()
            p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
            print(
                f"{label:<58} median {statistics.median(timings):6.1f} ms, "
                f"p95 {p95:6.1f} ms",
                flush=True,
            )
        print(
            f"  ({len(seller_ids)} sellers logged in as themselves, "
            f"{statistics.mean(sizes):.0f} suggestions each on average)"
        )
        cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--sample", type=int, default=100)
    args = parser.parse_args()
    prepared = prepare_bench("benchmarks.suggestions")
    if not prepared:
        return 1
    odoo, db = prepared
    run(odoo, db, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
