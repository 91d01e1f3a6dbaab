/** @odoo-module **/
// Numbers, amounts, percentages and days in the user's language for the Oto
// screens, with Odoo's own localization ("R$ 1.629,60", "8,3%", "23/11/2026"
// in Brazilian Portuguese): never the browser's, never the US way.
import { formatCurrency } from "@web/core/currency";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";

/** An amount in a currency (its symbol, position and decimals). */
export function formatAmount(amount, currencyId) {
    return formatCurrency(amount || 0, currencyId);
}

/** A whole number with the thousands separator ("1.234"). */
export function formatCount(value) {
    return formatFloat(value || 0, { digits: [false, 0] });
}

/** A number with at most ``digits`` decimals ("8,3", "50"). */
export function formatNumber(value, digits = 1) {
    return formatFloat(value || 0, { digits: [false, digits], trailingZeros: false });
}

/** A percentage ("8,3%"). */
export function formatPercent(value) {
    return `${formatNumber(value, 1)}%`;
}

/** A change with its sign ("+12,5", "-3"). */
export function formatSigned(value, digits = 1) {
    const sign = value > 0 ? "+" : value < 0 ? "-" : "";
    return `${sign}${formatNumber(Math.abs(value), digits)}`;
}

/** A server day ("2026-11-23") in the user's date format. */
export function formatDay(value, options = {}) {
    return value ? formatDate(deserializeDate(value), options) : "";
}

/** A results figure (money, count or rate) as the results screens show it;
 * "–" without a value. */
export function formatKpi(kpi, value, currencyId) {
    if (value === null || value === undefined) {
        return "–";
    }
    if (kpi.kind === "money") {
        return formatAmount(value, currencyId);
    }
    if (kpi.kind === "rate") {
        return formatPercent(value);
    }
    return formatCount(value);
}

/** The change of a results figure against the previous period: percent, or
 * percentage points for a rate; "new" when there was nothing before. */
export function formatKpiVariation(kpi) {
    if (kpi.variation === null || kpi.variation === undefined) {
        return kpi.value ? _t("new") : "";
    }
    return kpi.kind === "rate"
        ? _t("%s p.p.", formatSigned(kpi.variation))
        : `${formatSigned(kpi.variation)}%`;
}
