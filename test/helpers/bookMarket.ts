/**
 * On-chain side of the differential and resumability tests: a market whose traders are the {BookTrader}
 * accounts of a {BookLoader}, so a whole random book (orders of several owners, interleaved in time) is placed
 * in one transaction, and an epoch's outcome, orders, balances and credits are read back in one call.
 *
 * Randomized suites send thousands of transactions, so this module talks to the node with raw JSON-RPC and
 * decodes the few Trading events it needs by hand: ethers' contract wrappers cost more than the EVM here.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import hre, { ethers, network } from "hardhat";

import type { BookLoader, GridToken, MockUSDC, OracleClient, Registry, Trading } from "../../typechain-types";
import { systemFixture } from "../fixtures";
import type { ClearingResult, ModelOrder } from "./clearingModel";
import { KWH, WH } from "./constants";
import { Side } from "./enums";

/** An order of a book together with the trader (index into the loader's traders) that places it. */
export interface LoadedOrder extends ModelOrder {
  trader: number;
}

export interface BookMarket {
  registry: Registry;
  gridToken: GridToken;
  paymentToken: MockUSDC;
  trading: Trading;
  oracleClient: OracleClient;
  loader: BookLoader;
  admin: HardhatEthersSigner;
  regulator: HardhatEthersSigner;
  feeRecipient: HardhatEthersSigner;
  /** Addresses here and in decoded events and states are lowercase hex: cheap to compare in bulk. */
  traderAddresses: string[];
  loaderAddress: string;
  tradingAddress: string;
  /** GRID, then the payment token. */
  tokenAddresses: [string, string];
  feeRecipientAddress: string;
  /** The accounts balances are read for: the traders, then Trading, the fee recipient and the loader (keeper). */
  accounts: string[];
}

/** Whether solidity-coverage is running: instrumented code needs far more gas, and the 2^24 cap is lifted. */
export const COVERAGE =
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

/** Gas limit of the transactions that place and clear books: just under the EIP-7825 cap of 2^24. */
export const TX_GAS_LIMIT = COVERAGE ? 1_000_000_000n : 16_000_000n;

/** The most orders one placement transaction carries (about 75,000 gas each). */
export const ORDERS_PER_TX = 100;

/** Gas {BookLoader} keeps in reserve before starting another clearing call (one call stays below it). */
export const GAS_RESERVE = 4_500_000n;

/** GRID and payment token each trader starts with: enough for any book of the tests. */
export const TRADER_GRID = 10n ** 12n * KWH;
export const TRADER_PAYMENT = 10n ** 18n;

/**
 * The whole market from {@link systemFixture} (deployed through the GridMarket Ignition module) plus a
 * {BookLoader} with `traderCount` funded market-maker traders, and at most 1,000 orders per user and epoch.
 * The fee recipient is the fixture's (the admin). GRID for the traders is minted by the admin, made a minter
 * for the purpose, to a prosumer who passes it on (GRID is minted to verified users only).
 */
export async function deployBookMarket(traderCount: number): Promise<BookMarket> {
  const { admin, regulator, prosumers, registry, gridToken, paymentToken, trading, oracleClient } =
    await systemFixture();
  const lower = async (c: { getAddress(): Promise<string> }): Promise<string> => (await c.getAddress()).toLowerCase();
  const tradingAddress = await lower(trading);
  const tokenAddresses: [string, string] = [await lower(gridToken), await lower(paymentToken)];
  await trading.connect(regulator).setMaxOrdersPerUser(1_000n);
  const loader = await ethers.deployContract("BookLoader", [tradingAddress, ...tokenAddresses, traderCount]);

  const supplier = prosumers[0];
  await gridToken.connect(regulator).addMinter(admin.address);
  await gridToken.mint(supplier.address, TRADER_GRID * BigInt(traderCount), ethers.encodeBytes32String("supply"));
  const traderAddresses: string[] = [];
  for (let i = 0; i < traderCount; i++) {
    const trader = await loader.traders(i);
    await trading.connect(regulator).addMarketMaker(trader);
    await gridToken.connect(supplier).transfer(trader, TRADER_GRID);
    await paymentToken.mint(trader, TRADER_PAYMENT);
    traderAddresses.push(trader.toLowerCase());
  }
  const feeRecipient = admin;
  expect(await trading.feeRecipient()).to.equal(feeRecipient.address);
  const loaderAddress = await lower(loader);
  const feeRecipientAddress = feeRecipient.address.toLowerCase();
  return {
    registry,
    gridToken,
    paymentToken,
    trading,
    oracleClient,
    loader,
    admin,
    regulator,
    feeRecipient,
    traderAddresses,
    loaderAddress,
    tradingAddress,
    tokenAddresses,
    feeRecipientAddress,
    accounts: [...traderAddresses, tradingAddress, feeRecipientAddress, loaderAddress],
  };
}

