import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Signature } from "ethers";

import { Campus, UserType, makeActor, meterIdOf, type Actor, type ReadingTuple } from "./actors";
import { Chain, type Mined, type TxRequest } from "./chain";
import { deploySuite, type Suite } from "./deploy";
import { EPOCH_SETTLED, Market, Side, type OrderSpec, type UpkeepRun } from "./market";
import { fitLine, sum } from "./stats";

/** The benchmark's fixed start: an epoch boundary in 2065, so no machine's clock is ever past it. */
const T0 = 2_999_999_700;
const BLOCK_GAS_LIMIT = 100_000_000;
const POOL = 500;
const PAYMENT_PER_USER = 1_000_000n * 10n ** 6n; // 1,000,000 USDC
const GRID_PER_USER_WH = 150_000n; // 150 kWh
/** Users' past order counts are spread over this many phases (see {@link Bench.history}). */
const PHASES = 4;
/** Scaling books: (orders, price levels). 10 orders cannot span 100 levels. */
export const SCALING_BOOKS: [number, number][] = [
  [10, 1],
  [10, 10],
  [100, 1],
  [100, 10],
  [100, 100],
  [1000, 1],
  [1000, 10],
  [1000, 100],
];
export const END_TO_END_BOOK: [number, number] = [200, 10];

export interface MatchPoint {
  layout: "dense" | "spread";
  levelsPerSide: number;
  levelsWalked: number;
  gasUsed: number;
}

export interface ScalingRow {
  orders: number;
  levels: number;
  createGas: number;
  clearingGas: number;
  totalGas: number;
  gasPerOrder: number;
  createPerOrder: number;
  clearingPerOrder: number;
  upkeepCalls: number;
  largestUpkeep: number;
  upkeeps: { gasUsed: number; work: string; hash: string }[];
}

export interface Measurements {
  /** Gas (and bytes) per metric key; every one is "lower is better". */
  metrics: Record<string, number>;
  /** The transaction behind each metric measured on a single transaction (for gas breakdowns). */
  transactions: Record<string, string>;
  chain: Chain;
  labels: Record<string, string>;
  matchPoints: MatchPoint[];
  settlementSlices: { what: string; orders: number; gasUsed: number }[];
  scaling: ScalingRow[];
  endToEnd: ScalingRow;
}

/**
 * Runs every measurement on a fresh in-process network. `log` receives progress lines.
 * The network must be Hardhat's in-process one: the benchmark drives its clock and mines its blocks.
 */
export async function measure(hre: HardhatRuntimeEnvironment, log: (line: string) => void): Promise<Measurements> {
  if (hre.network.name !== "hardhat")
    throw new Error("run the benchmark on the in-process network (--network hardhat)");
  const bench = new Bench(hre, log);
  await bench.setup();
  await bench.registryAndReadings();
  await bench.matching();
  await bench.settlement();
  await bench.orders();
  await bench.history();
  await bench.scalingRuns();
  await bench.withdraw();
  return bench.result();
}

class Bench {
  private readonly chain: Chain;
  private suite!: Suite;
  private market!: Market;
  private campus!: Campus;
  private readonly metrics: Record<string, number> = {};
  private readonly transactions: Record<string, string> = {};
  private readonly matchPoints: MatchPoint[] = [];
  private readonly settlementSlices: Measurements["settlementSlices"] = [];
  private readonly scaling: ScalingRow[] = [];
  private endToEnd?: ScalingRow;
  private prosumers: Actor[] = [];
  private consumers: Actor[] = [];
  private permitUsers: Actor[] = [];
  private novices: Actor[] = [];
  private freshBuyers: Actor[] = [];
  private readonly started = Date.now();

  constructor(
    private readonly hre: HardhatRuntimeEnvironment,
    private readonly log: (line: string) => void,
  ) {
    this.chain = new Chain(hre.network.provider);
  }

  private record(key: string, gas: number, mined?: Mined): void {
    if (key in this.metrics) throw new Error(`metric ${key} recorded twice`);
    this.metrics[key] = Math.round(gas);
    if (mined !== undefined) this.transactions[key] = mined.hash;
  }

