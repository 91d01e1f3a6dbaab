# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def uninstall_hook(env):
    """The index the wallet engine reads POS orders by goes with the add-on
    (it names no column of ours, so dropping our columns keeps it)."""
    env.cr.execute("DROP INDEX IF EXISTS pos_order_oto_write_date_idx")
    # The wallet engine's trigger on the POS orders.
    env["oto.purchase"]._wallet_change_log_drop(sources=("pos_order", "pos_config"))
