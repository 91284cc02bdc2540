// The day's figures, computed from what the demo recorded (events and balances read from the chain), and
// their plain-text rendering for the terminal.

import { gasCostUsd } from "../../lib/economics";
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
  /** Withdrawn from the market account at the end of the day (token units, kWh). */
  withdrawnPayment: number;
  withdrawnGridKwh: number;
  /** Gas of the participant's own transactions and what it cost (USD at the run's economics). */
  gas: bigint;
  gasUsd: number;
}

/** The first release's gas per epoch for the default day (12 prosumers, 24 consumers, 96 epochs, seed 7). */
export const FIRST_RELEASE_GAS = { perEpochMean: 5.11e6, perEpochMax: 7.79e6 } as const;
/** The market-accounts release's target: at least this much less gas per epoch than the first release. */
export const GAS_TARGET_REDUCTION = 0.35;

/** Mean and max of a per-epoch gas figure. */
export interface GasStat {
  mean: number;
  max: bigint;
}

/** What the day's gas cost and what it leaves of the market's gains. */
export interface Economics {
  name: string;
  note: string;
  gasPriceGwei: number;
  nativeUsd: number;
  /** Gas per order: an order transaction's gas split over its orders. */
  perOrder: { mean: number; max: bigint; usd: number };
  /** Sell orders that pulled a GRID shortfall from the wallet vs single orders reserved wholly from the account. */
  pullingOrder: { count: number; mean: number };
  accountOrder: { count: number; mean: number };
  perEpochUsd: { mean: number; max: number };
  /** Gas of the whole day including set-up and the end-of-day withdrawals, and its cost. */
  dayUsd: number;
  /** Per role: the gas of the transactions its members sent themselves, and its cost. */
  consumers: { gas: bigint; usd: number };
  prosumers: { gas: bigint; usd: number };
  utility: { gas: bigint; usd: number };
  /** The operator's gas: registration, meter readings, the keeper's upkeeps and the fee recipient's withdrawal. */
  operator: { gas: bigint; usd: number };
  consumerSavingsAfterGas: number;
  prosumerPremiumAfterGas: number;
  /** Against the first release: the mean gas per epoch's reduction, and whether the release target is met. */
  reduction: number;
  targetMet: boolean;
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
    /** Prosumers' withdrawals that cover a meter's import, and the end-of-day withdrawals. */
    accounts: bigint;
    close: bigint;
    upkeeps: number;
    /** Per epoch, by part. */
    parts: { orders: GasStat; readings: GasStat; keeper: GasStat; accounts: GasStat };
    /** Keeper gas per order settled, reading gas per accepted reading. */
    keeperPerOrder: number;
    readingsPerReading: number;
  };
  economics: Economics;
  /** Withdrawn at the end of the day by the participants (token units, kWh) and by the fee recipient. */
  withdrawn: { payment: number; gridKwh: number; feePayment: number };
  /** Prosumer withdrawals that topped a wallet up for a meter's import: how many, and the GRID (kWh). */
  coverWithdrawals: { count: number; kwh: number };
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

  const perEpoch = r.epochs.map((e) => e.gas.orders + e.gas.readings + e.gas.keeper + e.gas.accounts);
  const stat = (xs: bigint[]): GasStat => ({
    mean: xs.length === 0 ? 0 : Number(sum(xs)) / xs.length,
    max: xs.reduce((m, x) => (x > m ? x : m), 0n),
  });
  const econ = r.options.economics;
  const usd = (gas: bigint | number) => gasCostUsd(gas, econ);
  const ownGas = (who: Role) =>
    sum(r.participants.filter((p) => p.role === who).map((p) => r.accounts[p.address]?.gas ?? 0n));
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
      withdrawnPayment: money(r.accounts[p.address].withdrawn.payment),
      withdrawnGridKwh: kwh(r.accounts[p.address].withdrawn.grid),
      gas: r.accounts[p.address].gas,
      gasUsd: usd(r.accounts[p.address].gas),
    };
  });
  const orderCount = r.epochs.reduce((s, e) => s + e.buyOrders + e.sellOrders, 0);
  const ordersGas = sum(r.epochs.map((e) => e.gas.orders));
  const readingsGas = sum(r.epochs.map((e) => e.gas.readings));
  const keeperGas = sum(r.epochs.map((e) => e.gas.keeper));
  const accountsGas = sum(r.epochs.map((e) => e.gas.accounts));
  const totalGas = sum(perEpoch) + r.setupGas + r.closeGas;
  const consumerSavings = money((consumerBoughtUnits * r.retail) / KWH - consumerSpentUnits);
  const prosumerPremium = money(prosumerRevenueUnits - (prosumerSoldUnits * r.feedIn) / KWH);
  const consumersGas = ownGas("consumer");
  const prosumersGas = ownGas("prosumer");
  const utilityGas = ownGas("utility");
  const operatorGas = totalGas - consumersGas - prosumersGas - utilityGas;
  const perEpochStat = stat(perEpoch);
  const pulling = r.epochs.reduce((s, e) => s + e.pullingOrders, 0);
  const accountOnly = r.epochs.reduce((s, e) => s + e.accountOrders, 0);
  const reduction = 1 - perEpochStat.mean / FIRST_RELEASE_GAS.perEpochMean;
  const economics: Economics = {
    name: econ.name,
    note: econ.note,
    gasPriceGwei: econ.gasPriceGwei,
    nativeUsd: econ.nativeUsd,
    perOrder: {
      mean: orderCount === 0 ? 0 : Number(ordersGas) / orderCount,
      max: r.epochs.reduce((m, e) => (e.maxOrderGas > m ? e.maxOrderGas : m), 0n),
      usd: orderCount === 0 ? 0 : usd(Number(ordersGas) / orderCount),
    },
    pullingOrder: {
      count: pulling,
      mean: pulling === 0 ? 0 : Number(sum(r.epochs.map((e) => e.pullingGas))) / pulling,
    },
    accountOrder: {
      count: accountOnly,
      mean: accountOnly === 0 ? 0 : Number(sum(r.epochs.map((e) => e.accountGas))) / accountOnly,
    },
    perEpochUsd: { mean: usd(perEpochStat.mean), max: usd(perEpochStat.max) },
    dayUsd: usd(totalGas),
    consumers: { gas: consumersGas, usd: usd(consumersGas) },
    prosumers: { gas: prosumersGas, usd: usd(prosumersGas) },
    utility: { gas: utilityGas, usd: usd(utilityGas) },
    operator: { gas: operatorGas, usd: usd(operatorGas) },
    consumerSavingsAfterGas: consumerSavings - usd(consumersGas),
    prosumerPremiumAfterGas: prosumerPremium - usd(prosumersGas),
    reduction,
    targetMet: reduction >= GAS_TARGET_REDUCTION,
  };
  const acceptedReadings = r.epochs.reduce((s, e) => s + e.readingsAccepted, 0);

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
    consumerSavings,
    consumerSpent: money(consumerSpentUnits),
    prosumerPremium,
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
      total: totalGas,
      perEpochMean: perEpochStat.mean,
      perEpochMax: perEpochStat.max,
      orders: ordersGas,
      readings: readingsGas,
      keeper: keeperGas,
      setup: r.setupGas,
      accounts: accountsGas,
      close: r.closeGas,
      upkeeps: r.epochs.reduce((s, e) => s + e.upkeeps, 0),
      parts: {
        orders: stat(r.epochs.map((e) => e.gas.orders)),
        readings: stat(r.epochs.map((e) => e.gas.readings)),
        keeper: stat(r.epochs.map((e) => e.gas.keeper)),
        accounts: stat(r.epochs.map((e) => e.gas.accounts)),
      },
      keeperPerOrder: orderCount === 0 ? 0 : Number(keeperGas) / orderCount,
      readingsPerReading: acceptedReadings === 0 ? 0 : Number(readingsGas) / acceptedReadings,
    },
    economics,
    withdrawn: {
      payment: money(sum(Object.values(r.accounts).map((a) => a.withdrawn.payment))),
      gridKwh: kwh(sum(Object.values(r.accounts).map((a) => a.withdrawn.grid))),
      feePayment: money(r.feeRecipient.withdrawn.payment),
    },
    coverWithdrawals: {
      count: r.epochs.reduce((s, e) => s + e.coverWithdrawals, 0),
      kwh: kwh(sum(r.epochs.map((e) => e.coverWithdrawn))),
    },
    orders: orderCount,
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
      ["  after the consumers' own gas", `${f(s.economics.consumerSavingsAfterGas)} ${unit}`],
      ["prosumer earnings above feed-in", `${f(s.prosumerPremium)} ${unit} (revenue ${f(s.prosumerRevenue)})`],
      ["  after the prosumers' own gas", `${f(s.economics.prosumerPremiumAfterGas)} ${unit}`],
      ["generation / consumption", `${f(s.generationKwh, 1)} / ${f(s.consumptionKwh, 1)} kWh`],
      ["campus self-sufficiency", pct(s.selfSufficiency)],
      [
        "metered import covered by local GRID",
        `${pct(s.gridCoverage)} (${f(s.burnedKwh, 1)} of ${f(s.importKwh, 1)} kWh)`,
      ],
      ["GRID minted / burned", `${f(s.mintedKwh, 1)} / ${f(s.burnedKwh, 1)} kWh`],
      ["gas per epoch: mean / max", `${f(s.gas.perEpochMean / 1e6, 2)} M / ${f(Number(s.gas.perEpochMax) / 1e6, 2)} M`],
      [
        "  vs the first release (5.11 M mean)",
        `${f(s.economics.reduction * 100, 1)} % less; target ${f(GAS_TARGET_REDUCTION * 100, 0)} % ${s.economics.targetMet ? "met" : "not met"}`,
      ],
      [
        "gas per epoch (mean): orders / readings / keeper / cover",
        [s.gas.parts.orders, s.gas.parts.readings, s.gas.parts.keeper, s.gas.parts.accounts]
          .map((x) => `${f(x.mean / 1e6, 2)} M`)
          .join(" / "),
      ],
      [
        "gas: orders / readings / keeper / cover",
        `${f(Number(s.gas.orders) / 1e6, 1)} M / ${f(Number(s.gas.readings) / 1e6, 1)} M / ${f(Number(s.gas.keeper) / 1e6, 1)} M / ${f(Number(s.gas.accounts) / 1e6, 1)} M`,
      ],
      [
        "gas per order: mean / max",
        `${f(s.economics.perOrder.mean / 1e3, 1)} k / ${f(Number(s.economics.perOrder.max) / 1e3, 1)} k`,
      ],
      [
        `gas cost (${s.economics.name}: ${s.economics.gasPriceGwei} gwei, $${s.economics.nativeUsd})`,
        `$${f(s.economics.perEpochUsd.mean, 4)} per epoch (max $${f(s.economics.perEpochUsd.max, 4)}), $${f(s.economics.dayUsd, 2)} per day`,
      ],
      [
        "  own gas: consumers / prosumers / utility / operator",
        [s.economics.consumers, s.economics.prosumers, s.economics.utility, s.economics.operator]
          .map((x) => `$${f(x.usd, 2)}`)
          .join(" / "),
      ],
      [
        "withdrawn at the end of the day",
        `${f(s.withdrawn.payment)} ${unit}, ${f(s.withdrawn.gridKwh, 3)} GRID (fee recipient ${f(s.withdrawn.feePayment, 6)} ${unit})`,
      ],
      ["orders / upkeeps / transactions", `${s.orders} / ${s.gas.upkeeps} / ${r.transactions}`],
      ["run time", `${f(seconds, 1)} s`],
    ]),
  ];
  return lines.join("\n");
}
