/** @odoo-module **/
// The seller's day on a phone: today's campaigns in the brand's order, each
// one's customers in the suggested order, one tap to WhatsApp, SMS or a call
// with the (editable) message, the outcome recorded in one short form, and
// the customer's profile.
import { Component, onWillStart, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

const CHANNELS = {
    whatsapp: { label: "WhatsApp", icon: "fa-whatsapp", css: "btn-success" },
    sms: { label: "SMS", icon: "fa-comment", css: "btn-secondary" },
    call: { label: _t("Call"), icon: "fa-phone", css: "btn-secondary" },
};

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

// The app was opened in this page: on a store's shared device the seller
// identifies when it opens, not each time they come back to it.
let appOpened = false;

export class OtoMyDay extends Component {
    static template = "oto_crm.MyDay";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.dialog = useService("dialog");
        this.channels = CHANNELS;
        this.state = useState({
            loading: true,
            day: null,
            screen: "home",
            groupKey: null,
            suggestionId: null,
            message: "",
            drafting: false,
            profile: null,
            note: "",
            // The shared store device: who signs in, their PIN, the answer.
            pinSeller: null,
            pin: "",
            pinError: "",
            team: null,
            newPin: null,
        });
        onWillStart(() => this.load());
    }

    async load() {
        const sellerId = this.props.action?.context?.oto_seller_id || false;
        const opening = !appOpened;
        appOpened = true;
        this.state.day = await this.orm.call("oto.suggestion", "get_seller_day", [], {
            seller_id: sellerId,
            opening,
        });
        this.state.loading = false;
    }

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

    toneClass(tone) {
        return tone ? `text-bg-${tone}` : "text-bg-light";
    }

    url(channel) {
        return channelUrl(channel, this.currentSuggestion.phone, this.state.message);
    }

    openGroup(group) {
        this.state.groupKey = group.key;
        this.state.screen = "campaign";
    }

    openSuggestion(suggestion) {
        this.state.suggestionId = suggestion.id;
        this.state.message = suggestion.message;
        this.state.screen = "suggestion";
    }

    back() {
        const previous = {
            campaign: "home",
            suggestion: "campaign",
            profile: "suggestion",
            team: "home",
        };
        if (this.state.screen === "profile" && !this.state.suggestionId) {
            this.state.screen = "campaign";
        } else {
            this.state.screen = previous[this.state.screen] || "home";
        }
    }

    async onChannel(channel) {
        // The link opens the app (WhatsApp, messages, phone); the edit of the
        // message is kept and the suggestion is in progress.
        const suggestion = this.currentSuggestion;
        try {
            await this.orm.call("oto.suggestion", "action_send", [
                [suggestion.id],
                channel,
                this.state.message,
            ]);
            suggestion.message = this.state.message;
        } catch (error) {
            // The server's consent gate refused, with the reason: the
            // channels shown are asked again.
            this.notification.add(error.data?.message || String(error), { type: "danger" });
            await this.load();
        }
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

    async recordContact() {
        const action = await this.orm.call("oto.suggestion", "action_record_contact", [
            [this.state.suggestionId],
        ]);
        await this.action.doAction(action, {
            onClose: async () => {
                await this.load();
                this.state.screen = this.currentGroup ? "campaign" : "home";
            },
        });
    }

    async openProfile() {
        this.state.profile = await this.orm.call("res.partner", "oto_get_profile", [
            [this.currentSuggestion.partner_id],
        ]);
        this.state.note = "";
        this.state.screen = "profile";
    }

    async addNote() {
        const partnerId = this.state.profile.id;
        try {
            await this.orm.call("res.partner", "oto_add_note", [[partnerId], this.state.note]);
        } catch (error) {
            this.notification.add(error.data?.message || String(error), { type: "danger" });
            return;
        }
        this.state.profile = await this.orm.call("res.partner", "oto_get_profile", [
            [partnerId],
        ]);
        this.state.note = "";
    }

    formatDay(value) {
        return value ? formatDate(deserializeDate(value)) : "";
    }

    formatAmount(amount) {
        return this.formatMoney(amount, this.state.profile?.currency);
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
        this.state.screen = "home";
        await this.load();
    }

    async switchSeller() {
        await this.orm.call("oto.seller", "oto_pin_logout", []);
        this.state.screen = "home";
        await this.load();
    }

    // ------------------------------------------------ the manager's team

    async openTeam() {
        this.state.team = await this.orm.call("oto.seller", "get_team", []);
        this.state.newPin = null;
        this.state.screen = "team";
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
            this.notification.add(error.data?.message || String(error), { type: "danger" });
        }
        this.state.team = await this.orm.call("oto.seller", "get_team", []);
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
        this.action.doAction("oto_crm.oto_seller_dayoff_action", {
            additionalContext: { default_seller_id: seller.id },
            props: { domain: [["seller_id", "=", seller.id]] },
        });
    }

    openResults() {
        this.action.doAction("oto_crm.oto_crm_action_results", {
            additionalContext: { oto_seller_id: this.state.day.seller.id },
        });
    }

    formatMoney(amount, currency) {
        return `${currency || ""} ${(amount || 0).toLocaleString(undefined, {
            minimumFractionDigits: 2,
            maximumFractionDigits: 2,
        })}`;
    }
}

registry.category("actions").add("oto_crm.my_day", OtoMyDay);