  private progress(what: string): void {
    this.log(`[${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)} s] ${what}`);
  }

  // ───────────────────────────────────────── SET-UP ─────────────────────────────────────────

  async setup(): Promise<void> {
    await this.chain.rpc("evm_setNextBlockTimestamp", [T0 + 1]);
    this.suite = await deploySuite(this.hre);
    await this.chain.configure(BLOCK_GAS_LIMIT);
    const keeper = makeActor("keeper", UserType.None);
    await this.chain.unlock([keeper.address]);
    this.market = new Market(this.chain, this.suite, keeper.address);
    this.campus = new Campus(this.chain, this.suite);

    this.prosumers = Array.from({ length: POOL }, (_, i) => makeActor(`p${i}`, UserType.Prosumer));
    this.consumers = Array.from({ length: POOL }, (_, i) => makeActor(`c${i}`, UserType.Consumer));
    this.permitUsers = [makeActor("permit-p", UserType.Prosumer), makeActor("permit-c", UserType.Consumer)];
    this.novices = [makeActor("novice-p", UserType.Prosumer), makeActor("novice-c", UserType.Consumer)];
    this.freshBuyers = Array.from({ length: 12 }, (_, i) => makeActor(`fresh${i}`, UserType.Consumer));
    const funded = { gridWh: GRID_PER_USER_WH, payment: PAYMENT_PER_USER };
    await this.campus.onboard([...this.prosumers, ...this.consumers, ...this.novices], { ...funded, approve: true });
    await this.campus.onboard(this.permitUsers, funded);
    await this.campus.onboard(this.freshBuyers, { payment: PAYMENT_PER_USER, approve: true });
    // The fee recipient (the admin) holds the payment token, as any operator account would.
    await this.chain.exec({
      from: this.suite.admin,
      to: this.suite.addresses.paymentToken,
      data: this.suite.paymentToken.interface.encodeFunctionData("mint", [this.suite.admin, PAYMENT_PER_USER]),
    });
    this.progress(`deployed and onboarded ${2 * POOL + 16} users with meters, GRID and USDC`);
  }

  // ──────────────────────────────────── REGISTRY, READINGS ────────────────────────────────────

