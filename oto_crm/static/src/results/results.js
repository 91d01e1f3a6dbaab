/** @odoo-module **/
// Results of the contacts ("vendas a partir de contatos"): the KPIs of the
// last 30 days or of the current month with the change against the previous
// period, and the ranking of the sellers. A seller sees their own; a store
// manager their stores'; a brand admin the brand's.
import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import {
    formatAmount,
    formatKpi,
    formatKpiVariation,
    formatPercent,
} from "@oto_crm/core/format";

export class OtoResults extends Component {
    static template = "oto_crm.Results";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        const context = this.props.action?.context || {};
        this.state = useState({
            loading: true,
            period: context.oto_period || "30d",
            storeId: context.oto_store_id || false,
            sellerId: context.oto_seller_id || false,
            data: null,
        });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("oto.result.day", "get_results", [], {
            period: this.state.period,
            store_id: this.state.storeId,
            seller_id: this.state.sellerId,
        });
        this.state.loading = false;
    }

    setPeriod(period) {
        this.state.period = period;
        this.load();
    }

    onStore(ev) {
        this.state.storeId = parseInt(ev.target.value) || false;
        this.state.sellerId = false;
        this.load();
    }

    selectSeller(row) {
        this.state.sellerId = this.state.sellerId === row.seller_id ? false : row.seller_id;
        this.load();
    }

    get seller() {
        const ranking = this.state.data?.ranking || [];
        return this.state.sellerId && ranking.find((r) => r.seller_id === this.state.sellerId);
    }

    get showRanking() {
        return (this.state.data?.ranking || []).length > 1 || this.state.sellerId;
    }

    formatDay(day) {
        return formatDate(deserializeDate(day), { format: "dd/MM" });
    }

    formatMoney(amount) {
        return formatAmount(amount, this.state.data.currency_id);
    }

    formatValue(kpi, value) {
        return formatKpi(kpi, value, this.state.data.currency_id);
    }

    variationText(kpi) {
        return formatKpiVariation(kpi);
    }

    variationClass(kpi) {
        if (!kpi.variation) {
            return "text-muted";
        }
        return kpi.variation > 0 ? "text-success" : "text-danger";
    }

    variationIcon(kpi) {
        if (!kpi.variation) {
            return "";
        }
        return kpi.variation > 0 ? "fa-arrow-up" : "fa-arrow-down";
    }

    _domain() {
        const data = this.state.data;
        // The period's days in the brand's time, as the server counts them.
        const domain = [
            ["purchase_date", ">=", data.purchase_from],
            ["purchase_date", "<", data.purchase_to],
        ];
        if (this.state.sellerId) {
            domain.push(["seller_id", "=", this.state.sellerId]);
        } else if (this.state.storeId) {
            domain.push(["seller_id.store_id", "=", this.state.storeId]);
        }
        return domain;
    }

    openSales(viewType) {
        // The list on a wide screen, cards on a phone (the action's mobile
        // view): the totals are then in the cards above, not off-screen.
        this.action.doAction("oto_crm.oto_attribution_action", {
            additionalContext: { search_default_last_30_days: 0 },
            props: { domain: this._domain() },
            ...(viewType ? { viewType } : {}),
        });
    }

    formatRate(value) {
        return formatPercent(value);
    }
}

registry.category("actions").add("oto_crm.results", OtoResults);
