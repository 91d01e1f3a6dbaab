# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResGroups(models.Model):
    _inherit = "res.groups"

    def write(self, vals):
        """A user taken out of a group here (rather than on the user) may
        lose Oto CRM: their wallet goes back to the store (see res.users)."""
        before = self.users if "users" in vals else None
        result = super().write(vals)
        if before:
            before._oto_release_wallets()
        return result
