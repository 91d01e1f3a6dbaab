# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Oto app on a phone's home screen: Odoo's own web app manifest and
service worker (``web``, with ``mail``'s web push), made "Oto" for the
people who work in it. Everyone else gets Odoo's, unchanged."""

from odoo.http import request
from odoo.tools import file_open

from odoo.addons.mail.controllers import webmanifest

# Where the installed app opens: the seller's day (the client action's path).
START_URL = "/odoo/my-day"
THEME_COLOR = "#714B67"


def _is_oto_user():
    user = request.env.user
    return (
        bool(request.session.uid)
        and user._is_internal()
        and user.has_group("oto_crm.oto_crm_group_seller")
    )


def offline_login():
    """The login whose app the service worker keeps for opening offline
    (``X-Oto-Offline``): Oto's people and store devices, by database and
    user; nobody else's."""
    if not _is_oto_user() or request.env.user._is_system():
        # (The ERP's administrators: their back office is not kept on a
        # device.)
        return None
    return f"{request.env.cr.dbname}:{request.env.uid}"


class OtoWebManifest(webmanifest.WebManifest):
    def _get_webmanifest(self):
        manifest = super()._get_webmanifest()
        if not _is_oto_user():
            return manifest
        manifest.update(
            {
                "name": "Oto",
                "short_name": "Oto",
                "id": START_URL,
                "description": request.env._(
                    "Your customers for today, your wallet and your results"
                ),
                "start_url": START_URL,
                "scope": "/odoo",
                "display": "standalone",
                "orientation": "portrait",
                "background_color": "#FFFFFF",
                "theme_color": THEME_COLOR,
                "icons": [
                    {
                        "src": "/oto_crm/static/img/oto-icon-192.png",
                        "sizes": "192x192",
                        "type": "image/png",
                    },
                    {
                        "src": "/oto_crm/static/img/oto-icon-512.png",
                        "sizes": "512x512",
                        "type": "image/png",
                    },
                    {
                        "src": "/oto_crm/static/img/oto-icon-maskable-512.png",
                        "sizes": "512x512",
                        "type": "image/png",
                        "purpose": "maskable",
                    },
                ],
                # The seller's app has one way in: the home screen icon
                # opens their day.
                "shortcuts": [],
            }
        )
        return manifest

    def _get_service_worker_content(self):
        body = super()._get_service_worker_content()
        if request.env.user._is_internal():
            # The app opened offline answers before Odoo's worker (which
            # shows its offline page); it acts only for Oto's logins.
            with file_open("oto_crm/static/src/service_worker_offline.js") as f:
                body = f.read() + body
            with file_open("oto_crm/static/src/service_worker.js") as f:
                body += f.read()
        return body
