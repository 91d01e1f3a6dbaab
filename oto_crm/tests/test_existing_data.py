# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Installed into a database with a year of business (``./oto test
--scenario existing_data``): the database is built by
``devtools/existing_business.py`` before the add-ons are installed, with a
digest of every row of the business's tables; these tests compare. They run
in that scenario only (tag ``oto_existing_data``, not a standard test)."""

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install", "-standard", "oto_existing_data")
class TestInstalledIntoABusiness(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.cr.execute("SELECT to_regclass('business_snapshot') IS NOT NULL")
        if not cls.env.cr.fetchone()[0]:
            raise AssertionError(
                "No business in this database: these tests run in the scenario "
                "existing_data of ./oto test, which builds it before the install."
            )

    def test_nothing_of_the_business_changed(self):
        """Every row of the business's tables is still there, each column it
        had before the install unchanged (the add-ons only add columns).
        The administrator (and Odoo's own system user) become brand admins,
        as Odoo's apps make them managers: their user and partner rows say
        they were written then, nothing else of them changes."""
        cr = self.env.cr
        admins = self.env.ref("base.user_admin") | self.env.ref("base.user_root")
        given_a_role = {
            "res_users": admins.ids,
            "res_partner": admins.partner_id.ids,
        }
        cr.execute("SELECT tbl, cols FROM business_snapshot_columns ORDER BY tbl")
        checked = 0
        for table, columns in cr.fetchall():
            data = [c for c in columns if c not in ("write_date", "write_uid")]
            cr.execute(
                SQL(
                    """
                    SELECT s.res_id FROM business_snapshot s
                      LEFT JOIN %(table)s t ON t.id = s.res_id
                     WHERE s.tbl = %(name)s
                       AND (t.id IS NULL OR CASE WHEN s.res_id = ANY(%(relaxed)s)
                            THEN md5(ROW(%(data)s)::text) <> s.digest_data
                            ELSE md5(ROW(%(row)s)::text) <> s.digest END)
                     ORDER BY s.res_id
                    """,
                    table=SQL.identifier(table),
                    name=table,
                    relaxed=given_a_role.get(table, []),
                    row=SQL(", ").join(SQL.identifier("t", c) for c in columns),
                    data=SQL(", ").join(SQL.identifier("t", c) for c in data),
                )
            )
            changed = [row[0] for row in cr.fetchall()]
            self.assertFalse(
                changed, f"{table}: rows changed or gone by the install: {changed[:20]}"
            )
            cr.execute("SELECT count(*) FROM business_snapshot WHERE tbl = %s", [table])
            checked += cr.fetchone()[0]
        # The scenario built a business worth the name.
        self.assertGreater(checked, 2000)

    def test_every_pipeline_shows_what_it_showed(self):
        """Odoo's pipelines and the business's own (12 stages each) show the
        same stages, start new subjects and win them in the same stages; the
        Oto funnel is a team of its own."""
        cr = self.env.cr
        cr.execute(
            "SELECT team_id, stage_ids, first_stage, won_stage "
            "FROM business_snapshot_pipeline ORDER BY team_id"
        )
        pipelines = cr.fetchall()
        self.assertGreaterEqual(len(pipelines), 4)
        Lead = self.env["crm.lead"]
        Stage = self.env["crm.stage"]
        for team_id, stage_ids, first, won in pipelines:
            shown = Lead.with_context(default_team_id=team_id)._read_group_stage_ids(
                Stage, []
            )
            self.assertEqual(shown.ids, stage_ids, f"team {team_id}")
            self.assertEqual(
                Lead._stage_find(team_id=team_id, domain=[("fold", "=", False)]).id
                or None,
                first,
            )
            self.assertEqual(
                Lead._stage_find(team_id=team_id, domain=[("is_won", "=", True)]).id
                or None,
                won,
            )
        for n in range(1, 5):
            self.assertTrue(self.env.ref(f"crm.stage_lead{n}"))
        funnel = self.env.ref("oto_crm.crm_team_funnel")
        self.assertNotIn(funnel.id, [p[0] for p in pipelines])
        self.assertEqual(len(Stage.search([("team_id", "=", funnel.id)])), 5)
        # A brand turning a 12-stage team into an Oto funnel is told why not.
        wholesale = self.env["crm.team"].search(
            [("name", "=like", "Atacado %")], limit=1
        )
        with self.assertRaisesRegex(
            ValidationError, f"{wholesale.name} would have 12 stages"
        ):
            wholesale.oto_funnel = True

    def _expected_purchases(self, company, salesperson, since):
        """Per customer: (orders, amount) since ``since`` of the company's
        confirmed sale orders by ``salesperson`` and its paid POS orders, read
        from Odoo's tables."""
        cr = self.env.cr
        queries = [
            SQL(
                """
                SELECT partner_id, amount_total / COALESCE(NULLIF(currency_rate, 0), 1)
                  FROM sale_order
                 WHERE state = 'sale' AND company_id = %s AND date_order >= %s
                   AND user_id = %s
                """,
                company.id,
                since,
                salesperson.id,
            )
        ]
        if "pos.order" in self.env:
            queries.append(
                SQL(
                    """
                    SELECT partner_id, amount_total FROM pos_order
                     WHERE state IN ('paid', 'done', 'invoiced') AND company_id = %s
                       AND partner_id IS NOT NULL AND date_order >= %s
                    """,
                    company.id,
                    since,
                )
            )
        expected = {}
        for query in queries:
            cr.execute(query)
            for partner_id, amount in cr.fetchall():
                count, total = expected.get(partner_id, (0, 0.0))
                expected[partner_id] = (count + 1, total + float(amount))
        return expected

    def test_first_wallet_run_takes_the_existing_purchases(self):
        """The brand sets up a store (the existing point of sale is the
        store's) and its sellers, one of them a salesperson of the business;
        the first run takes the year of POS orders and of that salesperson's
        sale orders (the other salesperson is no seller: theirs belong to no
        store); companies without stores are left alone."""
        main = self.env.ref("base.main_company")
        salesperson = self.env["res.users"].search(
            [("login", "=", f"vendas.{main.id}.1")]
        )
        other = self.env["res.users"].search([("login", "=", f"vendas.{main.id}.2")])
        self.assertTrue(salesperson and other)
        store = self.env["oto.store"].create(
            {"name": "Loja Centro", "code": "CENTRO", "company_id": main.id}
        )
        sellers = self.env["oto.seller"].create(
            [
                {
                    "name": "Vendedora Um",
                    "code": "C-01",
                    "store_id": store.id,
                    "user_id": salesperson.id,
                },
                {"name": "Vendedor Dois", "code": "C-02", "store_id": store.id},
            ]
        )
        sold = self.env["sale.order"].search([("user_id", "=", salesperson.id)])
        self.assertTrue(sold)
        self.assertEqual(sold.oto_seller_id, sellers[0])
        self.assertFalse(
            self.env["sale.order"].search([("user_id", "=", other.id)]).oto_seller_id
        )
        pos_customers = self.env["res.partner"]
        if "pos.config" in self.env:
            config = self.env["pos.config"].search([("company_id", "=", main.id)])
            self.assertTrue(config, "the business has a point of sale")
            config.oto_store_id = store
            pos_customers = (
                self.env["pos.order"]
                .search([("config_id", "in", config.ids), ("partner_id", "!=", False)])
                .partner_id
            )
            self.assertTrue(pos_customers)
        self.env["oto.wallet.engine"]._cron_wallet_refresh()
        since = self.env["oto.wallet.engine"]._window_start(
            main, main.oto_last_engine_run
        )
        expected = self._expected_purchases(main, salesperson, since)
        self.assertGreater(len(expected), 50)
        states = self.env["oto.wallet.customer"].search([("company_id", "=", main.id)])
        got = {
            state.partner_id.id: (state.order_count, round(state.amount, 2))
            for state in states
        }
        self.assertEqual(
            got,
            {
                pid: (count, round(amount, 2))
                for pid, (count, amount) in expected.items()
            },
        )
        for customer in pos_customers:
            with self.subTest(customer=customer.name):
                self.assertEqual(
                    customer.with_company(main).oto_preferred_store_id, store
                )
                self.assertIn(customer.oto_seller_id, sellers)
        # The other companies have no store: the engine does not run there.
        others = self.env["res.company"].search([("id", "!=", main.id)])
        self.assertFalse(
            self.env["oto.wallet.customer"].search_count(
                [("company_id", "in", others.ids)]
            )
        )
        self.assertFalse(
            self.env["res.partner"].search_count(
                [("company_id", "in", others.ids), ("oto_seller_id", "!=", False)]
            )
        )
