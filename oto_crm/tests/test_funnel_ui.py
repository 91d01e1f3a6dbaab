# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "oto_crm", "oto_tour")
class TestFunnelUi(HttpCase):
    """In the browser, as a Sales user without Oto role: the Oto funnel and
    Odoo's pipeline each show their own stages, on the board and on a
    subject, never both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, "oto_funnel_sales", groups="sales_team.group_sale_salesman"
        )
        cls.funnel = cls.env.ref("oto_crm.crm_team_funnel")
        cls.sales = cls.env["crm.team"].create({"name": "Vendas Atacado"})
        partner = cls.env["res.partner"].create(
            {"name": "Buffet Jardim", "mobile": "(11) 98765-0101"}
        )
        Lead = cls.env["crm.lead"]
        cls.subject = Lead.create(
            {
                "name": "Uniformes do buffet",
                "type": "opportunity",
                "team_id": cls.funnel.id,
                "partner_id": partner.id,
                "user_id": False,
            }
        )
        cls.lead = Lead.create(
            {
                "name": "Mesas para o escritório",
                "type": "opportunity",
                "team_id": cls.sales.id,
                "partner_id": partner.id,
                "user_id": False,
            }
        )

    def _member_of(self, team, lead):
        """The user works in ``team`` and is the salesperson of ``lead``
        (their pipeline shows their own subjects, of any team: a stage
        holding one shows in any pipeline, as in Odoo)."""
        self.env["crm.team.member"].search([("user_id", "=", self.user.id)]).unlink()
        team.write({"crm_team_member_ids": [Command.create({"user_id": self.user.id})]})
        lead.user_id = self.user

    def test_the_funnel_shows_its_own_stages(self):
        self._member_of(self.funnel, self.subject)
        self.assertEqual(
            self.subject.stage_id, self.env.ref("oto_crm.crm_stage_prospecting")
        )
        self.start_tour(
            "/odoo/action-crm.action_your_pipeline",
            "oto_crm_funnel_tour",
            login="oto_funnel_sales",
        )
        self.assertEqual(
            self.subject.stage_id, self.env.ref("oto_crm.crm_stage_contacted")
        )
        self.assertTrue(self.subject.oto_last_interaction)

    def test_odoo_pipeline_shows_odoo_stages(self):
        self._member_of(self.sales, self.lead)
        self.assertEqual(self.lead.stage_id, self.env.ref("crm.stage_lead1"))
        self.start_tour(
            "/odoo/action-crm.action_your_pipeline",
            "oto_crm_odoo_pipeline_tour",
            login="oto_funnel_sales",
        )
        self.assertEqual(self.lead.stage_id, self.env.ref("crm.stage_lead4"))
