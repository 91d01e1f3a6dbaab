# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models


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
        for company in self.env["res.company"].search([]):
            limit = now - timedelta(days=company.oto_lead_idle_days)
            self.env.cr.execute(
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
                [limit, company.id, company == self.env.ref("base.main_company")],
            )
        self.invalidate_model(["oto_no_interaction", "oto_no_interaction_count"])
