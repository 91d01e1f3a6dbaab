# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The default consent text of the points of sale was kept in English only
(a default is stored in the language it is computed in): it gets every
installed language, so that the counter shows it in the cashier's. And a
POS order's store is read through its point of sale, no longer kept on the
order (linking a point of sale to a store rewrote all its past orders): the
column goes."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE pos_order DROP COLUMN IF EXISTS oto_store_id")
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["pos.config"].with_context(active_test=False).search(
        []
    )._oto_translate_default_consent()