// ───────────────────────────────────────── RAW JSON-RPC ─────────────────────────────────────────

/** Sets the timestamp of the next block. */
export async function setNextTimestamp(timestamp: bigint): Promise<void> {
  await network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
}

/** A log as the node returns it. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
}

/** Sends `data` to `to` from `from`, mined at once, and returns the receipt's logs; throws if it reverted. */
export async function sendRaw(from: string, to: string, data: string): Promise<RawLog[]> {
  const hash = (await network.provider.send("eth_sendTransaction", [
    { from, to, data, gas: `0x${TX_GAS_LIMIT.toString(16)}` },
  ])) as string;
  const receipt = (await network.provider.send("eth_getTransactionReceipt", [hash])) as {
    status: string;
    logs: RawLog[];
  };
  if (receipt.status !== "0x1") throw new Error(`transaction ${hash} failed`);
  return receipt.logs;
}

/** The struct {BookLoader.placeBook} takes. */
function bookOrders(
  orders: LoadedOrder[],
): { trader: number; side: Side; cancel: boolean; amount: bigint; price: bigint }[] {
  return orders.map((o) => ({
    trader: o.trader,
    side: o.side,
    cancel: o.cancelled === true,
    amount: o.amount,
    price: o.price,
  }));
}

/** Clearing work per call: price levels per {matchOrders}, orders per {executeTrades}. */
export interface Slicing {
  maxSteps: bigint;
  maxOrders: bigint;
}

/**
 * Places `orders` (in id order) in the current epoch and, in the same transactions, clears `clearing.epoch`
 * (which must have ended) until it is settled. `batched`: each run of one trader's orders is one
 * `createOrders` call (and its cancels one `cancelOrders` call). Returns the logs of every transaction, in order.
 */
export async function placeAndClear(
  market: BookMarket,
  orders: LoadedOrder[],
  clearing: { epoch: bigint; slicing: Slicing } | null,
  batched = false,
): Promise<RawLog[]> {
  const logs: RawLog[] = [];
  const iface = market.loader.interface;
  const settledTopic = market.trading.interface.getEvent("EpochSettled").topicHash;
  let cleared = clearing === null;
  let next = 0;
  for (let tx = 0; next < orders.length || !cleared; tx++) {
    if (tx > 10_000) throw new Error("clearing does not end");
    const chunk = bookOrders(orders.slice(next, next + ORDERS_PER_TX));
    next += chunk.length;
    const data =
      clearing === null || cleared
        ? iface.encodeFunctionData("placeBook", [chunk, batched])
        : iface.encodeFunctionData("placeAndClear", [
            chunk,
            batched,
            clearing.epoch,
            clearing.slicing.maxSteps,
            clearing.slicing.maxOrders,
            GAS_RESERVE,
          ]);
    const txLogs = await sendRaw(market.admin.address, market.loaderAddress, data);
    logs.push(...txLogs);
    if (!cleared && txLogs.some((l) => l.topics[0] === settledTopic)) cleared = true;
  }
  return logs;
}

// ──────────────────────────────────────────── EVENTS ────────────────────────────────────────────

export interface OrderFilledEvent {
  orderId: bigint;
  owner: string;
  filled: bigint;
  payment: bigint;
}

export interface EpochMatchedEvent {
  epoch: bigint;
  clearingPrice: bigint;
  volume: bigint;
  bidPrice: bigint;
  askPrice: bigint;
}

export interface EpochSettledEvent {
  epoch: bigint;
  volume: bigint;
  clearingPrice: bigint;
  fees: bigint;
  recipient: string;
}

export interface MatchProgressedEvent {
  epoch: bigint;
  levels: bigint;
  volume: bigint;
  done: boolean;
}

export interface CreditedEvent {
  account: string;
  token: string;
  amount: bigint;
}

