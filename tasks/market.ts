// Market status (epoch, book depth, pending work, results) and trade history (OrderFilled events).
import { task } from "hardhat/config";

import { gridTask } from "./common";
import type { Deployment } from "../lib/deployment";
import { queryEvents } from "../lib/events";
import { fillHistory } from "../lib/orders";
import { say, sayFields, sayTable } from "../lib/output";
import { formatKwh, formatMoney, formatPrice, parseInteger } from "../lib/units";
import { parseAddress } from "../lib/validate";
import { EPOCH_STATUSES, WORK } from "../lib/enums";

/** One price level of the book. */
export interface DepthLevel {
  price: bigint;
  quantity: bigint;
}

/** An epoch's outcome as the CLI prints it. */
export interface EpochView {
  epoch: bigint;
  status: (typeof EPOCH_STATUSES)[number];
  clearingPrice: bigint;
  volume: bigint;
  orderCount: bigint;
  settledCount: bigint;
  bids: DepthLevel[];
  asks: DepthLevel[];
}

/** The resting quantity per price level of `epoch`, from the prices its orders used (OrderCreated) and `depthAt`. */
export async function readDepth(d: Deployment, epoch: bigint): Promise<{ bids: DepthLevel[]; asks: DepthLevel[] }> {
  const created = await queryEvents(d.trading, d.trading.filters.OrderCreated(undefined, epoch), d.deploymentBlock);
  const prices: [Set<bigint>, Set<bigint>] = [new Set(), new Set()];
  for (const ev of created) prices[Number(ev.args.side)].add(BigInt(ev.args.price));
  const levels = async (side: number) =>
    (
      await Promise.all(
        [...prices[side]].map(async (price) => ({ price, quantity: await d.trading.depthAt(epoch, side, price) })),
      )
    ).filter((level) => level.quantity > 0n);
  const [bids, asks] = await Promise.all([levels(0), levels(1)]);
  bids.sort((a, b) => (a.price > b.price ? -1 : 1));
  asks.sort((a, b) => (a.price < b.price ? -1 : 1));
  return { bids, asks };
}

/** Reads `epoch`'s result and book. */
export async function readEpoch(d: Deployment, epoch: bigint): Promise<EpochView> {
  const [result, depth] = await Promise.all([d.trading.getEpochResult(epoch), readDepth(d, epoch)]);
  return {
    epoch,
    status: EPOCH_STATUSES[Number(result.status)],
    clearingPrice: result.clearingPrice,
    volume: result.volume,
    orderCount: result.orderCount,
    settledCount: result.settledCount,
    ...depth,
  };
}

function printEpoch(d: Deployment, view: EpochView, start: bigint, end: bigint): void {
  const price = (p: bigint) => formatPrice(p, d.payment.decimals, d.payment.symbol);
  const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString();
  say(`Epoch ${view.epoch} (${iso(start)} to ${iso(end)}): ${view.status}`);
  sayFields([
    ["orders", `${view.orderCount} placed, ${view.settledCount} settled`],
    ["clearing price", view.clearingPrice === 0n ? "-" : price(view.clearingPrice)],
    ["volume", formatKwh(view.volume)],
  ]);
  if (view.bids.length + view.asks.length === 0) {
    say("  book: empty");
    return;
  }
  const rows: string[][] = [];
  for (let i = 0; i < Math.max(view.bids.length, view.asks.length); i++) {
    const bid = view.bids[i];
    const ask = view.asks[i];
    rows.push([
      bid ? formatKwh(bid.quantity) : "",
      bid ? price(bid.price) : "",
      ask ? price(ask.price) : "",
      ask ? formatKwh(ask.quantity) : "",
    ]);
  }
  sayTable(["bid quantity", "bid price", "ask price", "ask quantity"], rows);
}

