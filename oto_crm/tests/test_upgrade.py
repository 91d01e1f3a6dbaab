# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""After the upgrade through every release with migrations (``./oto test
--scenario upgrade``: the database is built release by release from the git
history by ``devtools/upgrade_data.py``): the data of the earlier releases
is all there and each migration did its part. These tests run in that
scenario only (tag ``oto_upgrade``, not a standard test)."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "-standard", "oto_upgrade")
class TestUpgraded(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.cr.execute("SELECT to_regclass('upgrade_expect') IS NOT NULL")
        if not cls.env.cr.fetchone()[0]:
            raise AssertionError(
                "No earlier release in this database: these tests run in the "
                "scenario upgrade of ./oto test."
            )

    def _columns(self, table):
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def test_the_data_of_every_release_is_kept(self):
        cr = self.env.cr
        cr.execute("SELECT key, query, value FROM upgrade_expect ORDER BY key")
        figures = cr.fetchall()
        self.assertGreaterEqual(len(figures), 10)
        for key, query, value in figures:
            cr.execute(query)
            self.assertEqual(cr.fetchone()[0], value, key)
        values = {key: value for key, _query, value in figures}
        for key in ("customers in a wallet", "suggestions", "recommendations"):
            self.assertGreater(values[key], 0, key)

    def test_what_each_migration_did(self):
        # 1.1 and 1.2: the engine's results left res_partner for the narrow
        # table, which the next run fills (a full one: see below).
        self.assertFalse(
            self._columns("res_partner")
            & {
                "oto_last_purchase",
                "oto_purchase_count",
                "oto_purchase_amount",
                "oto_preferred_store_id",
                "oto_rfv_segment_id",
            }
        )
        # 1.4: recommendations lost the columns the suggestion carries.
        self.assertFalse(
            self._columns("oto_recommendation")
            & {"partner_id", "company_id", "create_uid", "write_date"}
        )
        # 1.6: the funnel's stages belong to the Oto funnel's team; Odoo's
        # default stages, deleted by the earlier install, are back, shared
        # by the other pipelines; the subjects kept their stages.
        funnel = self.env.ref("oto_crm.crm_team_funnel")
        self.assertTrue(funnel.oto_funnel)
        shipped = self.env["crm.stage"].browse(
            self.env.ref(f"oto_crm.{xmlid}").id
            for xmlid in (
                "crm_stage_prospecting",
                "crm_stage_contacted",
                "crm_stage_proposal",
                "crm_stage_negotiation",
                "crm_stage_closed",
            )
        )
        self.assertEqual(shipped.team_id, funnel)
        odoo_stages = self.env["crm.stage"].browse(
            self.env.ref(f"crm.stage_lead{n}").id for n in range(1, 5)
        )
        self.assertFalse(odoo_stages.team_id)
        self.assertEqual(odoo_stages.filtered("is_won").name, "Won")
        Lead = self.env["crm.lead"]
        Stage = self.env["crm.stage"]
        self.assertEqual(
            Lead.with_context(default_team_id=funnel.id)._read_group_stage_ids(
                Stage, []
            ),
            shipped.sorted(),
        )
        sales = self.env.ref("sales_team.team_sales_department")
        shown = Lead.with_context(default_team_id=sales.id)._read_group_stage_ids(
            Stage, []
        )
        self.assertEqual(shown & odoo_stages, odoo_stages)
        # Subjects in the funnel's stages: the pipeline shows those too.
        self.assertTrue(Lead.search_count([("stage_id", "in", shipped.ids)]))
        # 1.7: store managers have Sales' "Own documents" (their stores'
        # documents through the add-on's rules), sales managers keep "All".
        managers = self.env.ref("oto_crm.oto_crm_group_manager")
        all_documents = self.env.ref("sales_team.group_sale_salesman_all_leads")
        self.assertNotIn(all_documents, managers.implied_ids)
        sales_manager = self.env.ref("sales_team.group_sale_manager")
        for user in managers.users.filtered(lambda u: sales_manager not in u.groups_id):
            self.assertNotIn(all_documents, user.groups_id, user.login)
        self.assertIn(all_documents, sales_manager.users.groups_id)

    def test_the_engine_and_the_day_run_on_the_upgraded_data(self):
        company = self.env["oto.store"].search([], limit=1).company_id
        # The 1.1 migration asked for a full run: it rebuilds the engine
        # state from the purchases.
        self.assertFalse(company.oto_last_engine_run)
        self.assertFalse(self.env["oto.wallet.customer"].search_count([]))
        run = self.env["oto.wallet.engine"]._action_wallet_refresh(company)
        self.assertEqual((run.mode, run.state), ("full", "done"))
        self.assertTrue(self.env["oto.wallet.customer"].search_count([]))
        self.env["oto.suggestion.engine"]._generate(company)
        self.env["crm.lead"]._cron_oto_interaction_flags()

    def test_the_record_rules_are_the_business_s_to_edit_again(self):
        # 1.5 reloaded the rules from the module (updatable for that update);
        # they are noupdate again, as their file says.
        self.env.cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE noupdate) FROM ir_model_data "
            "WHERE module = 'oto_crm' AND model = 'ir.rule'"
        )
        total, frozen = self.env.cr.fetchone()
        self.assertGreater(total, 50)
        self.assertEqual(frozen, total)
