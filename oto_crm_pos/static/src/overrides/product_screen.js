import { patch } from "@web/core/utils/patch";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { ActionpadWidget } from "@point_of_sale/app/screens/product_screen/action_pad/action_pad";
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { PartnerLine } from "@point_of_sale/app/screens/partner_list/partner_line/partner_line";
import { OtoSellerButton } from "@oto_crm_pos/app/seller_button";
import { OtoCustomerBadges } from "@oto_crm_pos/app/customer_badges";
import { ReceiptScreen } from "@point_of_sale/app/screens/receipt_screen/receipt_screen";

patch(ActionpadWidget, {
    components: { ...ActionpadWidget.components, OtoSellerButton },
});
patch(ControlButtons, {
    components: { ...ControlButtons.components, OtoSellerButton },
});
patch(PartnerLine, {
    components: { ...PartnerLine.components, OtoCustomerBadges },
});
patch(ReceiptScreen, {
    components: { ...ReceiptScreen.components, OtoCustomerBadges },
});

patch(PartnerLine.prototype, {
    setup() {
        super.setup(...arguments);
        this.pos = usePos();
    },
    otoRecordConsent(partner) {
        return this.pos.otoRecordConsent(partner);
    },
});
