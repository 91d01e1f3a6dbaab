"""A year of a business that runs Odoo without Oto CRM, for the scenario
``existing_data`` of ``./oto test``: built in a database of Odoo's modules
only, then fingerprinted, before our add-ons are installed into it.

Runs inside Odoo (``odoo-bin shell``): ``build(env)`` then ``snapshot(env)``.
Deterministic (a seeded random). What it builds:

- three companies (the main one, a branch and a franchise);
- 260 partners (people and companies, some shared by the companies), with
  Brazilian phones in the shapes people type them, some without any;
- in each company a sales team with 12 stages of its own (more than an Oto
  funnel allows), and Odoo's own team and default stages as Odoo made them;
- 180 leads and opportunities across those pipelines (custom stages, won,
  lost, archived);
- two salespeople per company (Odoo users without an Oto group);
- 300 sale orders over the last 12 months (confirmed, quotations,
  cancelled) in the three companies, by those salespeople;
- a point of sale of the main company and 150 paid POS orders over the
  year (with and without a customer), its session closed.

``snapshot`` keeps, in plain tables the add-ons know nothing of, a digest of
every row of the business's tables over the columns they have now, and what
each pipeline shows (its stages, where a new subject starts, where a won one
goes), for ``oto_crm/tests/test_existing_data.py`` to compare after the
install.
"""

import random
import uuid
from datetime import datetime, timedelta

# The business's tables: after the install each of their rows must be as it
# was, column for column (the add-ons may only add columns).
SNAPSHOT_TABLES = (
    "res_company",
    "res_partner",
    "res_users",
    "res_groups",
    "crm_team",
    "crm_stage",
    "crm_lead",
    "sale_order",
    "sale_order_line",
    "pos_config",
    "pos_session",
    "pos_order",
    "pos_order_line",
    "product_template",
    "product_product",
    "account_move",
    "ir_ui_view",
    "ir_ui_menu",
    "ir_cron",
    "ir_rule",
    "ir_model_access",
)

FIRST = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor"]
LAST = ["Souza", "Lima", "Alves", "Prado", "Rocha", "Mendes", "Costa", "Dias"]
PHONES = [
    "(11) 9{:04d}-{:04d}",
    "+55 21 9{:04d} {:04d}",
    "031 9{:04d}{:04d}",
    "(11) 3{:03d}-{:04d}",
]


def _stages(env, team, names, won_last=True):
    return env["crm.stage"].create(
        [
            {
                "name": name,
                "sequence": 10 + n,
                "team_id": team.id,
                "is_won": won_last and n == len(names) - 1,
            }
            for n, name in enumerate(names)
        ]
    )


# Who last wrote a row and when: the brand's own actions after the install
# change them (on the rows they act on), the install itself never does.
WRITE_STAMP = ("write_date", "write_uid")


def _digest(columns):
    from odoo.tools import SQL  # noqa: PLC0415 (runs inside Odoo only)

    return SQL(
        "md5(ROW(%s)::text)",
        SQL(", ").join(SQL.identifier("t", column) for column in columns),
    )