  async registryAndReadings(): Promise<void> {
    const { registry, oracleClient, addresses, admin } = this.suite;
    const newcomer = makeActor("newcomer", UserType.Prosumer);
    await this.chain.unlock([newcomer.address]);
    const regulatorTx = (data: string) => ({ from: admin, to: addresses.registry, data, gas: 300_000 });

    let mined = await this.chain.exec(
      regulatorTx(
        registry.interface.encodeFunctionData("registerUser", [
          newcomer.address,
          UserType.Prosumer,
          "Building 12, Flat 3B",
        ]),
      ),
    );
    this.record("registry.registerUser", mined.gasUsed, mined);
    newcomer.meterId = meterIdOf("newcomer-a");
    mined = await this.chain.exec(
      regulatorTx(registry.interface.encodeFunctionData("assignMeter", [newcomer.meterId, newcomer.address])),
    );
    this.record("registry.assignMeter.first", mined.gasUsed, mined);
    mined = await this.chain.exec(
      regulatorTx(registry.interface.encodeFunctionData("assignMeter", [meterIdOf("newcomer-b"), newcomer.address])),
    );
    this.record("registry.assignMeter.next", mined.gasUsed, mined);
    const newcomerSigner = makeActor("newcomer-signer", UserType.None);
    mined = await this.chain.exec(
      regulatorTx(registry.interface.encodeFunctionData("setMeterSigner", [newcomer.meterId, newcomerSigner.address])),
    );
    this.record("registry.setMeterSigner", mined.gasUsed, mined);

    // Readings: the operator's batch (single, 10, 100), the signed path and request/fulfil.
    const readings = async (actors: Actor[], exportWh: bigint, importWh: bigint): Promise<Mined> => {
      const readAt = this.chain.now() + 1;
      return this.chain.exec(
        this.campus.readingsTx(actors.map((a) => this.campus.nextReading(a, exportWh, importWh, readAt))),
      );
    };
    this.record("oracle.submitReadings.baseline", (await readings([newcomer], 0n, 0n)).gasUsed);
    this.chain.jumpTo(this.chain.now() + 900);
    this.record("oracle.submitReadings.firstMint", (await readings([newcomer], 1_000n, 0n)).gasUsed);

    const p = this.prosumers;
    const single = await readings([p[0]], 1_000n, 0n);
    this.record("oracle.submitReadings.batch1", single.gasUsed, single);
    this.record("oracle.submitReadings.batch10.perReading", (await readings(p.slice(1, 11), 1_000n, 0n)).gasUsed / 10);
    const batch100 = await readings(p.slice(11, 111), 1_000n, 0n);
    this.record("oracle.submitReadings.batch100.total", batch100.gasUsed, batch100);
    this.record("oracle.submitReadings.batch100.perReading", batch100.gasUsed / 100);
    const mintBurn = await readings(p.slice(111, 211), 1_000n, 400n);
    this.record("oracle.submitReadings.batch100MintAndBurn.perReading", mintBurn.gasUsed / 100);

    // Signed readings: each meter has its own signing key; a relayer (not an operator) submits.
    const signed = this.consumers.slice(0, 101);
    const signers = new Map(signed.map((a) => [a.meterId!, makeActor(`${a.label}-signer`, UserType.None)]));
    await this.chain.execMany(
      signed.map((a) =>
        regulatorTx(
          registry.interface.encodeFunctionData("setMeterSigner", [a.meterId!, signers.get(a.meterId!)!.address]),
        ),
      ),
    );
    const relayer = makeActor("relayer", UserType.None);
    await this.chain.unlock([relayer.address]);
    const domain = await oracleClient.eip712Domain();
    const signedBatch = async (actors: Actor[]): Promise<Mined> => {
      const readAt = this.chain.now() + 1;
      const batch: ReadingTuple[] = actors.map((a) => this.campus.nextReading(a, 1_000n, 0n, readAt));
      const signatures: string[] = [];
      for (const reading of batch) {
        const signature = await signers.get(reading.meterId)!.wallet.signTypedData(
          {
            name: domain.name,
            version: domain.version,
            chainId: domain.chainId,
            verifyingContract: domain.verifyingContract,
          },
          {
            MeterReading: [
              { name: "meterId", type: "bytes32" },
              { name: "exportWh", type: "uint64" },
              { name: "importWh", type: "uint64" },
              { name: "readAt", type: "uint64" },
            ],
          },
          reading,
        );
        signatures.push(Signature.from(signature).serialized);
      }
      return this.chain.exec({
        from: relayer.address,
        to: addresses.oracleClient,
        data: oracleClient.interface.encodeFunctionData("submitSignedReadings", [batch, signatures]),
        gas: 15_000_000,
      });
    };
    this.record("oracle.submitSignedReadings.batch1", (await signedBatch(signed.slice(0, 1))).gasUsed);
    this.record(
      "oracle.submitSignedReadings.batch100.perReading",
      (await signedBatch(signed.slice(1, 101))).gasUsed / 100,
    );

    // Request / fulfil: the meter's owner asks, the operator answers.
    const owner = this.consumers[101];
    mined = await this.chain.exec({
      from: owner.address,
      to: addresses.oracleClient,
      data: oracleClient.interface.encodeFunctionData("requestEnergyData", [owner.meterId!]),
      gas: 300_000,
    });
    this.record("oracle.requestEnergyData", mined.gasUsed, mined);
    const requested = mined.logs
      .map((l) => oracleClient.interface.parseLog(l))
      .find((l) => l?.name === "EnergyDataRequested");
    const readAt = this.chain.now() + 1;
    mined = await this.chain.exec({
      from: admin,
      to: addresses.oracleClient,
      data: oracleClient.interface.encodeFunctionData("fulfillEnergyData", [
        requested!.args.requestId as bigint,
        this.campus.nextReading(owner, 1_000n, 0n, readAt),
      ]),
      gas: 500_000,
    });
    this.record("oracle.fulfillEnergyData", mined.gasUsed, mined);
    this.progress("registry operations and meter readings");
  }

