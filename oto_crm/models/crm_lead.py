# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmLead(models.Model):
    """The sales funnel of subjects, in the teams marked as Oto funnels
    (every other pipeline of the ERP works as Odoo made it): the funnel's own
    stages only, and a subject with no interaction for the company's number
    of days is flagged "sem interação". An interaction is a logged action (an
    activity marked done), a message (a note or an email on the subject), a
    stage change, or a quotation made from the subject."""

    _inherit = "crm.lead"

    oto_funnel = fields.Boolean(related="team_id.oto_funnel", string="In an Oto funnel")
    oto_last_interaction = fields.Datetime(
        string="Last interaction",
        readonly=True,
        copy=False,
        help="The last logged action, message, stage change or quotation.",
    )
    oto_no_interaction = fields.Boolean(
        string="No interaction",
        readonly=True,
        copy=False,
        index=True,
        help="Open and without interaction for the company's number of days "
        "(Settings > Oto CRM > Funnel). Updated every night and at each "
        "interaction.",
    )
    oto_no_interaction_count = fields.Integer(
        string="Without interaction",
        compute="_compute_oto_no_interaction_count",
        store=True,
        aggregator="sum",
    )

    oto_purchase_count = fields.Integer(
        string="Customer's purchases", compute="_compute_oto_customer_figures"
    )
    oto_invoice_count = fields.Integer(
        string="Customer's invoices", compute="_compute_oto_customer_figures"
    )
    oto_receivable = fields.Monetary(
        string="Open receivables",
        compute="_compute_oto_customer_figures",
        currency_field="company_currency",
        help="What the customer owes (posted invoices not paid yet).",
    )

    @api.depends("partner_id", "team_id.oto_funnel")
    @api.depends_context("uid")
    def _compute_oto_customer_figures(self):
        """The customer's purchases (for Oto users, as far as their role lets
        them see), invoices and receivables (for invoicing users) on the
        subjects of an Oto funnel; nothing for anyone else, who never sees
        these figures (the form hides them)."""
        self.oto_purchase_count = 0
        self.oto_invoice_count = 0
        self.oto_receivable = 0.0
        leads = self.filtered(lambda lead: lead.oto_funnel and lead.partner_id)
        if not leads:
            return
        partners = leads.partner_id.commercial_partner_id
        purchases = invoices = {}
        user = self.env.user
        if user.has_group("oto_crm.oto_crm_group_seller"):
            purchases = dict(
                self.env["oto.purchase"]._read_group(
                    [("partner_id", "child_of", partners.ids)],
                    ["partner_id"],
                    ["__count"],
                )
            )
        billing = user.has_group("account.group_account_invoice")
        if billing:
            invoices = dict(
                self.env["account.move"]._read_group(
                    [
                        ("partner_id", "child_of", partners.ids),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("state", "=", "posted"),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            )
        for lead in leads:
            family = lead.partner_id.commercial_partner_id
            family |= family.child_ids
            lead.oto_purchase_count = sum(purchases.get(p, 0) for p in family)
            lead.oto_invoice_count = sum(invoices.get(p, 0) for p in family)
            lead.oto_receivable = family[:1].sudo().credit if billing else 0.0

    @api.depends("oto_no_interaction")
    def _compute_oto_no_interaction_count(self):
        for lead in self:
            lead.oto_no_interaction_count = int(lead.oto_no_interaction)

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            vals.setdefault("oto_last_interaction", now)
        return super().create(vals_list)

    def write(self, vals):
        if "stage_id" not in vals or "oto_last_interaction" in vals:
            return super().write(vals)
        # A stage change is an interaction on the subjects of an Oto funnel.
        funnel = self.filtered("oto_funnel")
        moved = {
            **vals,
            "oto_last_interaction": fields.Datetime.now(),
            "oto_no_interaction": False,
        }
        if funnel == self:
            return super().write(moved)
        result = super(CrmLead, self - funnel).write(vals)
        if funnel:
            super(CrmLead, funnel).write(moved)
        return result

    # ------------------------------------------------------------------
    # The funnel's stages: an Oto funnel shows its own stages only
    # ------------------------------------------------------------------

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        team = (
            self.env["crm.team"].sudo().browse(self.env.context.get("default_team_id"))
        )
        if not isinstance(team.id, int) or not team.exists().oto_funnel:
            return super()._read_group_stage_ids(stages, domain)
        stage_ids = stages.sudo()._search(
            ["|", ("id", "in", stages.ids), ("team_id", "=", team.id)],
            order=stages._order,
        )
        return stages.browse(stage_ids)

    def _stage_find(self, team_id=False, domain=None, order="sequence, id", limit=1):
        """In an Oto funnel, the funnel's own stage (the first one, or its
        won stage); elsewhere, and for a funnel without such a stage, Odoo's."""
        teams = self.team_id.sudo()
        if team_id:
            teams |= self.env["crm.team"].sudo().browse(team_id)
        if teams and all(teams.mapped("oto_funnel")):
            stage = self.env["crm.stage"].search(
                [("team_id", "in", teams.ids), *(domain or [])],
                order=order,
                limit=limit,
            )
            if stage:
                return stage
        return super()._stage_find(
            team_id=team_id, domain=domain, order=order, limit=limit
        )

    def action_oto_view_purchases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "oto_crm.oto_purchase_action"
        )
        action["domain"] = [
            ("partner_id", "child_of", self.partner_id.commercial_partner_id.id)
        ]
        action["context"] = {}
        return action

    def action_oto_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [
            ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    def _oto_whatsapp_partner(self):
        """The subject's customer, when WhatsApp may reach them: a valid
        mobile number first, then the consent gate."""
        self.ensure_one()
        partner = self.partner_id
        if not (partner and partner.oto_phone_e164):
            raise UserError(
                self.env._(
                    "%(subject)s has no customer with a valid mobile number.",
                    subject=self.name,
                )
            )
        self.env["oto.consent.gate"]._check(partner, "whatsapp", "marketing")
        return partner

    def action_oto_whatsapp(self):
        """WhatsApp from the subject: the customer's number in the seller's
        own WhatsApp (wa.me), when the consent gate allows it."""
        self.ensure_one()
        partner = self._oto_whatsapp_partner()
        phone = partner.oto_phone_e164
        text = self.env._("Hello %(name)s!", name=(partner.name or "").split(" ")[0])
        return {
            "type": "ir.actions.act_url",
            "url": f"https://wa.me/{phone.lstrip('+')}?text={quote(text)}",
            "target": "new",
        }

    def _oto_interacted(self):
        """An interaction on the subjects of an Oto funnel (other subjects
        are not the funnel's: nothing is written on them)."""
        funnel = self.filtered("oto_funnel")
        if funnel:
            funnel.sudo().write(
                {
                    "oto_last_interaction": fields.Datetime.now(),
                    "oto_no_interaction": False,
                }
            )

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        # A note, an email, or an action marked done (Odoo posts it with its
        # activity type); not the automatic tracking messages.
        if (
            message.message_type in ("comment", "email")
            or message.mail_activity_type_id
        ):
            self._oto_interacted()
        return message

    @api.model
    def _cron_oto_interaction_flags(self):
        """Flag the open subjects of the Oto funnels without interaction for
        the company's days (and unflag the others), set-based."""
        now = fields.Datetime.now()
        self.flush_model(
            [
                "oto_last_interaction",
                "oto_no_interaction",
                "active",
                "probability",
                "team_id",
            ]
        )
        self.env["crm.team"].flush_model(["oto_funnel"])
        self.env["oto.company.job"]._run_per_company(
            "funnel",
            self.env["res.company"].search([]),
            lambda company: self._oto_flag_idle(company, now),
        )
        self.invalidate_model(["oto_no_interaction", "oto_no_interaction_count"])

    def _oto_flag_idle(self, company, now):
        """Flag the company's open subjects of the Oto funnels without
        interaction (set-based); other pipelines are the ERP's own."""
        limit = now - timedelta(days=company.oto_lead_idle_days)
        main = self.env.ref("base.main_company", raise_if_not_found=False)
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_lead l
                   SET oto_no_interaction = flagged,
                       oto_no_interaction_count = flagged::int
                  FROM (
                    SELECT l2.id,
                           l2.active AND COALESCE(l2.probability, 0) < 100
                           AND COALESCE(l2.oto_last_interaction, l2.create_date)
                               < %(limit)s
                           AND COALESCE(t.oto_funnel, FALSE)
                               AS flagged
                      FROM crm_lead l2
                      LEFT JOIN crm_team t ON t.id = l2.team_id
                     WHERE l2.company_id = %(company)s
                        OR (l2.company_id IS NULL AND %(main)s)
                  ) f
                 WHERE f.id = l.id
                   AND l.oto_no_interaction IS DISTINCT FROM f.flagged
                """,
                limit=limit,
                company=company.id,
                main=company == main,
            )
        )
