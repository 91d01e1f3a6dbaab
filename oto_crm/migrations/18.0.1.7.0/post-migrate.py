# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import SUPERUSER_ID, Command, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    """The engine state now keeps the time of each recent visit (the first
    tie-break is the most recent sale, not its day) and its changes come
    from the change log, empty until now: the next run rebuilds it."""
    cr.execute("UPDATE res_company SET oto_last_engine_run = NULL")
    cr.execute("DELETE FROM oto_wallet_run_queue")
    cr.execute("UPDATE oto_wallet_run SET state = 'done' WHERE state = 'running'")
    # The record rules, reloaded at every update since 18.0.1.5.0 made them
    # updatable, are noupdate again (their file's), now that this version's
    # are loaded: a business's own edits of a rule survive the next updates.
    cr.execute(
        """UPDATE ir_model_data SET noupdate = TRUE
            WHERE module = 'oto_crm' AND model = 'ir.rule'"""
    )
    # Store managers no longer have Sales' "All documents" (their stores'
    # orders, invoices and subjects come through the add-on's rules): the
    # group leaves those who got it with the role, not the sales managers.
    if version:
        _store_managers_without_all_documents(api.Environment(cr, SUPERUSER_ID, {}))


def _store_managers_without_all_documents(env):
    managers = env.ref("oto_crm.oto_crm_group_manager", raise_if_not_found=False)
    all_documents = env.ref(
        "sales_team.group_sale_salesman_all_leads", raise_if_not_found=False
    )
    sales_manager = env.ref("sales_team.group_sale_manager", raise_if_not_found=False)
    if not (managers and all_documents and sales_manager):
        return
    managers.implied_ids -= all_documents
    users = managers.users.filtered(
        lambda user: (
            all_documents in user.groups_id and sales_manager not in user.groups_id
        )
    )
    if not users:
        return
    # Some may have had "All documents" for reasons of their own: each is
    # named in the log and on the audit trail, for an admin to give it back.
    _logger.warning(
        "Store managers see their stores' sales documents, not all: Sales' "
        "'All documents' removed from %s user(s): %s. Give it back in "
        "Settings > Users to those who had it for another reason.",
        len(users),
        ", ".join(f"{user.login} (id {user.id})" for user in users),
    )
    users.write({"groups_id": [Command.unlink(all_documents.id)]})
    admin = env.ref("base.user_admin", raise_if_not_found=False)
    env = env(context={"lang": admin.lang if admin else "en_US"})
    Audit = env["oto.audit"]
    for user in users:
        Audit._log(
            "access_changed",
            env._(
                "The upgrade to 18.0.1.7.0 removed Sales' “All documents” from "
                "%(login)s (store managers see their stores' documents through "
                "Oto CRM). If they had it for another reason, give it back in "
                "Settings > Users.",
                login=user.login,
            ),
            company=user.company_id,
            user=user,
        )
