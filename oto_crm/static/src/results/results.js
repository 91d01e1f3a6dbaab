/** @odoo-module **/
// Results of the contacts ("vendas a partir de contatos"): the KPIs of the
// last 30 days or of the current month with the change against the previous
// period, and the ranking of the sellers. A seller sees their own; a store
// manager their stores'; a brand admin the brand's.
import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

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
        const currency = this.state.data.currency;
        const number = (amount || 0).toLocaleString(undefined, {
            minimumFractionDigits: currency.digits,
            maximumFractionDigits: currency.digits,
        });
        return currency.position === "after"
            ? `${number} ${currency.symbol}`
            : `${currency.symbol} ${number}`;
    }

    formatValue(kpi, value) {
        if (value === null || value === undefined) {
            return "–";
        }
        if (kpi.kind === "money") {
            return this.formatMoney(value);
        }
        if (kpi.kind === "rate") {
            return `${value.toLocaleString(undefined, { maximumFractionDigits: 1 })}%`;
        }
        return value.toLocaleString();
    }

    variationText(kpi) {
        if (kpi.variation === null || kpi.variation === undefined) {
            return kpi.value ? _t("new") : "";
        }
        const sign = kpi.variation > 0 ? "+" : "";
        const unit = kpi.kind === "rate" ? _t(" p.p.") : "%";
        return `${sign}${kpi.variation.toLocaleString(undefined, {
            maximumFractionDigits: 1,
        })}${unit}`;
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

    openSales(viewType = "list") {
        this.action.doAction("oto_crm.oto_attribution_action", {
            additionalContext: { search_default_last_30_days: 0 },
            props: { domain: this._domain() },
            viewType,
        });
    }
}

registry.category("actions").add("oto_crm.results", OtoResults);