/** The clearing events Trading emitted, in log order. */
export interface ClearingEvents {
  filled: OrderFilledEvent[];
  matched: EpochMatchedEvent[];
  settled: EpochSettledEvent[];
  progressed: MatchProgressedEvent[];
  credited: CreditedEvent[];
}

const word = (hex: string, i: number): bigint => BigInt(`0x${hex.slice(2 + 64 * i, 66 + 64 * i)}`);
const address = (value: bigint): string => `0x${value.toString(16).padStart(40, "0")}`;

/** Decodes Trading's clearing events among `logs` (by topic, without ABI lookups). */
export function clearingEvents(market: BookMarket, logs: readonly RawLog[]): ClearingEvents {
  const topic = (name: "OrderFilled" | "EpochMatched" | "EpochSettled" | "MatchProgressed" | "Credited"): string =>
    market.trading.interface.getEvent(name).topicHash;
  const [filledT, matchedT, settledT, progressedT, creditedT] = (
    ["OrderFilled", "EpochMatched", "EpochSettled", "MatchProgressed", "Credited"] as const
  ).map(topic);
  const trading = market.tradingAddress;
  const events: ClearingEvents = { filled: [], matched: [], settled: [], progressed: [], credited: [] };
  for (const { address: emitter, topics, data } of logs) {
    if (emitter.toLowerCase() !== trading) continue;
    const t = (i: number): bigint => BigInt(topics[i]);
    switch (topics[0]) {
      case filledT:
        events.filled.push({ orderId: t(1), owner: address(t(2)), filled: word(data, 0), payment: word(data, 1) });
        break;
      case matchedT:
        events.matched.push({
          epoch: t(1),
          clearingPrice: word(data, 0),
          volume: word(data, 1),
          bidPrice: word(data, 2),
          askPrice: word(data, 3),
        });
        break;
      case settledT:
        events.settled.push({
          epoch: t(1),
          volume: word(data, 0),
          clearingPrice: word(data, 1),
          fees: word(data, 2),
          recipient: address(word(data, 3)),
        });
        break;
      case progressedT:
        events.progressed.push({
          epoch: t(1),
          levels: word(data, 0),
          volume: word(data, 1),
          done: word(data, 2) === 1n,
        });
        break;
      case creditedT:
        events.credited.push({ account: address(t(1)), token: address(t(2)), amount: word(data, 0) });
        break;
      default:
        break;
    }
  }
  return events;
}

const TRANSFER_TOPIC = ethers.id("Transfer(address,address,uint256)");

/**
 * Applies the ERC-20 `Transfer` events of GRID and the payment token among `logs` to `balances` (keyed by
 * {holding}): for these OpenZeppelin tokens every balance change is such an event, so this tracks balances
 * without reading them.
 */
export function applyTransfers(market: BookMarket, balances: Map<string, bigint>, logs: readonly RawLog[]): void {
  const tokens = market.tokenAddresses;
  for (const { address: emitter, topics, data } of logs) {
    if (topics[0] !== TRANSFER_TOPIC) continue;
    const token = tokens.indexOf(emitter.toLowerCase());
    if (token < 0) continue;
    const amount = word(data, 0);
    const [from, to] = [
      holding(token as 0 | 1, address(BigInt(topics[1]))),
      holding(token as 0 | 1, address(BigInt(topics[2]))),
    ];
    balances.set(from, (balances.get(from) ?? 0n) - amount);
    balances.set(to, (balances.get(to) ?? 0n) + amount);
  }
}

// ──────────────────────────────────────────── STATE ─────────────────────────────────────────────

/** {ITrading.EpochResult}, as read by {readState}. */
export interface EpochResult {
  status: bigint;
  clearingPrice: bigint;
  volume: bigint;
  bidPrice: bigint;
  askPrice: bigint;
  orderCount: bigint;
  settledCount: bigint;
  tickSize: bigint;
  feeBps: bigint;
}

/** {ITrading.Order}, as read by {readState}. */
export interface OrderView {
  owner: string;
  side: bigint;
  status: bigint;
  epoch: bigint;
  amount: bigint;
  price: bigint;
  filled: bigint;
}

/** Epoch outcomes, orders, and some balances and credits. */
export interface MarketState {
  /** One per epoch read, in the order asked. */
  results: EpochResult[];
  /** One per order read, in the order asked. */
  orders: OrderView[];
  /** Token balances, keyed by {holding}. */
  balances: Map<string, bigint>;
  /** Trading credits, keyed by {holding}. */
  credits: Map<string, bigint>;
}

