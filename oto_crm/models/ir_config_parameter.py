# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models
from odoo.exceptions import ValidationError

from .brand_time import TIMEZONE_PARAM, valid_timezone

_logger = logging.getLogger(__name__)


class IrConfigParameter(models.Model):
    """The brand's time zone (``oto_crm.timezone``) is a system parameter:
    whichever way it changes (the settings, the parameters' list, an
    import), it must be a time zone, and what was counted in days of the
    old one is counted again."""

    _inherit = "ir.config_parameter"

    def _oto_check_timezone(self, value):
        if value and not valid_timezone(value):
            raise ValidationError(
                self.env._(
                    "%(value)s is not a time zone: choose one from the list "
                    "(for example America/Sao_Paulo or America/Manaus).",
                    value=value,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("key") == TIMEZONE_PARAM:
                self._oto_check_timezone(vals.get("value"))
        records = super().create(vals_list)
        if any(vals.get("key") == TIMEZONE_PARAM for vals in vals_list):
            self._oto_timezone_changed()
        return records

    def write(self, vals):
        ours = self.filtered(lambda p: p.key == TIMEZONE_PARAM)
        if vals.get("key") == TIMEZONE_PARAM or ours:
            self._oto_check_timezone(vals.get("value", ours[:1].value))
        before = {p.id: p.value for p in ours}
        result = super().write(vals)
        if vals.get("key") == TIMEZONE_PARAM or any(
            p.value != before.get(p.id) or p.key != TIMEZONE_PARAM for p in ours
        ):
            self._oto_timezone_changed()
        return result

    def unlink(self):
        ours = any(p.key == TIMEZONE_PARAM for p in self)
        result = super().unlink()
        if ours:
            self._oto_timezone_changed()
        return result

    @api.model
    def _oto_timezone_changed(self):
        """The purchases' view counts days in the new zone; the results and
        product statistics kept per day are computed again by their next
        refresh; the wallet engine sees the zone of its state differ and
        rebuilds it on its next run."""
        _logger.info("Brand time zone changed: days are counted again")
        self.env["oto.purchase"].init()
        for model in ("oto.result.day", "oto.recommendation"):
            self.env[model]._forget_kept_days()
