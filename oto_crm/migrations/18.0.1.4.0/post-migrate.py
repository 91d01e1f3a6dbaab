# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recommendations are written by the nightly batch for every suggestion of
the day: the customer and the company are read through the suggestion and
who wrote a row and when is not kept, so their columns (and the foreign key
checks of every row written) go."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "ALTER TABLE oto_recommendation "
        "DROP COLUMN IF EXISTS partner_id, "
        "DROP COLUMN IF EXISTS company_id, "
        "DROP COLUMN IF EXISTS create_uid, "
        "DROP COLUMN IF EXISTS create_date, "
        "DROP COLUMN IF EXISTS write_uid, "
        "DROP COLUMN IF EXISTS write_date"
    )