/** The key of `account`'s holding of token `token` (0 GRID, 1 payment token). */
export const holding = (token: 0 | 1, account: string): string => `${token}:${account}`;

/** What {readState} reads; balances and credits of every {BookMarket.accounts} unless told otherwise. */
export interface StateQuery {
  epochs?: bigint[];
  ids?: bigint[];
  holders?: string[];
  creditors?: string[];
}

/** Reads epochs, orders, balances and credits in one call ({BookLoader.readAll}, decoded by hand). */
export async function readState(market: BookMarket, query: StateQuery = {}): Promise<MarketState> {
  const { epochs = [], ids = [], holders = market.accounts, creditors = market.accounts } = query;
  const data = market.loader.interface.encodeFunctionData("readAll", [
    epochs,
    ids,
    market.tokenAddresses,
    holders,
    creditors,
  ]);
  const raw = (await network.provider.send("eth_call", [{ to: market.loaderAddress, data }, "latest"])) as string;
  // ABI of a returned uint256[]: offset, length, then the elements.
  let k = 0;
  const next = (): bigint => word(raw, 2 + k++);
  const results = epochs.map((): EpochResult => ({
    status: next(),
    clearingPrice: next(),
    volume: next(),
    bidPrice: next(),
    askPrice: next(),
    orderCount: next(),
    settledCount: next(),
    tickSize: next(),
    feeBps: next(),
  }));
  const orders = ids.map((): OrderView => ({
    owner: address(next()),
    side: next(),
    status: next(),
    epoch: next(),
    amount: next(),
    price: next(),
    filled: next(),
  }));
  const balances = new Map<string, bigint>();
  const credits = new Map<string, bigint>();
  for (const token of [0, 1] as const) for (const a of holders) balances.set(holding(token, a), next());
  for (const token of [0, 1] as const) for (const a of creditors) credits.set(holding(token, a), next());
  return { results, orders, balances, credits };
}

/** A compact, readable line per order, for failure messages. */
export function describeBook(orders: LoadedOrder[]): string {
  return orders
    .map(
      (o) =>
        `  #${o.id & 0xffffffffn} trader ${o.trader} ${o.side === Side.Buy ? "buy " : "sell"} ` +
        `${o.amount / WH} Wh @ ${o.price}${o.cancelled === true ? " (cancelled)" : ""}`,
    )
    .join("\n");
}

// ──────────────────────────────────────────── LEDGER ────────────────────────────────────────────

/**
 * The balances and market-account balances ("credits") {BookMarket.accounts} should have, kept by applying the
 * model's escrows and settlements: what the chain must show if every token moved exactly as the clearing rule says.
 *
 * The ledger places every order from the wallet (the escrow is pulled) and books what Trading gives back as the
 * market accounts do: a cancel's escrow, refunds, seller proceeds, unfilled GRID and fees are credited to the
 * account; bought GRID is delivered to the buyer's wallet. That split is exact while orders are funded from
 * wallets. Orders funded from an account (a deposit, or proceeds an earlier epoch credited) only move value between
 * the wallet and the account of one owner: {diffHoldings} compares what each owner holds in both together
 * (and Trading's own part, its balance less every account), which stays exact either way.
 */
export class Ledger {
  readonly balances: Map<string, bigint>;
  readonly credits: Map<string, bigint>;
  private readonly names = new Map<string, string>();

  constructor(
    private readonly market: BookMarket,
    state: Pick<MarketState, "balances" | "credits">,
  ) {
    this.balances = new Map(state.balances);
    this.credits = new Map(state.credits);
    market.traderAddresses.forEach((a, i) => this.names.set(a, `trader ${i}`));
    this.names.set(market.tradingAddress, "Trading");
    this.names.set(market.feeRecipientAddress, "the fee recipient");
    this.names.set(market.loaderAddress, "the loader (keeper)");
  }

  private move(token: 0 | 1, from: string, to: string, amount: bigint): void {
    const [f, t] = [holding(token, from), holding(token, to)];
    this.balances.set(f, (this.balances.get(f) ?? 0n) - amount);
    this.balances.set(t, (this.balances.get(t) ?? 0n) + amount);
  }

