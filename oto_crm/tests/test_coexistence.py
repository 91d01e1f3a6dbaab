# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A guest in someone's ERP: people without an Oto group work in CRM, Sales
and Contacts as before, and a seller whose login leaves Oto CRM gives the
wallet back to the store."""

import importlib.util

from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, file_path

from ..hooks import uninstall_hook
from .common import OtoCrmCommon


def _arch(record, view_type="form"):
    """The view as ``record``'s user gets it (groups applied)."""
    return etree.fromstring(record.get_view(view_type=view_type)["arch"])


def _oto_names(arch):
    return sorted(
        {
            node.get("name")
            for node in arch.iter("field", "filter", "button")
            if (node.get("name") or "").startswith(("oto_", "action_oto_"))
        }
    )


@tagged("post_install", "-at_install", "oto_crm")
class TestCoexistence(OtoCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_user = new_test_user(
            cls.env,
            "odoo_sales_user",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Empresa Cliente",
                "mobile": "(11) 98765-1111",
                "company_id": cls.company.id,
                "oto_seller_id": cls.seller_a1.id,
            }
        )
        product = cls.env["product.product"].create(
            {"name": "Vestido Linho", "list_price": 250}
        )
        cls.order = (
            cls.env["sale.order"]
            .with_company(cls.company)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "company_id": cls.company.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
        )
        cls.order.action_confirm()
        cls.funnel = cls.env.ref("oto_crm.crm_team_funnel")
        cls.sales_team = cls.env["crm.team"].create(
            {"name": "Vendas", "company_id": cls.company.id}
        )
        cls.Lead = cls.env["crm.lead"].with_company(cls.company)

    def _lead(self, team, user=None):
        return self.Lead.create(
            {
                "name": f"Pedido {team.name}",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "team_id": team.id,
                "user_id": (user or self.sales_user).id,
                "company_id": self.company.id,
            }
        )

    def test_sales_user_works_on_subjects_as_before(self):
        """A Sales user without Oto groups opens, edits and wins subjects of
        any pipeline, the Oto funnel's included: no access error, no Oto
        figures or buttons (the customer's purchases are not theirs to see)."""
        for team in (self.sales_team, self.funnel):
            lead = self._lead(team).with_user(self.sales_user)
            with Form(lead) as form:
                form.expected_revenue = 1200
            self.assertEqual(lead.expected_revenue, 1200)
            lead.action_set_won()
            self.assertTrue(lead.stage_id.is_won)
            # Read through the ORM anyway: nothing, and no error.
            self.assertEqual(lead.oto_purchase_count, 0)
            self.assertEqual(lead.oto_invoice_count, 0)
        arch = _arch(self.Lead.with_user(self.sales_user))
        self.assertEqual(
            _oto_names(arch),
            [
                "action_oto_whatsapp",
                "oto_funnel",
                "oto_last_interaction",
                "oto_no_interaction",
            ],
            "only the funnel's own fields, shown on the funnel's subjects",
        )
        # A new subject typed in the form, as in Odoo's own tests.
        with Form(self.Lead.with_user(self.sales_user)) as form:
            form.name = "Novo assunto"
            form.partner_id = self.customer
        self.assertTrue(form.record.stage_id)

    def test_oto_users_see_the_customer_figures_in_the_funnel(self):
        lead = self._lead(self.funnel, user=self.user_seller)
        arch = _arch(lead.with_user(self.user_seller))
        self.assertIn("oto_purchase_count", _oto_names(arch))
        self.assertEqual(lead.with_user(self.user_seller).oto_purchase_count, 1)
        # Outside the funnel the subject is Odoo's: no figures.
        other = self._lead(self.sales_team, user=self.user_seller)
        self.assertEqual(other.with_user(self.user_seller).oto_purchase_count, 0)

    def test_sales_user_sells_and_edits_contacts_as_before(self):
        order_form_arch = _arch(self.env["sale.order"].with_user(self.sales_user))
        self.assertEqual(_oto_names(order_form_arch), [])
        for view_type in ("list", "search"):
            self.assertEqual(
                _oto_names(
                    _arch(self.env["sale.order"].with_user(self.sales_user), view_type)
                ),
                [],
            )
        with Form(
            self.env["sale.order"].with_user(self.sales_user).with_company(self.company)
        ) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.order.order_line.product_id
        order = form.record
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        Partner = self.env["res.partner"].with_user(self.sales_user)
        for view_type in ("form", "list", "kanban", "search"):
            self.assertEqual(
                [
                    name
                    for name in _oto_names(_arch(Partner, view_type))
                    if name not in ("oto_rfv_tone",)
                ],
                [],
                view_type,
            )
        with Form(self.customer.with_user(self.sales_user)) as form:
            form.phone = "(11) 3333-4444"
        self.assertEqual(self.customer.phone, "(11) 3333-4444")

    def test_a_quotation_moved_to_another_company_leaves_its_seller(self):
        sales = new_test_user(
            self.env,
            "odoo_sales_two_companies",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=self.company.id,
            company_ids=self.companies,
        )
        customer = self.env["res.partner"].create({"name": "Cliente Das Duas"})
        quotation = (
            self.env["sale.order"]
            .with_company(self.company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "user_id": self.user_seller.id,
                }
            )
        )
        self.assertEqual(quotation.oto_seller_id, self.seller_a1)
        # Another company's quotation now: no seller or store of the first
        # (Odoo would refuse them as "incompatible companies").
        quotation.with_user(sales).with_context(
            allowed_company_ids=self.companies
        ).write({"company_id": self.other_company.id, "user_id": sales.id})
        self.assertEqual(quotation.company_id, self.other_company)
        self.assertFalse(quotation.oto_seller_id)
        self.assertFalse(quotation.oto_store_id)

    def test_a_salesperson_made_seller_takes_their_sales_unwritten(self):
        salesperson = new_test_user(
            self.env,
            "odoo_vendedor_antigo",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        order = (
            self.env["sale.order"]
            .with_company(self.company)
            .create(
                {
                    "partner_id": self.customer_1.id,
                    "company_id": self.company.id,
                    "user_id": salesperson.id,
                    "date_order": "2026-10-10 15:00:00",
                }
            )
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET write_date = '2026-10-10 15:00:00', "
            "write_uid = %s WHERE id = %s",
            [salesperson.id, order.id],
        )
        order.invalidate_recordset()
        param = self.env["oto.result.day"]._kept_param(self.company, "until")
        self.env["ir.config_parameter"].sudo().set_param(param, "2026-11-30")
        self.seller_a2.user_id = salesperson
        self.assertEqual(order.oto_seller_id, self.seller_a2)
        # Not stamped as written: the business's exports see no change.
        self.assertEqual(str(order.write_date), "2026-10-10 15:00:00")
        self.assertEqual(order.write_uid, salesperson)
        # The results compute the days of those sales (and of the contacts
        # they may convert) again.
        until = self.env["ir.config_parameter"].sudo().get_param(param)
        self.assertLess(until, "2026-10-10")


@tagged("post_install", "-at_install", "oto_crm")
class TestSellerLeavesOto(OtoCrmCommon):
    """A seller's personal login taken out of Oto CRM while holding a wallet:
    the seller is inactivated and the wallet goes back to the store's other
    sellers; nothing is lost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wallet = cls.env["res.partner"].create(
            [
                {
                    "name": f"Cliente da Ana {n}",
                    "company_id": cls.company.id,
                    "oto_seller_id": cls.seller_a1.id,
                }
                for n in range(3)
            ]
        )
        cls.contact = cls.env["oto.contact"].create(
            {
                "seller_id": cls.seller_a1.id,
                "partner_id": cls.wallet[0].id,
                "channel": "whatsapp",
                "reached": "yes",
                "company_id": cls.company.id,
            }
        )
        cls.seller_group = cls.env.ref("oto_crm.oto_crm_group_seller")

    def _assert_back_to_the_store(self):
        self.assertFalse(self.seller_a1.active)
        self.assertEqual(self.wallet.oto_seller_id, self.seller_a2)
        self.assertEqual(self.wallet.oto_store_id, self.store_a)
        history = self.env["oto.wallet.history"].search(
            [("partner_id", "in", self.wallet.ids), ("reason", "=", "redistribution")]
        )
        self.assertEqual(
            [(h.old_seller_id, h.new_seller_id) for h in history],
            [(self.seller_a1, self.seller_a2)] * 3,
        )
        self.assertTrue(self.contact.exists())
        self.assertEqual(self.contact.seller_id, self.seller_a1)
        self.assertTrue(
            any(
                "no longer has access to Oto CRM" in str(body)
                for body in self.seller_a1.message_ids.mapped("body")
            )
        )
        self.assertTrue(
            self.env["oto.audit"].search_count(
                [
                    ("action", "=", "seller_inactivated"),
                    ("seller_id", "=", self.seller_a1.id),
                ]
            )
        )

    def test_taken_out_of_the_group_on_the_user(self):
        # Another change of groups keeps the seller.
        self.user_seller.write(
            {"groups_id": [Command.link(self.env.ref("base.group_partner_manager").id)]}
        )
        self.assertTrue(self.seller_a1.active)
        self.user_seller.write({"groups_id": [Command.unlink(self.seller_group.id)]})
        self._assert_back_to_the_store()

    def test_taken_out_on_the_group(self):
        self.seller_group.write({"users": [Command.unlink(self.user_seller.id)]})
        self._assert_back_to_the_store()

    def test_login_archived(self):
        self.user_seller.action_archive()
        self._assert_back_to_the_store()

    def test_login_deleted(self):
        self.user_seller.unlink()
        self._assert_back_to_the_store()


@tagged("post_install", "-at_install", "oto_crm")
class TestOdooMassEmail(OtoCrmCommon):
    """Odoo's mass email to contacts (Contacts › Action › Send email, Email
    Marketing on contacts) works as Odoo's: Oto's consent gate decides only
    on Oto's own marketing screens and for Oto users writing to the wallets'
    customers, and never refuses the whole send from inside the composer
    (the mass mailing queue runs it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marketing = new_test_user(
            cls.env,
            "odoo_marketing",
            groups="base.group_user,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        Partner = cls.env["res.partner"]
        # A colleague (a user of the database) and a contact archived since.
        cls.colleague = cls.marketing.partner_id
        cls.colleague.email = "colega@example.com"
        cls.archived = Partner.create(
            {"name": "Fornecedor Antigo", "email": "antigo@example.com"}
        )
        cls.archived.active = False
        cls.refusing = Partner.create(
            {
                "name": "Cliente Sem Ofertas",
                "email": "semofertas@example.com",
                "oto_seller_id": cls.seller_a1.id,
            }
        )
        cls.refusing._oto_set_consent(["email"], False, "manager", "pediu")
        cls.wallet_archived = Partner.create(
            {
                "name": "Cliente Arquivada",
                "email": "arquivada@example.com",
                "oto_seller_id": cls.seller_a1.id,
            }
        )
        cls.wallet_archived.active = False

    def _composer(self, user, partners, **context):
        return (
            self.env["mail.compose.message"]
            .with_user(user)
            .with_context(
                default_model="res.partner",
                default_res_ids=partners.ids,
                default_composition_mode="mass_mail",
                **context,
            )
            .create({"subject": "Novidades", "body": "<p>Chegou!</p>"})
        )

    def _mails(self, partners):
        mails = self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        )
        return {
            # (Sent, or queued to be: the same here.)
            self.env["res.partner"].browse(mail.res_id): (
                "sent" if mail.state in ("outgoing", "sent") else mail.state,
                mail.failure_type or False,
            )
            for mail in mails
        }

    def test_contacts_send_email_reaches_colleagues_and_archived_as_in_odoo(self):
        recipients = self.colleague | self.archived
        self._composer(self.marketing, recipients).action_send_mail()
        self.assertEqual(
            self._mails(recipients),
            {self.colleague: ("sent", False), self.archived: ("sent", False)},
        )

    def test_a_customer_who_refused_marketing_emails_is_opted_out_for_everyone(self):
        recipients = self.colleague | self.refusing
        self._composer(self.marketing, recipients).action_send_mail()
        # Cancelled as Odoo cancels an opted-out address: visible, not lost.
        self.assertEqual(
            self._mails(recipients),
            {
                self.colleague: ("sent", False),
                self.refusing: ("cancel", "mail_optout"),
            },
        )

    def test_without_the_exclusion_list_the_refusal_still_holds(self):
        """A sender who unticks Odoo's exclusion list still never emails a
        customer who refused marketing emails (LGPD)."""
        recipients = self.colleague | self.refusing
        composer = self._composer(self.marketing, recipients)
        composer.use_exclusion_list = False
        composer.action_send_mail()
        self.assertEqual(
            self._mails(recipients),
            {
                self.colleague: ("sent", False),
                self.refusing: ("cancel", "mail_optout"),
            },
        )

    def test_an_oto_user_writing_to_wallet_customers_goes_through_the_gate(self):
        recipients = self.wallet_archived | self.archived
        self._composer(self.user_manager_a, recipients).action_send_mail()
        self.assertEqual(
            self._mails(recipients),
            {
                self.wallet_archived: ("cancel", "unknown"),
                self.archived: ("sent", False),
            },
        )

    def test_oto_screens_refuse_when_no_one_may_receive_it(self):
        recipients = self.colleague | self.refusing
        composer = self._composer(self.user_admin, recipients, oto_marketing=True)
        with self.assertRaisesRegex(UserError, "Nothing to send"):
            composer.action_send_mail()
        self.assertFalse(self._mails(recipients))

    def test_the_composer_never_refuses_the_whole_send_itself(self):
        # As the mass mailing queue calls it: every recipient refused by the
        # gate gets a cancelled mail, and the queue goes on.
        recipients = self.colleague | self.refusing
        composer = self._composer(self.user_admin, recipients, oto_marketing=True)
        composer._action_send_mail(auto_commit=False)
        self.assertEqual(
            self._mails(recipients),
            {
                self.colleague: ("cancel", "unknown"),
                self.refusing: ("cancel", "mail_optout"),
            },
        )


@tagged("post_install", "-at_install", "oto_crm")
class TestChangeLogWithoutStores(OtoCrmCommon):
    """The wallet change log (written by triggers on Odoo's orders) holds
    the changes of companies with an active store only: a company without
    stores adds nothing to it, and what is left of one is purged."""

    def _log(self, company):
        self.env.flush_all()
        return self.env.execute_query(
            SQL(
                "SELECT kind, partner_id FROM oto_wallet_change WHERE company_id = %s",
                company.id,
            )
        )

    def _sell(self, company, customer):
        product = self.env["product.product"].create(
            {"name": "Camisa", "list_price": 100, "company_id": False}
        )
        order = (
            self.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
        )
        order.action_confirm()
        return order

    def test_a_company_without_stores_logs_nothing(self):
        without = self.env["res.company"].create({"name": "Empresa Sem Lojas"})
        customer = self.env["res.partner"].create({"name": "Cliente Atacado"})
        order = self._sell(without, customer)
        order.date_order = "2026-11-01 10:00:00"
        self.assertEqual(self._log(without), [])
        # A company with stores logs its sale.
        self._sell(self.company, customer)
        self.assertIn(("purchase", customer.id), self._log(self.company))

    def test_the_nightly_run_purges_the_log_of_companies_without_stores(self):
        customer = self.env["res.partner"].create({"name": "Cliente Franquia"})
        self._sell(self.other_company, customer)
        self._sell(self.company, customer)
        self.assertTrue(self._log(self.other_company))
        self.other_company.oto_last_engine_run = "2026-11-01 03:00:00"
        # The franchise closes its only store: its log is read by no run.
        self.seller_franchise.active = False
        self.store_franchise.active = False
        self.env["oto.wallet.engine"]._purge_changes_without_stores()
        self.assertEqual(self._log(self.other_company), [])
        self.assertIn(("purchase", customer.id), self._log(self.company))
        # When a store opens again, its first run rebuilds in full.
        self.assertFalse(self.other_company.oto_last_engine_run)


def _migration(version, step="post-migrate"):
    """A migration script of the add-on, as a module (its file name is not a
    Python name)."""
    path = file_path(f"oto_crm/migrations/{version}/{step}.py")
    name = f"oto_crm_migration_{version.replace('.', '_')}_{step.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install", "oto_crm")
