/** @odoo-module **/
// What the Oto app keeps on the phone for when the connection drops: the
// seller's day, their customers' profiles, the help centre, and the
// contacts recorded offline (a queue, sent once and in order when back).
//
// Everything is kept per database, user and seller. A personal login's
// phone is the seller's own: their day is written to the phone's storage.
// A store's shared phone is not: the acting seller's day stays in this
// page's memory only, and is forgotten when the seller hands the phone
// over (PIN) or leaves it idle, so the next seller never sees it. Only the
// queue is written there too (it must survive the page), under the seller
// who recorded it, and it is sent and shown only while that seller is the
// one signed in.
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";
// Loaded first: the sign-out item wrapped below is Odoo's.
import "@web/webclient/user_menu/user_menu_items";

const PREFIX = "oto.phone";
const memory = new Map();

function prefix() {
    return `${PREFIX}:${session.db || ""}:${user.userId}`;
}

function readStorage(key) {
    try {
        const raw = browser.localStorage.getItem(key);
        return raw ? JSON.parse(raw) : null;
    } catch {
        return null;
    }
}

function writeStorage(key, value) {
    try {
        if (value === null || value === undefined) {
            browser.localStorage.removeItem(key);
        } else {
            browser.localStorage.setItem(key, JSON.stringify(value));
        }
        return true;
    } catch {
        // The phone's storage is full: the page keeps it in memory.
        memory.set(key, value);
        return false;
    }
}

/** Whether this login is a store's shared device (said by the server's
 * day; nobody's data): offline, it says why no day is kept. */
export function isSharedDevice() {
    return Boolean(readStorage(`${prefix()}:shared`));
}

export function setSharedDevice(shared) {
    writeStorage(`${prefix()}:shared`, shared || null);
}

/** The seller whose day a personal login's phone last showed. */
export function lastPersonalSeller() {
    return readStorage(`${prefix()}:seller`);
}

// The store's shared phone: the seller whose turn it is on this page (the
// one identified by PIN, as the server's day names them), and their last
// tap: their turn ends after the brand's idle time, as the server counts it.
let sharedSeller = null;

export function sharedSellerInfo() {
    return sharedSeller;
}

export function touchSharedSeller() {
    if (sharedSeller) {
        sharedSeller.seenAt = Date.now();
    }
}

/** Whether the shared phone's seller left it idle longer than allowed. */
export function sharedSellerIdle() {
    return Boolean(sharedSeller && Date.now() - sharedSeller.seenAt > sharedSeller.idleMs);
}

/** The day the server gave says whose turn it is on a store's shared
 * phone (nobody's on a personal login): their idle time counts from now;
 * what the page kept of another seller's day is forgotten. */
export function followSharedTurn(day) {
    const sellerId = day.pin_seller_id || false;
    if (!sellerId || (sharedSeller && sharedSeller.id !== sellerId)) {
        forgetShared();
    }
    if (sellerId) {
        const seconds = day.pin_idle_seconds || (day.pin_idle_minutes || 5) * 60;
        sharedSeller = { id: sellerId, seenAt: Date.now(), idleMs: seconds * 1000 };
    }
}

export class PhoneStore {
    /**
     * @param {number} sellerId
     * @param {boolean} personal the seller's own phone (a personal login)
     */
    constructor(sellerId, personal) {
        this.sellerId = sellerId;
        this.personal = personal;
    }

    /** The store of the day the server gave (the shared phone's seller is
     * the one whose turn it is: ``followSharedTurn``). */
    static forDay(day) {
        const store = new PhoneStore(day.seller.id, day.personal && !day.shared_login);
        if (store.personal) {
            writeStorage(`${prefix()}:seller`, day.seller.id);
        }
        return store;
    }

    /** The phone's store of the day shown last, when it may be shown now. */
    static current() {
        const personal = lastPersonalSeller();
        if (personal) {
            return new PhoneStore(personal, true);
        }
        if (sharedSeller && !sharedSellerIdle()) {
            return new PhoneStore(sharedSeller.id, false);
        }
        return null;
    }

    key(kind) {
        return `${prefix()}:${this.sellerId}:${kind}`;
    }

    read(kind) {
        if (!this.personal) {
            return memory.get(this.key(kind)) || null;
        }
        return memory.get(this.key(kind)) || readStorage(this.key(kind));
    }

    write(kind, value) {
        if (!this.personal) {
            memory.set(this.key(kind), value);
            return;
        }
        memory.delete(this.key(kind));
        writeStorage(this.key(kind), value);
    }

    // ---------------------------------------------------------- the day

    getDay() {
        return this.read("day");
    }

    setDay(day) {
        this.write("day", { ...day, kept_at: new Date().toISOString() });
    }

    getProfile(partnerId) {
        return (this.read("profiles") || {})[partnerId] || null;
    }

    setProfiles(profiles) {
        const kept = this.read("profiles") || {};
        for (const profile of profiles) {
            // The QR code is the seller's, the same on every profile.
            kept[profile.id] = { ...profile, seller_qr: false };
        }
        this.write("profiles", kept);
    }

