import { Component } from "@odoo/owl";
import { usePos } from "@point_of_sale/app/store/pos_hook";

/** The assisting seller of the current order; a tap opens the list. */
export class OtoSellerButton extends Component {
    static template = "oto_crm_pos.OtoSellerButton";
    static props = {};

    setup() {
        this.pos = usePos();
    }

    get order() {
        return this.pos.get_order();
    }
}