class TestMigrationsLeaveTheBusinessAlone(OtoCrmCommon):
    """What the migrations change in the business's own set-up: only what
    the earlier versions did, and what they cannot tell apart is named for
    an admin to put back."""

    def _without_odoo_stages(self, keep):
        """Odoo's four default stages deleted, their subjects moved to
        ``keep``."""
        Stage = self.env["crm.stage"]
        odoo_stages = Stage.browse(
            stage.id
            for n in range(1, 5)
            if (stage := self.env.ref(f"crm.stage_lead{n}", raise_if_not_found=False))
        )
        self.env["crm.lead"].with_context(active_test=False).search(
            [("stage_id", "in", odoo_stages.ids)]
        ).write({"stage_id": keep.id})
        odoo_stages.unlink()

    def _odoo_stages(self):
        return [
            self.env.ref(f"crm.stage_lead{n}", raise_if_not_found=False)
            for n in range(1, 5)
        ]

    def test_odoo_stages_a_business_replaced_stay_deleted(self):
        own = self.env["crm.stage"].create({"name": "Triagem", "sequence": 5})
        self._without_odoo_stages(own)
        module = _migration("18.0.1.6.0")
        with self.assertLogs(module._logger.name, "WARNING") as logs:
            module.migrate(self.env.cr, "18.0.1.5.0")
        self.assertIn("Triagem", logs.output[0])
        self.assertEqual(self._odoo_stages(), [None] * 4)
        self.assertFalse(self.env["crm.stage"].search([("name", "=", "Won")]))

    def test_odoo_stages_the_earlier_install_deleted_come_back(self):
        # What the earlier install left: the shipped stages and no other.
        shipped = self.env.ref("oto_crm.crm_stage_prospecting")
        self._without_odoo_stages(shipped)
        others = self.env["crm.stage"].search(
            [
                (
                    "id",
                    "not in",
                    self.env["ir.model.data"]
                    .search([("module", "=", "oto_crm"), ("model", "=", "crm.stage")])
                    .mapped("res_id"),
                )
            ]
        )
        self.env["crm.lead"].with_context(active_test=False).search(
            [("stage_id", "in", others.ids)]
        ).write({"stage_id": shipped.id})
        others.unlink()
        _migration("18.0.1.6.0").migrate(self.env.cr, "18.0.1.5.0")
        stages = self._odoo_stages()
        self.assertEqual(
            [(s.name, s.sequence, s.is_won, bool(s.team_id)) for s in stages],
            [
                ("New", 1, False, False),
                ("Qualified", 2, False, False),
                ("Proposition", 3, False, False),
                ("Won", 70, True, False),
            ],
        )

    def test_store_managers_losing_all_documents_are_named_for_an_admin(self):
        all_documents = self.env.ref("sales_team.group_sale_salesman_all_leads")
        manager = self.user_manager_a
        manager.groups_id |= all_documents
        module = _migration("18.0.1.7.0")
        with self.assertLogs(module._logger.name, "WARNING") as logs:
            module._store_managers_without_all_documents(self.env)
        self.assertNotIn(all_documents, manager.groups_id)
        self.assertIn(f"{manager.login} (id {manager.id})", logs.output[0])
        self.assertNotIn(self.user_manager_b.login, logs.output[0])
        entry = self.env["oto.audit"].search(
            [("action", "=", "access_changed"), ("concerned_user_id", "=", manager.id)]
        )
        self.assertEqual(len(entry), 1)
        self.assertIn(manager.login, entry.description)
        self.assertIn("All documents", entry.description)


@tagged("post_install", "-at_install", "oto_crm")
class TestUninstallKeepsTheBusinessDocuments(OtoCrmCommon):
    def test_the_funnel_team_stays_when_quotations_name_it(self):
        team = self.env.ref("oto_crm.crm_team_funnel")
        stages = self.env["crm.stage"].search([("team_id", "=", team.id)])
        # No subject in the funnel (they were closed and deleted), but a
        # quotation made from one of them names its team.
        self.env["crm.lead"].with_context(active_test=False).search(
            ["|", ("team_id", "=", team.id), ("stage_id", "in", stages.ids)]
        ).unlink()
        order = (
            self.env["sale.order"]
            .with_company(self.company)
            .create(
                {
                    "partner_id": self.customer_1.id,
                    "company_id": self.company.id,
                    "team_id": team.id,
                }
            )
        )
        uninstall_hook(self.env)
        # Left to the business: no longer the add-on's, so the uninstall
        # does not delete it (and the quotation keeps its team).
        self.assertFalse(
            self.env["ir.model.data"].search_count(
                [("module", "=", "oto_crm"), ("model", "=", "crm.team")]
            )
        )
        self.assertTrue(team.exists())
        self.assertEqual(order.team_id, team)
