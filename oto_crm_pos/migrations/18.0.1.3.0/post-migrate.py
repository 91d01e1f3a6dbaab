# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The default consent text of the points of sale was kept in English only
(a default is stored in the language it is computed in): it gets every
installed language, so that the counter shows it in the cashier's."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["pos.config"].with_context(active_test=False).search(
        []
    )._oto_translate_default_consent()
