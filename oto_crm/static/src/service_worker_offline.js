/* Oto: the app opens without a connection.
 *
 * Put before Odoo's own service worker for internal users
 * (controllers/webmanifest.py), so that it answers first. It acts only for
 * the login of an Oto user (seller, manager, store device): the server marks
 * that login's pages with the X-Oto-Offline header (controllers/main.py).
 * For them, what the web client needs to open My day (the page, the asset
 * bundles, the translations, the menus and the action) is fetched from the
 * network as always, and a copy is kept in a cache of that login: served
 * only when the network fails. The customers' data are not in it: the day
 * and the profiles stay where the app keeps them (phone_store.js).
 *
 * One login's cache at a time: another login (or none) opening Odoo in this
 * browser empties it, and so does signing out (phone_store.js). For every
 * other user, nothing here answers: Odoo's service worker does, unchanged. */
/* eslint-env serviceworker */
/* eslint-disable no-restricted-globals */
const OTO_CACHE_PREFIX = "oto-offline:";
const OTO_LOGIN_HEADER = "X-Oto-Offline";
// The page the app opens offline (the shell of the web client).
const OTO_SHELL_KEY = "/odoo/my-day";
// What the web client loads to start: kept by URL (these are hashed).
const OTO_KEPT_PATHS = [
    /^\/web\/assets\//,
    /^\/web\/webclient\/(load_menus|translations)\//,
    /^\/[\w.-]+\/static\//,
    /^\/web\/manifest\.webmanifest$/,
];
// The people's pictures in the top bar (Odoo's users; never customers').
const OTO_KEPT_IMAGES = [/^\/web\/image\/res\.users\/\d+\/avatar_128$/];
// The JSON-RPC calls the client makes to open My day: kept under a GET key
// made of the call's parameters (never the customers' data).
const OTO_KEPT_RPCS = {
    "/web/action/load": (params) => ({ action_id: params.action_id }),
};

// The login whose cache answers: unknown until read from the cache storage
// (undefined), none (null) or the cache's name.
let otoLogin;
let otoLoginRead = null;

function otoReadLogin() {
    if (!otoLoginRead) {
        otoLoginRead = caches.keys().then((names) => {
            const kept = names.filter((name) => name.startsWith(OTO_CACHE_PREFIX));
            otoLogin = kept.length === 1 ? kept[0] : null;
            return otoLogin;
        });
    }
    return otoLoginRead;
}
otoReadLogin();

/** Only ``keep`` stays (or nothing): the caches of other logins go. */
async function otoForgetOthers(keep) {
    const names = await caches.keys();
    await Promise.all(
        names
            .filter((name) => name.startsWith(OTO_CACHE_PREFIX) && name !== keep)
            .map((name) => caches.delete(name))
    );
    otoLogin = keep || null;
    otoLoginRead = Promise.resolve(otoLogin);
}

/** The cache of the login signed in, if it still exists (never created
 * again behind a sign-out). */
async function otoCache() {
    const name = await otoReadLogin();
    if (name && (await caches.has(name))) {
        return caches.open(name);
    }
    return null;
}

// Where a session ends: a navigation there forgets every login's copy.
const OTO_SESSION_END_PATHS = ["/web/login", "/web/session/logout"];
// A kept page older than a session lives (Odoo's default: 7 days) is not
// opened offline: its session has ended on the server.
const OTO_SHELL_MAX_AGE = 7 * 24 * 3600 * 1000;

function otoFresh(response) {
    const date = Date.parse(response.headers.get("Date") || "");
    return !Number.isNaN(date) && Date.now() - date < OTO_SHELL_MAX_AGE;
}

function otoIsShellPath(url) {
    return (
        url.origin === self.location.origin &&
        (url.pathname === "/odoo" || url.pathname.startsWith(OTO_SHELL_KEY)) &&
        !url.searchParams.has("debug")
    );
}

/** The app's pages: from the network; the shell of an Oto login is kept,
 * any other answer forgets what was kept (another login, or none). Offline:
 * the kept shell for My day, or Odoo's offline page. */
async function otoNavigate(event) {
    const request = event.request;
    const url = new URL(request.url);
    let response;
    try {
        response = await fetch(request);
    } catch (error) {
        const cache = otoIsShellPath(url) && (await otoCache());
        const kept = cache && (await cache.match(OTO_SHELL_KEY));
        if (kept && otoFresh(kept)) {
            return kept;
        }
        // As Odoo's service worker does.
        if (["Failed to fetch", "Load failed"].includes(error.message)) {
            const odoo = await caches.open("odoo-sw-cache");
            const offline = await odoo.match("/odoo/offline");
            if (offline) {
                return offline;
            }
        }
        throw error;
    }
    // What is kept never stands in the way of the page.
    const login = response.headers.get(OTO_LOGIN_HEADER);
    try {
        if (login) {
            const name = OTO_CACHE_PREFIX + login;
            await otoForgetOthers(name);
            if (response.status === 200 && otoIsShellPath(url)) {
                const copy = response.clone();
                event.waitUntil(
                    caches
                        .open(name)
                        .then((cache) => cache.put(OTO_SHELL_KEY, copy))
                        .catch(() => {})
                );
            }
        } else if (response.ok || response.type === "opaqueredirect" || response.redirected) {
            // Not an Oto login's page (or the sign-in page): nothing kept.
            await otoForgetOthers(null);
        }
    } catch {
        // The browser's storage refused: the page as the network gave it.
    }
    return response;
}

