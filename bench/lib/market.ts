import { AbiCoder, Signature } from "ethers";

import { domainOf, signPermit } from "../../lib/eip712";
import { Side, Work } from "../../lib/enums";
import { drainUpkeeps, type UpkeepPort } from "../../lib/keeper";
import { epochAt, epochStartOf } from "../../lib/market";
import type { Mined, RpcDriver as Chain, TxRequest } from "../../lib/rpc";
import { parseEvents } from "../../lib/tx";
import { buyEscrow, WH } from "../../lib/units";
import type { Actor } from "./actors";
import { MARKET, type Suite } from "./deploy";
/** A permit deadline far beyond any benchmark block (fixed, so calldata is reproducible). */
const PERMIT_DEADLINE = 4_000_000_000n;

/** One order to place: `wh` watt-hours at price level `level` (price = level × tick). */
export interface OrderSpec {
  actor: Actor;
  side: Side;
  wh: bigint;
  level: number;
}

/** What the keeper path did for one epoch. */
export interface UpkeepRun {
  calls: { gasUsed: number; work: string; hash: string }[];
  totalGas: number;
}

/**
 * Market actions as transactions: orders (wallet escrow or EIP-2612 permit), cancellations, direct clearing calls
 * and the OracleClient keeper path, plus the epoch clock.
 */
export class Market {
  /** Orders each account placed so far (every order transaction the benchmark builds is sent). */
  private readonly placed = new Map<string, number>();

  constructor(
    private readonly chain: Chain,
    private readonly suite: Suite,
    readonly keeper: string,
  ) {}

  // ───────────────────────────────────────── EPOCHS ─────────────────────────────────────────

  epochOf(timestamp: number): number {
    return epochAt(timestamp, this.suite.genesis, MARKET.epochLength);
  }

  epochStart(epoch: number): number {
    return epochStartOf(epoch, this.suite.genesis, MARKET.epochLength);
  }

  epochEnd(epoch: number): number {
    return this.epochStart(epoch + 1);
  }

  /** Moves the clock to one second into the next epoch and returns that epoch. */
  enterNextEpoch(): number {
    const epoch = this.epochOf(this.chain.now()) + 1;
    this.chain.jumpTo(this.epochStart(epoch) + 1);
    return epoch;
  }

  /** Mines an empty block at the gate closure of `epoch`, so it can be cleared. */
  async closeEpoch(epoch: number): Promise<void> {
    const end = this.epochEnd(epoch);
    if (this.chain.now() >= end) throw new Error(`epoch ${epoch} ran out of time: raise the clock budget`);
    this.chain.jumpTo(end);
    await this.chain.mineNext();
  }

  // ───────────────────────────────────────── ORDERS ─────────────────────────────────────────

  orderTx(spec: OrderSpec): TxRequest {
    this.count(spec.actor);
    const args: [bigint, bigint] = [spec.wh * WH, BigInt(spec.level) * MARKET.tickSize];
    const { interface: trading } = this.suite.trading;
    return this.tradingTx(
      spec.actor.address,
      spec.side === Side.Buy
        ? trading.encodeFunctionData("createBuyOrder", args)
        : trading.encodeFunctionData("createSellOrder", args),
      500_000,
    );
  }

  /** An order with an EIP-2612 permit of exactly the escrow, signed by the user's key. */
  async permitOrderTx(spec: OrderSpec): Promise<TxRequest> {
    this.count(spec.actor);
    const { gridToken, paymentToken, addresses, trading } = this.suite;
    const price = BigInt(spec.level) * MARKET.tickSize;
    const buy = spec.side === Side.Buy;
    const token = buy ? paymentToken : gridToken;
    const value = buy ? buyEscrow(spec.wh * WH, price) : spec.wh * WH;
    const signature = Signature.from(
      await signPermit(spec.actor.wallet, await domainOf(token), {
        owner: spec.actor.address,
        spender: addresses.trading,
        value,
        nonce: await token.nonces(spec.actor.address),
        deadline: PERMIT_DEADLINE,
      }),
    );
    const args: [bigint, bigint, bigint, number, string, string] = [
      spec.wh * WH,
      price,
      PERMIT_DEADLINE,
      signature.v,
      signature.r,
      signature.s,
    ];
    return {
      from: spec.actor.address,
      to: addresses.trading,
      data: buy
        ? trading.interface.encodeFunctionData("createBuyOrderWithPermit", args)
        : trading.interface.encodeFunctionData("createSellOrderWithPermit", args),
      gas: 500_000,
    };
  }

