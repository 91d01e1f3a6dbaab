/** @odoo-module **/
// The Oto app on a phone, where sellers and store managers land after
// signing in. A seller: today's campaigns in the brand's order, each one's
// customers in the suggested order, one tap to WhatsApp, SMS or a call with
// the (editable) message, the outcome in one tap on return; their wallet
// (any customer, a contact on their own initiative); "me": their code, QR
// and link, past days, their results. A store manager: the store's results,
// the team (unlock, new PIN, days off), and their own day when they sell.
import { Component, onWillStart, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { deserializeDate, serializeDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { ConnectionLostError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import {
    formatAmount,
    formatCount,
    formatDay,
    formatKpi,
    formatKpiVariation,
    formatPercent,
} from "@oto_crm/core/format";

const CHANNELS = {
    whatsapp: { label: "WhatsApp", icon: "fa-whatsapp", css: "btn-success" },
    sms: { label: "SMS", icon: "fa-comment", css: "btn-secondary" },
    call: { label: _t("Call"), icon: "fa-phone", css: "btn-secondary" },
};

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
    { reason: "number_invalid", label: _t("The number does not exist"), help: _t("never suggested again"), grave: true },
];

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

function errorMessage(error) {
    return error?.data?.message || error?.message || String(error);
}

// The app was opened in this page: on a store's shared device the seller
// identifies when it opens, not each time they come back to it.
let appOpened = false;

export class OtoMyDay extends Component {
    static template = "oto_crm.MyDay";
    static components = { DateTimeInput };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.dialog = useService("dialog");
        this.channels = CHANNELS;
        this.reached = REACHED;
        this.notReached = NOT_REACHED;
        this.formatAmount = formatAmount;
        this.formatCount = formatCount;
        this.formatDay = formatDay;
        this.formatPercent = formatPercent;
        this.state = useState({
            loading: true,
            day: null,
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
            // The shared store device: who signs in, their PIN, the answer.
            pinSeller: null,
            pin: "",
            pinError: "",
            // The manager's home: results, team, days off.
            period: "30d",
            results: null,
            teamStoreId: false,
            team: null,
            newPin: null,
            daysOffSeller: null,
            dayOff: { date_from: "", date_to: "", note: "" },
            dayOffError: "",
            // The seller's wallet, "me", past days, sales.
            wallet: { query: "", customers: [], more: false, total: null, loading: false },
            me: null,
            myResults: null,
            pastDay: "",
            past: null,
            sales: null,
        });
        onWillStart(() => this.load());
    }

    // ------------------------------------------------------------ loading

    async load() {
        const sellerId = this.props.action?.context?.oto_seller_id || false;
        const opening = !appOpened;
        appOpened = true;
        this.state.day = await this.orm.call("oto.suggestion", "get_seller_day", [], {
            seller_id: sellerId,
            opening,
        });
        if (this.state.day.is_manager && !sellerId) {
            await this.loadManager();
        }
        this.state.loading = false;
    }

    async reloadDay() {
        const sellerId = this.props.action?.context?.oto_seller_id || false;
        this.state.day = await this.orm.call("oto.suggestion", "get_seller_day", [], {
            seller_id: sellerId,
        });
    }

    get isManagerHome() {
        return this.state.day?.is_manager && !this.props.action?.context?.oto_seller_id;
    }

    get currencyId() {
        return this.state.day?.currency_id;
    }

    // ------------------------------------------------------------ navigation

    go(screen) {
        this.state.stack.push(this.state.screen);
        this.state.screen = screen;
    }

    back() {
        this.state.outcome = null;
        this.state.screen = this.state.stack.pop() || "home";
    }

    tab(screen) {
        this.state.outcome = null;
        this.state.stack = [];
        this.state.screen = screen;
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
        const roots = { campaign: "home", suggestion: "home", sales: "home", daysoff: "home" };
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
            parts.push(done === 1 ? _t("1 done") : _t("%s done", formatCount(done)));
        }
        return parts.join(" · ");
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
        const suggestion = this.currentSuggestion;
        const message = this.state.message;
        try {
            await this.orm.call("oto.suggestion", "action_send", [
                [suggestion.id],
                channel,
                message,
            ]);
        } catch (error) {
            // The server refused (the consent gate among others), with the
            // reason: the channels shown are asked again.
            this.notification.add(errorMessage(error), { type: "danger" });
            await this.load();
            return;
        }
        suggestion.message = message;
        browser.open(channelUrl(channel, suggestion.phone, message), "_blank");
        this.startSuggestionOutcome(channel);
    }

    startSuggestionOutcome(channel) {
        const suggestion = this.currentSuggestion;
        this.state.outcome = {
            kind: "suggestion",
            id: suggestion.id,
            name: suggestion.name,
            channel: channel || suggestion.channels[0] || "in_person",
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
            details: false,
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

    askOutcome(choice) {
        if (choice.grave) {
            this.dialog.add(ConfirmationDialog, {
                title: choice.label,
                body: _t(
                    "%(customer)s will not be contacted again on this number (%(effect)s). Confirm?",
                    { customer: this.state.outcome.name, effect: choice.help }
                ),
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
        if (!outcome || outcome.saving) {
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
            if (error instanceof ConnectionLostError) {
                // Kept here with its key: sent again, it is recorded once.
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
            // Back to the campaign's list, for the next customer.
            if (this.state.screen === "suggestion") {
                this.back();
            }
            if (!this.currentGroup && this.state.screen === "campaign") {
                this.back();
            }
        } else {
            await this.openProfile(outcome.id, { replace: true });
            await this.reloadDay();
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
        } catch (error) {
            this.notification.add(errorMessage(error), { type: "danger" });
            return;
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
            await this.orm.call("res.partner", "oto_start_contact", [[profile.id], channel]);
        } catch (error) {
            this.notification.add(errorMessage(error), { type: "danger" });
            return;
        }
        browser.open(channelUrl(channel, profile.phone, message), "_blank");
        this.startCustomerOutcome(channel);
    }

    startCustomerOutcome(channel) {
        const profile = this.state.profile;
        this.state.outcome = {
            kind: "customer",
            id: profile.id,
            name: profile.name,
            channel: channel || "in_person",
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
            this.notification.add(errorMessage(error), { type: "danger" });
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
        const [me] = await this.orm.read(
            "oto.seller",
            [seller.id],
            ["name", "code", "seller_link", "seller_qr", "store_id"]
        );
        this.state.me = me;
        await this.loadMyResults();
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

    async onPastDay(value) {
        const day = this.fromDate(value);
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

    get yesterday() {
        return serializeDate(deserializeDate(this.state.day.today).minus({ days: 1 }));
    }

    kpiValue(kpi, results, value = kpi.value) {
        return formatKpi(kpi, value, results.currency_id);
    }

    kpiVariation(kpi) {
        return formatKpiVariation(kpi);
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

    async openSales() {
        const results = this.isManagerHome ? this.state.results : null;
        const domain = results
            ? [
                  ["purchase_date", ">=", results.purchase_from],
                  ["purchase_date", "<", results.purchase_to],
              ]
            : [
                  ["seller_id", "=", this.state.day.seller.id],
                  ["purchase_date", ">=", this.state.day.results.since],
              ];
        if (results && this.state.teamStoreId) {
            domain.push(["store_id", "=", this.state.teamStoreId]);
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
            total: rows.reduce((sum, r) => sum + r.amount, 0),
            items: rows.reduce((sum, r) => sum + r.item_count, 0),
        };
        this.go("sales");
    }

    openResults() {
        this.action.doAction("oto_crm.oto_crm_action_results", {
            additionalContext: this.isManagerHome
                ? { oto_period: this.state.period, oto_store_id: this.state.teamStoreId }
                : { oto_seller_id: this.state.day.seller.id },
        });
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

    // ------------------------------------------------ shared store device

    choosePinSeller(seller) {
        this.state.pinSeller = seller;
        this.state.pin = "";
        this.state.pinError = "";
    }

    async signIn() {
        const result = await this.orm.call("oto.seller", "oto_pin_login", [
            this.state.pinSeller.id,
            this.state.pin,
        ]);
        this.state.pin = "";
        if (!result.ok) {
            this.state.pinError = result.error;
            if (result.locked) {
                this.state.pinSeller.locked = true;
            }
            return;
        }
        this.state.pinSeller = null;
        this.tab("home");
        this.state.me = null;
        await this.reloadDay();
        if (this.isManagerHome) {
            await this.loadManager();
        }
    }

    async switchSeller() {
        await this.orm.call("oto.seller", "oto_pin_logout", []);
        this.tab("home");
        this.state.me = null;
        this.state.wallet = { query: "", customers: [], more: false, total: null, loading: false };
        await this.reloadDay();
    }
}

registry.category("actions").add("oto_crm.my_day", OtoMyDay);
