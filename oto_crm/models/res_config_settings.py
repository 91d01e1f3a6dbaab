# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.base.models.res_partner import _tz_get

from .brand_time import DEFAULT_TIMEZONE, TIMEZONE_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    oto_window_months = fields.Integer(
        related="company_id.oto_window_months", readonly=False
    )
    oto_preferred_orders = fields.Integer(
        related="company_id.oto_preferred_orders", readonly=False
    )
    oto_store_criteria = fields.Selection(
        related="company_id.oto_store_criteria", readonly=False
    )
    oto_timezone = fields.Selection(
        _tz_get,
        string="Brand time zone",
        config_parameter=TIMEZONE_PARAM,
        default=DEFAULT_TIMEZONE,
        help="The days of purchases, suggestions and contacts are the brand's "
        "days in this time zone. Changing it counts them again: the next "
        "wallet refresh rebuilds the wallets, and the results and product "
        "statistics are computed again.",
    )
    oto_lead_idle_days = fields.Integer(
        related="company_id.oto_lead_idle_days", readonly=False
    )
    oto_login_mode = fields.Selection(
        related="company_id.oto_login_mode", readonly=False
    )
    oto_pin_idle_minutes = fields.Integer(
        related="company_id.oto_pin_idle_minutes", readonly=False
    )
    oto_morning_push_hour = fields.Integer(
        related="company_id.oto_morning_push_hour", readonly=False
    )
    oto_pin_max_attempts = fields.Integer(
        related="company_id.oto_pin_max_attempts", readonly=False
    )
    oto_password_max_attempts = fields.Integer(
        related="company_id.oto_password_max_attempts", readonly=False
    )
    oto_attribution_days = fields.Integer(
        related="company_id.oto_attribution_days", readonly=False
    )
    oto_daily_limit = fields.Integer(
        related="company_id.oto_daily_limit", readonly=False
    )
    oto_quarantine_mode = fields.Selection(
        related="company_id.oto_quarantine_mode", readonly=False
    )
    oto_quarantine_days = fields.Integer(
        related="company_id.oto_quarantine_days", readonly=False
    )
    oto_interval_min = fields.Integer(
        related="company_id.oto_interval_min", readonly=False
    )
    oto_interval_max = fields.Integer(
        related="company_id.oto_interval_max", readonly=False
    )
    oto_online_store_url = fields.Char(
        related="company_id.oto_online_store_url", readonly=False
    )
    oto_draft_enabled = fields.Boolean(
        related="company_id.oto_draft_enabled", readonly=False
    )
    oto_draft_base_url = fields.Char(
        related="company_id.oto_draft_base_url", readonly=False
    )
    oto_draft_model = fields.Char(related="company_id.oto_draft_model", readonly=False)
    oto_draft_api_key = fields.Char(
        related="company_id.oto_draft_api_key",
        readonly=False,
        groups="base.group_system",
    )
    oto_draft_timeout = fields.Float(
        related="company_id.oto_draft_timeout", readonly=False
    )
    oto_draft_max_chars = fields.Integer(
        related="company_id.oto_draft_max_chars", readonly=False
    )