  ordersPlaced(actor: Actor): number {
    return this.placed.get(actor.address) ?? 0;
  }

  private count(actor: Actor): void {
    this.placed.set(actor.address, (this.placed.get(actor.address) ?? 0) + 1);
  }

  /**
   * `count` users from `pool` whose numbers of past orders are spread evenly modulo 12 (round robin over the
   * residues, in pool order within each). Per-user storage that packs 1, 2, 3, 4 or 6 entries per word then opens
   * new words at its long-run rate in the sample, instead of at a rate set by the accidents of the users' history.
   */
  pickBalanced(pool: readonly Actor[], count: number): Actor[] {
    const buckets: Actor[][] = Array.from({ length: 12 }, () => []);
    for (const actor of pool) buckets[this.ordersPlaced(actor) % 12].push(actor);
    const picked: Actor[] = [];
    for (let round = 0; picked.length < count; ++round) {
      let took = false;
      for (const bucket of buckets) {
        if (round < bucket.length && picked.length < count) {
          picked.push(bucket[round]);
          took = true;
        }
      }
      if (!took) throw new Error(`the pool has fewer than ${count} users`);
    }
    return picked;
  }

  /** Places one order alone in a block and returns its receipt and order id. */
  async place(spec: OrderSpec): Promise<{ mined: Mined; orderId: bigint }> {
    const mined = await this.chain.exec(this.orderTx(spec));
    return { mined, orderId: this.orderIdOf(mined) };
  }

  /** Places many orders through the mempool, in as few blocks as they fit. */
  async placeMany(specs: OrderSpec[]): Promise<Mined[]> {
    return this.chain.execMany(specs.map((s) => this.orderTx(s)));
  }

  /** Several orders of one user in one `createOrders` transaction. */
  ordersTx(actor: Actor, specs: Omit<OrderSpec, "actor">[]): TxRequest {
    for (let i = 0; i < specs.length; ++i) this.count(actor);
    const requests = specs.map((spec) => ({
      side: spec.side,
      amount: spec.wh * WH,
      price: BigInt(spec.level) * MARKET.tickSize,
    }));
    return this.tradingTx(
      actor.address,
      this.suite.trading.interface.encodeFunctionData("createOrders", [requests]),
      2_000_000,
    );
  }

  cancelManyTx(actor: Actor, orderIds: bigint[]): TxRequest {
    return this.tradingTx(
      actor.address,
      this.suite.trading.interface.encodeFunctionData("cancelOrders", [orderIds]),
      1_000_000,
    );
  }

  /** `setKeepsBoughtGrid(keeps)` by `actor`. */
  keepTx(actor: Actor, keeps: boolean): TxRequest {
    return this.tradingTx(
      actor.address,
      this.suite.trading.interface.encodeFunctionData("setKeepsBoughtGrid", [keeps]),
      100_000,
    );
  }

  /** `deposit` or `withdraw` of `amount` of `token` by `actor`. */
  accountTx(actor: string, what: "deposit" | "withdraw", token: string, amount: bigint): TxRequest {
    return this.tradingTx(
      actor,
      what === "deposit"
        ? this.suite.trading.interface.encodeFunctionData("deposit", [token, amount])
        : this.suite.trading.interface.encodeFunctionData("withdraw", [token, amount]),
      200_000,
    );
  }

  /** A transaction from `from` to Trading. */
  private tradingTx(from: string, data: string, gas: number): TxRequest {
    return { from, to: this.suite.addresses.trading, data, gas };
  }

  orderIdsOf(mined: Mined): bigint[] {
    return parseEvents(mined.logs, this.suite.trading, "OrderCreated").map(({ args }) => args.orderId as bigint);
  }

  async orderCount(epoch: number): Promise<number> {
    return Number((await this.epochResult(epoch)).orderCount);
  }

