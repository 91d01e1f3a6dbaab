/** @odoo-module **/
// The Oto app on a phone, where sellers and store managers land after
// signing in. A seller: today's campaigns in the brand's order, each one's
// customers in the suggested order, one tap to WhatsApp, SMS or a call with
// the (editable) message, the outcome in one tap on return; their wallet
// (any customer, a contact on their own initiative); "me": their code, QR
// and link, past days, their results. A store manager: the store's results,
// the team (unlock, new PIN, days off), and their own day when they sell.
import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    useExternalListener,
    useState,
} from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { isDisplayStandalone } from "@web/core/browser/feature_detection";
import { router, routerBus } from "@web/core/browser/router";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { deserializeDate, serializeDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import {
    formatAmount,
    formatCount,
    formatDay,
    formatKpi,
    formatKpiVariation,
    formatPercent,
} from "@oto_crm/core/format";
import {
    PhoneStore,
    followSharedTurn,
    forgetShared,
    getHelp,
    isSharedDevice,
    keepApp,
    setHelp,
    setSharedDevice,
    sharedSellerIdle,
    sharedSellerInfo,
    touchSharedSeller,
} from "@oto_crm/my_day/phone_store";
import { OtoResults } from "@oto_crm/results/results";

const CHANNELS = {
    whatsapp: { label: "WhatsApp", icon: "fa-whatsapp", css: "btn-success" },
    sms: { label: "SMS", icon: "fa-comment", css: "btn-secondary" },
    call: { label: _t("Call"), icon: "fa-phone", css: "btn-secondary" },
};
// How a contact happened, as the outcome asks it.
const CONTACT_CHANNELS = ["whatsapp", "sms", "call", "in_person"];

// The outcomes of a contact, one tap each (seed 000: reached or not, and why).
const REACHED = [
    { result: "positive", label: _t("Positive"), icon: "fa-smile-o", css: "btn-success" },
    { result: "neutral", label: _t("Neutral"), icon: "fa-meh-o", css: "btn-secondary" },
    { result: "negative", label: _t("Negative"), icon: "fa-frown-o", css: "btn-outline-danger" },
];
const NOT_REACHED = [
    { reason: "no_answer", label: _t("No answer yet") },
    { reason: "too_recent", label: _t("Last message too recent"), help: _t("rests, suggested again later") },
    { reason: "declined", label: _t("Did not want to talk") },
    { reason: "no_whatsapp", label: _t("The number has no WhatsApp"), help: _t("no more WhatsApp"), grave: true },
    { reason: "number_invalid", label: _t("The number does not exist"), help: _t("no more messages or calls"), grave: true },
];

// The server's answer when the seller identified by PIN on a store's
// shared device is gone (idle time passed, signed out, someone else signed
// in): the screen goes back to the PIN.
const PIN_TURN_ENDED = "odoo.addons.oto_crm.models.oto_access.OtoPinSessionEnded";

export function channelUrl(channel, phone, message) {
    const text = message ? encodeURIComponent(message) : "";
    if (channel === "whatsapp") {
        return `https://wa.me/${phone.replace(/^\+/, "")}` + (text ? `?text=${text}` : "");
    }
    if (channel === "sms") {
        return `sms:${phone}` + (text ? `?body=${text}` : "");
    }
    return `tel:${phone}`;
}

/** A key for one recording: a retry of the same save is recognised. */
export function newRecordingKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function base64UrlToBytes(text) {
    const base64 = (text + "=".repeat((4 - (text.length % 4)) % 4))
        .replace(/-/g, "+")
        .replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function bytesToBase64Url(buffer) {
    const text = String.fromCharCode(...new Uint8Array(buffer));
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A PIN as the server takes it: 4 to 6 digits. */
export function isPinWellFormed(pin) {
    return /^\d{4,6}$/.test(pin || "");
}

export function isPinTurnEnded(error) {
    return error?.data?.name === PIN_TURN_ENDED;
}

function errorMessage(error) {
    return error?.data?.message || error?.message || String(error);
}

/** What the screen holds for the person using it: all of it emptied when
 * that person changes (another seller's PIN, the idle time). */
function personState() {
    return {
        screen: "home",
        stack: [],
        groupKey: null,
        suggestionId: null,
        message: "",
        drafting: false,
        profile: null,
        note: "",
        contactMessage: "",
        // The contact being recorded (a suggestion or a wallet customer).
        outcome: null,
        // The manager's home: results, team, days off.
        period: "30d",
        results: null,
        teamStoreId: false,
        team: null,
        newPin: null,
        daysOffSeller: null,
        dayOff: { date_from: "", date_to: "", note: "" },
        dayOffError: "",
        // The results screen's choices (kept when the sales are opened).
        resultsView: null,
        // The seller's wallet, "me", past days, sales.
        wallet: { query: "", customers: [], more: false, total: null, loading: false },
        me: null,
        myResults: null,
        pastDays: null,
        pastDay: "",
        past: null,
        sales: null,
    };
}

/** The ORM of the app. On a store's shared device every call names the
 * seller the screen shows: once that seller's turn has ended the server
 * refuses it, and the screen goes back to the PIN; an answer that comes
 * back for a person no longer on screen is dropped. */
function useTurnOrm(app) {
    const orm = useService("orm");
    return Object.assign(Object.create(orm), {
        async call(model, method, args = [], kwargs = {}) {
            const turn = app.turn;
            const sellerId = app.screenSellerId;
            if (sellerId) {
                kwargs = { ...kwargs, context: { ...kwargs.context, oto_pin_seller_id: sellerId } };
                app.lastServerCall = Date.now();
            }
            let result;
            try {
                result = await orm.call.call(this, model, method, args, kwargs);
            } catch (error) {
                if (turn !== app.turn) {
                    return new Promise(() => {});
                }
                if (sellerId && isPinTurnEnded(error)) {
                    app.endTurn(errorMessage(error));
                    return new Promise(() => {});
                }
                throw error;
            }
            return turn === app.turn ? result : new Promise(() => {});
        },
    });
}

// The app was opened in this page: on a store's shared device the seller
// identifies when it opens, not each time they come back to it.
let appOpened = false;
// The app on screen, for the browser's back button.
let mountedApp = null;
// The app's entries in the browser's history belong to one run of screens:
// a tab or another person starts a new one, and the entries left behind
// show nothing again (each names its run).
let historyRun = 0;

// The phone's back button: the app's screens are entries of the browser's
// history (with skipRouteChange, so that Odoo does not load the action
// again for them). Reached while another action is on screen, an entry of
// the app loads the app, as any other entry would.
browser.addEventListener("popstate", (ev) => {
    const depth = ev.state?.otoMyDay;
    if (depth === undefined) {
        return;
    }
    if (mountedApp) {
        mountedApp.onHistory(depth, ev.state.otoRun);
    } else {
        routerBus.trigger("ROUTE_CHANGE");
    }
});

/** The text the server answered with, or that the connection is lost. */
function isOffline(error) {
    return error instanceof ConnectionLostError;
}

// The app shows the day kept on the phone: its own bar says the connection
// is lost and it tries again itself. Odoo's "Connection lost" notice (for
// the web client's other calls, such as Discuss's when the app is opened
// offline) is not shown over it, nor logged as an error.
let offlineShown = false;
let dayOpening = false;
registry.category("error_handlers").add(
    "oto_offline_day",
    (env, error, originalError) => {
        const onDay =
            offlineShown ||
            dayOpening ||
            browser.location.pathname.startsWith("/odoo/my-day");
        if (!onDay || !(originalError instanceof ConnectionLostError)) {
            return false;
        }
        error.event?.preventDefault();
        return true;
    },
    { sequence: 90 }
);

/** Now, as the server stores moments (UTC, "YYYY-MM-DD HH:MM:SS"). */
function utcNow() {
    return new Date().toISOString().slice(0, 19).replace("T", " ");
}

/** Letters without accents, lower case: "Opção" is found typing "opcao". */
export function plainText(text) {
    return (text || "")
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase();
}

// While the phone is offline, the app tries the server again this often.
const RECONNECT_MS = 10000;
// How long the browser's push service has to subscribe this phone.
const PUSH_SUBSCRIBE_MS = 15000;

export class OtoMyDay extends Component {
    static template = "oto_crm.MyDay";
    static components = { DateTimeInput, OtoResults };
    static props = ["*"];

    setup() {
        this.turn = 0;
        this.orm = useTurnOrm(this);
        this.action = useService("action");
        this.notification = useService("notification");
        this.dialog = useService("dialog");
        // Odoo's install prompt (Chrome's, or Safari's explanation).
        this.pwa = useState(useService("pwa"));
        this.channels = CHANNELS;
        this.contactChannels = CONTACT_CHANNELS;
        this.reached = REACHED;
        this.notReached = NOT_REACHED;
        this.formatAmount = formatAmount;
        this.formatCount = formatCount;
        this.formatDay = formatDay;
        this.formatPercent = formatPercent;
        // The channel each suggestion was last opened with (asked again
        // only when the seller records without opening one).
        this.openedChannels = {};
        this.state = useState({
            loading: true,
            day: null,
            // The shared store device: who signs in, their PIN, the answer.
            pinSeller: null,
            pin: "",
            pinError: "",
            pinChecking: false,
            pinNotice: "",
            ...personState(),
            // The phone app: offline, the contacts waiting to be sent,
            // those the server could not apply, the help centre, this phone.
            offline: false,
            keptAt: null,
            profilesKept: false,
            queue: [],
            syncing: false,
            syncFailed: [],
            help: null,
            helpQuery: "",
            helpArticle: null,
            phone: { pushBusy: false, passkeys: null, installed: false },
        });
        this.phoneStore = null;
        this.onOnline = () => this.reconnect();
        browser.addEventListener("online", this.onOnline);
        onWillUnmount(() => {
            offlineShown = false;
            browser.removeEventListener("online", this.onOnline);
            browser.clearInterval(this.reconnectTimer);
        });
        useSetupAction({ getLocalState: () => this.localState() });
        this.setupHistory();
        this.setupIdleWatch();
        onWillStart(() => this.load());
    }

    // ------------------------------------------------------------ loading

    async load() {
        const sellerId = this.props.action?.context?.oto_seller_id || false;
        const opening = !appOpened;
        appOpened = true;
        let day;
        dayOpening = true;
        try {
            day = await this.orm.call("oto.suggestion", "get_seller_day", [], {
                seller_id: sellerId,
                opening,
            });
        } catch (error) {
            dayOpening = false;
            if (!isOffline(error) || sellerId) {
                throw error;
            }
            this.showKeptDay();
            this.state.loading = false;
            return;
        }
        dayOpening = false;
        this.adoptDay(day);
        // What the web client loaded to open this, kept to open it offline.
        keepApp([this.props.action?.path, this.props.action?.id]);
        if (this.state.day.is_manager && !sellerId) {
            await this.loadManager();
        }
        await this.restoreLocalState(this.props.state);
        this.state.loading = false;
    }

    async reloadDay() {
        const sellerId = this.props.action?.context?.oto_seller_id || false;
        let day;
        try {
            day = await this.orm.call("oto.suggestion", "get_seller_day", [], {
                seller_id: sellerId,
            });
        } catch (error) {
            if (!isOffline(error) || sellerId) {
                throw error;
            }
            this.goOffline();
            return false;
        }
        this.adoptDay(day);
        return true;
    }

    // ------------------------------------------------- offline (the phone)

    /** The server's day: shown, and kept on the phone for when the
     * connection drops (a manager looking at a seller's day keeps nothing). */
    adoptDay(day) {
        this.state.day = day;
        this.state.offline = false;
        offlineShown = false;
        this.state.keptAt = null;
        browser.clearInterval(this.reconnectTimer);
        // The store's phone: whose turn it is (nobody signed in: what the
        // page kept of the last seller's day is forgotten).
        followSharedTurn(day);
        if (!this.props.action?.context?.oto_seller_id) {
            setSharedDevice(Boolean(day.pin_required || day.shared_login));
        }
        if (!day.seller || this.props.action?.context?.oto_seller_id) {
            this.phoneStore = null;
            this.state.queue = [];
            return;
        }
        this.phoneStore = PhoneStore.forDay(day);
        this.applyQueue(day);
        this.phoneStore.setDay(day);
        this.state.queue = this.phoneStore.getQueue();
        if (this.state.queue.length) {
            this.syncQueue();
        } else {
            this.keepProfiles();
        }
    }

    /** Offline at the start: the day the phone kept (the seller's own
     * phone, or the seller still signed in on the store's phone). */
    showKeptDay() {
        const store = PhoneStore.current();
        const day = store?.getDay();
        if (!day) {
            this.state.day = {
                seller: false,
                offline_empty: true,
                shared_device: isSharedDevice(),
                groups: [],
            };
            this.goOffline();
            return;
        }
        this.phoneStore = store;
        this.state.day = day;
        this.state.queue = store.getQueue();
        this.goOffline();
    }

    goOffline() {
        offlineShown = true;
        if (!this.state.offline) {
            this.state.offline = true;
            this.state.keptAt = this.phoneStore?.getDay()?.kept_at || null;
            browser.clearInterval(this.reconnectTimer);
            this.reconnectTimer = browser.setInterval(() => this.reconnect(), RECONNECT_MS);
        }
    }

    /** Back online (the browser says so, or the timer asks): the day from
     * the server, then the contacts that waited. */
    async reconnect() {
        if (!this.state.offline || this.reconnecting) {
            return;
        }
        this.reconnecting = true;
        try {
            if (this.pendingSignOut) {
                // A turn that ended offline: the server forgets that seller
                // before anything else is asked.
                await this.signOutEnded();
            } else {
                await this.reloadDay();
            }
        } catch {
            // Not back yet, or the server refused: the next try tells.
        } finally {
            this.reconnecting = false;
        }
    }

    get keptAtText() {
        const kept = this.state.keptAt ? new Date(this.state.keptAt) : null;
        return kept ? kept.toLocaleTimeString(user.lang, { hour: "2-digit", minute: "2-digit" }) : "";
    }

    /** The offline bar: what waits on the phone, or since when the day
     * shown was kept. */
    get offlineText() {
        const waiting = this.state.queue.length;
        if (waiting === 1) {
            return _t("No connection. 1 contact waits on this phone: it is sent when you are back online.");
        }
        if (waiting) {
            return _t(
                "No connection. %s contacts wait on this phone: they are sent when you are back online.",
                waiting
            );
        }
        if (this.keptAtText) {
            return _t("No connection. You see your day as kept at %s.", this.keptAtText);
        }
        return _t("No connection.");
    }

    get syncText() {
        return _t("Sending the contacts recorded offline (%s)…", this.state.queue.length);
    }

    /** Today's customers' profiles, kept on the phone (in the background:
     * the list is already shown). */
    async keepProfiles() {
        const store = this.phoneStore;
        const ids = [...new Set(this.groups.flatMap((g) => g.suggestions.map((s) => s.partner_id)))];
        if (!store || !ids.length) {
            return;
        }
        try {
            const profiles = await this.orm.silent.call("res.partner", "oto_get_profiles", [ids]);
            if (store === this.phoneStore) {
                store.setProfiles(profiles);
                this.state.profilesKept = true;
            }
        } catch {
            // Kept next time.
        }
    }

    /** The contacts waiting on the phone, shown as recorded on the day the
     * server gave (it does not know them yet). */
    applyQueue(day) {
        for (const item of this.phoneStore?.getQueue() || []) {
            if (item.kind === "suggestion") {
                this.markRecorded(day, item.id, item.outcome);
            }
        }
    }

    markRecorded(day, suggestionId, outcome) {
        for (const group of day.groups || []) {
            const card = group.suggestions.find((s) => s.id === suggestionId);
            if (card && card.open) {
                card.open = false;
                card.pending = true;
                card.channels = [];
                card.state = _t("Waiting to be sent");
                card.outcome = outcome;
                group.open -= 1;
                group.done += 1;
            }
        }
    }

    /** A contact recorded offline: kept on the phone with its key and the
     * moment it was recorded, sent when the connection is back. */
    queueOutcome(outcome, values) {
        const store = this.phoneStore;
        if (!store) {
            return false;
        }
        const queue = store.getQueue();
        queue.push({
            key: outcome.key,
            kind: outcome.kind,
            id: outcome.id,
            name: outcome.name,
            outcome: outcome.choice.label,
            values: { ...values, recorded_at: values.recorded_at || utcNow() },
        });
        store.setQueue(queue);
        this.state.queue = queue;
        if (outcome.kind === "suggestion") {
            this.markRecorded(this.state.day, outcome.id, outcome.choice.label);
            store.setDay(this.state.day);
        }
        return true;
    }

    /** The contacts recorded offline, sent one by one in the order they
     * were recorded (each once: its key). One the server cannot apply any
     * more is taken out of the queue and shown with the reason. */
    async syncQueue() {
        const store = this.phoneStore;
        // On the store's phone, only in the turn of the seller who recorded
        // them (the server refuses them in anyone else's).
        const turn = this.turn;
        if (!store || this.state.syncing || !this.isTurnOf(store)) {
            return;
        }
        this.state.syncing = true;
        let sent = 0;
        try {
            let queue = store.getQueue();
            while (queue.length && turn === this.turn) {
                const item = queue[0];
                try {
                    await this.orm.silent.call(
                        item.kind === "suggestion" ? "oto.suggestion" : "res.partner",
                        item.kind === "suggestion" ? "oto_record_outcome" : "oto_record_contact",
                        [[item.id], item.values]
                    );
                    sent++;
                } catch (error) {
                    if (isOffline(error)) {
                        this.goOffline();
                        break;
                    }
                    this.state.syncFailed.push({
                        key: item.key,
                        name: item.name,
                        outcome: item.outcome,
                        message: errorMessage(error),
                    });
                }
                queue = store.getQueue().filter((i) => i.key !== item.key);
                store.setQueue(queue);
                this.state.queue = queue;
            }
        } finally {
            this.state.syncing = false;
        }
        if (sent) {
            this.notification.add(
                sent === 1
                    ? _t("The contact recorded offline was sent.")
                    : _t("The %s contacts recorded offline were sent.", sent),
                { type: "success" }
            );
            if (store === this.phoneStore && !this.state.offline) {
                await this.reloadDay();
            }
        }
    }

    /** Whether the phone's store is of the seller whose turn it is (always,
     * on a personal login). */
    isTurnOf(store) {
        return !this.screenSellerId || store.sellerId === this.screenSellerId;
    }

    dismissSyncFailed(item) {
        this.state.syncFailed = this.state.syncFailed.filter((i) => i !== item);
    }

    get isManagerHome() {
        return this.state.day?.is_manager && !this.props.action?.context?.oto_seller_id;
    }

    get currencyId() {
        return this.state.day?.currency_id;
    }

    /** Where the app was when another action was opened from it (the
     * results' chart): found again on the way back. */
    localState() {
        const { screen, stack, resultsView, period, teamStoreId } = this.state;
        return {
            otoPerson: this.personKey,
            otoScreen: screen === "results" ? { screen, stack: [...stack] } : null,
            resultsView,
            period,
            teamStoreId,
        };
    }

    async restoreLocalState(saved) {
        if (!saved || saved.otoPerson !== this.personKey) {
            return;
        }
        this.state.period = saved.period || "30d";
        this.state.teamStoreId = saved.teamStoreId || false;
        this.state.resultsView = saved.resultsView || null;
        if (saved.teamStoreId || saved.period !== "30d") {
            await this.loadManager();
        }
        if (saved.otoScreen) {
            this.state.stack = saved.otoScreen.stack;
            this.state.screen = saved.otoScreen.screen;
        }
    }

    /** Who the screen is for (the user, and on a store's device the seller
     * identified by PIN). */
    get personKey() {
        return `${this.state.day?.seller?.id || 0}-${this.screenSellerId || 0}`;
    }

    // ------------------------------------------------------------ navigation

    go(screen) {
        this.state.stack.push(this.state.screen);
        this.state.screen = screen;
        this.pushHistory();
    }

    /** Back one screen (or more): through the browser's history when the
     * screen has its entry there (the phone's back button does the same). */
    back(steps = 1) {
        steps = Math.max(1, Math.min(Number(steps) || 1, this.state.stack.length));
        if (this.historyDepth && this.historyDepth === this.state.stack.length) {
            browser.history.go(-steps);
            return;
        }
        // (Out of step with the history: the screens only.)
        this.historyDepth = 0;
        for (let step = 0; step < steps; step++) {
            this.popScreen();
        }
    }

    popScreen() {
        // Back from the help centre: what the seller was doing is still there.
        if (!this.state.screen.startsWith("help")) {
            this.state.outcome = null;
        }
        this.state.screen = this.state.stack.pop() || "home";
    }

    tab(screen) {
        this.state.outcome = null;
        this.state.stack = [];
        this.state.screen = screen;
        this.leaveHistory();
        if (screen === "wallet" && !this.state.wallet.total && !this.state.wallet.loading) {
            this.searchWallet();
        }
        if (screen === "me" && !this.state.me) {
            this.loadMe();
        }
        if (screen === "team") {
            this.state.newPin = null;
            this.loadTeam();
        }
    }

    setupHistory() {
        this.historyDepth = 0;
        onMounted(() => (mountedApp = this));
        onWillUnmount(() => {
            if (mountedApp === this) {
                mountedApp = null;
            }
        });
    }

    /** The screen just opened gets its entry in the browser's history. */
    pushHistory() {
        const nextState = router.current;
        if (!this.historyDepth) {
            // The first screen of the run becomes an entry of the app too:
            // back to it shows it again, without loading the action anew.
            browser.history.replaceState(
                { nextState, skipRouteChange: true, otoMyDay: 0, otoRun: historyRun },
                "",
                browser.location.href
            );
        }
        this.historyDepth = this.state.stack.length;
        browser.history.pushState(
            {
                nextState,
                skipRouteChange: true,
                otoMyDay: this.historyDepth,
                otoRun: historyRun,
            },
            "",
            browser.location.href
        );
    }

    /** Back (or forward) in the browser's history to an entry of the app.
     * An entry of an earlier run (before a tab or another person) shows
     * nothing of it again: back one screen of the current run, if any. */
    onHistory(depth, run) {
        if (run !== historyRun) {
            this.historyDepth = 0;
            if (this.state.stack.length) {
                this.popScreen();
            }
            return;
        }
        this.historyDepth = depth;
        while (this.state.stack.length > depth) {
            this.popScreen();
        }
    }

    /** The screens opened are left at once (a tab, another person): a new
     * run starts, the entries of the previous one show nothing again. */
    leaveHistory() {
        historyRun++;
        this.historyDepth = 0;
    }

    get tabs() {
        const tabs = [];
        if (this.isManagerHome) {
            tabs.push({ screen: "home", label: _t("Home"), icon: "fa-home" });
            tabs.push({ screen: "team", label: _t("Team"), icon: "fa-users" });
        } else {
            tabs.push({ screen: "home", label: _t("My day"), icon: "fa-list-ol" });
        }
        if (this.state.day?.seller && !this.props.action?.context?.oto_seller_id) {
            tabs.push({ screen: "wallet", label: _t("Wallet"), icon: "fa-address-book-o" });
            tabs.push({ screen: "me", label: _t("Me"), icon: "fa-user-circle-o" });
        }
        return tabs.length > 1 ? tabs : [];
    }

    get tabScreen() {
        const roots = {
            campaign: "home",
            suggestion: "home",
            sales: "home",
            daysoff: "home",
            results: "home",
        };
        const first = this.state.stack[0] || this.state.screen;
        return roots[first] || first;
    }

    // ------------------------------------------------------------ my day

    get groups() {
        return this.state.day?.groups || [];
    }

    get currentGroup() {
        return this.groups.find((g) => g.key === this.state.groupKey);
    }

    get currentSuggestion() {
        for (const group of this.groups) {
            const found = group.suggestions.find((s) => s.id === this.state.suggestionId);
            if (found) {
                return found;
            }
        }
        return null;
    }

    get openCount() {
        return this.groups.reduce((total, g) => total + g.open, 0);
    }

    get doneCount() {
        return this.groups.reduce((total, g) => total + g.done, 0);
    }

    /** "8 to contact · 1 done" (one and many are different words in
     * Portuguese). */
    countsText(open, done) {
        const parts = [_t("%s to contact", formatCount(open))];
        if (done) {
            parts.push(this.doneText(done));
        }
        return parts.join(" · ");
    }

    doneText(done) {
        return done === 1 ? _t("1 done") : _t("%s done", formatCount(done));
    }

    get doneTodayText() {
        const done = this.doneCount;
        return done === 1 ? _t("1 done today") : _t("%s done today", formatCount(done));
    }

    typeIcon(type) {
        return (
            {
                segment: "fa-bullhorn",
                behavior: "fa-shopping-cart",
                manual: "fa-user",
                contact: "fa-comments",
            }[type] || "fa-circle"
        );
    }

    toneClass(tone) {
        return tone ? `text-bg-${tone}` : "text-bg-light";
    }

    openGroup(group) {
        this.state.groupKey = group.key;
        this.go("campaign");
    }

    openSuggestion(suggestion) {
        this.state.suggestionId = suggestion.id;
        this.state.message = suggestion.message;
        this.state.outcome = null;
        this.go("suggestion");
    }

    channelHref(channel) {
        return channelUrl(channel, this.currentSuggestion.phone, this.state.message);
    }

    customerChannelHref(channel) {
        return channelUrl(channel, this.state.profile.phone, this.state.contactMessage);
    }

    async onChannel(channel) {
        // Checked first (the customer may have opted out, the suggestion
        // moved on): then the app opens (WhatsApp, messages, phone) with the
        // seller's edit of the message, and the outcome waits for the return.
        // Offline, the app opens all the same (a call or an SMS needs no
        // data connection): the server checks when the outcome is sent.
        const suggestion = this.currentSuggestion;
        const message = this.state.message;
        try {
            await this.sendSuggestion(suggestion, channel, message);
        } catch (error) {
            if (!isOffline(error)) {
                // The server refused (the consent gate among others), with
                // the reason: the channels shown are asked again, nothing
                // is opened.
                this.notification.add(errorMessage(error), { type: "danger" });
                await this.reloadDay();
                return;
            }
            this.goOffline();
            browser.open(channelUrl(channel, suggestion.phone, message), "_blank");
        }
        suggestion.message = message;
        this.openedChannels[suggestion.id] = channel;
        this.startSuggestionOutcome(channel);
    }

    /** The seller sends ``message`` to the suggestion's customer on
     * ``channel``: marked in progress, then the phone's app opens (a bridge
     * may send it itself: WhatsApp through the brand's account). */
    async sendSuggestion(suggestion, channel, message) {
        await this.orm.call("oto.suggestion", "action_send", [[suggestion.id], channel, message]);
        browser.open(channelUrl(channel, suggestion.phone, message), "_blank");
    }

    /** The outcome of the contact with the customer on screen; without a
     * channel (recorded without opening WhatsApp, SMS or a call here), the
     * seller says how they talked. */
    startSuggestionOutcome(channel) {
        const suggestion = this.currentSuggestion;
        this.state.outcome = {
            kind: "suggestion",
            id: suggestion.id,
            name: suggestion.name,
            channel: channel || this.openedChannels[suggestion.id] || null,
            products: suggestion.products.map((p) => ({ ...p, checked: true })),
            message: this.state.message,
            ...this.emptyOutcome(),
        };
    }

    emptyOutcome() {
        return {
            key: newRecordingKey(),
            notes: "",
            followup: "",
            consent: "",
            saving: false,
            error: "",
            lost: false,
        };
    }

    async draftMessage() {
        // The provider's draft (or the template's message when it fails):
        // the seller reviews it and may edit it before sending.
        this.state.drafting = true;
        try {
            const draft = await this.orm.call("oto.suggestion", "oto_draft_message", [
                [this.state.suggestionId],
            ]);
            this.state.message = draft.message;
            if (draft.source !== "provider") {
                this.notification.add(
                    _t("The assistant is not available now: here is the campaign's message."),
                    { type: "info" }
                );
            }
        } finally {
            this.state.drafting = false;
        }
    }

    // ------------------------------------------------------------ outcome

    /** What a grave outcome does, said before it is recorded. */
    graveEffect(choice, customer) {
        if (choice.reason === "no_whatsapp") {
            return _t(
                "%(customer)s will no longer be contacted by WhatsApp. SMS and calls still reach this number. Confirm?",
                { customer }
            );
        }
        return _t(
            "The number of %(customer)s will be marked as invalid: no more WhatsApp, SMS or calls until a manager confirms a corrected number. Confirm?",
            { customer }
        );
    }

    askOutcome(choice) {
        if (!this.state.outcome?.channel) {
            return;
        }
        if (choice.grave) {
            this.dialog.add(ConfirmationDialog, {
                title: choice.label,
                body: this.graveEffect(choice, this.state.outcome.name),
                confirm: () => this.recordOutcome(choice),
                cancel: () => {},
            });
            return;
        }
        return this.recordOutcome(choice);
    }

    async recordOutcome(choice) {
        const outcome = this.state.outcome;
        // A second tap while the first is on its way records nothing more.
        if (!outcome || outcome.saving || !outcome.channel) {
            return;
        }
        outcome.saving = true;
        outcome.error = "";
        outcome.choice = choice;
        const values = {
            key: outcome.key,
            channel: outcome.channel,
            reached: choice.result ? "yes" : "no",
            result: choice.result || false,
            reason: choice.reason || false,
            notes: outcome.notes,
            followup_date: outcome.followup || false,
            consent: outcome.consent || false,
        };
        if (outcome.message) {
            values.message = outcome.message;
        }
        if (outcome.products.length) {
            values.product_ids = outcome.products.filter((p) => p.checked).map((p) => p.id);
        }
        if (this.state.offline && this.queueOutcome(outcome, values)) {
            return this.afterQueued(outcome);
        }
        let answer;
        try {
            answer =
                outcome.kind === "suggestion"
                    ? await this.orm.call("oto.suggestion", "oto_record_outcome", [
                          [outcome.id],
                          values,
                      ])
                    : await this.orm.call("res.partner", "oto_record_contact", [
                          [outcome.id],
                          values,
                      ]);
        } catch (error) {
            outcome.saving = false;
            if (isOffline(error)) {
                // Kept on the phone with its key: sent when the connection
                // is back, recorded once.
                this.goOffline();
                if (this.queueOutcome(outcome, values)) {
                    return this.afterQueued(outcome);
                }
                outcome.lost = true;
                outcome.error = _t(
                    "No connection: your contact is kept on this screen. Tap Retry when you are back online."
                );
            } else {
                outcome.error = errorMessage(error);
            }
            return;
        }
        this.state.outcome = null;
        this.notification.add(answer.message, { type: "success" });
        if (outcome.kind === "suggestion") {
            await this.reloadDay();
            // Back to the campaign's list, for the next customer (to the
            // day when the campaign is no longer in it).
            if (this.state.screen === "suggestion") {
                this.back(this.currentGroup ? 1 : 2);
            }
        } else {
            await this.openProfile(outcome.id, { replace: true });
            await this.reloadDay();
        }
    }

    /** Recorded on the phone: on to the next customer, as when online. */
    afterQueued(outcome) {
        this.state.outcome = null;
        this.notification.add(
            _t("No connection: the contact with %s is kept on this phone and sent when you are back online.", outcome.name),
            { type: "warning" }
        );
        // Back to the campaign's list, for the next customer.
        if (outcome.kind === "suggestion" && this.state.screen === "suggestion") {
            this.back(this.currentGroup ? 1 : 2);
        }
    }

    retryOutcome() {
        const outcome = this.state.outcome;
        if (outcome?.choice) {
            return this.recordOutcome(outcome.choice);
        }
    }

    cancelOutcome() {
        this.state.outcome = null;
    }

    // ------------------------------------------------------------ profile

    async openProfile(partnerId, { replace = false } = {}) {
        try {
            this.state.profile = await this.orm.call("res.partner", "oto_get_profile", [
                [partnerId],
            ]);
            this.phoneStore?.setProfiles([this.state.profile]);
        } catch (error) {
            const kept = isOffline(error) && this.phoneStore?.getProfile(partnerId);
            if (!kept) {
                this.notification.add(
                    isOffline(error)
                        ? _t("No connection, and this customer's profile is not kept on the phone.")
                        : errorMessage(error),
                    { type: "danger" }
                );
                if (isOffline(error)) {
                    this.goOffline();
                }
                return;
            }
            this.goOffline();
            this.state.profile = { ...kept, kept: true };
        }
        this.state.note = "";
        this.state.contactMessage = "";
        if (!replace) {
            this.state.outcome = null;
            this.go("profile");
        }
    }

    async onCustomerChannel(channel) {
        const profile = this.state.profile;
        const message = this.state.contactMessage;
        try {
            await this.sendCustomer(profile, channel, message);
        } catch (error) {
            if (!isOffline(error)) {
                this.notification.add(errorMessage(error), { type: "danger" });
                return;
            }
            this.goOffline();
            browser.open(channelUrl(channel, profile.phone, message), "_blank");
        }
        this.startCustomerOutcome(channel);
    }

    /** A contact the seller starts from a customer's profile (see
     * ``sendSuggestion``). */
    async sendCustomer(profile, channel, message) {
        await this.orm.call("res.partner", "oto_start_contact", [[profile.id], channel]);
        browser.open(channelUrl(channel, profile.phone, message), "_blank");
    }

    startCustomerOutcome(channel) {
        const profile = this.state.profile;
        this.state.outcome = {
            kind: "customer",
            id: profile.id,
            name: profile.name,
            channel: channel || null,
            products: [],
            message: this.state.contactMessage,
            ...this.emptyOutcome(),
        };
    }

    async addNote() {
        const partnerId = this.state.profile.id;
        try {
            await this.orm.call("res.partner", "oto_add_note", [[partnerId], this.state.note]);
        } catch (error) {
            this.notification.add(
                isOffline(error)
                    ? _t("No connection: your note stays here, add it when you are back online.")
                    : errorMessage(error),
                { type: "danger" }
            );
            return;
        }
        await this.openProfile(partnerId, { replace: true });
    }

    formatProfileAmount(amount) {
        return formatAmount(amount, this.state.profile?.currency_id);
    }

    // ------------------------------------------------------------ wallet

    async searchWallet(more = false) {
        const wallet = this.state.wallet;
        wallet.loading = true;
        try {
            const page = await this.orm.call("res.partner", "oto_search_wallet", [], {
                query: wallet.query,
                offset: more ? wallet.customers.length : 0,
            });
            wallet.customers = more ? [...wallet.customers, ...page.customers] : page.customers;
            wallet.more = page.more;
            if (!more) {
                wallet.total = page.total;
            }
        } catch (error) {
            if (!isOffline(error)) {
                throw error;
            }
            this.goOffline();
            this.notification.add(
                _t("No connection: searching the wallet needs it. Today's customers are in My day."),
                { type: "warning" }
            );
        } finally {
            wallet.loading = false;
        }
    }

    get walletCount() {
        const total = this.state.wallet.total;
        if (total === null || total === undefined) {
            return "";
        }
        return total === 1 ? _t("1 customer") : _t("%s customers", formatCount(total));
    }

    onWalletSearch(ev) {
        this.state.wallet.query = ev.target.value;
        browser.clearTimeout(this.walletTimer);
        this.walletTimer = browser.setTimeout(() => this.searchWallet(), 300);
    }

    // ------------------------------------------------------------ me

    async loadMe() {
        const seller = this.state.day.seller;
        this.loadPhone();
        try {
            const [me] = await this.orm.read(
                "oto.seller",
                [seller.id],
                ["name", "code", "seller_link", "seller_qr", "store_id"]
            );
            this.state.me = me;
            await Promise.all([this.loadMyResults(), this.loadPastDays()]);
        } catch (error) {
            if (!isOffline(error)) {
                throw error;
            }
            // Offline: the code the phone knows; the rest with the connection.
            this.goOffline();
            this.state.me = { ...seller, seller_link: false, seller_qr: false };
        }
    }

    async loadMyResults() {
        this.state.myResults = await this.orm.call("oto.result.day", "get_results", [], {
            period: this.state.period,
            seller_id: this.state.day.seller.id,
        });
    }

    async copyLink() {
        await browser.navigator.clipboard.writeText(this.state.me.seller_link);
        this.notification.add(_t("Link copied"), { type: "info" });
    }

    get shareUrl() {
        const text = _t("Shop online with my code %(code)s: %(link)s", {
            code: this.state.me.code,
            link: this.state.me.seller_link,
        });
        return `https://wa.me/?text=${encodeURIComponent(text)}`;
    }

    // Days in the user's format (Odoo's date picker, not the browser's).
    toDate(value) {
        return value ? deserializeDate(value) : false;
    }

    fromDate(value) {
        return value ? serializeDate(value) : "";
    }

    setDayOff(key, value) {
        this.state.dayOff[key] = this.fromDate(value);
        if (key === "date_from" && this.state.dayOff.date_to < this.state.dayOff.date_from) {
            this.state.dayOff.date_to = this.state.dayOff.date_from;
        }
    }

    /** The past days that had suggestions, to choose one from. */
    async loadPastDays() {
        this.state.pastDays = await this.orm.call("oto.suggestion", "get_seller_past_days", []);
    }

    pastDayLabel(day) {
        const suggestions =
            day.offered === 1 ? _t("1 suggestion") : _t("%s suggestions", formatCount(day.offered));
        return `${formatDay(day.day, { format: "ccc dd/MM" })} · ${suggestions} · ${this.doneText(day.done)}`;
    }

    async onPastDay(ev) {
        const day = ev.target.value;
        this.state.pastDay = day;
        if (!day) {
            this.state.past = null;
            return;
        }
        try {
            this.state.past = await this.orm.call("oto.suggestion", "get_seller_day", [], {
                day,
            });
        } catch (error) {
            this.notification.add(errorMessage(error), { type: "danger" });
        }
    }

    kpiValue(kpi, results, value = kpi.value) {
        return formatKpi(kpi, value, results.currency_id);
    }

    kpiVariation(kpi) {
        return formatKpiVariation(kpi);
    }

    hasPrevious(kpi) {
        return kpi.variation !== null && kpi.variation !== undefined;
    }

    kpiClass(kpi) {
        if (!kpi.variation) {
            return "text-muted";
        }
        return kpi.variation > 0 ? "text-success" : "text-danger";
    }

    async setPeriod(period) {
        this.state.period = period;
        if (this.state.screen === "me") {
            await this.loadMyResults();
        } else {
            await this.loadResults();
        }
    }

    // ------------------------------------------------------------ sales

    /** The sales from contacts behind the figures: the seller's (their
     * home and "me"), or the manager's store, period and seller. */
    async openSales(filter = null) {
        const scope = filter || (this.isManagerHome ? this.managerSalesFilter : null);
        const domain = scope
            ? [
                  ["purchase_date", ">=", scope.purchase_from],
                  ["purchase_date", "<", scope.purchase_to],
              ]
            : [
                  ["seller_id", "=", this.state.day.seller.id],
                  ["purchase_date", ">=", this.state.day.results.since],
                  ["purchase_date", "<", this.state.day.results.until],
              ];
        if (scope?.sellerId) {
            domain.push(["seller_id", "=", scope.sellerId]);
        } else if (scope?.storeId) {
            domain.push(["store_id", "=", scope.storeId]);
        }
        const rows = await this.orm.searchRead(
            "oto.attribution",
            domain,
            [
                "contact_day",
                "purchase_day",
                "partner_id",
                "seller_id",
                "item_count",
                "amount",
                "campaign_id",
            ],
            { order: "purchase_date desc", limit: 200 }
        );
        this.state.sales = {
            rows,
            title: scope?.title || "",
            total: rows.reduce((sum, r) => sum + r.amount, 0),
            items: rows.reduce((sum, r) => sum + r.item_count, 0),
        };
        this.go("sales");
    }

    get managerSalesFilter() {
        const results = this.state.results;
        return {
            purchase_from: results.purchase_from,
            purchase_to: results.purchase_to,
            storeId: this.state.teamStoreId,
            title: this.resultsScope,
        };
    }

    salesCountText(sales) {
        const count = sales.rows.length;
        const sold = count === 1 ? _t("1 sale") : _t("%s sales", formatCount(count));
        return `${sold} · ${this.itemsText(sales.items)}`;
    }

    itemsText(items) {
        return items === 1 ? _t("1 item") : _t("%s items", formatCount(items));
    }

    // ------------------------------------------------------------ results

    /** The store's results and the sellers' ranking, a screen of the app
     * (back arrow and tabs); a seller chosen there is kept while the sales
     * are looked at. */
    openResults() {
        this.state.resultsView = {
            period: this.state.period,
            storeId: this.state.teamStoreId,
            sellerId: false,
        };
        this.go("results");
    }

    onResultsChange(view) {
        this.state.resultsView = { ...this.state.resultsView, ...view };
    }

    get resultsProps() {
        const view = this.state.resultsView || {};
        return {
            embedded: true,
            period: view.period || this.state.period,
            storeId: view.storeId || false,
            sellerId: view.sellerId || false,
            onChange: (change) => this.onResultsChange(change),
            onOpenSales: (filter) => this.openSales(filter),
        };
    }

    // ------------------------------------------------------------ manager

    async loadManager() {
        await Promise.all([this.loadResults(), this.loadTeam()]);
    }

    async loadResults() {
        this.state.results = await this.orm.call("oto.result.day", "get_results", [], {
            period: this.state.period,
            store_id: this.state.teamStoreId,
        });
    }

    get revenueKpi() {
        return this.state.results?.kpis.find((k) => k.key === "revenue");
    }

    get salesKpi() {
        return this.state.results?.kpis.find((k) => k.key === "sales");
    }

    get resultsScope() {
        const results = this.state.results;
        if (!results) {
            return "";
        }
        const store = results.stores.find((s) => s.id === this.state.teamStoreId);
        if (store) {
            return store.name;
        }
        return results.stores.length === 1 ? results.stores[0].name : _t("All stores");
    }

    async onTeamStore(ev) {
        this.state.teamStoreId = parseInt(ev.target.value) || false;
        await this.loadManager();
    }

    get manyStores() {
        return (this.state.results?.stores.length || 0) > 1;
    }

    async loadTeam() {
        this.state.team = await this.orm.call("oto.seller", "get_team", [], {
            store_id: this.state.teamStoreId,
        });
    }

    async openTeam() {
        this.state.newPin = null;
        await this.loadTeam();
        this.go("team");
    }

    async teamAction(seller, method) {
        try {
            const result = await this.orm.call("oto.seller", method, [[seller.id]]);
            if (method === "oto_reset_pin") {
                this.state.newPin = { seller: seller.name, ...result };
            } else if (method === "action_unlock") {
                this.notification.add(
                    _t("%s is unlocked: they can sign in with their PIN again.", seller.name),
                    { type: "success" }
                );
            } else if (result?.params?.message) {
                this.notification.add(result.params.message, { type: "success" });
            }
        } catch (error) {
            this.notification.add(errorMessage(error), { type: "danger" });
        }
        await this.loadTeam();
    }

    resetPin(seller) {
        this.dialog.add(ConfirmationDialog, {
            body: _t(
                "A new random PIN replaces %s's current one: it is emailed to them and shown to you once.",
                seller.name
            ),
            confirm: () => this.teamAction(seller, "oto_reset_pin"),
            cancel: () => {},
        });
    }

    inactivate(seller) {
        this.dialog.add(ConfirmationDialog, {
            body: _t(
                "%s's customers will be redistributed to the store's active sellers. Continue?",
                seller.name
            ),
            confirm: () => this.teamAction(seller, "action_inactivate"),
            cancel: () => {},
        });
    }

    async copyPin() {
        await browser.navigator.clipboard.writeText(this.state.newPin.pin);
        this.notification.add(_t("PIN copied"), { type: "info" });
    }

    openDaysOff(seller) {
        this.state.daysOffSeller = seller.id;
        this.state.dayOff = { date_from: this.state.day.today, date_to: this.state.day.today, note: "" };
        this.state.dayOffError = "";
        this.go("daysoff");
    }

    get daysOffMember() {
        return (this.state.team || []).find((m) => m.id === this.state.daysOffSeller);
    }

    async addDayOff() {
        const { date_from, date_to, note } = this.state.dayOff;
        this.state.dayOffError = "";
        try {
            await this.orm.create("oto.seller.dayoff", [
                { seller_id: this.state.daysOffSeller, date_from, date_to, note },
            ]);
        } catch (error) {
            this.state.dayOffError = errorMessage(error);
            return;
        }
        this.notification.add(_t("Day off recorded"), { type: "success" });
        this.state.dayOff.note = "";
        await this.loadTeam();
    }

    async removeDayOff(dayOff) {
        try {
            await this.orm.unlink("oto.seller.dayoff", [dayOff.id]);
        } catch (error) {
            this.notification.add(errorMessage(error), { type: "danger" });
        }
        await this.loadTeam();
    }

    // ------------------------------------------------------------ help

    /** The help centre, from any screen (the "?" of the header). */
    async openHelp() {
        this.state.helpQuery = "";
        this.state.helpArticle = null;
        this.go("help");
        if (!this.state.help) {
            await this.loadHelp();
        }
    }

    async loadHelp() {
        try {
            this.state.help = await this.orm.call("oto.help.article", "get_help", []);
            setHelp(this.state.help);
        } catch (error) {
            if (!isOffline(error)) {
                throw error;
            }
            this.state.help = getHelp() || { sections: [], articles: [] };
        }
    }

    /** The sections with the articles that have every word searched (in
     * any case, with or without accents). */
    get helpSections() {
        const help = this.state.help;
        if (!help) {
            return [];
        }
        const words = plainText(this.state.helpQuery).split(/\s+/).filter(Boolean);
        const names = Object.fromEntries(help.sections.map((s) => [s.key, s.name]));
        const found = help.articles.filter((article) => {
            const text = plainText(
                [article.name, article.body, article.keywords, names[article.section]].join(" ")
            );
            // A word's singular, plural or other ending finds it too
            // (sugestão, sugestões; cliente, clientes).
            return words.every(
                (word) => text.includes(word) || (word.length >= 6 && text.includes(word.slice(0, -2)))
            );
        });
        return help.sections
            .map((section) => ({
                ...section,
                articles: found.filter((a) => a.section === section.key),
            }))
            .filter((section) => section.articles.length);
    }

    openArticle(article) {
        this.state.helpArticle = article;
        this.go("help_article");
    }

    paragraphs(body) {
        return (body || "").split(/\n\s*\n/).filter((p) => p.trim());
    }

    // ------------------------------------------------------- this phone

    /** The Me tab's "this phone": install the app, the morning
     * notification, Face ID / Touch ID (a passkey of the personal login). */
    async loadPhone() {
        const phone = this.state.phone;
        phone.installed = isDisplayStandalone();
        if (this.state.day?.personal) {
            try {
                const [me] = await this.orm.read("res.users", [user.userId], ["auth_passkey_key_ids"]);
                phone.passkeys = me.auth_passkey_key_ids.length;
            } catch (error) {
                if (!isOffline(error)) {
                    throw error;
                }
            }
        }
    }

    installApp() {
        return this.pwa.show({
            onDone: (answer) => {
                this.state.phone.installed = answer?.outcome === "accepted";
            },
        });
    }

    /** Face ID / Touch ID: Odoo's passkey, after the password is confirmed
     * (Odoo's own identity check and passkey dialogs). */
    async addPasskey() {
        const action = await this.orm.call("res.users", "action_create_passkey", [[user.userId]]);
        await this.action.doAction(action, { onClose: () => this.loadPhone() });
    }

    async setMorningPush(enabled) {
        const phone = this.state.phone;
        if (phone.pushBusy) {
            return;
        }
        phone.pushBusy = true;
        try {
            if (enabled) {
                // Asked first (the phone asks "allow notifications?"), then
                // saved; this browser's subscription follows.
                const permission = await this.askNotifications();
                if (permission) {
                    this.notification.add(permission, { type: "warning", sticky: true });
                    return;
                }
            }
            const result = await this.orm.call("oto.seller", "oto_set_morning_push", [enabled]);
            this.state.day.morning_push = result.morning_push;
            this.notification.add(
                result.morning_push
                    ? _t("Every morning this phone will tell you how many customers wait for you.")
                    : _t("No more morning notification."),
                { type: "info" }
            );
            if (enabled) {
                const problem = await this.subscribePush();
                if (problem) {
                    this.notification.add(problem, { type: "warning", sticky: true });
                }
            }
        } catch (error) {
            this.notification.add(errorMessage(error), { type: "danger" });
        } finally {
            phone.pushBusy = false;
        }
    }

    /** Notifications allowed on this phone: what stops them, or nothing. */
    async askNotifications() {
        const Notification = browser.Notification;
        if (!Notification || !browser.navigator.serviceWorker) {
            return _t("This browser cannot show notifications: open Oto from its icon on the home screen.");
        }
        if ((await Notification.requestPermission()) !== "granted") {
            return _t("Notifications are blocked for Oto on this phone: allow them in the browser's settings.");
        }
        return "";
    }

    /** This browser subscribed to Odoo's web push (``mail.push.device``,
     * the database's VAPID key): what went wrong, or nothing. */
    async subscribePush() {
        const serviceWorker = browser.navigator.serviceWorker;
        try {
            const registration =
                (await serviceWorker.getRegistration()) ||
                (await serviceWorker.register("/web/service-worker.js", { scope: "/odoo" }));
            let subscription = await registration.pushManager.getSubscription();
            if (!subscription) {
                const key = await this.orm.call("mail.push.device", "get_web_push_vapid_public_key");
                // A browser without a push service never answers: given up
                // after a while, and said.
                subscription = await Promise.race([
                    registration.pushManager.subscribe({
                        userVisibleOnly: true,
                        applicationServerKey: base64UrlToBytes(key),
                    }),
                    new Promise((resolve, reject) =>
                        browser.setTimeout(
                            () => reject(new Error(_t("the browser's push service does not answer"))),
                            PUSH_SUBSCRIBE_MS
                        )
                    ),
                ]);
            }
            browser.localStorage.setItem("mail.push.device_endpoint", subscription.endpoint);
            await this.orm.call("mail.push.device", "register_devices", [], {
                ...subscription.toJSON(),
                vapid_public_key: bytesToBase64Url(subscription.options.applicationServerKey),
            });
        } catch (error) {
            return _t("This phone could not subscribe to notifications: %s", errorMessage(error));
        }
        return "";
    }

    // ------------------------------------------------ shared store device

    /** The seller identified by PIN whom the screen shows (a store's shared
     * device), false otherwise. */
    get screenSellerId() {
        return this.state.day?.pin_seller_id || false;
    }

    choosePinSeller(seller) {
        // An answer to a PIN typed before (tapped Back meanwhile) is ignored.
        this.pinAttempt = (this.pinAttempt || 0) + 1;
        this.state.pinSeller = seller;
        this.state.pin = "";
        this.state.pinError = "";
        this.state.pinChecking = false;
    }

    async signIn() {
        const seller = this.state.pinSeller;
        const pin = this.state.pin;
        if (!seller || this.state.pinChecking) {
            return;
        }
        if (!isPinWellFormed(pin)) {
            this.state.pinError = _t("A PIN has 4 to 6 digits, numbers only.");
            return;
        }
        const attempt = (this.pinAttempt = (this.pinAttempt || 0) + 1);
        this.state.pinChecking = true;
        this.state.pinError = "";
        let result;
        try {
            result = await this.orm.call("oto.seller", "oto_pin_login", [seller.id, pin]);
        } catch (error) {
            if (attempt === this.pinAttempt) {
                this.state.pinChecking = false;
                this.state.pinError = errorMessage(error);
            }
            return;
        }
        if (attempt !== this.pinAttempt) {
            // Back was tapped while the PIN was checked: nobody stays signed in.
            if (result.ok) {
                await this.orm.call("oto.seller", "oto_pin_logout", []);
            }
            return;
        }
        this.state.pin = "";
        if (!result.ok) {
            this.state.pinChecking = false;
            this.state.pinError = result.error;
            if (result.locked) {
                seller.locked = true;
            }
            return;
        }
        await this.startTurn();
        this.state.pinSeller = null;
        this.state.pinChecking = false;
    }

    /** The screen is emptied of the person who used it: a new turn starts
     * (answers still on their way for the previous one are dropped), and
     * what the page kept of their day is forgotten (their contacts recorded
     * offline stay on the phone under their name, sent only in their next
     * turn). */
    clearPerson() {
        this.turn++;
        this.leaveHistory();
        browser.clearTimeout(this.walletTimer);
        this.openedChannels = {};
        Object.assign(this.state, personState());
        forgetShared();
        this.phoneStore = null;
        // (A sync or a reconnection of the previous turn never resumes.)
        this.reconnecting = false;
        Object.assign(this.state, {
            queue: [],
            syncing: false,
            syncFailed: [],
            profilesKept: false,
            helpQuery: "",
            helpArticle: null,
        });
    }

    async startTurn() {
        this.clearPerson();
        this.state.pinNotice = "";
        // The PIN just typed replaced whoever the server still had.
        this.pendingSignOut = false;
        await this.reloadDay();
        if (this.isManagerHome) {
            await this.loadManager();
        }
    }

    async switchSeller() {
        if (this.state.queue.length) {
            // The contacts recorded offline are sent in the seller's name
            // while they are still signed in.
            await this.syncQueue();
            if (this.state.queue.length) {
                this.notification.add(
                    _t(
                        "Your contacts recorded offline are not sent yet: hand the phone over when the connection is back."
                    ),
                    { type: "warning" }
                );
                return;
            }
        }
        await this.endTurn("");
    }

    /** The seller's turn on the store's device has ended (handed over, the
     * idle time here, or the server says so): back to "who is using this
     * device?" at once, nothing of theirs left on screen or in the page,
     * also offline; the server forgets them too. */
    async endTurn(message) {
        const day = this.state.day;
        if (!this.screenSellerId) {
            return;
        }
        this.clearPerson();
        this.dialog.closeAll?.();
        this.choosePinSeller(null);
        this.state.pinNotice = message;
        // The PIN screen (the store's sellers come with the server's answer).
        this.state.day = {
            seller: false,
            pin_required: true,
            pin_seller_id: false,
            shared_login: false,
            is_manager: false,
            sellers: [],
            groups: [],
            store: day.store || "",
            today: day.today,
            currency_id: day.currency_id,
        };
        this.pendingSignOut = true;
        this.state.loading = !this.state.offline;
        try {
            await this.signOutEnded();
        } finally {
            this.state.loading = false;
        }
    }

    /** The server forgets the seller whose turn ended, then the PIN screen
     * with the store's sellers (offline: as soon as the connection is
     * back, before anything else is asked). */
    async signOutEnded() {
        try {
            await this.orm.silent.call("oto.seller", "oto_pin_logout", []);
        } catch (error) {
            if (!isOffline(error)) {
                throw error;
            }
            this.goOffline();
            return false;
        }
        this.pendingSignOut = false;
        return this.reloadDay();
    }

    /** The seller's turn ends after the idle time the brand set (as the
     * server counts it): the screen follows on its own, and keeps the
     * server's count going while the seller reads or types. */
    setupIdleWatch() {
        this.lastServerCall = 0;
        this.pendingSignOut = false;
        const onInput = (ev) => this.noteActivity(ev);
        useExternalListener(window, "pointerdown", onInput, { capture: true });
        useExternalListener(window, "keydown", onInput, { capture: true });
        useExternalListener(document, "visibilitychange", () => this.checkIdle());
        onMounted(() => {
            this.idleTimer = browser.setInterval(() => this.checkIdle(), 1000);
        });
        onWillUnmount(() => browser.clearInterval(this.idleTimer));
    }

    get idleMilliseconds() {
        return sharedSellerInfo()?.idleMs || 0;
    }

    /** A tap on the app (before it reaches its button): once the idle time
     * has passed it goes no further (it was for the seller who left), and
     * the turn ends. */
    onActivity(ev) {
        if (this.screenSellerId && sharedSellerIdle()) {
            ev?.stopPropagation();
            ev?.preventDefault();
            this.checkIdle();
            return;
        }
        this.noteActivity(ev);
    }

    /** The seller uses the screen (a touch, a key): their turn goes on.
     * Once idle, the tap (``onActivity``) or the clock ends it. */
    noteActivity(ev) {
        if (!this.screenSellerId) {
            return;
        }
        if (sharedSellerIdle()) {
            if (ev?.type === "keydown") {
                this.checkIdle();
            }
            return;
        }
        touchSharedSeller();
        // The server counts the idle time from the last call: told now and
        // then that the seller is still there.
        const every = Math.min(60000, this.idleMilliseconds / 3);
        if (!this.state.offline && Date.now() - this.lastServerCall > every) {
            this.orm.silent.call("oto.seller", "oto_pin_touch", []).catch(() => {});
        }
    }

    /** True (and the turn ended) once the idle time has passed. */
    checkIdle() {
        if (!this.screenSellerId || !sharedSellerIdle()) {
            return false;
        }
        const minutes = Math.max(1, Math.round(this.idleMilliseconds / 60000));
        this.endTurn(
            minutes === 1
                ? _t("Nobody used the device for a minute: who is using it now?")
                : _t("Nobody used the device for %s minutes: who is using it now?", formatCount(minutes))
        );
        return true;
    }
}

registry.category("actions").add("oto_crm.my_day", OtoMyDay);
