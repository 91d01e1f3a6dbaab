# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class CrmLead(models.Model):
    """The sales funnel of subjects: a subject with no interaction for the
    company's number of days is flagged "sem interação". An interaction is a
    logged action (an activity marked done), a message (a note or an email
    on the subject), a stage change, or a quotation made from the subject."""

    _inherit = "crm.lead"

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

    @api.depends("partner_id")
    def _compute_oto_customer_figures(self):
        partners = self.partner_id.commercial_partner_id
        purchases = dict(
            self.env["oto.purchase"]._read_group(
                [("partner_id", "child_of", partners.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
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
        for lead in self:
            family = lead.partner_id.commercial_partner_id
            family |= family.child_ids
            lead.oto_purchase_count = sum(purchases.get(p, 0) for p in family)
            lead.oto_invoice_count = sum(invoices.get(p, 0) for p in family)
            lead.oto_receivable = family[:1].sudo().credit if family else 0.0

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
        if "stage_id" in vals and "oto_last_interaction" not in vals:
            vals = {
                **vals,
                "oto_last_interaction": fields.Datetime.now(),
                "oto_no_interaction": False,
            }
        return super().write(vals)

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

    def action_oto_whatsapp(self):
        """WhatsApp from the subject: the customer's number in the seller's
        own WhatsApp (wa.me), when the consent gate allows it."""
        self.ensure_one()
        partner = self.partner_id
        phone = partner.oto_phone_e164 if partner else False
        if not phone:
            raise UserError(
                self.env._(
                    "%(subject)s has no customer with a valid mobile number.",
                    subject=self.name,
                )
            )
        self.env["oto.consent.gate"]._check(partner, "whatsapp", "marketing")
        text = self.env._("Hello %(name)s!", name=(partner.name or "").split(" ")[0])
        return {
            "type": "ir.actions.act_url",
            "url": f"https://wa.me/{phone.lstrip('+')}?text={quote(text)}",
            "target": "new",
        }

    def _oto_interacted(self):
        self.sudo().write(
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
        """Flag the open subjects without interaction for the company's days
        (and unflag the others), set-based."""
        now = fields.Datetime.now()
        self.flush_model(
            ["oto_last_interaction", "oto_no_interaction", "active", "probability"]
        )
        self.env["oto.company.job"]._run_per_company(
            "funnel",
            self.env["res.company"].search([]),
            lambda company: self._oto_flag_idle(company, now),
        )
        self.invalidate_model(["oto_no_interaction", "oto_no_interaction_count"])

    def _oto_flag_idle(self, company, now):
        """Flag the company's open subjects without interaction (set-based)."""
        limit = now - timedelta(days=company.oto_lead_idle_days)
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_lead l
                   SET oto_no_interaction = flagged,
                       oto_no_interaction_count = flagged::int
                  FROM (
                    SELECT l2.id,
                           l2.active AND COALESCE(l2.probability, 0) < 100
                           AND COALESCE(l2.oto_last_interaction, l2.create_date) < %s
                               AS flagged
                      FROM crm_lead l2
                     WHERE l2.company_id = %s OR (l2.company_id IS NULL AND %s)
                  ) f
                 WHERE f.id = l.id AND l.oto_no_interaction IS DISTINCT FROM f.flagged
                """,
                limit,
                company.id,
                company == self.env.ref("base.main_company"),
            )
        )
