
/* Oto: the morning notification opens the seller's day (an open Oto
   window is focused, else the app opens). Appended to Odoo's service
   worker for internal users (controllers/webmanifest.py). */
/* eslint-env serviceworker */
/* eslint-disable no-restricted-globals */
self.addEventListener("notificationclick", (event) => {
    if (!event.notification.tag || !event.notification.tag.startsWith("oto-")) {
        return;
    }
    event.notification.close();
    event.waitUntil(
        (async () => {
            const windows = await self.clients.matchAll({
                type: "window",
                includeUncontrolled: true,
            });
            const open = windows.find((client) => new URL(client.url).pathname.startsWith("/odoo"));
            if (open) {
                await open.focus();
                return open.navigate("/odoo/my-day");
            }
            return self.clients.openWindow("/odoo/my-day");
        })()
    );
});
