/** @odoo-module **/
// The seller's WhatsApp button, when the brand has a WhatsApp Business
// account: the message leaves from the brand's number (the server says how:
// the seller's text inside the service window, the approved template
// outside it) instead of opening the seller's own WhatsApp.
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { OtoMyDay } from "@oto_crm/my_day/my_day";

patch(OtoMyDay.prototype, {
    async sendSuggestion(suggestion, channel, message) {
        if (channel !== "whatsapp" || !suggestion.whatsapp_api) {
            return super.sendSuggestion(...arguments);
        }
        this.checkOnlineForBrandWhatsapp();
        const answer = await this.orm.call("oto.suggestion", "oto_send_whatsapp", [
            [suggestion.id],
            message,
        ]);
        this.notification.add(answer.message, { type: "success" });
    },

    async sendCustomer(profile, channel, message) {
        if (channel !== "whatsapp" || !profile.whatsapp_api) {
            return super.sendCustomer(...arguments);
        }
        this.checkOnlineForBrandWhatsapp();
        const answer = await this.orm.call("res.partner", "oto_send_whatsapp", [
            [profile.id],
            message,
        ]);
        this.notification.add(answer.message, { type: "success" });
    },

    checkOnlineForBrandWhatsapp() {
        if (this.state.offline) {
            throw new Error(
                _t("No connection: the brand's WhatsApp number sends when you are back online.")
            );
        }
    },
});