  /** `getEpochResult(epoch)`, read with a plain call. */
  async epochResult(epoch: number) {
    const { trading, addresses } = this.suite;
    const raw = await this.chain.call(
      addresses.trading,
      trading.interface.encodeFunctionData("getEpochResult", [epoch]),
    );
    const [result] = trading.interface.decodeFunctionResult("getEpochResult", raw);
    return result;
  }

  cancelTx(actor: Actor, orderId: bigint): TxRequest {
    return this.tradingTx(
      actor.address,
      this.suite.trading.interface.encodeFunctionData("cancelOrder", [orderId]),
      300_000,
    );
  }

  orderIdOf(mined: Mined): bigint {
    for (const log of mined.logs) {
      const parsed = this.suite.trading.interface.parseLog(log);
      if (parsed?.name === "OrderCreated") return parsed.args.orderId as bigint;
    }
    throw new Error(`no OrderCreated in ${mined.hash}`);
  }

  // ──────────────────────────────────────── CLEARING ────────────────────────────────────────

  /** `matchOrders` by a keeper account (permissionless). Returns the receipt and the levels it walked. */
  /** The calldata of a `matchOrders(epoch, maxSteps)` call. */
  matchOrdersCalldata(epoch: number, maxSteps: number): string {
    return this.suite.trading.interface.encodeFunctionData("matchOrders", [epoch, maxSteps]);
  }

  async matchOrders(epoch: number, maxSteps: number): Promise<{ mined: Mined; levels: number; done: boolean }> {
    const mined = await this.chain.exec(
      this.tradingTx(this.keeper, this.matchOrdersCalldata(epoch, maxSteps), 16_000_000),
    );
    for (const log of mined.logs) {
      const parsed = this.suite.trading.interface.parseLog(log);
      if (parsed?.name === "MatchProgressed") {
        return { mined, levels: Number(parsed.args.levels), done: parsed.args.done as boolean };
      }
    }
    throw new Error(`no MatchProgressed in ${mined.hash}`);
  }

  /** `executeTrades` by a keeper account. */
  async executeTrades(epoch: number, maxOrders: number): Promise<Mined> {
    return this.chain.exec(
      this.tradingTx(
        this.keeper,
        this.suite.trading.interface.encodeFunctionData("executeTrades", [epoch, maxOrders]),
        16_000_000,
      ),
    );
  }

  /**
   * The keeper path: `checkUpkeep` (a view) then `performUpkeep(performData)` by an oracle operator, until no work
   * is due. Each call gets a 5,000,000 gas limit, the `maxPerformGas` of Chainlink's registries.
   */
  async runUpkeeps(): Promise<UpkeepRun> {
    const { oracleClient, addresses, admin } = this.suite;
    const port: UpkeepPort<Mined> = {
      check: async () => {
        const [needed, performData] = oracleClient.interface.decodeFunctionResult(
          "checkUpkeep",
          await this.chain.call(
            addresses.oracleClient,
            oracleClient.interface.encodeFunctionData("checkUpkeep", ["0x"]),
          ),
        ) as unknown as [boolean, string];
        return { needed, performData };
      },
      perform: (performData) =>
        this.chain.exec({
          from: admin,
          to: addresses.oracleClient,
          data: oracleClient.interface.encodeFunctionData("performUpkeep", [performData]),
          gas: 5_000_000,
        }),
    };
    const run: UpkeepRun = { calls: [], totalGas: 0 };
    for (const mined of await drainUpkeeps(port, 100)) {
      const work = parseEvents(mined.logs, oracleClient, "UpkeepPerformed")
        .map(({ args }) => (Number(args.work) === Work.Match ? "match" : "settle"))
        .join("+");
      run.calls.push({ gasUsed: mined.gasUsed, work, hash: mined.hash });
      run.totalGas += mined.gasUsed;
    }
    return run;
  }

  async epochStatus(epoch: number): Promise<number> {
    return Number((await this.epochResult(epoch)).status);
  }

  /** The free balance of `token` in the market account of `account`. */
  async accountBalance(account: string, token: string): Promise<bigint> {
    const { trading, addresses } = this.suite;
    const raw = await this.chain.call(
      addresses.trading,
      trading.interface.encodeFunctionData("accountBalance", [account, token]),
    );
    return AbiCoder.defaultAbiCoder().decode(["uint256"], raw)[0] as bigint;
  }
}
