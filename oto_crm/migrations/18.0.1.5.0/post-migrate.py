# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def migrate(cr, version):
    """The record rules were reloaded from the module (pre-migrate): they
    are noupdate again, as their file says, so that a business's own edits
    of a rule survive the later updates."""
    cr.execute(
        """UPDATE ir_model_data SET noupdate = TRUE
            WHERE module = 'oto_crm' AND model = 'ir.rule'"""
    )