  // ───────────────────────────────────────── ORDERS ─────────────────────────────────────────

  /**
   * Order placement and cancellation in one epoch, by users who already traded in earlier epochs (the matching
   * and settlement epochs ran first) unless the variant says otherwise. "steady" is the mean over 12 consecutive
   * orders of one user at a price level already used in the epoch, after its first order there: per-user storage
   * that fills up in words (e.g. a list of order ids) shows up in the mean and in "steadyMax", not by luck of phase.
   */
  async orders(): Promise<void> {
    const [p, c] = [this.prosumers, this.consumers];
    const [noviceSeller, noviceBuyer] = this.novices;
    const [permitSeller, permitBuyer] = this.permitUsers;
    const epoch = this.market.enterNextEpoch();
    const sell = (actor: Actor, level: number): OrderSpec => ({ actor, side: Side.Sell, wh: 1_000n, level });
    const buy = (actor: Actor, level: number): OrderSpec => ({ actor, side: Side.Buy, wh: 1_000n, level });
    const placed = async (key: string, spec: OrderSpec) => {
      const { mined, orderId } = await this.market.place(spec);
      this.record(key, mined.gasUsed, mined);
      return orderId;
    };
    const series = async (key: string, count: number, tx: () => Promise<TxRequest>) => {
      const gas: number[] = [];
      const ids: bigint[] = [];
      for (let i = 0; i < count; ++i) {
        const mined = await this.chain.exec(await tx());
        if (i === 0) this.transactions[key] = mined.hash;
        gas.push(mined.gasUsed);
        ids.push(this.market.orderIdOf(mined));
      }
      this.record(key, sum(gas) / count);
      this.record(`${key}Max`, Math.max(...gas));
      return ids;
    };

    await placed("trading.createSellOrder.epochFirst", sell(p[0], 1000));
    await placed("trading.createBuyOrder.sideFirst", buy(c[0], 1200));
    await placed("trading.createSellOrder.newLevel", sell(p[1], 1001));
    await placed("trading.createBuyOrder.newLevel", buy(c[1], 1201));
    await placed("trading.createSellOrder.userFirstEver", sell(noviceSeller, 1000));
    await placed("trading.createBuyOrder.userFirstEver", buy(noviceBuyer, 1200));
    await this.market.place(sell(p[2], 1000));
    await this.market.place(buy(c[2], 1200));
    const sells = await series("trading.createSellOrder.steady", 12, async () => this.market.orderTx(sell(p[2], 1000)));
    const buys = await series("trading.createBuyOrder.steady", 12, async () => this.market.orderTx(buy(c[2], 1200)));

    // Permit users never approved Trading: each order carries an EIP-2612 permit of exactly its escrow.
    const permitFirst = async (key: string, spec: OrderSpec) => {
      const mined = await this.chain.exec(await this.market.permitOrderTx(spec));
      this.record(key, mined.gasUsed, mined);
    };
    await permitFirst("trading.createSellOrderWithPermit.userFirstEver", sell(permitSeller, 1000));
    await permitFirst("trading.createBuyOrderWithPermit.userFirstEver", buy(permitBuyer, 1200));
    await series("trading.createSellOrderWithPermit.steady", 12, () =>
      this.market.permitOrderTx(sell(permitSeller, 1000)),
    );
    await series("trading.createBuyOrderWithPermit.steady", 12, () =>
      this.market.permitOrderTx(buy(permitBuyer, 1200)),
    );

    let mined = await this.chain.exec(this.market.cancelTx(c[2], buys[0]));
    this.record("trading.cancelOrder.buy", mined.gasUsed, mined);
    mined = await this.chain.exec(this.market.cancelTx(p[2], sells[0]));
    this.record("trading.cancelOrder.sell", mined.gasUsed, mined);

    await this.market.closeEpoch(epoch);
    await this.clearDirect(epoch);
    this.progress("order placement and cancellation");
  }

  // ──────────────────────────────────────── MATCHING ────────────────────────────────────────