async function otoRpcKey(request) {
    const url = new URL(request.url);
    try {
        const body = await request.clone().json();
        const params = OTO_KEPT_RPCS[url.pathname](body.params || {});
        return `${url.pathname}?oto_rpc=${encodeURIComponent(JSON.stringify(params))}`;
    } catch {
        return null;
    }
}

/** What the web client loads to start, for an Oto login: from the network,
 * a copy kept; from the copy only when the network fails. */
async function otoKeep(request, event) {
    const rpc = request.method === "POST";
    const key = rpc ? await otoRpcKey(request) : request;
    let response;
    try {
        response = await fetch(request);
    } catch (error) {
        const cache = key && (await otoCache());
        const kept = cache && (await cache.match(key));
        if (kept) {
            return kept;
        }
        throw error;
    }
    if (key && response.status === 200) {
        const copy = response.clone();
        const keeping = (async () => {
            const cache = await otoCache();
            if (!cache) {
                return;
            }
            if (!rpc) {
                await cache.put(key, copy);
                return;
            }
            const answer = await copy.clone().json();
            if (answer.error) {
                return;
            }
            // An action is asked for by its number (after signing in) or by
            // its path (the app's address, /odoo/my-day): kept under each.
            const url = new URL(request.url);
            const keys = new Set([key]);
            if (url.pathname === "/web/action/load" && answer.result) {
                for (const alias of [answer.result.id, String(answer.result.id), answer.result.path]) {
                    if (alias) {
                        keys.add(
                            `${url.pathname}?oto_rpc=${encodeURIComponent(
                                JSON.stringify({ action_id: alias })
                            )}`
                        );
                    }
                }
            }
            for (const each of keys) {
                await cache.put(each, copy.clone());
            }
        })().catch(() => {});
        if (event) {
            event.waitUntil(keeping);
        } else {
            await keeping;
        }
    }
    return response;
}

function otoKeptRequest(request, url) {
    if (url.origin !== self.location.origin) {
        return false;
    }
    if (request.method === "GET") {
        if (url.pathname === "/web/image") {
            return (
                url.searchParams.get("model") === "res.users" &&
                url.searchParams.get("field") === "avatar_128"
            );
        }
        return [...OTO_KEPT_PATHS, ...OTO_KEPT_IMAGES].some((path) => path.test(url.pathname));
    }
    return request.method === "POST" && url.pathname in OTO_KEPT_RPCS;
}

self.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (
        request.mode === "navigate" &&
        url.origin === self.location.origin &&
        OTO_SESSION_END_PATHS.includes(url.pathname)
    ) {
        // The sign-in page (a session ended: expired, signed out, the user
        // deactivated) and the sign-out: nobody's copy is kept any more.
        event.waitUntil(otoForgetOthers(null).catch(() => {}));
        return;
    }
    if (
        request.method === "GET" &&
        request.mode === "navigate" &&
        url.origin === self.location.origin &&
        (url.pathname === "/odoo" || url.pathname.startsWith("/odoo/")) &&
        url.pathname !== "/odoo/offline"
    ) {
        event.respondWith(otoNavigate(event));
        event.stopImmediatePropagation();
        return;
    }
    // Nobody's copy is kept (known so once the cache storage was read):
    // Odoo's service worker answers as it always does.
    if (otoLogin !== null && otoKeptRequest(request, url)) {
        event.respondWith(otoKeep(request, event));
        event.stopImmediatePropagation();
    }
});

/** The app's first opening, before this worker served it: the page tells
 * what it loaded, kept as if it had come through here. */
async function otoKeepOpened({ login, urls, rpcs }) {
    const name = OTO_CACHE_PREFIX + login;
    const shell = await fetch(OTO_SHELL_KEY, { credentials: "same-origin" });
    if (!shell.ok || shell.headers.get(OTO_LOGIN_HEADER) !== login) {
        return;
    }
    await otoForgetOthers(name);
    const cache = await caches.open(name);
    await cache.put(OTO_SHELL_KEY, shell);
    for (const path of urls || []) {
        const url = new URL(path, self.location.origin);
        if (url.origin === self.location.origin && otoKeptRequest({ method: "GET" }, url)) {
            if (!(await cache.match(url.href))) {
                await cache.add(url.href).catch(() => {});
            }
        }
    }
    for (const { route, params } of rpcs || []) {
        if (!(route in OTO_KEPT_RPCS)) {
            continue;
        }
        const request = new Request(route, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ id: 0, jsonrpc: "2.0", method: "call", params }),
        });
        await otoKeep(request).catch(() => {});
    }
}

self.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || typeof data !== "object" || !data.oto_offline) {
        return;
    }
    if (data.oto_offline === "keep" && data.login) {
        event.waitUntil(otoKeepOpened(data));
    } else if (data.oto_offline === "forget") {
        event.waitUntil(otoForgetOthers(null));
    }
});
