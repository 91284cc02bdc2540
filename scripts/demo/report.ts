// The day's figures, computed from what the demo recorded (events and balances read from the chain), and
// their plain-text rendering for the terminal.

import { KWH } from "../../lib/units";
import { DemoResult, Participant, Role } from "./types";

export interface ParticipantSummary {
  participant: Participant;
  /** GRID minted for the meter's export and burned for its import (kWh). */
  mintedKwh: number;
  burnedKwh: number;
  boughtKwh: number;
  soldKwh: number;
  /** Payment token paid for purchases and received for sales (after fees), in token units. */
  paid: number;
  received: number;
  /** Change of the payment-token balance over the day. */
  netPayment: number;
  /** GRID held at the end (kWh). */
  finalGridKwh: number;
}

export interface Summary {
  epochs: number;
  clearedEpochs: number;
  /** GRID traded in the auctions (kWh). */
  tradedKwh: number;
  /** Of which bought by consumers / sold by prosumers / bought and sold by the utility. */
  consumerBoughtKwh: number;
  prosumerSoldKwh: number;
  utilityBoughtKwh: number;
  utilitySoldKwh: number;
  /** Clearing prices (token units per kWh) over the epochs that traded. */
  price: { mean: number; weighted: number; min: number; max: number };
  feedIn: number;
  retail: number;
  /** What consumers would have paid at the retail tariff minus what they paid. */
  consumerSavings: number;
  consumerSpent: number;
  /** What prosumers received minus what the feed-in tariff would have paid them. */
  prosumerPremium: number;
  prosumerRevenue: number;
  generationKwh: number;
  consumptionKwh: number;
  exportKwh: number;
  importKwh: number;
  mintedKwh: number;
  burnedKwh: number;
  /** Share of campus consumption met by campus generation in the same interval (physical). */
  selfSufficiency: number;
  /** Share of the metered import covered by burning locally generated GRID. */
  gridCoverage: number;
  gas: {
    total: bigint;
    perEpochMean: number;
    perEpochMax: bigint;
    orders: bigint;
    readings: bigint;
    keeper: bigint;
    setup: bigint;
    upkeeps: number;
  };
  orders: number;
  participants: ParticipantSummary[];
}

const kwh = (units: bigint) => Number(units) / 1e18;

export function summarize(r: DemoResult): Summary {
  const scale = 10 ** r.paymentDecimals;
  const money = (units: bigint) => Number(units) / scale;
  const role = new Map<string, Role>(r.participants.map((p) => [p.address, p.role]));
  const sum = (xs: bigint[]) => xs.reduce((s, x) => s + x, 0n);

  const traded = r.epochs.filter((e) => e.volume > 0n);
  const prices = traded.map((e) => money(e.clearingPrice));
  const tradedUnits = sum(traded.map((e) => e.volume));
  const weightedUnits = sum(traded.map((e) => e.volume * e.clearingPrice));

  const fillsBy = (who: Role, side: "buy" | "sell") =>
    r.fills.filter((f) => role.get(f.owner) === who && f.side === side);
  const consumerBuys = fillsBy("consumer", "buy");
  const prosumerSells = fillsBy("prosumer", "sell");
  const consumerBoughtUnits = sum(consumerBuys.map((f) => f.filled));
  const consumerSpentUnits = sum(consumerBuys.map((f) => f.payment));
  const prosumerSoldUnits = sum(prosumerSells.map((f) => f.filled));
  const prosumerRevenueUnits = sum(prosumerSells.map((f) => f.payment));

  let selfMet = 0;
  let consumption = 0;
  for (const e of r.epochs) {
    selfMet += Math.min(e.generationWh, e.consumptionWh);
    consumption += e.consumptionWh;
  }
  const importWh = r.epochs.reduce((s, e) => s + e.importWh, 0);
  const burned = sum(r.epochs.map((e) => e.burned));

  const perEpoch = r.epochs.map((e) => e.gas.orders + e.gas.readings + e.gas.keeper);
  const participants: ParticipantSummary[] = r.participants.map((p) => {
    const mine = r.fills.filter((f) => f.owner === p.address);
    const buys = mine.filter((f) => f.side === "buy");
    const sells = mine.filter((f) => f.side === "sell");
    return {
      participant: p,
      mintedKwh: kwh(r.metered[p.address].minted),
      burnedKwh: kwh(r.metered[p.address].burned),
      boughtKwh: kwh(sum(buys.map((f) => f.filled))),
      soldKwh: kwh(sum(sells.map((f) => f.filled))),
      paid: money(sum(buys.map((f) => f.payment))),
      received: money(sum(sells.map((f) => f.payment))),
      netPayment: money(r.final[p.address].payment - r.initial[p.address].payment),
      finalGridKwh: kwh(r.final[p.address].grid),
    };
  });

  return {
    epochs: r.epochs.length,
    clearedEpochs: traded.length,
    tradedKwh: kwh(tradedUnits),
    consumerBoughtKwh: kwh(consumerBoughtUnits),
    prosumerSoldKwh: kwh(prosumerSoldUnits),
    utilityBoughtKwh: kwh(sum(fillsBy("utility", "buy").map((f) => f.filled))),
    utilitySoldKwh: kwh(sum(fillsBy("utility", "sell").map((f) => f.filled))),
    price: {
      mean: prices.length === 0 ? 0 : prices.reduce((s, x) => s + x, 0) / prices.length,
      weighted: tradedUnits === 0n ? 0 : money(weightedUnits / tradedUnits),
      min: prices.length === 0 ? 0 : Math.min(...prices),
      max: prices.length === 0 ? 0 : Math.max(...prices),
    },
    feedIn: money(r.feedIn),
    retail: money(r.retail),
    consumerSavings: money((consumerBoughtUnits * r.retail) / KWH - consumerSpentUnits),
    consumerSpent: money(consumerSpentUnits),
    prosumerPremium: money(prosumerRevenueUnits - (prosumerSoldUnits * r.feedIn) / KWH),
    prosumerRevenue: money(prosumerRevenueUnits),
    generationKwh: r.epochs.reduce((s, e) => s + e.generationWh, 0) / 1000,
    consumptionKwh: consumption / 1000,
    exportKwh: r.epochs.reduce((s, e) => s + e.exportWh, 0) / 1000,
    importKwh: importWh / 1000,
    mintedKwh: kwh(sum(r.epochs.map((e) => e.minted))),
    burnedKwh: kwh(burned),
    selfSufficiency: consumption === 0 ? 0 : selfMet / consumption,
    gridCoverage: importWh === 0 ? 0 : kwh(burned) / (importWh / 1000),
    gas: {
      total: sum(perEpoch) + r.setupGas,
      perEpochMean: perEpoch.length === 0 ? 0 : Number(sum(perEpoch)) / perEpoch.length,
      perEpochMax: perEpoch.reduce((m, x) => (x > m ? x : m), 0n),
      orders: sum(r.epochs.map((e) => e.gas.orders)),
      readings: sum(r.epochs.map((e) => e.gas.readings)),
      keeper: sum(r.epochs.map((e) => e.gas.keeper)),
      setup: r.setupGas,
      upkeeps: r.epochs.reduce((s, e) => s + e.upkeeps, 0),
    },
    orders: r.epochs.reduce((s, e) => s + e.buyOrders + e.sellOrders, 0),
    participants,
  };
}

