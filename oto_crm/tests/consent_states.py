# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A customer's consent state for the property tests of the consent gate
(here and in the other add-ons): no test case, helpers only."""

from contextlib import contextmanager

from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.tools import SQL

CHANNELS = ("whatsapp", "sms", "call", "email")

HISTORIES = st.lists(st.tuples(st.sampled_from(CHANNELS), st.booleans()), max_size=6)


def refused(history):
    """Per channel: whether the latest entry of the ledger revokes it."""
    latest = dict.fromkeys(CHANNELS, False)
    for channel, granted in history:
        latest[channel] = not granted
    return latest


def apply_state(customer, state):
    """Give ``customer`` the consent history and the phone, email and
    account states of ``state``."""
    for channel, granted in state["history"]:
        customer._oto_set_consent([channel], granted, "manager", "teste")
    if state["phone"] == "invalid":
        customer._oto_mark_phone_invalid("teste")
    if customer.email and state.get("blacklisted"):
        customer.env["mail.blacklist"]._add(customer.email)
    if state.get("not_on_whatsapp"):
        customer.oto_whatsapp_unavailable = True
    if state.get("archived"):
        customer.active = False


@contextmanager
def rolled_back(env, name="consent_example"):
    """One example of a property test, undone afterwards."""
    env.flush_all()
    env.cr.execute(SQL("SAVEPOINT %s", SQL.identifier(name)))
    try:
        yield
        env.flush_all()
    finally:
        env.cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", SQL.identifier(name)))
        env.invalidate_all(flush=False)


def mass_email_reaches(records):
    """Whether a mass email to ``records`` (Odoo's composer) made a mail
    for them; a refusal of the whole send reaches no one."""
    env = records.env
    composer = (
        env["mail.compose.message"]
        .with_context(
            oto_marketing=True,  # from Oto's own screens
            default_model=records._name,
            default_res_ids=records.ids,
            default_composition_mode="mass_mail",
        )
        .create({"subject": "Novidades", "body": "<p>Chegou!</p>"})
    )
    try:
        composer.action_send_mail()
    except UserError:
        return False
    return bool(
        env["mail.mail"].search_count(
            [
                ("model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "!=", "cancel"),
            ]
        )
    )