    // --------------------------------------------------- offline queue

    /** Contacts recorded offline, oldest first: on the phone's storage
     * whatever the login (a closed page must not lose them). */
    getQueue() {
        return readStorage(this.key("queue")) || memory.get(this.key("queue")) || [];
    }

    setQueue(items) {
        if (writeStorage(this.key("queue"), items.length ? items : null)) {
            memory.delete(this.key("queue"));
        }
    }
}

/** The shared phone's seller leaves (PIN hand-over, idle): what the page
 * kept of their day is forgotten. Their queue stays for their return. */
export function forgetShared() {
    if (sharedSeller) {
        const store = new PhoneStore(sharedSeller.id, false);
        for (const kind of ["day", "profiles"]) {
            memory.delete(store.key(kind));
        }
    }
    sharedSeller = null;
}

/** The help centre: the same for everyone of the database and language. */
export function getHelp() {
    return readStorage(`${PREFIX}:${session.db || ""}:help:${user.lang}`);
}

export function setHelp(help) {
    writeStorage(`${PREFIX}:${session.db || ""}:help:${user.lang}`, help);
}

/** The storage keys the phone keeps for this database, with whose they are:
 * ``mine`` (the user signed in), ``queue`` (contacts waiting to be sent,
 * whoever recorded them) and ``help`` (everyone's). */
function keptKeys() {
    const base = `${PREFIX}:${session.db || ""}:`;
    const mine = `${prefix()}:`;
    try {
        return Object.keys(browser.localStorage)
            .filter((key) => key.startsWith(base))
            .map((key) => ({
                key,
                mine: key.startsWith(mine),
                queue: key.endsWith(":queue"),
                help: key.startsWith(`${base}help:`),
            }));
    } catch {
        return [];
    }
}

function removeKeys(keys) {
    for (const { key } of keys) {
        try {
            browser.localStorage.removeItem(key);
        } catch {
            // Nothing kept to remove.
        }
    }
}

// ------------------------------------------------ the app opened offline
// The service worker keeps what the web client needs to open My day for an
// Oto login, in a cache of that login (service_worker_offline.js): the same
// name on both sides.
const APP_CACHE_PREFIX = "oto-offline:";

function appLogin() {
    return `${session.db || ""}:${user.userId}`;
}

async function removeAppCaches(keepMine) {
    const caches = window.caches;
    if (!caches) {
        return;
    }
    try {
        const mine = APP_CACHE_PREFIX + appLogin();
        for (const name of await caches.keys()) {
            if (name.startsWith(APP_CACHE_PREFIX) && !(keepMine && name === mine)) {
                await caches.delete(name);
            }
        }
    } catch {
        // No cache storage here (a private window): nothing was kept.
    }
}

/** The app was opened online (My day): what it loaded is kept for opening
 * it offline, when the service worker did not see it load (the first
 * opening, before the worker was there) or kept nothing of it yet. */
export async function keepApp(actionIds) {
    const caches = window.caches;
    const workers = navigator.serviceWorker;
    if (!caches || !workers) {
        return;
    }
    try {
        if (workers.controller && (await caches.has(APP_CACHE_PREFIX + appLogin()))) {
            return;
        }
        const registration = await workers.ready;
        const urls = new Set(
            performance.getEntriesByType("resource").map((entry) => entry.name)
        );
        for (const node of document.querySelectorAll("script[src], link[href]")) {
            urls.add(node.src || node.href);
        }
        registration.active?.postMessage({
            oto_offline: "keep",
            login: appLogin(),
            urls: [...urls],
            rpcs: actionIds
                .filter(Boolean)
                .map((id) => ({ route: "/web/action/load", params: { action_id: id } })),
        });
    } catch {
        // Not kept: the app opens offline after its next opening online.
    }
}

/** Customers' data kept for another login on this browser (a phone handed
 * on, a shared computer) is forgotten as soon as someone else opens Odoo
 * here; their waiting contacts stay, sent when they sign in again. */
export function forgetOthers() {
    removeKeys(keptKeys().filter((k) => !k.mine && !k.queue && !k.help));
    removeAppCaches(true);
}

/** Signing out: the day and the profiles kept on this phone go too, and
 * the app kept for opening offline. */
export function forgetMine() {
    removeKeys(keptKeys().filter((k) => k.mine && !k.queue));
    memory.clear();
    sharedSeller = null;
    navigator.serviceWorker?.controller?.postMessage({ oto_offline: "forget" });
    return removeAppCaches(false);
}

if (user.userId) {
    forgetOthers();
}

const menuItems = registry.category("user_menuitems");
const odooLogOut = menuItems.get("log_out", null);
if (odooLogOut) {
    menuItems.add(
        "log_out",
        (env) => {
            const item = odooLogOut(env);
            return {
                ...item,
                callback: async () => {
                    await forgetMine();
                    return item.callback();
                },
            };
        },
        { force: true }
    );
}
