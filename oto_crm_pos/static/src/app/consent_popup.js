/** Consent at the counter: the customer says yes or no per channel to the
 * text shown; each answer lands in the consent ledger (source POS) with the
 * text, the cashier and the assisting seller. */
import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { Dialog } from "@web/core/dialog/dialog";
import { usePos } from "@point_of_sale/app/store/pos_hook";

export class OtoConsentPopup extends Component {
    static template = "oto_crm_pos.OtoConsentPopup";
    static components = { Dialog };
    static props = {
        partner: Object,
        text: String,
        sellerId: { type: [Number, Boolean], optional: true },
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.pos = usePos();
        this.channels = [
            { id: "whatsapp", label: _t("WhatsApp"), icon: "fa-whatsapp" },
            { id: "sms", label: _t("SMS"), icon: "fa-commenting-o" },
            { id: "email", label: _t("Email"), icon: "fa-envelope-o" },
            { id: "call", label: _t("Phone calls"), icon: "fa-phone" },
        ];
        const current = this.props.partner.oto_pos_badges?.consent || {};
        this.state = useState({ choices: {}, error: "", saving: false, current });
    }

    set(channel, value) {
        if (this.state.choices[channel] === value) {
            delete this.state.choices[channel];
        } else {
            this.state.choices[channel] = value;
        }
    }

    get canSave() {
        return Object.keys(this.state.choices).length > 0 && !this.state.saving;
    }

    async save() {
        this.state.saving = true;
        this.state.error = "";
        try {
            const badges = await this.pos.data.call(
                "res.partner",
                "oto_pos_record_consent",
                [[this.props.partner.id], this.pos.config.id, { ...this.state.choices }, this.props.text],
                { seller_id: this.props.sellerId || false }
            );
            this.props.getPayload(badges);
            this.props.close();
        } catch (error) {
            this.state.error =
                error.data?.message ||
                _t("The connection is needed to record consent. Try again when online.");
        } finally {
            this.state.saving = false;
        }
    }
}
