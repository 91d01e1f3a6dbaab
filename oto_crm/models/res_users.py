# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessDenied, AccessError, UserError
from odoo.tools import SQL

from ..tools.password_policy import MIN_LENGTH, password_problems

_logger = logging.getLogger(__name__)

# Written by the sign-in itself (SQL), never by a caller.
LOCK_FIELDS = ("oto_login_failures", "oto_login_locked")


class ResUsers(models.Model):
    _inherit = "res.users"

    oto_seller_ids = fields.One2many(
        "oto.seller",
        "user_id",
        string="Oto sellers",
        help="The store sellers this login is (a personal login: one).",
    )
    oto_password_temporary = fields.Boolean(
        string="Temporary password",
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="Given by someone else (Change Password): the user chooses their "
        "own when they next sign in.",
    )
    oto_login_failures = fields.Integer(
        string="Wrong passwords in a row",
        copy=False,
        readonly=True,
        groups="base.group_erp_manager",
    )
    oto_login_locked = fields.Boolean(
        string="Sign-in locked",
        copy=False,
        readonly=True,
        groups="base.group_erp_manager",
        help="Too many wrong passwords in a row: a store manager or a brand "
        "admin unlocks the user.",
    )

    # ------------------------------------------------------------- policy

    def _oto_policy_applies(self):
        """Oto's password policy (and a password given by someone else
        being temporary) is for Oto's people; the ERP's administrators
        (Settings: base.user_admin, made a brand admin by the install) keep
        the business's own rules."""
        self.ensure_one()
        # Store managers and brand admins are sellers too (implied groups).
        return self.has_group("oto_crm.oto_crm_group_seller") and not self.has_group(
            "base.group_system"
        )

    def _oto_check_password(self, password):
        labels = {
            "length": self.env._("at least %(count)s characters", count=MIN_LENGTH),
            "digit": self.env._("a digit"),
            "upper": self.env._("an upper-case letter"),
            "lower": self.env._("a lower-case letter"),
            "special": self.env._(
                "a special character such as ! @ # $ or * (a space does not count)"
            ),
        }
        problems = password_problems(password)
        if problems:
            raise UserError(
                self.env._(
                    "The password needs %(missing)s.",
                    missing=", ".join(labels[p] for p in problems),
                )
            )

    def write(self, vals):
        if not self.env.su:
            if any(field in vals for field in LOCK_FIELDS):
                raise AccessError(
                    self.env._(
                        "A user's sign-in is locked by wrong passwords and "
                        "unlocked with Unlock sign-in, not changed by hand."
                    )
                )
            if vals.get("password"):
                # A password set by hand (RPC included) follows the policy.
                for user in self:
                    if user._oto_policy_applies():
                        user._oto_check_password(vals["password"])
        result = super().write(vals)
        # Groups decide who manages stores and who is a brand admin.
        self.env["oto.access"]._forget()
        if "active" in vals or any(
            key == "groups_id" or key.startswith(("in_group_", "sel_groups_"))
            for key in vals
        ):
            # A seller's login leaving Oto CRM gives the wallet back.
            self._oto_release_wallets()
        if vals.get("password") and not self.env.su:
            self._oto_mark_temporary()
        return result

    def _oto_mark_temporary(self):
        """An Oto user's password given by someone else is temporary: they
        choose their own when they next sign in."""
        users = self.filtered(lambda u: u._oto_policy_applies())
        if users:
            self.env.execute_query(
                SQL(
                    "UPDATE res_users SET oto_password_temporary = (id != %s) "
                    "WHERE id = ANY(%s)",
                    self.env.uid,
                    users.ids,
                )
            )
            users.invalidate_recordset(["oto_password_temporary"])

    def _change_password(self, new_passwd):
        """Every password a person types (their own, or the one a brand
        admin gives with *Change Password*) follows the policy; one given by
        someone else is temporary."""
        self.ensure_one()
        if self._oto_policy_applies():
            self._oto_check_password((new_passwd or "").strip())
        result = super()._change_password(new_passwd)
        self._oto_mark_temporary()
        return result

    @api.model
    def signup(self, values, token=None):
        """The password reset by email (auth_signup) follows the policy,
        checked before the reset link is used up; the password chosen is
        the user's own (not temporary)."""
        partner = self.env["res.partner"]
        if token and values.get("password"):
            partner = partner._signup_retrieve_partner(
                token, check_validity=True, raise_exception=True
            )
            for user in partner.user_ids[:1]:
                if user._oto_policy_applies():
                    user._oto_check_password(values["password"].strip())
        result = super().signup(values, token)
        if partner.user_ids:
            self.env.execute_query(
                SQL(
                    "UPDATE res_users SET oto_password_temporary = FALSE WHERE id = %s",
                    partner.user_ids[:1].id,
                )
            )
            partner.user_ids.invalidate_recordset(["oto_password_temporary"])
        return result

    # ------------------------------------------------------------- lockout

    def _oto_lock_applies(self):
        """Oto users are locked after too many wrong passwords, except the
        system administrators (who unlock everyone else) and the stores'
        shared logins (Odoo's own cooldown still slows attempts on them)."""
        self.ensure_one()
        return (
            self.id != SUPERUSER_ID
            and self._oto_policy_applies()
            and not self.has_group("base.group_system")
            # A store's shared login is the whole store's: anyone who knows
            # its name could stop the store by locking it. Odoo's cooldown
            # slows attempts on it; each seller's PIN is locked on its own.
            and not self.env["oto.store"]
            .sudo()
            .search_count([("user_id", "=", self.id)], limit=1)
        )

    def _oto_lock_state(self):
        """(locked, wrong passwords in a row), read from the database (the
        sign-in's cursor is not the one that counted them)."""
        self.ensure_one()
        rows = self.env.execute_query(
            SQL(
                "SELECT oto_login_locked, oto_login_failures FROM res_users "
                "WHERE id = %s",
                self.id,
            )
        )
        locked, failures = rows[0] if rows else (False, 0)
        return bool(locked), failures or 0

    def _oto_is_locked(self):
        return self._oto_lock_state()[0]

    def _check_credentials(self, credential, env):
        user = self.env.user
        locked, failures = user._oto_lock_state()
        if locked:
            raise AccessDenied(
                user.with_context(lang=user.lang).env._(
                    "Your user is locked after too many wrong passwords: ask your "
                    "store manager to unlock it."
                )
            )
        try:
            auth_info = super()._check_credentials(credential, env)
        except AccessDenied as exc:
            if credential.get("type") == "password":
                # Counted once the sign-in's own transaction is over (it is
                # rolled back on a failure).
                exc.oto_wrong_password_uid = user.id
            raise
        if failures:
            # The right password: the count starts again.
            self.env.execute_query(
                SQL(
                    "UPDATE res_users SET oto_login_failures = 0 WHERE id = %s",
                    user.id,
                )
            )
        return auth_info

    @classmethod
    def _login(cls, db, credential, user_agent_env):
        try:
            return super()._login(db, credential, user_agent_env)
        except AccessDenied as exc:
            cls._oto_count_failure(exc)
            raise

    @classmethod
    def check(cls, db, uid, passwd):
        # External RPC (XML-RPC, JSON-RPC with a password): wrong passwords
        # count too.
        try:
            return super().check(db, uid, passwd)
        except AccessDenied as exc:
            cls._oto_count_failure(exc)
            raise

    @classmethod
    def _oto_count_failure(cls, exc):
        uid = getattr(exc, "oto_wrong_password_uid", None)
        if not uid:
            return
        # A cursor of its own: the failed sign-in's is rolled back.
        with cls.pool.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["res.users"].browse(uid)._oto_login_failed()

    def _oto_login_failed(self):
        """One more wrong password in a row; the user is locked at the
        company's limit, on the audit trail."""
        self.ensure_one()
        if not self._oto_lock_applies():
            return
        failures, locked = self.env.execute_query(
            SQL(
                "UPDATE res_users SET oto_login_failures = "
                "COALESCE(oto_login_failures, 0) + 1 WHERE id = %s "
                "RETURNING oto_login_failures, oto_login_locked",
                self.id,
            )
        )[0]
        limit = self.company_id.oto_password_max_attempts
        if locked or failures < limit:
            return
        self.env.execute_query(
            SQL("UPDATE res_users SET oto_login_locked = TRUE WHERE id = %s", self.id)
        )
        self.invalidate_recordset(LOCK_FIELDS)
        _logger.warning(
            "User #%s locked after %s wrong passwords in a row", self.id, failures
        )
        self.env["oto.audit"]._log(
            "login_locked",
            self.env._(
                "%(login)s: %(count)s wrong passwords in a row",
                login=self.login,
                count=failures,
            ),
            **self._oto_audit_scope(),
        )

    def _oto_audit_scope(self):
        """Where the user's lock shows on the audit trail: their seller
        (personal login) or their store (shared login), and company."""
        self.ensure_one()
        seller, store = (
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            .search([("user_id", "=", self.id)], limit=1)
            for model in ("oto.seller", "oto.store")
        )
        return {
            "seller": seller or None,
            "store": store or None,
            "company": seller.company_id or store.company_id or self.company_id,
            "user": self,
        }

    def _oto_check_can_unlock(self):
        """A brand admin unlocks the users of their companies, a store
        manager their stores' sellers and shared logins."""
        actor = self.env.user
        if self.env.su or actor.has_group("base.group_system"):
            return
        for user in self.sudo():
            scope = user._oto_audit_scope()
            if actor.has_group("oto_crm.oto_crm_group_admin"):
                if user.company_ids & actor.company_ids:
                    continue
            elif actor.has_group("oto_crm.oto_crm_group_manager"):
                store = scope["store"] or (scope["seller"] and scope["seller"].store_id)
                if store and actor in store.manager_ids:
                    continue
            raise AccessError(
                self.env._(
                    "Only a brand admin of their company, or the store manager of "
                    "their store, unlocks %(user)s.",
                    user=user.name,
                )
            )

    def action_oto_unlock_login(self):
        """Unlock the sign-in of these users (on the audit trail)."""
        self._oto_check_can_unlock()
        for user in self.sudo():
            if not user._oto_is_locked():
                raise UserError(self.env._("%(user)s is not locked.", user=user.name))
            self.env.execute_query(
                SQL(
                    "UPDATE res_users SET oto_login_locked = FALSE, "
                    "oto_login_failures = 0 WHERE id = %s",
                    user.id,
                )
            )
            user.invalidate_recordset(LOCK_FIELDS)
            for model in ("oto.seller", "oto.store"):
                self.env[model].invalidate_model(["login_locked"])
            self.env["oto.audit"]._log(
                "login_unlock",
                self.env._(
                    "%(login)s unlocked by %(user)s",
                    login=user.login,
                    user=self.env.user.name,
                ),
                **user._oto_audit_scope(),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Unlocked. Who forgot their password resets it with "
                    "'Reset Password' on the sign-in page."
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # A seller's login leaving Oto CRM
    # ------------------------------------------------------------------

    def _on_webclient_bootstrap(self):
        """Retail staff (sellers, store managers, a store's shared device)
        come for *My day*: no OdooBot onboarding chat for them (Odoo's
        Discuss stays one tap away for whoever wants it)."""
        if (
            "odoobot_state" in self._fields
            and self.odoobot_state in (False, "not_initialized")
            and self._oto_staff_only()
        ):
            self.sudo().odoobot_state = "disabled"
        return super()._on_webclient_bootstrap()

    def _oto_staff_only(self):
        """An Oto seller or store manager (or a store's shared login) who
        administers nothing."""
        self.ensure_one()
        return (
            self._is_internal()
            and self.has_group("oto_crm.oto_crm_group_seller")
            and not self.has_group("oto_crm.oto_crm_group_admin")
            and not self.has_group("base.group_erp_manager")
        )

    def unlink(self):
        self._oto_release_wallets(leaving=True)
        return super().unlink()

    def _oto_release_wallets(self, leaving=False):
        """Sellers whose personal login can no longer open Oto CRM (taken out
        of its groups, archived or deleted) cannot work their wallet: they
        are inactivated, so the wallet goes back to their store's sellers by
        the usual rule (as when a manager inactivates a seller). Nothing is
        lost: the customers' history, contacts and purchases stay, and the
        audit trail says who did it."""
        sellers = (
            self.env["oto.seller"].sudo().search([("user_id", "in", self.ids)])
            if self.ids
            else self.env["oto.seller"]
        )
        gone = sellers.filtered(
            lambda seller: (
                leaving
                or not seller.user_id.active
                or not seller.user_id.has_group("oto_crm.oto_crm_group_seller")
            )
        )
        for seller in gone:
            seller.message_post(
                body=self.env._(
                    "%(user)s no longer has access to Oto CRM: the seller is "
                    "inactivated and the wallet goes back to the store.",
                    user=seller.user_id.name,
                )
            )
        if gone:
            gone.write({"active": False})
