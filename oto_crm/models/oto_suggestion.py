# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import quote

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.suggestion_rules import first_name, render_template

OPEN_STATES = ("backlog", "assigned", "in_progress")


class OtoSuggestion(models.Model):
    """A customer a seller should contact (the "opportunity"): from a
    campaign (generated daily), by hand (a manager or the back office), from
    a contact the seller started, or from the API (customer behavior)."""

    _name = "oto.suggestion"
    _description = "Contact suggestion"
    _inherit = ["mail.thread"]
    _order = "date desc, campaign_sequence, rank, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    deadline = fields.Date(help="An unworked suggestion expires after this day.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    seller_id = fields.Many2one(
        "oto.seller", index=True, tracking=True, check_company=True, ondelete="cascade"
    )
    store_id = fields.Many2one("oto.store", check_company=True, ondelete="set null")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    campaign_id = fields.Many2one(
        "oto.campaign", check_company=True, index=True, ondelete="cascade"
    )
    campaign_sequence = fields.Integer(
        related="campaign_id.sequence", store=True, string="Campaign priority"
    )
    type = fields.Selection(
        [
            ("segment", "Campaign"),
            ("manual", "Manual"),
            ("contact", "Contact"),
            ("behavior", "Behavior"),
        ],
        required=True,
        default="manual",
    )
    state = fields.Selection(
        [
            ("backlog", "Backlog"),
            ("assigned", "Assigned"),
            ("in_progress", "In progress"),
            ("done", "Done"),
            ("expired", "Expired"),
        ],
        required=True,
        default="assigned",
        tracking=True,
        index=True,
    )
    result = fields.Selection(
        [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")],
        tracking=True,
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="0"
    )
    rank = fields.Integer(help="Position in the seller's list for the campaign.")
    score = fields.Float(
        digits=(5, 1), help="Conversion score (0-100): the higher, the sooner."
    )
    score_rfv = fields.Float(
        string="RFV component", digits=(5, 1), help="The customer's RFV scores (0-100)."
    )
    score_cycle = fields.Float(
        string="Purchase cycle component",
        digits=(5, 1),
        help="How due the customer is, from the days since the last purchase "
        "against their usual purchase cycle (0-100).",
    )
    score_response = fields.Float(
        string="Response component",
        digits=(5, 1),
        help="How often the customer answered the latest contacts (0-100).",
    )
    message_custom = fields.Text(
        string="Message to send",
        help="Set by a manager for a manual suggestion, or the seller's edit of "
        "the campaign's message.",
    )
    message = fields.Text(compute="_compute_message")
    reason = fields.Char(string="Why today", compute="_compute_reason")
    phone = fields.Char(related="partner_id.oto_phone_e164")
    rfv_segment_id = fields.Many2one(related="partner_id.oto_rfv_segment_id")
    rfv_tone = fields.Selection(related="partner_id.oto_rfv_tone")
    whatsapp_url = fields.Char(compute="_compute_links")
    sms_url = fields.Char(compute="_compute_links")
    call_url = fields.Char(compute="_compute_links")
    contact_ids = fields.One2many("oto.contact", "suggestion_id", string="Contacts")

    def init(self):
        # One open suggestion per customer: the generation looks it up for
        # every candidate.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_suggestion_open_partner_idx "
            "ON oto_suggestion (partner_id) "
            "WHERE state IN ('backlog', 'assigned', 'in_progress')"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS oto_suggestion_seller_date_idx "
            "ON oto_suggestion (seller_id, date)"
        )

    # ----------------------------------------------------------- computes

    def _message_values(self):
        self.ensure_one()
        partner = self.partner_id
        seller = self.seller_id or partner.oto_seller_id
        last = partner.oto_last_purchase
        return {
            "first_name": first_name(partner.name),
            "name": partner.name or "",
            "seller": first_name(seller.name),
            "store": (self.store_id or seller.store_id).name or "",
            "brand": self.company_id.name or "",
            "seller_link": seller.seller_link if seller else "",
            "last_purchase": fields.Date.to_string(last.date()) if last else "",
        }

    @api.depends("message_custom", "campaign_id.message", "partner_id", "seller_id")
    def _compute_message(self):
        for suggestion in self:
            if suggestion.message_custom:
                suggestion.message = suggestion.message_custom
            elif suggestion.campaign_id.message:
                suggestion.message = render_template(
                    suggestion.campaign_id.message, suggestion._message_values()
                )
            else:
                suggestion.message = False

    @api.depends("phone", "message")
    def _compute_links(self):
        for suggestion in self:
            phone = suggestion.phone
            if not phone:
                suggestion.whatsapp_url = suggestion.sms_url = suggestion.call_url = (
                    False
                )
                continue
            text = quote(suggestion.message or "")
            digits = phone.lstrip("+")
            suggestion.whatsapp_url = f"https://wa.me/{digits}" + (
                f"?text={text}" if text else ""
            )
            suggestion.sms_url = f"sms:{phone}" + (f"?body={text}" if text else "")
            suggestion.call_url = f"tel:{phone}"

    @api.depends("campaign_id", "score", "partner_id")
    def _compute_reason(self):
        today = fields.Date.context_today(self)
        audiences = dict(
            self.env["oto.campaign"]
            ._fields["audience"]
            ._description_selection(self.env)
        )
        for suggestion in self:
            partner = suggestion.partner_id
            parts = []
            campaign = suggestion.campaign_id
            if campaign.audience == "birthday" and partner.oto_birthdate:
                birthday = partner.oto_birthdate.replace(year=today.year)
                days = (birthday - today).days % 365
                parts.append(
                    self.env._("birthday today")
                    if days == 0
                    else self.env._("birthday in %(days)s days", days=days)
                )
            elif campaign:
                parts.append(audiences.get(campaign.audience, ""))
            if partner.oto_last_purchase:
                parts.append(
                    self.env._(
                        "last purchase %(days)s days ago", days=partner.oto_recency_days
                    )
                )
            if partner.oto_rfv_segment_id:
                parts.append(partner.oto_rfv_segment_id.name)
            if suggestion.score:
                parts.append(
                    self.env._(
                        "score %(score)s (RFV %(rfv)s, cycle %(cycle)s, "
                        "response %(response)s)",
                        score=round(suggestion.score),
                        rfv=round(suggestion.score_rfv),
                        cycle=round(suggestion.score_cycle),
                        response=round(suggestion.score_response),
                    )
                )
            suggestion.reason = " · ".join(p for p in parts if p)

    # ------------------------------------------------------------ actions

    def action_start(self):
        """The seller opens a channel: the suggestion is in progress."""
        self.filtered(lambda s: s.state in ("backlog", "assigned")).write(
            {"state": "in_progress"}
        )
        return True

    def action_record_contact(self):
        self.ensure_one()
        if self.state not in OPEN_STATES:
            raise UserError(
                self.env._(
                    "This suggestion is %(state)s: nothing left to record.",
                    state=dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record the contact"),
            "res_model": "oto.contact",
            "view_mode": "form",
            "views": [(self.env.ref("oto_crm.oto_contact_view_form_quick").id, "form")],
            "target": "new",
            "context": {
                "default_suggestion_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_seller_id": self.seller_id.id,
            },
        }
