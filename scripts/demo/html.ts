// The self-contained HTML report of a demo run: headline figures, inline SVG charts, the participants'
// positions and the deployment, in one file that opens anywhere without a network.

import { clockLabel, FIRST_RELEASE_GAS, GAS_TARGET_REDUCTION, Summary } from "./report";
import { esc, hbarChart, timeChart } from "./svg";
import { DemoResult, Participant } from "./types";

const COLORS = {
  price: "#c0392b",
  volume: "#2e86c1",
  feedIn: "#27ae60",
  retail: "#8e44ad",
  generation: "#f39c12",
  consumption: "#34495e",
  prosumer: "#f39c12",
  consumer: "#2e86c1",
  utility: "#7f8c8d",
};

const f = (x: number, digits = 2) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function shortLabel(p: Participant): string {
  return p.serial === undefined ? "Campus utility" : `${p.serial} · ${p.label.replace(/ \(rooftop PV\)$/, " (PV)")}`;
}

export function renderHtml(r: DemoResult, s: Summary, seconds: number): string {
  const scale = 10 ** r.paymentDecimals;
  const labels = r.epochs.map((e) => clockLabel(e.start, r.start));
  const every = Math.max(1, Math.round(r.epochs.length / 12));
  const intervalHours = r.epochs.length > 1 ? (r.epochs[1].start - r.epochs[0].start) / 3600 : 0.25;
  const priceChart = timeChart({
    title: "Clearing price and volume per epoch",
    labels,
    labelEvery: every,
    leftUnit: "kWh traded",
    rightUnit: "USDC / kWh",
    series: [
      { name: "volume (kWh)", color: COLORS.volume, kind: "bar", values: r.epochs.map((e) => Number(e.volume) / 1e18) },
      {
        name: "clearing price",
        color: COLORS.price,
        kind: "line",
        right: true,
        values: r.epochs.map((e) => (e.volume > 0n ? Number(e.clearingPrice) / scale : Number.NaN)),
      },
      {
        name: "feed-in tariff",
        color: COLORS.feedIn,
        kind: "line",
        right: true,
        dashed: true,
        values: r.epochs.map(() => s.feedIn),
      },
      {
        name: "retail tariff",
        color: COLORS.retail,
        kind: "line",
        right: true,
        dashed: true,
        values: r.epochs.map(() => s.retail),
      },
    ],
  });
  const energyChart = timeChart({
    title: "Campus generation vs consumption (average power per interval)",
    labels,
    labelEvery: every,
    leftUnit: "kW",
    series: [
      {
        name: "PV generation",
        color: COLORS.generation,
        kind: "area",
        values: r.epochs.map((e) => e.generationWh / 1000 / intervalHours),
      },
      {
        name: "consumption",
        color: COLORS.consumption,
        kind: "line",
        values: r.epochs.map((e) => e.consumptionWh / 1000 / intervalHours),
      },
      {
        name: "GRID traded",
        color: COLORS.volume,
        kind: "bar",
        values: r.epochs.map((e) => Number(e.volume) / 1e18 / intervalHours),
      },
    ],
  });
  const sorted = [...s.participants].sort((a, b) => b.netPayment - a.netPayment);
  const moneyChart = hbarChart(
    "Net payment-token position per participant over the day",
    "USDC",
    sorted.map((p) => ({
      label: shortLabel(p.participant),
      value: p.netPayment,
      color: COLORS[p.participant.role],
      note: `bought ${f(p.boughtKwh)} kWh, sold ${f(p.soldKwh)} kWh`,
    })),
  );
  const energyBars = hbarChart(
    "Net energy position per participant (GRID minted + bought − burned − sold)",
    "kWh",
    [...s.participants]
      .map((p) => ({ p, v: p.mintedKwh + p.boughtKwh - p.burnedKwh - p.soldKwh }))
      .sort((a, b) => b.v - a.v)
      .map(({ p, v }) => ({
        label: shortLabel(p.participant),
        value: v,
        color: COLORS[p.participant.role],
        note: `minted ${f(p.mintedKwh)}, burned ${f(p.burnedKwh)}`,
      })),
  );

  const headline: [string, string][] = [
    ["Energy traded", `${f(s.tradedKwh)} kWh in ${s.clearedEpochs} of ${s.epochs} epochs`],
    [
      "Clearing price",
      `mean ${f(s.price.mean, 4)}, volume-weighted ${f(s.price.weighted, 4)}, range ${f(s.price.min, 4)} – ${f(s.price.max, 4)} USDC/kWh`,
    ],
    ["Tariffs", `feed-in ${f(s.feedIn, 4)} · retail ${f(s.retail, 4)} USDC/kWh`],
    [
      "Consumer savings vs retail",
      `${f(s.consumerSavings)} USDC on ${f(s.consumerBoughtKwh)} kWh (paid ${f(s.consumerSpent)} USDC)`,
    ],
    [
      "Prosumer earnings above feed-in",
      `${f(s.prosumerPremium)} USDC on ${f(s.prosumerSoldKwh)} kWh (revenue ${f(s.prosumerRevenue)} USDC)`,
    ],
    ["Utility", `bought ${f(s.utilityBoughtKwh)} kWh at feed-in, sold ${f(s.utilitySoldKwh)} kWh at retail`],
    [
      "Campus self-sufficiency",
      `${f(s.selfSufficiency * 100, 1)} % of consumption met by campus PV in the same interval`,
    ],
    [
      "Metered import covered by GRID",
      `${f(s.gridCoverage * 100, 1)} % (${f(s.burnedKwh, 1)} of ${f(s.importKwh, 1)} kWh burned)`,
    ],
    [
      "Generation / consumption",
      `${f(s.generationKwh, 1)} / ${f(s.consumptionKwh, 1)} kWh; GRID minted ${f(s.mintedKwh, 1)} kWh`,
    ],
    [
      "Gas per epoch",
      `mean ${f(s.gas.perEpochMean / 1e6, 2)} M, max ${f(Number(s.gas.perEpochMax) / 1e6, 2)} M (orders ${f(Number(s.gas.orders) / 1e6, 1)} M, readings ${f(Number(s.gas.readings) / 1e6, 1)} M, keeper ${f(Number(s.gas.keeper) / 1e6, 1)} M in ${s.gas.upkeeps} upkeeps)`,
    ],
    [
      "Transactions",
      `${r.transactions} (${s.orders} orders), blocks ${r.blocks.first}–${r.blocks.last}, run time ${f(seconds, 1)} s`,
    ],
  ];

  const econ = s.economics;
  const m = (gas: number | bigint, digits = 2) => `${f(Number(gas) / 1e6, digits)} M`;
  const usd = (x: number, digits = 2) => `$${f(x, digits)}`;
  const economicsRows: [string, string][] = [
    ["Assumptions", `${econ.name}: ${econ.note}`],
    [
      "Gas per epoch",
      `mean ${m(s.gas.perEpochMean)}, max ${m(s.gas.perEpochMax)} (first release: mean ${m(FIRST_RELEASE_GAS.perEpochMean)}, max ${m(FIRST_RELEASE_GAS.perEpochMax)}; ` +
        `${f(econ.reduction * 100, 1)} % less, target ${f(GAS_TARGET_REDUCTION * 100, 0)} % ${econ.targetMet ? "met" : "not met"})`,
    ],
    [
      "Where it goes (mean / max per epoch)",
      `orders ${m(s.gas.parts.orders.mean)} / ${m(s.gas.parts.orders.max)}, readings ${m(s.gas.parts.readings.mean)} / ${m(s.gas.parts.readings.max)}, ` +
        `keeper (clearing and settlement) ${m(s.gas.parts.keeper.mean)} / ${m(s.gas.parts.keeper.max)}, prosumer cover withdrawals ${m(s.gas.parts.accounts.mean)} / ${m(s.gas.parts.accounts.max)}`,
    ],
    [
      "Gas per order",
      `mean ${f(econ.perOrder.mean / 1e3, 1)} k, max ${f(Number(econ.perOrder.max) / 1e3, 1)} k (${usd(econ.perOrder.usd, 6)}); ` +
        `sell orders pulling a GRID shortfall ${f(econ.pullingOrder.mean / 1e3, 1)} k (${econ.pullingOrder.count}), ` +
        `single orders reserved from the account ${f(econ.accountOrder.mean / 1e3, 1)} k (${econ.accountOrder.count}); ` +
        `keeper ${f(s.gas.keeperPerOrder / 1e3, 1)} k per order, readings ${f(s.gas.readingsPerReading / 1e3, 1)} k per reading`,
    ],
    [
      "Gas cost",
      `${usd(econ.perEpochUsd.mean, 4)} per epoch (max ${usd(econ.perEpochUsd.max, 4)}), ${usd(econ.dayUsd)} for the day ` +
        `(${m(s.gas.total, 1)} gas including set-up ${m(s.gas.setup, 1)} and the end-of-day withdrawals ${m(s.gas.close, 1)})`,
    ],
    [
      "Who pays",
      `consumers ${usd(econ.consumers.usd)} (${m(econ.consumers.gas, 1)}), prosumers ${usd(econ.prosumers.usd)} (${m(econ.prosumers.gas, 1)}), ` +
        `utility ${usd(econ.utility.usd)} (${m(econ.utility.gas, 1)}), operator: registration, readings, keeper ${usd(econ.operator.usd)} (${m(econ.operator.gas, 1)})`,
    ],
    [
      "Consumer savings vs retail",
      `${f(s.consumerSavings)} USDC before gas, ${f(econ.consumerSavingsAfterGas)} USDC after the consumers' own gas`,
    ],
    [
      "Prosumer earnings above feed-in",
      `${f(s.prosumerPremium)} USDC before gas, ${f(econ.prosumerPremiumAfterGas)} USDC after the prosumers' own gas`,
    ],
    [
      "Market accounts",
      `consumers and the utility deposit once; prosumers' sell orders pull their shortfall (${s.coverWithdrawals.count} withdrawals moved ` +
        `${f(s.coverWithdrawals.kwh, 3)} kWh of unsold GRID to wallets for metered import); withdrawn at the end of the day ` +
        `${f(s.withdrawn.payment)} USDC and ${f(s.withdrawn.gridKwh, 3)} GRID, fee recipient ${f(s.withdrawn.feePayment, 6)} USDC`,
    ],
  ];

  const participantRows = s.participants
    .map(
      (p) =>
        `<tr><td>${esc(p.participant.serial ?? "—")}</td><td>${esc(p.participant.label)}</td><td>${p.participant.role}</td>` +
        `<td>${p.participant.pvKwp ? f(p.participant.pvKwp, 1) : ""}</td><td>${f(p.mintedKwh)}</td><td>${f(p.burnedKwh)}</td>` +
        `<td>${f(p.boughtKwh)}</td><td>${f(p.soldKwh)}</td><td>${f(p.paid)}</td><td>${f(p.received)}</td>` +
        `<td class="${p.netPayment >= 0 ? "pos" : "neg"}">${f(p.netPayment)}</td><td>${f(p.finalGridKwh)}</td>` +
        `<td>${f(p.withdrawnPayment)}</td><td>${f(p.withdrawnGridKwh, 3)}</td><td>${f(p.gasUsd, 4)}</td>` +
        `<td class="addr">${esc(p.participant.address)}</td></tr>`,
    )
    .join("\n");
  const epochRows = r.epochs
    .map(
      (e) =>
        `<tr><td>${e.epoch}</td><td>${clockLabel(e.start, r.start)}</td><td>${f(e.generationWh / 1000)}</td><td>${f(e.consumptionWh / 1000)}</td>` +
        `<td>${f(Number(e.minted) / 1e18)}</td><td>${f(Number(e.burned) / 1e18)}</td><td>${e.buyOrders}/${e.sellOrders}</td>` +
        `<td>${f(Number(e.bidVolume) / 1e18)}</td><td>${f(Number(e.askVolume) / 1e18)}</td><td>${f(Number(e.volume) / 1e18)}</td>` +
        `<td>${e.volume > 0n ? f(Number(e.clearingPrice) / scale, 4) : "—"}</td><td>${f(Number(e.gas.orders) / 1e6, 3)}</td><td>${f(Number(e.gas.readings) / 1e6, 3)}</td><td>${f(Number(e.gas.keeper) / 1e6, 3)}</td><td>${f(Number(e.gas.orders + e.gas.readings + e.gas.keeper + e.gas.accounts) / 1e6, 3)}</td></tr>`,
    )
    .join("\n");
  const o = r.options;
  const sunrise = clockLabel(r.sunrise, r.start);
  const sunset = clockLabel(r.sunset, r.start);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GridMarket campus day — seed ${o.seed}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1000px;padding:24px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin:0 0 16px}table{border-collapse:collapse;width:100%;font-size:12.5px}
