# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, freeze_time, tagged


@tagged("post_install", "-at_install", "oto_crm")
class TestFunnel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.oto_lead_idle_days = 7
        cls.partner = cls.env["res.partner"].create({"name": "Loja Parceira"})
        cls.funnel = cls.env.ref("oto_crm.crm_team_funnel")
        cls.Lead = cls.env["crm.lead"].with_context(tracking_disable=False)

    def _lead(self, name="Uniformes 2027", team=None):
        return self.Lead.create(
            {
                "name": name,
                "type": "opportunity",
                "partner_id": self.partner.id,
                "team_id": (team or self.funnel).id,
            }
        )

    def _flags(self):
        self.env["crm.lead"]._cron_oto_interaction_flags()

    def _names(self, stages):
        return stages.sorted(lambda s: (s.sequence, s.id)).mapped("name")

    def test_the_funnel_has_its_own_stages(self):
        """The funnel's stages belong to its team: Odoo's default stages are
        untouched and no pipeline shows both."""
        Stage = self.env["crm.stage"]
        funnel_stages = Stage.search([("team_id", "=", self.funnel.id)])
        self.assertEqual(
            self._names(funnel_stages),
            [
                "Prospecting",
                "Contact made",
                "Proposal presented",
                "Negotiation",
                "Closed",
            ],
        )
        self.assertEqual(funnel_stages.filtered("is_won").name, "Closed")
        odoo_stages = [self.env.ref(f"crm.stage_lead{n}") for n in range(1, 5)]
        self.assertEqual(
            [(s.name, s.team_id.id) for s in odoo_stages],
            [
                ("New", False),
                ("Qualified", False),
                ("Proposition", False),
                ("Won", False),
            ],
        )
        pt = self.env.ref("oto_crm.crm_stage_prospecting").with_context(lang="pt_BR")
        if self.env["res.lang"]._lang_get("pt_BR"):
            self.assertEqual(pt.name, "Prospecção")
        # The funnel's pipeline (kanban) shows its stages only; another
        # team's shows Odoo's shared stages and never the funnel's.
        Lead = self.env["crm.lead"]
        in_funnel = Lead.with_context(default_team_id=self.funnel.id)
        self.assertEqual(
            in_funnel._read_group_stage_ids(Stage, []), funnel_stages.sorted()
        )
        sales = self.env["crm.team"].create({"name": "Vendas Atacado"})
        shown = Lead.with_context(default_team_id=sales.id)._read_group_stage_ids(
            Stage, []
        )
        self.assertFalse(shown & funnel_stages)
        self.assertTrue(set(odoo_stages) <= set(shown))
        # New subjects start at the funnel's first stage, are won in its
        # won stage; elsewhere Odoo's stages are used.
        subject = self._lead()
        self.assertEqual(
            subject.stage_id, self.env.ref("oto_crm.crm_stage_prospecting")
        )
        subject.action_set_won()
        self.assertEqual(subject.stage_id, self.env.ref("oto_crm.crm_stage_closed"))
        other = self._lead("Pedido atacado", team=sales)
        self.assertEqual(other.stage_id, odoo_stages[0])
        other.action_set_won()
        self.assertEqual(other.stage_id, odoo_stages[3])

    def test_at_most_ten_stages_per_funnel(self):
        Stage = self.env["crm.stage"]
        team = self.env["crm.team"].create({"name": "Atacado", "oto_funnel": True})
        # A new funnel gets the funnel's five stages (copies, translated).
        self.assertEqual(
            self._names(Stage.search([("team_id", "=", team.id)])),
            self._names(Stage.search([("team_id", "=", self.funnel.id)])),
        )
        for n in range(5):
            Stage.create({"name": f"Etapa {n}", "team_id": team.id, "sequence": 5})
        with self.assertRaisesRegex(
            ValidationError, "Atacado would have 11 stages; a funnel has at most 10"
        ):
            with self.env.cr.savepoint():
                Stage.create({"name": "Etapa demais", "team_id": team.id})
        with self.assertRaisesRegex(ValidationError, "Atacado would have 2 won stages"):
            with self.env.cr.savepoint():
                Stage.search([("team_id", "=", team.id), ("is_won", "=", False)])[
                    :1
                ].is_won = True
        # Stages shared by every team are the business's: never refused,
        # and an Oto funnel does not show them.
        Stage.create({"name": "Compartilhada"})
        Stage.create({"name": "Compartilhada 2"})
        # Other pipelines are the business's: any number of stages.
        retail = self.env["crm.team"].create({"name": "Varejo"})
        Stage.create([{"name": f"Varejo {n}", "team_id": retail.id} for n in range(12)])
        # Turned into a funnel, they are refused with the team's name...
        with self.assertRaisesRegex(
            ValidationError, "Varejo would have 12 stages; a funnel has at most 10"
        ):
            with self.env.cr.savepoint():
                retail.oto_funnel = True
        # ... and a team with a few stages of its own keeps them.
        small = self.env["crm.team"].create({"name": "Eventos"})
        own = Stage.create(
            [
                {"name": "Pedido", "team_id": small.id},
                {"name": "Fechado", "team_id": small.id, "is_won": True},
            ]
        )
        small.oto_funnel = True
        self.assertEqual(Stage.search([("team_id", "=", small.id)]), own)

    def test_no_interaction_flag_across_the_threshold(self):
        with freeze_time("2026-11-02 12:00:00"):
            lead = self._lead()
            quiet = self._lead("Sem novidades")
        with freeze_time("2026-11-08 12:00:00"):  # 6 days: not yet
            self._flags()
            self.assertFalse(lead.oto_no_interaction)
        with freeze_time("2026-11-09 12:00:01"):  # just over 7 days
            self._flags()
            self.assertTrue(lead.oto_no_interaction)
            self.assertEqual(lead.oto_no_interaction_count, 1)
            self.assertIn(
                lead,
                self.env["crm.lead"].search([("oto_no_interaction", "=", True)]),
            )
            # A note is an interaction.
            lead.message_post(body="Liguei, vai pensar", message_type="comment")
            self.assertFalse(lead.oto_no_interaction)
            self.assertTrue(quiet.oto_no_interaction)
            # Tracking messages are not.
            quiet.write({"expected_revenue": 5000})
            self.assertTrue(quiet.oto_no_interaction)
            # A stage change is.
            quiet.stage_id = self.env.ref("oto_crm.crm_stage_contacted")
            self.assertFalse(quiet.oto_no_interaction)
            # Subjects of other pipelines are not the funnel's: never
            # flagged, nothing written on them.
            elsewhere = self._lead(
                "Outro funil", team=self.env["crm.team"].create({"name": "Outro time"})
            )
        with freeze_time("2026-11-20 12:00:00"):
            self._flags()
            self.assertTrue(lead.oto_no_interaction and quiet.oto_no_interaction)
            self.assertFalse(elsewhere.oto_no_interaction)
            untouched = elsewhere.oto_last_interaction
            elsewhere.message_post(body="Nota", message_type="comment")
            elsewhere.stage_id = self.env.ref("crm.stage_lead2")
            self.env["sale.order"].create(
                {"partner_id": self.partner.id, "opportunity_id": elsewhere.id}
            )
            elsewhere.invalidate_recordset()
            self.assertFalse(elsewhere.oto_no_interaction)
            self.assertEqual(elsewhere.oto_last_interaction, untouched)
            # An action logged as done is.
            activity = lead.activity_schedule(
                "mail.mail_activity_data_call", summary="Ligar de novo"
            )
            activity.action_feedback(feedback="Atendeu")
            self.assertFalse(lead.oto_no_interaction)
            # A quotation from the subject is.
            self.env["sale.order"].create(
                {"partner_id": self.partner.id, "opportunity_id": quiet.id}
            )
            self.assertFalse(quiet.oto_no_interaction)
            # Won subjects are never flagged.
            quiet.action_set_won()
        with freeze_time("2026-12-20 12:00:00"):
            self._flags()
            self.assertTrue(lead.oto_no_interaction)
            self.assertFalse(quiet.oto_no_interaction)

    def test_add_and_remove_tags_on_many_subjects(self):
        leads = self._lead("A") | self._lead("B") | self._lead("C")
        vip, atacado = self.env["crm.tag"].create(
            [{"name": "VIP"}, {"name": "Atacado"}]
        )
        leads[0].tag_ids = [Command.link(atacado.id)]
        Wizard = self.env["oto.lead.tag"].with_context(
            active_model="crm.lead", active_ids=leads.ids
        )
        with Form(Wizard) as form:
            form.tag_ids.add(vip)
        form.record.action_apply()
        self.assertEqual(leads.filtered(lambda lead: vip in lead.tag_ids), leads)
        with Form(Wizard) as form:
            form.operation = "remove"
            form.tag_ids.add(vip)
            form.tag_ids.add(atacado)
        form.record.action_apply()
        self.assertFalse(leads.tag_ids)
        with self.assertRaisesRegex(UserError, "at least one tag"):
            Wizard.create({}).action_apply()

    def test_bulk_delete_needs_an_explicit_confirmation(self):
        leads = self._lead("A") | self._lead("B")
        wizard = (
            self.env["oto.lead.delete"]
            .with_context(active_model="crm.lead", active_ids=leads.ids)
            .create({})
        )
        self.assertEqual(wizard.lead_count, 2)
        with self.assertRaisesRegex(
            UserError, "2 subject\\(s\\) will be deleted for good"
        ):
            wizard.action_delete()
        self.assertEqual(len(leads.exists()), 2)
        wizard.confirm = True
        wizard.action_delete()
        self.assertFalse(leads.exists())

    def test_archive_and_restore(self):
        lead = self._lead()
        lead.action_archive()
        self.assertNotIn(lead, self.env["crm.lead"].search([]))
        lead.action_unarchive()
        self.assertIn(lead, self.env["crm.lead"].search([]))

    def test_customer_sales_and_whatsapp_from_the_subject(self):
        customer = self.env["res.partner"].create(
            {"name": "Joana Prado", "mobile": "(11) 98765-1234"}
        )
        lead = self.Lead.create(
            {
                "name": "Festa",
                "type": "opportunity",
                "partner_id": customer.id,
                "team_id": self.funnel.id,
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Vestido Festa"})
                            .id,
                            "price_unit": 300,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        lead.invalidate_recordset(["oto_purchase_count"])
        self.assertEqual(lead.oto_purchase_count, 1)
        self.assertEqual(
            self.env["oto.purchase"]
            .search(lead.action_oto_view_purchases()["domain"])
            .res_id,
            order.id,
        )
        action = lead.action_oto_whatsapp()
        self.assertEqual(
            action["url"], "https://wa.me/5511987651234?text=Hello%20Joana%21"
        )
        customer.oto_optout_whatsapp = True
        with self.assertRaisesRegex(UserError, "asked not to receive WhatsApp"):
            lead.action_oto_whatsapp()
        lead.partner_id = self.partner  # no mobile
        with self.assertRaisesRegex(UserError, "no customer with a valid mobile"):
            lead.action_oto_whatsapp()