/** "hh:mm" of a unix time within the campus day that starts (local midnight) at `start`. */
export function clockLabel(t: number, start: number): string {
  const s = (((t - start) % 86400) + 86400) % 86400;
  return `${String(Math.floor(s / 3600)).padStart(2, "0")}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "))
    .join("\n");
}

const f = (x: number, digits = 2) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (x: number) => `${f(x * 100, 1)} %`;

/** The terminal summary. */
export function renderText(r: DemoResult, s: Summary, seconds: number): string {
  const unit = "USDC";
  const lines = [
    `GridMarket campus day — ${r.participants.filter((p) => p.role === "prosumer").length} prosumers, ` +
      `${r.participants.filter((p) => p.role === "consumer").length} consumers, 1 utility market maker, ` +
      `${s.epochs} epochs, seed ${r.options.seed}, ${r.weather} sky`,
    "",
    table([
      ["figure", "value"],
      ["energy traded", `${f(s.tradedKwh)} kWh in ${s.clearedEpochs}/${s.epochs} epochs`],
      ["  bought by consumers / sold by prosumers", `${f(s.consumerBoughtKwh)} / ${f(s.prosumerSoldKwh)} kWh`],
      ["  bought at feed-in / sold at retail by the utility", `${f(s.utilityBoughtKwh)} / ${f(s.utilitySoldKwh)} kWh`],
      ["clearing price: mean (volume-weighted)", `${f(s.price.mean, 4)} (${f(s.price.weighted, 4)}) ${unit}/kWh`],
      ["clearing price: range", `${f(s.price.min, 4)} – ${f(s.price.max, 4)} ${unit}/kWh`],
      ["tariffs: feed-in / retail", `${f(s.feedIn, 4)} / ${f(s.retail, 4)} ${unit}/kWh`],
      ["consumer savings vs retail", `${f(s.consumerSavings)} ${unit} (paid ${f(s.consumerSpent)})`],
      ["prosumer earnings above feed-in", `${f(s.prosumerPremium)} ${unit} (revenue ${f(s.prosumerRevenue)})`],
      ["generation / consumption", `${f(s.generationKwh, 1)} / ${f(s.consumptionKwh, 1)} kWh`],
      ["campus self-sufficiency", pct(s.selfSufficiency)],
      [
        "metered import covered by local GRID",
        `${pct(s.gridCoverage)} (${f(s.burnedKwh, 1)} of ${f(s.importKwh, 1)} kWh)`,
      ],
      ["GRID minted / burned", `${f(s.mintedKwh, 1)} / ${f(s.burnedKwh, 1)} kWh`],
      ["gas per epoch: mean / max", `${f(s.gas.perEpochMean / 1e6, 2)} M / ${f(Number(s.gas.perEpochMax) / 1e6, 2)} M`],
      [
        "gas: orders / readings / keeper",
        `${f(Number(s.gas.orders) / 1e6, 1)} M / ${f(Number(s.gas.readings) / 1e6, 1)} M / ${f(Number(s.gas.keeper) / 1e6, 1)} M`,
      ],
      ["orders / upkeeps / transactions", `${s.orders} / ${s.gas.upkeeps} / ${r.transactions}`],
      ["run time", `${f(seconds, 1)} s`],
    ]),
  ];
  return lines.join("\n");
}
