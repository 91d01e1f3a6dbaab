import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";

const CHANNELS = {
    whatsapp: { icon: "fa-whatsapp", label: _t("WhatsApp") },
    sms: { icon: "fa-commenting-o", label: _t("SMS") },
    call: { icon: "fa-phone", label: _t("Calls") },
    email: { icon: "fa-envelope-o", label: _t("Email") },
};
const STATES = {
    granted: { css: "text-bg-success", label: _t("accepts offers") },
    refused: { css: "text-bg-danger", label: _t("refused") },
    unknown: { css: "text-bg-light", label: _t("not asked") },
};

/** RFV segment, wallet seller and consent per channel of a customer. */
export class OtoCustomerBadges extends Component {
    static template = "oto_crm_pos.OtoCustomerBadges";
    static props = { partner: Object };

    get badges() {
        return this.props.partner.oto_pos_badges || false;
    }

    get consent() {
        const consent = this.badges?.consent || {};
        return Object.entries(CHANNELS).map(([channel, info]) => {
            const state = STATES[consent[channel] || "unknown"];
            return {
                channel,
                icon: info.icon,
                css: state.css,
                title: `${info.label}: ${state.label}`,
                state: consent[channel] || "unknown",
            };
        });
    }
}
