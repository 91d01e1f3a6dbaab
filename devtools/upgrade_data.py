"""Data for the scenario ``upgrade`` of ``./oto test``, added at each
release the database goes through (inside Odoo: ``odoo-bin shell``).

``build(env)`` first checks that what the earlier releases left is still
there (figures kept in the plain table ``upgrade_expect``: each row a query
and its value), then adds what this release's models allow, with this
release's own code: its demo brand (stores, sellers, customers, a year of
orders, wallets), its campaigns and the day's suggestions, the products it
recommends, subjects in the funnel's stages; then keeps the new figures.
"""

import datetime

FIGURES = {
    "stores": "SELECT count(*) FROM oto_store",
    "sellers": "SELECT count(*) FROM oto_seller",
    "customers in a wallet": "SELECT count(*) FROM res_partner "
    "WHERE oto_seller_id IS NOT NULL",
    "wallet seller of each customer": "SELECT coalesce(sum(id * oto_seller_id), 0) "
    "FROM res_partner WHERE oto_seller_id IS NOT NULL",
    "wallet history": "SELECT count(*) FROM oto_wallet_history",
    "confirmed sale orders": "SELECT count(*) FROM sale_order WHERE state = 'sale'",
    "sale orders of a store seller": "SELECT count(*) FROM sale_order "
    "WHERE oto_seller_id IS NOT NULL",
    "campaigns": "SELECT count(*) FROM oto_campaign",
    "suggestions": "SELECT count(*) FROM oto_suggestion",
    "contacts": "SELECT count(*) FROM oto_contact",
    "consent ledger": "SELECT count(*) FROM oto_consent",
    "recommendations": "SELECT count(*) FROM oto_recommendation",
    "subjects and their stage": "SELECT coalesce(sum(id * stage_id), 0) FROM crm_lead",
}


def _tables(cr):
    cr.execute(
        "SELECT relname FROM pg_class WHERE relkind IN ('r', 'v') "
        "AND (relname LIKE 'oto%' OR relname = 'upgrade_expect')"
    )
    return {row[0] for row in cr.fetchall()}


def _figures(cr):
    tables = _tables(cr)
    figures = {}
    for key, query in FIGURES.items():
        table = query.split(" FROM ")[1].split()[0]
        if table.startswith("oto") and table not in tables:
            continue
        cr.execute(query)
        figures[key] = (query, cr.fetchone()[0])
    return figures


def check(env):
    """What the earlier releases left: each figure as it was."""
    cr = env.cr
    if "upgrade_expect" not in _tables(cr):
        return
    cr.execute("SELECT key, query, value FROM upgrade_expect ORDER BY key")
    wrong = []
    for key, query, value in cr.fetchall():
        cr.execute(query)
        now = cr.fetchone()[0]
        if now != value:
            wrong.append(f"{key}: {value} before the upgrade, {now} after")
    if wrong:
        raise AssertionError("; ".join(wrong))


def _keep(env):
    cr = env.cr
    env.flush_all()
    cr.execute(
        "CREATE TABLE IF NOT EXISTS upgrade_expect "
        "(key text PRIMARY KEY, query text, value numeric)"
    )
    cr.execute("DELETE FROM upgrade_expect")
    for key, (query, value) in _figures(cr).items():
        cr.execute(
            "INSERT INTO upgrade_expect VALUES (%s, %s, %s)", [key, query, value]
        )


def build(env):
    check(env)
    company = env.company
    demo = env["oto.demo"]
    if not env["oto.store"].search_count([]):
        demo._generate_demo_brand()
    if (
        "oto.campaign" in env
        and hasattr(demo, "_create_demo_campaigns")
        and not env["oto.campaign"].with_context(active_test=False).search_count([])
    ):
        demo.with_context(tracking_disable=True)._create_demo_campaigns(company)
        env["oto.suggestion.engine"]._generate(company)
    recommendation = env["oto.recommendation"] if "oto.recommendation" in env else None
    if (
        recommendation is not None
        and hasattr(recommendation, "_compute_for_day")
        and not recommendation.search_count([])
    ):
        day = env["oto.suggestion"].search([], order="date desc", limit=1).date
        recommendation._compute_for_day(company, day or datetime.date.today())
    stages = [
        env.ref(f"oto_crm.{xmlid}", raise_if_not_found=False)
        for xmlid in (
            "crm_stage_prospecting",
            "crm_stage_contacted",
            "crm_stage_proposal",
            "crm_stage_negotiation",
        )
    ]
    if all(stages) and not env["crm.lead"].search_count(
        [("stage_id", "in", [s.id for s in stages])]
    ):
        customers = env["res.partner"].search(
            [("oto_seller_id", "!=", False)], limit=len(stages)
        )
        env["crm.lead"].create(
            [
                {
                    "name": f"Assunto {n}",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "stage_id": stage.id,
                }
                for n, (stage, customer) in enumerate(
                    zip(stages, customers, strict=False)
                )
            ]
        )
    _keep(env)