  /** Fully crossing books (every bid above every ask, 1 kWh per level): the walk visits every level. */
  async matching(): Promise<void> {
    const runs: {
      layout: MatchPoint["layout"];
      perSide: number;
      askLevel: (k: number) => number;
      bidLevel: (k: number) => number;
    }[] = [
      ...[1, 10, 100].map((n) => ({
        layout: "dense" as const,
        perSide: n,
        askLevel: (k: number) => 1000 + k,
        bidLevel: (k: number) => 1000 + n + k,
      })),
      // The same 100 + 100 levels spread over the whole price range (one level every 50 ticks).
      { layout: "spread", perSide: 100, askLevel: (k) => 1 + 50 * k, bidLevel: (k) => 5001 + 50 * k },
    ];
    for (const run of runs) {
      const epoch = this.market.enterNextEpoch();
      const specs: OrderSpec[] = [];
      for (let k = 0; k < run.perSide; ++k) {
        specs.push({ actor: this.prosumers[k], side: Side.Sell, wh: 1_000n, level: run.askLevel(k) });
        specs.push({ actor: this.consumers[k], side: Side.Buy, wh: 1_000n, level: run.bidLevel(k) });
      }
      await this.market.placeMany(specs);
      await this.market.closeEpoch(epoch);
      const { mined, levels, done } = await this.market.matchOrders(epoch, 1_000);
      if (!done) throw new Error("matching did not finish in one call");
      this.matchPoints.push({
        layout: run.layout,
        levelsPerSide: run.perSide,
        levelsWalked: levels,
        gasUsed: mined.gasUsed,
      });
      this.record(`trading.matchOrders.${run.layout}${run.perSide}`, mined.gasUsed, mined);
      await this.clearDirect(epoch);
    }
    const dense = this.matchPoints
      .filter((m) => m.layout === "dense")
      .map((m) => ({ x: m.levelsWalked, y: m.gasUsed }));
    const fit = fitLine(dense);
    this.record("trading.matchOrders.fixed", fit.fixed);
    // What a matchOrders call costs beyond the transaction's intrinsic gas (21,000 plus calldata): its cost as
    // a step inside performUpkeep, which is how the keeper runs it.
    const calldata = this.market.matchOrdersCalldata(0, 1_000);
    this.record("trading.matchOrders.fixedInCall", fit.fixed - intrinsicGas(calldata));
    this.record("trading.matchOrders.perLevel", fit.slope);
    const spread = this.matchPoints.find((m) => m.layout === "spread")!;
    this.record("trading.matchOrders.perLevelSpread", (spread.gasUsed - fit.fixed) / spread.levelsWalked);
    this.progress("matching walks over 1, 10 and 100 levels per side");
  }

  // ─────────────────────────────────────── SETTLEMENT ───────────────────────────────────────