  private credit(token: 0 | 1, to: string, amount: bigint): void {
    const key = holding(token, to);
    this.credits.set(key, (this.credits.get(key) ?? 0n) + amount);
  }

  /** Orders placed from the wallets; cancelled ones got their escrow back in their account at once. */
  place(orders: readonly LoadedOrder[], model: ClearingResult): void {
    const trading = this.market.tradingAddress;
    for (const o of orders) {
      const escrow = model.outcomes.get(o.id)?.escrow ?? 0n;
      const token = o.side === Side.Buy ? 1 : 0;
      const owner = this.market.traderAddresses[o.trader];
      this.move(token, owner, trading, escrow);
      if (o.cancelled === true) this.credit(token, owner, escrow);
    }
  }

  /** An epoch settled: GRID bought delivered, refunds and proceeds credited, fees and rounding credited. */
  settle(orders: readonly LoadedOrder[], model: ClearingResult): void {
    const trading = this.market.tradingAddress;
    for (const o of orders) {
      const out = model.outcomes.get(o.id);
      if (o.cancelled === true || out === undefined) continue;
      const owner = this.market.traderAddresses[o.trader];
      if (o.side === Side.Buy) {
        this.move(0, trading, owner, out.filled);
        this.credit(1, owner, out.refund);
      } else {
        this.credit(1, owner, out.payment);
        this.credit(0, owner, out.refund);
      }
    }
    this.credit(1, this.market.feeRecipientAddress, model.feeCredit);
  }

  /** Moves `amount` of `token` from `owner`'s wallet into its account (a deposit). */
  deposit(token: 0 | 1, owner: string, amount: bigint): void {
    this.move(token, owner, this.market.tradingAddress, amount);
    this.credit(token, owner, amount);
  }

  /** Moves `owner`'s whole account balance in `token` to its wallet (a withdrawal); returns it. */
  withdraw(token: 0 | 1, owner: string): bigint {
    const amount = this.credits.get(holding(token, owner)) ?? 0n;
    this.credits.set(holding(token, owner), 0n);
    this.move(token, this.market.tradingAddress, owner, amount);
    return amount;
  }

  private name(key: string): string {
    const [token, account] = key.split(":");
    return `${token === "0" ? "GRID" : "payment token"} of ${this.names.get(account) ?? account}`;
  }

  /** Differences from the figures `state` holds, one line each (empty when they match). */
  diff(state: Pick<MarketState, "balances" | "credits">): string[] {
    const lines: string[] = [];
    for (const [key, value] of state.balances) {
      const expected = this.balances.get(key) ?? 0n;
      if (value !== expected) lines.push(`balance ${this.name(key)}: chain ${value}, model ${expected}`);
    }
    for (const [key, value] of state.credits) {
      const expected = this.credits.get(key) ?? 0n;
      if (value !== expected) lines.push(`credit ${this.name(key)}: chain ${value}, model ${expected}`);
    }
    return lines;
  }

  /**
   * Differences in holdings: per account of {BookMarket.accounts} and token, wallet plus market account; for
   * Trading, its balance less the accounts' balances (the escrow of open orders and what an epoch being
   * settled owes). `state` must hold the balances and credits of every account.
   */
  diffHoldings(state: Pick<MarketState, "balances" | "credits">): string[] {
    const lines: string[] = [];
    const trading = this.market.tradingAddress;
    for (const token of [0, 1] as const) {
      const held = (balances: Map<string, bigint>, credits: Map<string, bigint>, account: string): bigint => {
        const key = holding(token, account);
        if (account !== trading) return (balances.get(key) ?? 0n) + (credits.get(key) ?? 0n);
        let owed = 0n;
        for (const a of this.market.accounts) owed += credits.get(holding(token, a)) ?? 0n;
        return (balances.get(key) ?? 0n) - owed;
      };
      for (const account of this.market.accounts) {
        const chain = held(state.balances, state.credits, account);
        const model = held(this.balances, this.credits, account);
        if (chain !== model)
          lines.push(`holding ${this.name(holding(token, account))}: chain ${chain}, model ${model}`);
      }
    }
    return lines;
  }

  /** Takes the chain's figures as the new baseline (after a reported difference). */
  resync(state: Pick<MarketState, "balances" | "credits">): void {
    for (const [key, value] of state.balances) this.balances.set(key, value);
    for (const [key, value] of state.credits) this.credits.set(key, value);
  }
}