def build(env):
    rnd = random.Random(28)
    now = datetime.now().replace(microsecond=0)
    env = env(
        user=env.ref("base.user_admin").id,
        context=dict(env.context, tracking_disable=True, mail_notrack=True),
    )
    main = env.ref("base.main_company")
    branch, franchise = env["res.company"].create(
        [{"name": "Filial Rio"}, {"name": "Franquia BH"}]
    )
    companies = main | branch | franchise
    env.user.write({"company_ids": [(4, c.id) for c in companies]})
    for company, code in ((branch, "RIO"), (franchise, "BH")):
        if not env["stock.warehouse"].search_count([("company_id", "=", company.id)]):
            env["stock.warehouse"].create(
                {"name": company.name, "code": code, "company_id": company.id}
            )

    # Two salespeople per company (Odoo users, no Oto group).
    salespeople = {
        company: env["res.users"].create(
            [
                {
                    "name": f"Vendas {company.name} {k}",
                    "login": f"vendas.{company.id}.{k}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [
                        (6, 0, [env.ref("sales_team.group_sale_salesman").id])
                    ],
                }
                for k in (1, 2)
            ]
        )
        for company in companies
    }

    # People and companies.
    partners = env["res.partner"]
    for n in range(260):
        company = rnd.choice([main, main, branch, franchise, False])
        is_company = n % 13 == 0
        name = (
            f"Empresa {LAST[n % 8]} {n}"
            if is_company
            else f"{FIRST[n % 8]} {LAST[(n // 8) % 8]} {n}"
        )
        phone = rnd.choice(PHONES + [None]) if n % 5 else None
        vals = {
            "name": name,
            "is_company": is_company,
            "company_id": company.id if company else False,
            "email": f"cliente{n}@example.com" if n % 4 else False,
            "city": rnd.choice(["São Paulo", "Rio de Janeiro", "Belo Horizonte"]),
        }
        if phone:
            vals["mobile" if n % 2 else "phone"] = phone.format(
                rnd.randint(0, 999), rnd.randint(0, 9999)
            )
        partners |= env["res.partner"].create(vals)

    # Pipelines: Odoo's default team and stages, and per company a team with
    # twelve stages of its own.
    teams = env["crm.team"]
    for company in companies:
        team = env["crm.team"].create(
            {"name": f"Atacado {company.name}", "company_id": company.id}
        )
        _stages(
            env,
            team,
            [
                "Lead recebido",
                "Qualificação",
                "Visita agendada",
                "Visita feita",
                "Amostras",
                "Cotação",
                "Proposta",
                "Negociação",
                "Aprovação interna",
                "Contrato",
                "Pedido",
                "Ganho",
            ],
        )
        teams |= team
    sales_team = env.ref("sales_team.team_sales_department")
    for n in range(180):
        team = rnd.choice([*teams, sales_team])
        company = team.company_id or main
        stages = env["crm.stage"].search(
            ["|", ("team_id", "=", team.id), ("team_id", "=", False)]
            if team == sales_team
            else [("team_id", "=", team.id)]
        )
        partner = rnd.choice(
            partners.filtered(
                lambda p, c=company: p.company_id in (c, env["res.company"])
            )
        )
        lead = env["crm.lead"].create(
            {
                "name": f"Oportunidade {n}",
                "type": "opportunity" if n % 6 else "lead",
                "team_id": team.id,
                "company_id": company.id,
                "partner_id": partner.id,
                "stage_id": rnd.choice(stages).id,
                "expected_revenue": rnd.randint(1, 90) * 100,
            }
        )
        if n % 17 == 0:
            lead.action_set_lost()
        elif n % 23 == 0:
            lead.action_archive()

    # A year of sales.
    products = env["product.product"].create(
        [
            {
                "name": f"Produto {n}",
                "list_price": 50 + 15 * n,
                "available_in_pos": True,
                "taxes_id": [(5, 0, 0)],
                "type": "consu",
            }
            for n in range(20)
        ]
    )
    for n in range(300):
        company = rnd.choice([main, main, branch, franchise])
        partner = rnd.choice(
            partners.filtered(
                lambda p, c=company: (
                    not p.is_company and p.company_id in (c, env["res.company"])
                )
            )
        )
        when = now - timedelta(days=rnd.randint(0, 364), hours=rnd.randint(0, 8))
        order = (
            env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": rnd.choice(salespeople[company]).id,
                    "date_order": when,
                    "order_line": [
                        (
                            0,
                            0,
                            {"product_id": p.id, "product_uom_qty": rnd.randint(1, 3)},
                        )
                        for p in rnd.sample(list(products), rnd.randint(1, 3))
                    ],
                }
            )
        )
        if n % 10 < 8:
            order.action_confirm()
            order.date_order = when
        elif n % 10 == 8:
            order._action_cancel()

    # A point of sale and its year.
    journal = env["account.journal"].search(
        [("type", "=", "cash"), ("company_id", "=", main.id)], limit=1
    )
    cash = env["pos.payment.method"].create(
        {"name": "Dinheiro", "journal_id": journal.id}
    )
    config = env["pos.config"].create(
        {"name": "Loja Centro", "payment_method_ids": [(6, 0, cash.ids)]}
    )
    config.open_ui()
    session = config.current_session_id
    people = partners.filtered(
        lambda p: not p.is_company and p.company_id in (main, env["res.company"])
    )
    orders = []
    for n in range(150):
        lines = []
        for product in rnd.sample(list(products), rnd.randint(1, 2)):
            qty = rnd.randint(1, 2)
            total = product.lst_price * qty
            lines.append(
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "qty": qty,
                        "price_unit": product.lst_price,
                        "price_subtotal": total,
                        "price_subtotal_incl": total,
                        "discount": 0.0,
                        "tax_ids": [(6, 0, [])],
                        "full_product_name": product.name,
                    },
                )
            )
        total = sum(line[2]["price_subtotal_incl"] for line in lines)
        when = now - timedelta(days=rnd.randint(0, 364), hours=rnd.randint(0, 8))
        code = str(uuid.UUID(int=rnd.getrandbits(128)))
        orders.append(
            {
                "uuid": code,
                "name": f"Order {code}",
                "session_id": session.id,
                "user_id": env.uid,
                "partner_id": rnd.choice(people).id if n % 3 else False,
                "pricelist_id": config.pricelist_id.id,
                "date_order": when.strftime("%Y-%m-%d %H:%M:%S"),
                "lines": lines,
                "payment_ids": [
                    (
                        0,
                        0,
                        {
                            "amount": total,
                            "name": when.strftime("%Y-%m-%d %H:%M:%S"),
                            "payment_method_id": cash.id,
                        },
                    )
                ],
                "amount_paid": total,
                "amount_total": total,
                "amount_tax": 0.0,
                "amount_return": 0.0,
                "state": "paid",
            }
        )
    env["pos.order"].sync_from_ui(orders)
    session.action_pos_session_closing_control()
    env.flush_all()