  /**
   * Two epochs laid out so that each kind of settlement occupies a run of consecutive order ids, settled by
   * `executeTrades` slices of 1 and 10 orders: the per-order cost is the difference over the 9 extra orders, the
   * call's fixed cost what remains of the 1-order slice.
   */
  async settlement(): Promise<void> {
    const [p, c, fresh] = [this.prosumers, this.consumers, this.freshBuyers];
    const order = (actor: Actor, side: Side, wh: bigint, level: number): OrderSpec => ({ actor, side, wh, level });
    const slices: { what: string; orders: number }[] = [];
    const plan: OrderSpec[] = [];
    const add = (what: string, specs: OrderSpec[], sliceSizes: number[]) => {
      plan.push(...specs);
      for (const orders of sliceSizes) slices.push({ what, orders });
    };

    // Epoch 1 — b* = a* = level 1100; the buy margin is partly filled. Each kind is settled by a warm-up call of
    // 1 order (unmeasured: one-off costs of the first call after another kind), then calls of 1 and 10 orders.
    add(
      "fullFillBuyFirstTimeHolder",
      fresh.map((a) => order(a, Side.Buy, 1_000n, 1200)),
      [1, 1, 10],
    );
    add(
      "fullFillBuy",
      c.slice(0, 12).map((a) => order(a, Side.Buy, 1_000n, 1200)),
      [1, 1, 10],
    );
    add(
      "fullFillSell",
      p.slice(0, 24).map((a) => order(a, Side.Sell, 1_000n, 1000)),
      [1, 1, 10, 12],
    );
    add("partialFillBuy", [order(c[12], Side.Buy, 2_000n, 1100)], [1]);
    add("marginSell", [order(p[24], Side.Sell, 1_000n, 1100)], [1]);
    add(
      "unfilledBuy",
      c.slice(13, 25).map((a) => order(a, Side.Buy, 1_000n, 1100)),
      [1, 1, 10],
    );
    add(
      "unfilledSell",
      p.slice(25, 37).map((a) => order(a, Side.Sell, 1_000n, 1300)),
      [1, 1, 10],
    );
    add("unfilledSellAndClose", [order(p[37], Side.Sell, 1_000n, 1300)], [1]);
    const first = await this.settleEpoch(plan, slices);

    const perOrder = (what: string) => (first.get(`${what}#10`)! - first.get(`${what}#1`)!) / 9;
    const fullBuy = perOrder("fullFillBuy");
    const fixed = first.get("fullFillBuy#1")! - fullBuy;
    this.record("trading.executeTrades.fixed", fixed);
    this.record("trading.executeTrades.fullFillBuy", fullBuy);
    this.record("trading.executeTrades.fullFillBuy.firstTimeHolder", perOrder("fullFillBuyFirstTimeHolder"));
    this.record("trading.executeTrades.fullFillSell", perOrder("fullFillSell"));
    this.record("trading.executeTrades.partialFillBuy", first.get("partialFillBuy#1")! - fixed);
    this.record("trading.executeTrades.unfilledBuy", perOrder("unfilledBuy"));
    this.record("trading.executeTrades.unfilledSell", perOrder("unfilledSell"));
    this.record(
      "trading.executeTrades.epochClose",
      first.get("unfilledSellAndClose#1")! - first.get("unfilledSell#1")!,
    );

    // Epoch 2 — the mirror image: the sell margin is partly filled.
    plan.length = 0;
    slices.length = 0;
    add(
      "crossing",
      [
        ...c.slice(0, 22).map((a) => order(a, Side.Buy, 1_000n, 1200)),
        ...p.slice(0, 22).map((a) => order(a, Side.Sell, 1_000n, 1000)),
      ],
      [44],
    );
    add("partialFillSell", [order(p[22], Side.Sell, 2_000n, 1100)], [1]);
    add("marginBuy", [order(c[22], Side.Buy, 1_000n, 1100)], [1]);
    add("unfilledBuyAndClose", [order(c[23], Side.Buy, 1_000n, 900)], [1]);
    const second = await this.settleEpoch(plan, slices);
    this.record("trading.executeTrades.partialFillSell", second.get("partialFillSell#1")! - fixed);
    this.progress("settlement per order (full, partial, unfilled)");
  }

  /** Places `plan` in a fresh epoch, matches it, settles it slice by slice; returns gas per `what#orders`. */
  private async settleEpoch(
    plan: OrderSpec[],
    slices: { what: string; orders: number }[],
  ): Promise<Map<string, number>> {
    if (sum(slices.map((s) => s.orders)) !== plan.length) throw new Error("slices do not cover the epoch");
    const epoch = this.market.enterNextEpoch();
    await this.market.placeMany(plan);
    await this.market.closeEpoch(epoch);
    if (!(await this.market.matchOrders(epoch, 1_000)).done) throw new Error("matching did not finish");
    // Per kind, the last call of each size counts (a kind's first 1-order call is its warm-up).
    const gas = new Map<string, number>();
    for (const slice of slices) {
      const mined = await this.market.executeTrades(epoch, slice.orders);
      const key = `${slice.what}#${slice.orders}`;
      gas.set(key, mined.gasUsed);
      this.transactions[`trading.executeTrades[${key}]`] = mined.hash;
      this.settlementSlices.push({ what: slice.what, orders: slice.orders, gasUsed: mined.gasUsed });
    }
    if ((await this.market.epochStatus(epoch)) !== EPOCH_SETTLED) throw new Error("epoch not settled");
    return gas;
  }

