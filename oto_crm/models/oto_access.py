# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets
import time
from typing import NamedTuple

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.http import request

# The acting seller of a shared store login, kept in the session.
SESSION_SELLER = "oto_seller_id"
SESSION_SEEN = "oto_seller_seen"
# The PIN binds the seller to this browser, not only to the session: a
# cookie of its own, set when the PIN is typed. A copy of the store login's
# session cookie taken before (or without) it identifies nobody. (Rotating
# Odoo's session id instead would close the device's other connections.)
SESSION_PIN_TOKEN = "oto_pin_token"
PIN_COOKIE = "oto_pin"
# The seller the store device's screen shows, named by the screen in the
# context of each of its calls: once that seller is no longer the one
# identified by PIN (idle time passed, signed out, another seller signed in
# elsewhere), the call is refused with ``OtoPinSessionEnded``.
SCREEN_SELLER = "oto_pin_seller_id"


class OtoPinSessionEnded(AccessError):
    """The seller identified by PIN on a store's shared device is gone: the
    device's screen goes back to the PIN, with nothing of theirs left."""


class Scope(NamedTuple):
    """Who the current session acts as, in Oto terms.

    ``seller_ids``: the sellers whose own work it reads and does (a personal
    login's seller records; on a store's shared device, the seller who
    identified with their PIN). ``store_ids``: the stores it manages (a
    store manager's stores; on the shared device, the store of a manager
    who identified with their PIN). ``admin``: a brand admin of the
    company (or the superuser). ``pin_seller_id``: the seller identified by
    PIN on a shared device, if any.
    """

    seller_ids: tuple = ()
    store_ids: tuple = ()
    admin: bool = False
    pin_seller_id: int = 0


class OtoAccess(models.AbstractModel):
    """The one place that says who the current session is in Oto: record
    rules read it (``oto_seller_ids``, ``oto_store_ids`` in their domains),
    and so do the methods that act for a seller or a manager. Worked out
    once per HTTP request (the PIN session is touched once), with SQL only:
    it runs while record rules are being computed."""

    _name = "oto.access"
    _description = "Oto access scope of the session"

    @api.model
    def _scope(self):
        if self.env.su:
            return Scope(admin=True)
        uid = self.env.uid
        if request:
            # Once per request: the PIN session is read (and touched) once.
            memo = getattr(request, "_oto_scope", None)
            # (A tuple: tests stand a Mock in for the request.)
            if (
                isinstance(memo, tuple)
                and memo[0] == uid
                and memo[1] == self.env.cr.dbname
            ):
                scope = memo[2]
            else:
                scope = self._compute_scope()
                request._oto_scope = (uid, self.env.cr.dbname, scope)
            self._check_screen_seller(scope)
            return scope
        # Without a request (crons, shells, tests): once per cursor, until
        # sellers, stores or users change.
        memo = self.env.cr.cache.setdefault("oto_scope", {})
        if uid not in memo:
            memo[uid] = self._compute_scope()
        return memo[uid]

    @api.model
    def _check_screen_seller(self, scope):
        """The store device's screen names the seller it shows: refused once
        that seller is no longer the one of this session."""
        shown = self.env.context.get(SCREEN_SELLER)
        if shown and shown != scope.pin_seller_id:
            raise OtoPinSessionEnded(
                self.env._(
                    "Your turn on this device has ended (it was not used for a "
                    "while, or someone else signed in): choose your name and "
                    "type your PIN again."
                )
            )

    @api.model
    def _pin_idle_seconds(self, minutes):
        """Seconds without use after which the PIN is asked again (the
        company's idle minutes)."""
        return minutes * 60

    @api.model
    def _forget(self):
        """Sellers, stores, users or the PIN session changed: work it out
        again."""
        if request and hasattr(request, "_oto_scope"):
            del request._oto_scope
        self.env.cr.cache.pop("oto_scope", None)

    @api.model
    def _compute_scope(self):
        cr, uid = self.env.cr, self.env.uid
        user = self.env.user
        # A seller or store written in this transaction is read as written.
        self.env["oto.seller"].flush_model(["user_id", "active"])
        self.env["oto.store"].flush_model(["manager_ids", "active"])
        cr.execute(
            "SELECT id FROM oto_seller WHERE user_id = %s AND active ORDER BY id",
            [uid],
        )
        sellers = [row[0] for row in cr.fetchall()]
        stores = []
        if user._has_group("oto_crm.oto_crm_group_manager"):
            cr.execute(
                """SELECT s.id FROM oto_store s
                     JOIN oto_store_manager_rel r ON r.store_id = s.id
                    WHERE r.user_id = %s AND s.active ORDER BY s.id""",
                [uid],
            )
            stores = [row[0] for row in cr.fetchall()]
        pin = self._pin_seller()
        if pin:
            sellers.append(pin[0])
            if pin[2]:
                stores.append(pin[1])
        return Scope(
            seller_ids=tuple(sorted(set(sellers))),
            store_ids=tuple(sorted(set(stores))),
            admin=user._has_group("oto_crm.oto_crm_group_admin"),
            pin_seller_id=pin[0] if pin else 0,
        )

    @api.model
    def _pin_seller(self):
        """(seller id, store id, is manager) of the seller identified by PIN
        in this session on a store's shared login, while the idle time has
        not passed; None otherwise. Touches the session's last activity."""
        if not request or not request.session.get(SESSION_SELLER):
            return None
        session = request.session
        expected = session.get(SESSION_PIN_TOKEN) or ""
        given = (
            getattr(request, "_oto_pin_token", None)
            or request.httprequest.cookies.get(PIN_COOKIE)
            or ""
        )
        if not expected or not secrets.compare_digest(expected, given):
            return None
        self.env.cr.execute(
            """SELECT s.id, s.store_id, s.is_manager, c.oto_pin_idle_minutes
                 FROM oto_seller s
                 JOIN oto_store st ON st.id = s.store_id
                 JOIN res_company c ON c.id = st.company_id
                WHERE s.id = %s AND s.active AND s.user_id IS NULL AND st.active
                  AND st.user_id = %s AND c.oto_login_mode = 'store'""",
            [session[SESSION_SELLER], self.env.uid],
        )
        row = self.env.cr.fetchone()
        idle = self._pin_idle_seconds(row[3]) if row else 0
        if not row or time.time() - session.get(SESSION_SEEN, 0) > idle:
            session.pop(SESSION_SELLER, None)
            session.pop(SESSION_SEEN, None)
            session.pop(SESSION_PIN_TOKEN, None)
            return None
        session[SESSION_SEEN] = time.time()
        return row[0], row[1], row[2]

    @api.model
    def _sign_in(self, seller):
        """The seller identified with their PIN on the shared device."""
        if request:
            token = secrets.token_urlsafe(32)
            request.session[SESSION_SELLER] = seller.id
            request.session[SESSION_SEEN] = time.time()
            request.session[SESSION_PIN_TOKEN] = token
            request.future_response.set_cookie(
                PIN_COOKIE, token, httponly=True, samesite="Lax"
            )
            # This request goes on as the seller (the cookie comes back with
            # the next one).
            request._oto_pin_token = token
        self._forget()

    @api.model
    def _sign_out(self):
        if request:
            request.session.pop(SESSION_SELLER, None)
            request.session.pop(SESSION_SEEN, None)
            request.session.pop(SESSION_PIN_TOKEN, None)
            request._oto_pin_token = None
            request.future_response.set_cookie(PIN_COOKIE, "", max_age=0)
        self._forget()