def snapshot(env):
    """Digests of the business's rows and what its pipelines show."""
    from odoo.tools import SQL  # noqa: PLC0415 (runs inside Odoo only)

    cr = env.cr
    env.flush_all()
    cr.execute(
        """
        CREATE TABLE business_snapshot (
            tbl text, res_id int, digest text, digest_data text);
        CREATE TABLE business_snapshot_columns (tbl text, cols text[]);
        CREATE TABLE business_snapshot_pipeline (
            team_id int, stage_ids int[], first_stage int, won_stage int);
        """
    )
    for table in SNAPSHOT_TABLES:
        cr.execute(
            "SELECT array_agg(column_name::text ORDER BY column_name) "
            "FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        columns = cr.fetchone()[0]
        cr.execute(
            "INSERT INTO business_snapshot_columns VALUES (%s, %s)", [table, columns]
        )
        cr.execute(
            SQL(
                "INSERT INTO business_snapshot SELECT %s, t.id, %s, %s FROM %s t",
                table,
                _digest(columns),
                _digest(c for c in columns if c not in WRITE_STAMP),
                SQL.identifier(table),
            )
        )
    # Odoo rebuilds this view from the groups whenever a module adds or
    # removes some: not the business's.
    groups_view = env.ref("base.user_groups_view", raise_if_not_found=False)
    if groups_view:
        cr.execute(
            "DELETE FROM business_snapshot WHERE tbl = 'ir_ui_view' AND res_id = %s",
            [groups_view.id],
        )
    Lead = env["crm.lead"]
    Stage = env["crm.stage"]
    for team in env["crm.team"].with_context(active_test=False).search([]):
        shown = Lead.with_context(default_team_id=team.id)._read_group_stage_ids(
            Stage, []
        )
        first = Lead._stage_find(team_id=team.id, domain=[("fold", "=", False)])
        won = Lead._stage_find(team_id=team.id, domain=[("is_won", "=", True)])
        cr.execute(
            "INSERT INTO business_snapshot_pipeline VALUES (%s, %s, %s, %s)",
            [team.id, shown.ids, first.id or None, won.id or None],
        )


def add_oto_data(env):
    """What a brand does with the add-ons after installing them: a store of
    the main company whose point of sale is the existing one, its sellers
    (one with a personal login), the first wallet run, subjects in the Oto
    funnel and in a team turned into one, a contact, a WhatsApp account with
    a template."""
    main = env.ref("base.main_company")
    store = env["oto.store"].create(
        {"name": "Loja Centro", "code": "CENTRO", "company_id": main.id}
    )
    user = env["res.users"].create(
        {
            "name": "Vendedora Centro",
            "login": "vendedora.centro",
            "company_id": main.id,
            "company_ids": [(6, 0, main.ids)],
            "groups_id": [(6, 0, [env.ref("oto_crm.oto_crm_group_seller").id])],
        }
    )
    sellers = env["oto.seller"].create(
        [
            {
                "name": "Vendedora Centro",
                "code": "C-01",
                "store_id": store.id,
                "user_id": user.id,
            },
            {"name": "Vendedor Dois", "code": "C-02", "store_id": store.id},
        ]
    )
    env["pos.config"].search([("company_id", "=", main.id)]).oto_store_id = store
    env["oto.wallet.engine"]._cron_wallet_refresh()
    customers = env["res.partner"].search([("oto_seller_id", "in", sellers.ids)])
    funnel = env.ref("oto_crm.crm_team_funnel")
    events = env["crm.team"].create({"name": "Eventos", "oto_funnel": True})
    stages = env["crm.stage"].search([("team_id", "=", funnel.id)])
    for n, customer in enumerate(customers[:6]):
        values = {
            "name": f"Assunto {n}",
            "type": "opportunity",
            "team_id": (events if n == 5 else funnel).id,
            "partner_id": customer.id,
        }
        if n < 5:
            values["stage_id"] = stages[n % len(stages)].id
        env["crm.lead"].create(values)
    env["oto.contact"].create(
        {
            "seller_id": sellers[0].id,
            "partner_id": customers[0].id,
            "channel": "whatsapp",
            "reached": "yes",
            "result": "positive",
            "company_id": main.id,
        }
    )
    if "oto.whatsapp.account" in env:
        account = env["oto.whatsapp.account"].create(
            {
                "name": "Atendimento",
                "phone_number_id": "100200300",
                "business_account_id": "200300400",
                "access_token": "token-de-teste",
                "app_secret": "segredo-de-teste",
                "webhook_verify_token": "verificar",
            }
        )
        env["oto.whatsapp.template"].create(
            {"name": "boas_vindas", "account_id": account.id, "body": "Olá!"}
        )
    env.flush_all()


def digest_now(env):
    """The digests of the snapshot's rows as they are now (same columns)."""
    from odoo.tools import SQL  # noqa: PLC0415 (runs inside Odoo only)

    cr = env.cr
    cr.execute(
        "DROP TABLE IF EXISTS business_snapshot_digest_now; "
        "CREATE TABLE business_snapshot_digest_now "
        "(tbl text, res_id int, digest text, digest_data text)"
    )
    cr.execute("SELECT tbl, cols FROM business_snapshot_columns")
    for table, columns in cr.fetchall():
        cr.execute(
            SQL(
                "INSERT INTO business_snapshot_digest_now "
                "SELECT %s, t.id, %s, %s FROM %s t",
                table,
                _digest(columns),
                _digest(c for c in columns if c not in WRITE_STAMP),
                SQL.identifier(table),
            )
        )
