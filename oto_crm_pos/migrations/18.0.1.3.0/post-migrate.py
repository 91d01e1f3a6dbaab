# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A POS order's store is read through its point of sale, no longer kept on
the order (linking a point of sale to a store rewrote all its past orders):
the column goes."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE pos_order DROP COLUMN IF EXISTS oto_store_id")