td,th{padding:3px 6px;border-bottom:1px solid #eee;text-align:right}th{background:#f6f6f6;position:sticky;top:0}
td:first-child,th:first-child,.left td{text-align:left}.headline td:first-child{font-weight:600;width:260px}
.headline td{text-align:left}.pos{color:#1e8449}.neg{color:#c0392b}.addr{font-family:monospace;font-size:11px;text-align:left}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .title{font-size:14px;font-weight:600}svg .axis{font-size:12px;fill:#555}
svg .grid{stroke:#eee}svg .axisline{stroke:#999}svg .legend{font-size:12px}details{margin:8px 0}
.scroll{max-height:420px;overflow:auto;border:1px solid #eee}
</style></head><body>
<h1>GridMarket — a simulated campus day</h1>
<p class="sub">${o.prosumers} prosumers with rooftop PV, ${o.consumers} consumers and the campus utility as market maker ·
${r.epochs.length} epochs of 15 minutes · latitude ${o.latitude}°, day ${o.dayOfYear} of the year, ${esc(r.weather)} sky
(sunrise ${sunrise}, sunset ${sunset}) · seed ${o.seed}${o.signed ? " · meter-signed readings" : ""}</p>

<h2>Headline figures</h2>
<table class="headline">${headline.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("")}</table>

<h2>Market</h2>
${priceChart}
<p>Each 15-minute epoch clears at one uniform price (a k = ½ double auction). The utility bids the feed-in tariff for any
surplus and asks the retail tariff for GRID it holds, so every price lies between the dashed lines. Empty slots: nothing crossed.</p>

<h2>Energy</h2>
${energyChart}
<p>Generation and consumption behind the meters, from the mock AMI head-end's interval data. The meters report net
export and import registers; the bridge submits them every interval and the OracleClient mints GRID for export and
burns it for import.</p>

<h2>Participants</h2>
${moneyChart}
${energyBars}
<details open><summary>Positions (kWh and USDC)</summary><div class="scroll"><table>
<tr><th>meter</th><th>participant</th><th>role</th><th>PV kWp</th><th>minted</th><th>burned</th><th>bought</th><th>sold</th><th>paid</th><th>received</th><th>net USDC</th><th>GRID end</th><th>withdrawn USDC</th><th>withdrawn GRID</th><th>gas $</th><th>address</th></tr>
${participantRows}
</table></div></details>

<h2 id="economics">Economics</h2>
<table class="headline">${economicsRows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("")}</table>
<p>Gas is priced at the assumptions above (<code>--preset l2|l1</code>, <code>--gas-price-gwei</code>, <code>--native-usd</code>).
Participants pay the gas of the transactions they send (approvals, deposits, orders, withdrawals); the operator pays for
registration, the meter readings and the keeper's upkeeps (each <code>performUpkeep</code> within 5,000,000 gas).</p>

<h2>Epochs</h2>
<details><summary>Per-epoch data</summary><div class="scroll"><table>
<tr><th>epoch</th><th>time</th><th>gen kWh</th><th>load kWh</th><th>minted</th><th>burned</th><th>bids/asks</th><th>bid kWh</th><th>ask kWh</th><th>traded kWh</th><th>price</th><th>orders gas M</th><th>readings gas M</th><th>keeper gas M</th><th>gas M</th></tr>
${epochRows}
</table></div></details>

<h2>Run</h2>
<table class="headline">
<tr><td>Contracts</td><td class="addr">Registry ${r.addresses.registry}<br>GridToken ${r.addresses.gridToken}<br>OracleClient ${r.addresses.oracleClient}<br>Trading ${r.addresses.trading}<br>payment token (MockUSDC) ${r.addresses.paymentToken}</td></tr>
<tr><td>Left in Trading after the withdrawals</td><td>${f(Number(r.escrow.grid) / 1e18)} GRID, ${f(Number(r.escrow.payment) / scale)} USDC</td></tr>
<tr><td>Timings</td><td>deploy ${f(r.timings.deployMs / 1000, 1)} s, setup ${f(r.timings.setupMs / 1000, 1)} s, simulation ${f(r.timings.simulateMs / 1000, 1)} s, total ${f(seconds, 1)} s</td></tr>
<tr><td>Reproduce</td><td><code>npm run demo -- --prosumers ${o.prosumers} --consumers ${o.consumers} --epochs ${o.epochs} --seed ${o.seed}${o.startHour ? ` --start-hour ${o.startHour}` : ""}${o.weather ? ` --weather ${o.weather}` : ""}${o.signed ? " --signed" : ""}${o.economics.name === "l1" ? " --preset l1" : o.economics.name === "custom" ? ` --gas-price-gwei ${o.economics.gasPriceGwei} --native-usd ${o.economics.nativeUsd}` : ""}</code></td></tr>
</table>
</body></html>
`;
}