  // ───────────────────────────────────────── SCALING ────────────────────────────────────────

  /**
   * History, unmeasured: every pool user trades, ending with a number of past orders ≡ its index (mod 4). The
   * scaling books then see users who traded before, whose per-user storage (e.g. order-id lists packed several ids
   * per word) sits at every phase in equal shares: a book opens new words at the long-run rate, not at one set by
   * the users' identical histories. The 1,000-order books take every user (all shift alike); smaller books pick
   * users with {@link Market.pickBalanced}.
   */
  async history(): Promise<void> {
    const specs: OrderSpec[] = [];
    for (const [pool, side, level] of [
      [this.prosumers, Side.Sell, 1000],
      [this.consumers, Side.Buy, 1100],
    ] as [Actor[], Side, number][]) {
      pool.forEach((actor, k) => {
        const past = this.market.ordersPlaced(actor);
        let orders = (((k - past) % PHASES) + PHASES) % PHASES;
        if (orders === 0 && past === 0) orders = PHASES;
        for (let i = 0; i < orders; ++i) specs.push({ actor, side, wh: 100n, level });
      });
    }
    const epoch = this.market.enterNextEpoch();
    await this.market.placeMany(specs);
    await this.market.closeEpoch(epoch);
    await this.clearDirect(epoch);
    this.progress(`history: ${specs.length} orders`);
  }