gridTask(
  task(
    "gridmarket:market-status",
    "Current epoch, parameters, book depth per price level, pending clearing work",
  ).addOptionalParam("epoch", "Epoch to show (default: the current one, and the one awaiting clearing)"),
  async (ctx, args: { epoch?: string }, hre) => {
    const { d } = ctx;
    const [current, work, params, paused, auto, lastCheck, forwarder, latest] = await Promise.all([
      d.trading.currentEpoch(),
      d.trading.pendingEpochWork(),
      Promise.all([
        d.trading.tickSize(),
        d.trading.maxPrice(),
        d.trading.minOrderAmount(),
        d.trading.maxOrdersPerUser(),
        d.trading.feeBps(),
        d.trading.epochLength(),
      ]),
      d.trading.paused(),
      d.oracleClient.autoMarketClearing(),
      d.oracleClient.lastMarketCheck(),
      d.oracleClient.forwarder(),
      hre.ethers.provider.getBlock("latest"),
    ]);
    const [tickSize, maxPrice, minOrderAmount, maxOrders, feeBps, epochLength] = params;
    const price = (p: bigint) => formatPrice(p, d.payment.decimals, d.payment.symbol);
    const pending = { work: WORK[Number(work[0])], epoch: work[1] };

    sayFields([
      ["chain time", new Date((latest?.timestamp ?? 0) * 1000).toISOString()],
      ["current epoch", `${current} (${epochLength} s epochs)`],
      ["trading", paused ? "PAUSED" : "running"],
      ["prices", `tick ${price(tickSize)}, cap ${price(maxPrice)}`],
      ["orders", `min ${formatKwh(minOrderAmount)}, at most ${maxOrders} per account per epoch, fee ${feeBps} bps`],
      ["payment token", `${d.payment.symbol} (${d.payment.decimals} decimals) at ${d.payment.address}`],
      ["pending work", pending.work === "None" ? "none" : `${pending.work} epoch ${pending.epoch}`],
      [
        "auto clearing",
        `${auto ? "on" : "off"}; last upkeep ${lastCheck === 0n ? "never" : new Date(Number(lastCheck) * 1000).toISOString()}`,
      ],
      ["forwarder", forwarder],
    ]);

    const epochs = args.epoch !== undefined ? [parseInteger("--epoch", args.epoch)] : [current];
    if (args.epoch === undefined && pending.work !== "None" && pending.epoch !== current) epochs.unshift(pending.epoch);
    const views: EpochView[] = [];
    for (const epoch of epochs) {
      const view = await readEpoch(d, epoch);
      printEpoch(d, view, await d.trading.epochStart(epoch), await d.trading.epochEnd(epoch));
      views.push(view);
    }
    return { currentEpoch: current, pending, epochs: views };
  },
);

gridTask(
  task(
    "gridmarket:market-history",
    "Trade confirmations (OrderFilled events) and epoch settlements; proceeds, refunds and unsold GRID went to the accounts",
  )
    .addOptionalParam("epoch", "Only this epoch")
    .addOptionalParam("account", "Only this account's orders")
    .addOptionalParam("fromBlock", "First block to scan (default: the deployment block)")
    .addFlag("all", "Also list orders that filled nothing"),
  async (ctx, args: { epoch?: string; account?: string; fromBlock?: string; all: boolean }) => {
    const { d } = ctx;
    const epoch = args.epoch === undefined ? undefined : parseInteger("--epoch", args.epoch);
    const account = args.account === undefined ? undefined : parseAddress("--account", args.account);
    const fromBlock =
      args.fromBlock === undefined ? d.deploymentBlock : Number(parseInteger("--from-block", args.fromBlock));

    const fills = (await fillHistory(d, { epoch, account, fromBlock })).filter((f) => args.all || f.filled > 0n);

    const money = (x: bigint) => formatMoney(x, d.payment.decimals, d.payment.symbol);
    say(`${fills.length} fill(s)${epoch === undefined ? "" : ` in epoch ${epoch}`}${account ? ` of ${account}` : ""}`);
    if (fills.length > 0) {
      say("  paid/received, fee and refund settle in the market accounts; bought GRID goes to the buyer's wallet");
      say("  unless the buyer keeps it in its account (gridmarket:keep-bought-grid)");
      sayTable(
        ["epoch", "order id", "owner", "side", "filled", "price", "paid/received", "fee", "refund"],
        fills.map((f) => [
          String(f.epoch),
          String(f.orderId),
          f.owner,
          f.side,
          formatKwh(f.filled),
          formatPrice(f.clearingPrice, d.payment.decimals, d.payment.symbol),
          money(f.payment),
          money(f.fee),
          f.side === "Sell" ? formatKwh(f.refund) : money(f.refund),
        ]),
      );
    }

    const settled = await queryEvents(d.trading, d.trading.filters.EpochSettled(epoch), fromBlock);
    const settlements = settled.map((ev) => ({
      epoch: BigInt(ev.args.epoch),
      volume: BigInt(ev.args.volume),
      clearingPrice: BigInt(ev.args.clearingPrice),
      fees: BigInt(ev.args.fees),
    }));
    if (settlements.length > 0) {
      say("Settled epochs:");
      sayTable(
        ["epoch", "volume", "clearing price", "fees"],
        settlements.map((s) => [
          String(s.epoch),
          formatKwh(s.volume),
          s.volume === 0n ? "-" : formatPrice(s.clearingPrice, d.payment.decimals, d.payment.symbol),
          money(s.fees),
        ]),
      );
    }
    return { fills, settlements };
  },
);