  async scalingRuns(): Promise<void> {
    const largestFirst = [...SCALING_BOOKS].sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [orders, levels] of largestFirst) {
      const row = await this.scalingRun(orders, levels);
      this.scaling.push(row);
      const key = `scaling.o${orders}.l${levels}`;
      this.record(`${key}.gasPerOrder`, row.gasPerOrder);
      this.record(`${key}.createPerOrder`, row.createPerOrder);
      this.record(`${key}.clearingPerOrder`, row.clearingPerOrder);
      this.record(`${key}.upkeepCalls`, row.upkeepCalls);
      this.record(`${key}.largestUpkeep`, row.largestUpkeep);
      this.progress(`scaling: ${orders} orders over ${levels} levels, ${row.upkeepCalls} upkeeps`);
      if (orders === 1000 && levels === 100) this.recordUpkeepSlices(row);
    }
    this.scaling.sort((a, b) => a.orders - b.orders || a.levels - b.levels);
    const [orders, levels] = END_TO_END_BOOK;
    this.endToEnd = await this.scalingRun(orders, levels);
    this.record("endToEnd.o200.gasPerOrder", this.endToEnd.gasPerOrder);
    this.record("endToEnd.o200.createPerOrder", this.endToEnd.createPerOrder);
    this.record("endToEnd.o200.clearingPerOrder", this.endToEnd.clearingPerOrder);
    this.progress("end to end on a 200-order book");
  }

  private recordUpkeepSlices(row: ScalingRow): void {
    const [first, ...rest] = row.upkeeps;
    this.record("oracle.performUpkeep.matchThenSettle", first.gasUsed);
    this.transactions["oracle.performUpkeep.matchThenSettle"] = first.hash;
    const settles = rest.filter((u) => u.work === "settle");
    if (settles.length < 2) throw new Error("expected several settlement upkeeps");
    this.record("oracle.performUpkeep.settle100", settles[0].gasUsed);
    this.record("oracle.performUpkeep.settleLast", settles[settles.length - 1].gasUsed);
  }

  /**
   * One epoch of `orders` orders (half sells, half buys, alternating, each from a distinct existing holder whose
   * past order counts are spread evenly, see {@link Market.pickBalanced}) over
   * `levels` price levels (asks on the lower half, bids on the upper half: the book crosses everywhere, the walk
   * visits every level and nearly every order fills), cleared by the keeper path with the default batch sizes.
   */
  private async scalingRun(orders: number, levels: number): Promise<ScalingRow> {
    const perSide = Math.max(1, levels / 2);
    const sellers = this.market.pickBalanced(this.prosumers, orders / 2);
    const buyers = this.market.pickBalanced(this.consumers, orders / 2);
    const specs: OrderSpec[] = [];
    for (let k = 0; k < orders / 2; ++k) {
      const j = k % perSide;
      const askLevel = levels === 1 ? 1100 : 1000 + j;
      const bidLevel = levels === 1 ? 1100 : 1000 + perSide + j;
      specs.push({ actor: sellers[k], side: Side.Sell, wh: 1_000n + BigInt((k * 37) % 500), level: askLevel });
      specs.push({ actor: buyers[k], side: Side.Buy, wh: 1_000n + BigInt((k * 53) % 500), level: bidLevel });
    }
    const epoch = this.market.enterNextEpoch();
    const created = await this.market.placeMany(specs);
    await this.market.closeEpoch(epoch);
    const upkeep: UpkeepRun = await this.market.runUpkeeps();
    if ((await this.market.epochStatus(epoch)) !== EPOCH_SETTLED) throw new Error("upkeeps left the epoch unsettled");
    const createGas = sum(created.map((m) => m.gasUsed));
    const totalGas = createGas + upkeep.totalGas;
    return {
      orders,
      levels,
      createGas,
      clearingGas: upkeep.totalGas,
      totalGas,
      gasPerOrder: Math.round(totalGas / orders),
      createPerOrder: Math.round(createGas / orders),
      clearingPerOrder: Math.round(upkeep.totalGas / orders),
      upkeepCalls: upkeep.calls.length,
      largestUpkeep: Math.max(...upkeep.calls.map((u) => u.gasUsed)),
      upkeeps: upkeep.calls,
    };
  }

  // ───────────────────────────────────────── CREDITS ────────────────────────────────────────

  /** The fee recipient withdraws the rounding remainders the scaling epochs credited it. */
  async withdraw(): Promise<void> {
    const { trading, addresses, admin } = this.suite;
    if ((await this.market.credit(admin, addresses.paymentToken)) === 0n) throw new Error("no credit to withdraw");
    const mined = await this.chain.exec({
      from: admin,
      to: addresses.trading,
      data: trading.interface.encodeFunctionData("withdraw", [addresses.paymentToken]),
      gas: 200_000,
    });
    this.record("trading.withdraw", mined.gasUsed, mined);
  }

  // ───────────────────────────────────────── HELPERS ────────────────────────────────────────

  private async clearDirect(epoch: number): Promise<void> {
    for (let status = await this.market.epochStatus(epoch); status !== EPOCH_SETTLED;) {
      if (status === 4) await this.market.executeTrades(epoch, 150);
      else await this.market.matchOrders(epoch, 1_000);
      status = await this.market.epochStatus(epoch);
    }
  }

  async result(): Promise<Measurements> {
    for (const name of ["Registry", "GridToken", "OracleClient", "Trading"]) {
      const artifact = await this.hre.artifacts.readArtifact(name);
      const address = this.suite.addresses[(name[0].toLowerCase() + name.slice(1)) as keyof Suite["addresses"]];
      this.record(`bytecode.${name}.deployed`, ((await this.chain.code(address)).length - 2) / 2);
      this.record(`bytecode.${name}.initcode`, (artifact.bytecode.length - 2) / 2);
    }
    this.progress("done");
    return {
      metrics: this.metrics,
      transactions: this.transactions,
      chain: this.chain,
      labels: Object.fromEntries(
        Object.entries(this.suite.addresses).map(([label, address]) => [address.toLowerCase(), label]),
      ),
      matchPoints: this.matchPoints,
      settlementSlices: this.settlementSlices,
      scaling: this.scaling,
      endToEnd: this.endToEnd!,
    };
  }
}

/** The intrinsic gas of a transaction with `data` (EIP-2028 calldata pricing, no access list). */
function intrinsicGas(data: string): number {
  const bytes = Buffer.from(data.slice(2), "hex");
  let gas = 21_000;
  for (const b of bytes) gas += b === 0 ? 4 : 16;
  return gas;
}
