/**
 * Seeded property tests: random sequences of actions against the deployed system, with the ledger invariants of
 * test/helpers/invariants.ts checked after every step.
 *
 * Each run starts from the same deployed state (evm_snapshot / evm_revert), draws ≥ 30 actions — energy minted
 * to users, registrations and suspensions, orders on both sides (plain, with a valid permit, with an expired
 * permit, and malformed), batches of orders of mixed sides (`createOrders`), cancels by owners and by others,
 * one at a time and in batches (`cancelOrders`), deposits into market accounts (orders then reserve from the
 * account and pull only the shortfall from the wallet), whole and partial withdrawals, where bought GRID goes
 * (`setKeepsBoughtGrid`), time jumps, matching and settlement slices of random size (sometimes on the wrong
 * epoch), pauses of Trading and of GRID, parameter changes — and
 * predicts for each action either its exact effect or its exact custom error.
 *
 * Reproduce a failure with the seed fast-check prints: `PROPERTY_SEED=<seed> npx hardhat test <this file>`;
 * the shrunk action list is printed with it. `PROPERTY_RUNS` (25 in `npm test`, 200 with HEAVY=1 as `.ci/run` runs it) and `PROPERTY_DEPTH` (default 30,
 * the minimum number of actions per run) scale the search.
 */
import { expect } from "chai";
import fc from "fast-check";
import type {
  BaseContract,
  ContractTransactionReceipt,
  ContractTransactionResponse,
  HDNodeWallet,
  TypedDataDomain,
} from "ethers";
import { ethers, network } from "hardhat";
import type { Side } from "../../lib/enums";
import { fillOutcome } from "../../lib/quantities";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { MockUSDC } from "../../typechain-types";
import {
  BUY,
  CANCELLED,
  OPEN,
  SELL,
  SETTLED,
  ShadowLedger,
  type ShadowEpoch,
  type ShadowOrder,
  buyerCost,
  checkFillWithinLimits,
  clearBook,
  checkLedger,
  checkOrders,
  readSnapshot,
  sellerReceipt,
} from "../helpers/invariants";
import { METER_READING_TYPES, signPermit as signTokenPermit } from "../helpers/eip712";
import {
  CONSUMER,
  EPOCH_LENGTH,
  MAX_PRICE,
  PROSUMER,
  type System,
  TICK_SIZE,
  WH,
  deploySystem,
  mintByReadings,
} from "./system";

const RUNS = Number(process.env.PROPERTY_RUNS ?? (process.env.HEAVY === "1" ? 200 : 25));
const DEPTH = Number(process.env.PROPERTY_DEPTH ?? 30);
const SEED = process.env.PROPERTY_SEED !== undefined ? Number(process.env.PROPERTY_SEED) : 0x5ec0de;

const MAX_UINT = ethers.MaxUint256;
const INITIAL_USDC = 1_000n * 10n ** 6n;
const INITIAL_GRID = 100n * 10n ** 18n;

// ─────────────────────────────────────────── ACTIONS ───────────────────────────────────────────

type Action =
  | {
      k: "reading";
      meter: number;
      path: number;
      exportWh: number;
      importWh: number;
      /** 0 now; 1 replay of the meter's last reading; 2 in the future; 3 registers rolled back; 4 a small export
       * and an import of one Wh more than the owner then holds. */
      twist: number;
      forged: boolean;
      relayer: number;
    }
  | { k: "upkeep"; via: number; hint: string }
  | { k: "register"; user: number; prosumer: boolean }
  | { k: "status"; user: number; active: boolean }
  | {
      k: "order";
      user: number;
      side: number;
      wh: number;
      level: number;
      twist: number;
      permit: number;
    }
  | { k: "cancel"; pick: number; byOwner: boolean }
  | { k: "warp"; seconds: number }
  | { k: "match"; steps: number; wrongEpoch: boolean; caller: number }
  | { k: "execute"; orders: number; wrongEpoch: boolean; caller: number }
  | { k: "pause"; toggle: boolean; hold: number }
  | { k: "gridPause"; toggle: boolean; hold: number }
  | { k: "withdraw"; user: number; grid: boolean; part: number }
  | { k: "deposit"; user: number; grid: boolean; wh: number }
  | { k: "orders"; user: number; reqs: { side: number; wh: number; level: number }[] }
  | { k: "cancels"; picks: number[]; byOwner: boolean }
  | { k: "keeps"; user: number; keeps: boolean }
  | { k: "param"; which: number; value: number }
  | { k: "approve"; user: number }
  | { k: "fund"; user: number; amount: number };

/** Traders: 0–2 prosumers, 3–4 consumers, 5–6 newcomers (unregistered), 7 market maker, 8 treasury (fee recipient). */
const TRADERS = 9;
const anyUser = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(5, 6, 7, 8) },
  { weight: 1, arbitrary: fc.constant(7) },
);
const user = anyUser;
/** Sellers are mostly prosumers and the market maker. */
const seller = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1, 2, 7) }, { weight: 1, arbitrary: anyUser });
const newcomer = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(5, 6, 8) }, { weight: 1, arbitrary: anyUser });

const toggle = fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("reading" as const),
      // Meters 0–2 belong to the prosumers, 3–4 to the consumers, 5 to nobody.
      meter: fc.oneof(
        { weight: 10, arbitrary: fc.integer({ min: 0, max: 4 }) },
        { weight: 1, arbitrary: fc.constant(5) },
      ),
      // 0 operator batch, 1 signed batch relayed by anyone, 2 request + fulfil, 3 CRE report.
      path: fc.integer({ min: 0, max: 3 }),
      exportWh: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30_000 })),
      importWh: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
      twist: fc.oneof(
        { weight: 12, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
        { weight: 3, arbitrary: fc.constant(4) },
      ),
      forged: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      relayer: anyUser,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("upkeep" as const),
      // 0 the Automation forwarder, 1 an oracle operator, 2 a trader (refused), 3 a CRE clearing report.
      via: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 1 }) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
      ),
      // performData is an untrusted hint: random bytes.
      hint: fc.uint8Array({ maxLength: 64 }).map((b) => ethers.hexlify(b)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("register" as const),
      user: newcomer,
      prosumer: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("status" as const),
      user,
      active: fc.boolean(),
    }),
  },
  {
    weight: 12,
    arbitrary: fc.integer({ min: 0, max: 1 }).chain((side) =>
      fc.record({
        k: fc.constant("order" as const),
        user: side === 1 ? seller : anyUser,
        side: fc.constant(side),
        wh: fc.integer({ min: 10, max: 6_000 }),
        level: fc.integer({ min: 90, max: 110 }),
        // 0 well-formed (most); 6 off-tick price; 7 dust amount; 8 above the cap; 9 below the minimum.
        twist: fc.oneof(
          { weight: 16, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: 6, max: 9 }) },
        ),
        // 0 plain (most), 1 valid permit, 2 expired permit.
        permit: fc.oneof(
          { weight: 6, arbitrary: fc.constant(0) },
          { weight: 2, arbitrary: fc.constant(1) },
          { weight: 1, arbitrary: fc.constant(2) },
        ),
      }),
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("cancel" as const),
      pick: fc.nat(1_000),
      byOwner: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("warp" as const),
      seconds: fc.oneof(
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 120 }) },
        { weight: 2, arbitrary: fc.integer({ min: 600, max: 2_000 }) },
      ),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("match" as const),
      steps: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 12, arbitrary: fc.integer({ min: 1, max: 30 }) },
      ),
      wrongEpoch: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      caller: user,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant("execute" as const),
      orders: fc.oneof(
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 12, arbitrary: fc.integer({ min: 1, max: 12 }) },
      ),
      wrongEpoch: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      caller: user,
    }),
  },
  // `toggle`: pause when running, unpause when paused; otherwise repeat the current state (a no-op that reverts).
  // A pause is lifted automatically after `hold` further actions.
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("pause" as const),
      toggle,
      hold: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("gridPause" as const),
      toggle,
      hold: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("withdraw" as const),
      user,
      grid: fc.boolean(),
      // 0 everything; 1 half (partial); 2 more than the account holds; 3 zero.
      part: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 1 }) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("deposit" as const),
      user,
      grid: fc.boolean(),
      wh: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 1, max: 20_000 }) },
        { weight: 1, arbitrary: fc.constant(0) },
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("orders" as const),
      user: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 7) }, { weight: 1, arbitrary: anyUser }),
      reqs: fc.array(
        fc.record({
          side: fc.integer({ min: 0, max: 1 }),
          wh: fc.integer({ min: 10, max: 4_000 }),
          level: fc.integer({ min: 90, max: 110 }),
        }),
        { minLength: 0, maxLength: 4 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("cancels" as const),
      picks: fc.array(fc.nat(1_000), { minLength: 0, maxLength: 3 }),
      byOwner: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("keeps" as const), user, keeps: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("param" as const),
      which: fc.integer({ min: 0, max: 3 }),
      value: fc.integer({ min: 0, max: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant("approve" as const), user }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("fund" as const),
      user,
      amount: fc.integer({ min: 1, max: 500 }),
    }),
  },
);

// ─────────────────────────────────────────── THE MODEL ─────────────────────────────────────────

const FEE_CHOICES = [0n, 25n, 1_000n];
const MIN_ORDER_CHOICES = [10n ** 16n, 5n * 10n ** 16n, 10n ** 15n];
const MAX_ORDERS_CHOICES = [100n, 3n, 1n];
const PRICE_RULE_CHOICES: [bigint, bigint][] = [
  [TICK_SIZE, MAX_PRICE],
  [200n, MAX_PRICE],
  [TICK_SIZE, 10_500n],
];

interface Registration {
  type: number;
  active: boolean;
}

/** Everything outside the ledger that predicts an action's outcome. */
interface World {
  now: bigint;
  tradingPaused: boolean;
  gridPaused: boolean;
  /** Actions left before the pause is lifted. */
  tradingPauseLeft: number;
  gridPauseLeft: number;
  users: Map<string, Registration>;
  marketMakers: Set<string>;
  tick: bigint;
  maxPrice: bigint;
  minOrder: bigint;
  maxOrders: bigint;
  feeBps: bigint;
  feeRecipient: string;
  /** key `${owner}:${token}` */
  allowance: Map<string, bigint>;
  /** key `${owner}:${epoch}` */
  placed: Map<string, bigint>;
  /** Epochs with orders, not yet settled, in order. */
  queue: bigint[];
  /** The epoch opened last (queued last, settled or not): its bank is not taken by the next epoch. */
  lastOpened?: bigint;
  /** Every order id, in creation order (cancel picks from it). */
  orderIds: bigint[];
  levelsUsed: Map<bigint, { bids: Set<bigint>; asks: Set<bigint> }>;
  /** What the OracleClient remembers of each meter (by index). */
  meters: Map<number, MeterShadow>;
  lastRequestId: bigint;
  /** Accounts that keep the GRID they buy in their market account. */
  keeps: Set<string>;
  /** Order-slot banks (1–4): the epoch holding each; and the bank of each epoch (0: keyed by order id). */
  bankHolder: Map<number, bigint>;
  epochBank: Map<bigint, number>;
}

interface MeterShadow {
  lastReadAt: bigint;
  exportWh: bigint;
  importWh: bigint;
  hasBaseline: boolean;
}

/** IOracleClient.RejectReason */
const REJECT = {
  MeterNotAssigned: 1,
  OwnerNotVerified: 2,
  StaleReading: 3,
  FutureReading: 4,
  RegisterRollback: 6,
  ImplausibleDelta: 7,
  MissingSigner: 8,
  InvalidSignature: 9,
} as const;
const RATED_POWER_W = 100_000n;
const READING_TYPES = METER_READING_TYPES;
const READING_TUPLE = "tuple(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)[]";
const SPARE_METER = ethers.encodeBytes32String("MTR-SPARE");
const coder = ethers.AbiCoder.defaultAbiCoder();
const CRE_METADATA = ethers.solidityPacked(
  ["bytes32", "bytes10", "address", "bytes2"],
  [ethers.id("gridmarket-ami"), ethers.zeroPadBytes("0x01", 10), ethers.ZeroAddress, "0x0001"],
);

/** A predicted revert: the contract whose ABI declares the error, its name and arguments. */
interface Expected {
  contract: BaseContract;
  name: string;
  args: unknown[];
}

interface Stats {
  runs: number;
  actions: number;
  succeeded: number;
  reverted: number;
  ordersPlaced: number;
  epochsSettled: number;
  ordersChecked: number;
  readingsAccepted: number;
  readingsRejected: number;
  upkeeps: number;
  booksChecked: number;
  /** Market-account actions that went through. */
  deposits: number;
  partialWithdrawals: number;
  batches: number;
  batchCancels: number;
  keepsSet: number;
  /** Orders whose escrow the account covered, wholly or in part. */
  accountFunded: number;
  /** Accepted readings whose burn stopped at the wallet's last base unit. */
  cappedBurns: number;
}

// ─────────────────────────────────────────── THE TEST ──────────────────────────────────────────

describe("Security: ledger invariants under random action sequences", function () {
  this.timeout(0);

  let sys: System;
  let usdc: MockUSDC;
  let traders: HardhatEthersSigner[];
  let holders: string[];
  let tradingAddress: string;
  let gridAddress: string;
  let snapshotId: string;
  let startTime: bigint;
  const timing = new Map<string, number>();
  const reverts = new Map<string, number>();
  const stats: Stats = {
    runs: 0,
    actions: 0,
    succeeded: 0,
    reverted: 0,
    ordersPlaced: 0,
    epochsSettled: 0,
    ordersChecked: 0,
    readingsAccepted: 0,
    readingsRejected: 0,
    upkeeps: 0,
    booksChecked: 0,
    deposits: 0,
    partialWithdrawals: 0,
    batches: 0,
    batchCancels: 0,
    keepsSet: 0,
    accountFunded: 0,
    cappedBurns: 0,
  };

  const initialMeters = new Map<number, MeterShadow>();
  const meterKeys: HDNodeWallet[] = [];
  let readingDomain: TypedDataDomain;
  let matchStepsPerUpkeep: bigint;

  before(async function () {
    sys = await deploySystem();
    usdc = await ethers.getContractAt("MockUSDC", sys.paymentAddress);
    const a = sys.actors;
    traders = [...a.prosumers, ...a.consumers, ...a.newcomers, a.marketMaker, a.treasury];
    tradingAddress = await sys.trading.getAddress();
    gridAddress = await sys.gridToken.getAddress();
    // Every account that can ever hold a token here. Anything leaving this set would break "supply = sum".
    holders = [...traders.map((t) => t.address), a.admin.address, tradingAddress];
    // GRID comes from meter readings, as in production: 100 kWh for each prosumer.
    for (let i = 0; i < a.prosumers.length; i++) {
      const readAt = await mintByReadings(sys, i, INITIAL_GRID / WH);
      initialMeters.set(i, { lastReadAt: readAt, exportWh: INITIAL_GRID / WH, importWh: 0n, hasBaseline: true });
    }
    // Each meter signs its own readings (EIP-712); the spare meter is assigned to nobody and has no key.
    for (let i = 0; i < sys.meters.length; i++) {
      meterKeys.push(ethers.Wallet.createRandom());
      await (await sys.registry.connect(a.regulator).setMeterSigner(sys.meters[i], meterKeys[i].address)).wait();
    }
    const { chainId } = await ethers.provider.getNetwork();
    readingDomain = {
      name: "GridMarket OracleClient",
      version: "1",
      chainId,
      verifyingContract: await sys.oracle.getAddress(),
    };
    matchStepsPerUpkeep = await sys.oracle.matchStepsPerUpkeep();
    for (const t of traders) {
      await (await usdc.mint(t.address, INITIAL_USDC)).wait();
      await (await usdc.connect(t).approve(tradingAddress, MAX_UINT)).wait();
      await (await sys.gridToken.connect(t).approve(tradingAddress, MAX_UINT)).wait();
    }
    const block = await ethers.provider.getBlock("latest");
    startTime = BigInt(block!.timestamp);
    snapshotId = (await network.provider.send("evm_snapshot", [])) as string;
  });

  after(function () {
    console.log(
      `      property runs: ${stats.runs} × ≥${DEPTH} actions (seed ${SEED}); ${stats.actions} actions, ` +
        `${stats.succeeded} applied, ${stats.reverted} predicted reverts; ${stats.ordersPlaced} orders; ` +
        `${stats.epochsSettled} epochs settled, ${stats.booksChecked} books checked against the clearing rule; ` +
        `${stats.ordersChecked} order states checked; ` +
        `${stats.readingsAccepted} readings accepted, ${stats.readingsRejected} rejected; ${stats.upkeeps} upkeeps; ` +
        `${stats.deposits} deposits, ${stats.partialWithdrawals} partial withdrawals, ${stats.batches} order batches, ` +
        `${stats.batchCancels} cancel batches, ${stats.keepsSet} keep-GRID switches, ` +
        `${stats.accountFunded} orders funded from an account, ${stats.cappedBurns} burns stopped at the last base unit`,
    );
  });

  function freshWorld(): { world: World; ledger: ShadowLedger } {
    const a = sys.actors;
    const users = new Map<string, Registration>();
    for (const p of a.prosumers) users.set(p.address, { type: PROSUMER, active: true });
    for (const c of a.consumers) users.set(c.address, { type: CONSUMER, active: true });
    const allowance = new Map<string, bigint>();
    for (const t of traders) {
      allowance.set(`${t.address}:grid`, MAX_UINT);
      allowance.set(`${t.address}:payment`, MAX_UINT);
    }
    const ledger = new ShadowLedger(holders, tradingAddress);
    for (const t of traders) ledger.mintPayment(t.address, INITIAL_USDC);
    for (const p of a.prosumers) ledger.mintGrid(p.address, INITIAL_GRID);
    return {
      ledger,
      world: {
        now: startTime,
        tradingPaused: false,
        gridPaused: false,
        tradingPauseLeft: 0,
        gridPauseLeft: 0,
        users,
        marketMakers: new Set([a.marketMaker.address]),
        tick: TICK_SIZE,
        maxPrice: MAX_PRICE,
        minOrder: 10n ** 16n,
        maxOrders: 100n,
        feeBps: 0n,
        feeRecipient: a.treasury.address,
        allowance,
        placed: new Map(),
        queue: [],
        orderIds: [],
        levelsUsed: new Map(),
        meters: new Map([...initialMeters].map(([i, m]) => [i, { ...m }])),
        lastRequestId: 0n,
        keeps: new Set(),
        bankHolder: new Map(),
        epochBank: new Map(),
      },
    };
  }

  it(`keeps both tokens conserved and every fill within its order over ${RUNS} runs @skip-on-coverage`, async function () {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: DEPTH, maxLength: DEPTH + 10 }), async (actions) => {
        await network.provider.send("evm_revert", [snapshotId]);
        snapshotId = (await network.provider.send("evm_snapshot", [])) as string;
        const { world, ledger } = freshWorld();
        stats.runs++;
        for (const [i, action] of actions.entries()) {
          const where = `step ${i} ${JSON.stringify(action)}`;
          const t0 = performance.now();
          const applied = stats.succeeded;
          await step(action, world, ledger, where);
          await liftPauses(action, world);
          timing.set(action.k, (timing.get(action.k) ?? 0) + performance.now() - t0);
          timing.set(`#${action.k}`, (timing.get(`#${action.k}`) ?? 0) + 1);
          stats.actions++;
          // A step whose transactions all reverted (or a pure time jump) left the state as it was: checked already.
          if (stats.succeeded === applied) continue;
          const t1 = performance.now();
          const snap = await readSnapshot(sys.lens, gridAddress, sys.paymentAddress, tradingAddress, holders);
          const t2 = performance.now();
          checkLedger(snap, ledger, where);
          timing.set("~read", (timing.get("~read") ?? 0) + t2 - t1);
          timing.set("~check", (timing.get("~check") ?? 0) + performance.now() - t2);
        }
        const live = [...ledger.orders.values()].filter((o) => slotsLive(world, o.epoch)).map((o) => o.id);
        stats.ordersChecked += await checkOrders(sys.lens, tradingAddress, ledger, "end of run", live);
      }),
      // PROPERTY_SHRINK=0 stops at the first failure without shrinking (mutation testing only needs the verdict).
      { numRuns: RUNS, seed: SEED, verbose: 1, endOnFailure: process.env.PROPERTY_SHRINK === "0" },
    );
    console.log(`      property runtime: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (process.env.PROPERTY_TIMING !== undefined) console.log(timing, reverts);
    expect(stats.epochsSettled, "the runs settle epochs").to.be.greaterThan(RUNS / 4);
    // The market-account actions are exercised, not only predicted to revert.
    for (const key of [
      "deposits",
      "partialWithdrawals",
      "batches",
      "batchCancels",
      "keepsSet",
      "accountFunded",
    ] as const)
      expect(stats[key], `the runs apply ${key}`).to.be.greaterThan(0);
    // A burn that stops at the wallet's last base unit needs a second reading of a meter whose owner holds
    // little GRID: the 200 runs of HEAVY=1 reach it (14 times with the pinned seed), the fast size need not.
    if (RUNS >= 200) expect(stats.cappedBurns, "the runs stop burns at the last base unit").to.be.greaterThan(0);
  });

  // ───────────────────────────────────────── STEPS ─────────────────────────────────────────

  /** Sends `send()` at the world's clock (+1 s) and checks the predicted outcome: success or the exact error. */
  async function expectOutcome(
    world: World,
    send: () => Promise<ContractTransactionResponse>,
    error: Expected | null,
  ): Promise<ContractTransactionReceipt | null> {
    world.now += 1n;
    await network.provider.send("evm_setNextBlockTimestamp", [Number(world.now)]);
    if (error === null) {
      stats.succeeded++;
      const receipt = await (await send()).wait();
      return receipt;
    }
    stats.reverted++;
    reverts.set(error.name, (reverts.get(error.name) ?? 0) + 1);
    // A reverted transaction mines no block, so the clock is only a floor for the next one.
    await expect(send())
      .to.be.revertedWithCustomError(error.contract, error.name)
      .withArgs(...error.args);
    return null;
  }

  /** Counts down the pauses and lifts them when their hold is over. */
  async function liftPauses(action: Action, world: World): Promise<void> {
    if (world.tradingPaused && action.k !== "pause" && --world.tradingPauseLeft === 0) {
      await expectOutcome(world, () => sys.trading.connect(sys.actors.admin).unpause(), null);
      world.tradingPaused = false;
    }
    if (world.gridPaused && action.k !== "gridPause" && --world.gridPauseLeft === 0) {
      await expectOutcome(world, () => sys.gridToken.connect(sys.actors.admin).unpause(), null);
      world.gridPaused = false;
    }
  }

  function verified(world: World, who: string): boolean {
    return world.users.get(who)?.active === true;
  }

  function epochOf(t: bigint): bigint {
    return (t - sys.genesis) / EPOCH_LENGTH;
  }

  function epochEnd(e: bigint): bigint {
    return sys.genesis + (e + 1n) * EPOCH_LENGTH;
  }

  function statusOf(ledger: ShadowLedger, e: bigint, at: bigint): number {
    const ep = ledger.epochs.get(e);
    if (ep === undefined) return 0;
    if (ep.phase === "open") return at < epochEnd(e) ? 1 : 2;
    return { matching: 3, settling: 4, settled: 5 }[ep.phase];
  }

  async function step(action: Action, world: World, ledger: ShadowLedger, where: string): Promise<void> {
    const { trading, gridToken, registry, actors } = sys;
    const at = world.now + 1n; // the timestamp the next transaction gets
    switch (action.k) {
      case "warp": {
        world.now += BigInt(action.seconds);
        return;
      }
      case "reading":
        return reading(action, world, ledger, at, where);
      case "upkeep":
        return upkeep(action, world, ledger, at, where);
      case "register": {
        const who = traders[action.user];
        const type = action.prosumer ? PROSUMER : CONSUMER;
        const err = world.users.has(who.address)
          ? {
              contract: registry,
              name: "RegistryUserAlreadyRegistered",
              args: [who.address],
            }
          : null;
        await expectOutcome(
          world,
          () => registry.connect(actors.regulator).registerUser(who.address, type, "Campus"),
          err,
        );
        if (err === null) world.users.set(who.address, { type, active: true });
        return;
      }
      case "status": {
        const who = traders[action.user];
        const reg = world.users.get(who.address);
        const status = action.active ? 1 : 2;
        const err =
          reg === undefined
            ? {
                contract: registry,
                name: "RegistryUserNotRegistered",
                args: [who.address],
              }
            : reg.active === action.active
              ? {
                  contract: registry,
                  name: "RegistryInvalidStatus",
                  args: [who.address, status],
                }
              : null;
        await expectOutcome(world, () => registry.connect(actors.regulator).updateUserStatus(who.address, status), err);
        if (err === null) reg!.active = action.active;
        return;
      }
      case "order":
        return placeOrder(action, world, ledger, at);
      case "cancel":
        return cancel(action, world, ledger, at);
      case "match":
        return match(action, world, ledger, at, where);
      case "execute":
        return execute(action, world, ledger, at, where);
      case "pause":
      case "gridPause": {
        const grid = action.k === "gridPause";
        const paused = grid ? world.gridPaused : world.tradingPaused;
        const on = action.toggle !== paused;
        const contract = grid ? gridToken : trading;
        const err = on === paused ? { contract, name: on ? "EnforcedPause" : "ExpectedPause", args: [] } : null;
        const admin = contract.connect(actors.admin);
        await expectOutcome(world, () => (on ? admin.pause() : admin.unpause()), err);
        const left = on ? action.hold : 0;
        if (err === null && grid) [world.gridPaused, world.gridPauseLeft] = [on, left];
        if (err === null && !grid) [world.tradingPaused, world.tradingPauseLeft] = [on, left];
        return;
      }
      case "withdraw": {
        const who = traders[action.user];
        const token = action.grid ? gridAddress : sys.paymentAddress;
        const kind = action.grid ? "grid" : "payment";
        const free = ledger.creditOf(kind, who.address);
        const half = action.grid ? (free / 2n / WH) * WH : free / 2n;
        const amount = [free, half, free + WH, 0n][action.part];
        const err =
          amount === 0n
            ? { contract: trading, name: "TradingZeroAmount", args: [] }
            : amount > free
              ? { contract: trading, name: "TradingInsufficientBalance", args: [who.address, token, free, amount] }
              : action.grid && world.gridPaused
                ? { contract: gridToken, name: "EnforcedPause", args: [] }
                : null;
        // No pause check: a free balance is withdrawable while Trading is paused.
        await expectOutcome(world, () => trading.connect(who).withdraw(token, amount), err);
        if (err !== null) return;
        ledger.withdraw(kind, who.address, amount);
        if (amount < free) stats.partialWithdrawals++;
        return;
      }
      case "deposit": {
        const who = traders[action.user];
        const kind = action.grid ? "grid" : "payment";
        const token = action.grid ? gridAddress : sys.paymentAddress;
        const amount = action.grid ? BigInt(action.wh) * WH : BigInt(action.wh) * 1_000n;
        const err = world.tradingPaused
          ? { contract: trading, name: "EnforcedPause", args: [] }
          : amount === 0n
            ? { contract: trading, name: "TradingZeroAmount", args: [] }
            : pullError(world, ledger, who.address, kind, amount);
        await expectOutcome(world, () => trading.connect(who).deposit(token, amount), err);
        if (err !== null) return;
        spendAllowance(world, who.address, kind, amount);
        ledger.deposit(kind, who.address, amount);
        stats.deposits++;
        return;
      }
      case "orders":
        return placeOrders(action, world, ledger, at);
      case "cancels":
        return cancelMany(action, world, ledger, at);
      case "keeps": {
        const who = traders[action.user];
        const err =
          world.keeps.has(who.address) === action.keeps
            ? { contract: trading, name: "TradingUnchanged", args: [] }
            : null;
        await expectOutcome(world, () => trading.connect(who).setKeepsBoughtGrid(action.keeps), err);
        if (err !== null) return;
        if (action.keeps) world.keeps.add(who.address);
        else world.keeps.delete(who.address);
        stats.keepsSet++;
        return;
      }
      case "param":
        return setParam(action, world);
      case "approve": {
        const who = traders[action.user];
        await expectOutcome(world, () => gridToken.connect(who).approve(tradingAddress, MAX_UINT), null);
        await expectOutcome(world, () => usdc.connect(who).approve(tradingAddress, MAX_UINT), null);
        world.allowance.set(`${who.address}:grid`, MAX_UINT);
        world.allowance.set(`${who.address}:payment`, MAX_UINT);
        return;
      }
      case "fund": {
        const who = traders[action.user];
        const amount = BigInt(action.amount) * 10n ** 6n;
        await expectOutcome(world, () => usdc.mint(who.address, amount), null);
        ledger.mintPayment(who.address, amount);
        return;
      }
    }
  }

  /**
   * One meter reading through one of the four ways in (SPEC 7.2). The shadow predicts the verdict of SPEC 7.1 —
   * accepted with its exact mint and burn, or rejected with its reason — and a reading is never applied twice.
   */
  async function reading(
    action: Extract<Action, { k: "reading" }>,
    world: World,
    ledger: ShadowLedger,
    at: bigint,
    where: string,
  ) {
    const { oracle, gridToken, actors } = sys;
    const meterId = action.meter < sys.meters.length ? sys.meters[action.meter] : SPARE_METER;
    const state = world.meters.get(action.meter) ?? { lastReadAt: 0n, exportWh: 0n, importWh: 0n, hasBaseline: false };
    const r = {
      meterId,
      exportWh: state.exportWh + BigInt(action.exportWh),
      importWh: state.importWh + BigInt(action.importWh),
      readAt: at,
    };
    if (action.twist === 1) [r.exportWh, r.importWh, r.readAt] = [state.exportWh, state.importWh, state.lastReadAt];
    if (action.twist === 2) r.readAt = at + 60n;
    if (action.twist === 3 && state.exportWh > 0n) r.exportWh = state.exportWh - 1n;
    const owner =
      action.meter < sys.meters.length ? [...sys.actors.prosumers, ...sys.actors.consumers][action.meter] : null;
    // A small export and an import of one Wh more than the owner then holds: the burn stops at the wallet's last
    // base unit.
    if (action.twist === 4 && owner !== null) {
      const exported = BigInt(action.exportWh % 100) + 1n;
      r.exportWh = state.exportWh + exported;
      r.importWh = state.importWh + ledger.balanceOf("grid", owner.address) / WH + exported + 1n;
    }

    // The verdict, in the order the contract checks.
    const signed = action.path === 1;
    let reason = 0;
    if (signed && owner === null) reason = REJECT.MissingSigner;
    else if (signed && action.forged) reason = REJECT.InvalidSignature;
    else if (owner === null) reason = REJECT.MeterNotAssigned;
    else if (!verified(world, owner.address)) reason = REJECT.OwnerNotVerified;
    else if (r.readAt <= state.lastReadAt) reason = REJECT.StaleReading;
    else if (r.readAt > at) reason = REJECT.FutureReading;
    else if (state.hasBaseline && (r.exportWh < state.exportWh || r.importWh < state.importWh))
      reason = REJECT.RegisterRollback;
    else if (
      state.hasBaseline &&
      (r.exportWh - state.exportWh + r.importWh - state.importWh) * 3_600n >
        RATED_POWER_W * (r.readAt - state.lastReadAt)
    )
      reason = REJECT.ImplausibleDelta;
    let minted = 0n;
    let burned = 0n;
    let capped = false;
    if (reason === 0 && state.hasBaseline) {
      minted = (r.exportWh - state.exportWh) * WH;
      const due = (r.importWh - state.importWh) * WH;
      const available = ledger.balanceOf("grid", owner!.address) + minted;
      // A burn leaves the wallet its last base unit.
      burned = available > 1n ? (due < available - 1n ? due : available - 1n) : 0n;
      capped = available > 1n && due > available - 1n;
    }
    const err =
      reason === 0 && (minted > 0n || burned > 0n) && world.gridPaused
        ? { contract: gridToken, name: "EnforcedPause", args: [] }
        : null;

    let receipt: ContractTransactionReceipt | null;
    if (action.path === 0) {
      receipt = await expectOutcome(world, () => oracle.connect(actors.operator).submitReadings([r]), err);
    } else if (action.path === 1) {
      const key = action.forged || owner === null ? ethers.Wallet.createRandom() : meterKeys[action.meter];
      const signature = await key.signTypedData(readingDomain, READING_TYPES, r);
      const relayer = traders[action.relayer];
      receipt = await expectOutcome(world, () => oracle.connect(relayer).submitSignedReadings([r], [signature]), err);
    } else if (action.path === 2) {
      const requested = await expectOutcome(
        world,
        () => oracle.connect(actors.operator).requestEnergyData(meterId),
        owner === null ? { contract: oracle, name: "OracleClientMeterNotAssigned", args: [meterId] } : null,
      );
      if (requested === null) return;
      const requestId = ++world.lastRequestId;
      // The fulfilment is the next transaction, one second later: `readAt` stays valid (not in the future).
      receipt = await expectOutcome(world, () => oracle.connect(actors.operator).fulfillEnergyData(requestId, r), err);
      if (receipt !== null) {
        const fulfilled = receipt.logs
          .filter((l) => l.address === readingDomain.verifyingContract)
          .map((l) => oracle.interface.parseLog(l))
          .find((e) => e?.name === "EnergyDataFulfilled");
        expect(fulfilled?.args.requestId, `${where}: request fulfilled`).to.equal(requestId);
        expect(fulfilled?.args.accepted, `${where}: fulfilment verdict`).to.equal(reason === 0);
      }
    } else {
      const report = coder.encode(["uint8", "bytes"], [1, coder.encode([READING_TUPLE], [[r]])]);
      receipt = await expectOutcome(
        world,
        () => oracle.connect(actors.creForwarder).onReport(CRE_METADATA, report),
        err,
      );
    }
    if (receipt === null) return;

    const events = receipt.logs
      .filter((l) => l.address === readingDomain.verifyingContract)
      .map((l) => oracle.interface.parseLog(l))
      .filter((e) => e?.name === "ReadingAccepted" || e?.name === "ReadingRejected");
    expect(events.length, `${where}: one verdict per reading`).to.equal(1);
    const verdict = events[0]!;
    if (reason !== 0) {
      expect(verdict.name, `${where}: rejected`).to.equal("ReadingRejected");
      expect(verdict.args.reason, `${where}: rejection reason`).to.equal(BigInt(reason));
      stats.readingsRejected++;
      return;
    }
    expect(verdict.name, `${where}: accepted`).to.equal("ReadingAccepted");
    expect(verdict.args.minted, `${where}: minted = export delta`).to.equal(minted);
    expect(verdict.args.burned, `${where}: burned = import delta, capped by the balance less one base unit`).to.equal(
      burned,
    );
    stats.readingsAccepted++;
    if (capped) stats.cappedBurns++;
    world.meters.set(action.meter, {
      lastReadAt: r.readAt,
      exportWh: r.exportWh,
      importWh: r.importWh,
      hasBaseline: true,
    });
    if (minted > 0n) ledger.mintGrid(owner!.address, minted, `${meterId}@${r.readAt}`);
    if (burned > 0n) ledger.burnGrid(owner!.address, burned);
  }

  /**
   * One slice of clearing through the OracleClient (Automation performUpkeep or a CRE clearing report) with a
   * random, untrusted hint. The oracle must do exactly the work Trading reports, whatever the hint says.
   */
  async function upkeep(
    action: Extract<Action, { k: "upkeep" }>,
    world: World,
    ledger: ShadowLedger,
    at: bigint,
    where: string,
  ) {
    const { oracle, actors, trading } = sys;
    const caller = [actors.forwarder, actors.operator, traders[0], actors.creForwarder][action.via];
    const head = world.queue.length > 0 ? world.queue[0] : null;
    const ep = head === null ? undefined : ledger.epochs.get(head);
    const work =
      world.tradingPaused || ep === undefined || at < epochEnd(ep.epoch) ? 0 : ep.phase === "settling" ? 2 : 1;
    const err =
      action.via === 2
        ? { contract: oracle, name: "OracleClientNotUpkeepCaller", args: [caller.address] }
        : work === 0
          ? { contract: oracle, name: "OracleClientNoUpkeepNeeded", args: [] }
          : null;
    const send = () =>
      action.via === 3
        ? oracle.connect(caller).onReport(CRE_METADATA, coder.encode(["uint8", "bytes"], [2, action.hint]))
        : oracle.connect(caller).performUpkeep(action.hint);
    const receipt = await expectOutcome(world, send, err);
    if (receipt === null) return;
    stats.upkeeps++;
    const e = ep!;
    if (work === 1) applyMatch(e, receipt, matchStepsPerUpkeep, ledger, where);
    if (e.phase === "settling") {
      const settled = Number((await trading.getEpochResult(e.epoch)).settledCount);
      expect(settled, `${where}: the upkeep settles forwards`).to.be.gte(e.settled);
      if (settled > e.settled) applySettlement(e, settled, receipt, world, ledger, where);
      else if (work === 2) expect.fail(`${where}: a settlement upkeep settled nothing`);
    }
  }

  async function setParam(action: Extract<Action, { k: "param" }>, world: World): Promise<void> {
    const t = sys.trading.connect(sys.actors.regulator);
    const unchanged = {
      contract: sys.trading,
      name: "TradingUnchanged",
      args: [],
    };
    switch (action.which) {
      case 0: {
        const fee = FEE_CHOICES[action.value];
        const recipient = action.value === 2 ? sys.actors.admin.address : sys.actors.treasury.address;
        const same = fee === world.feeBps && recipient === world.feeRecipient;
        await expectOutcome(world, () => t.setFee(fee, recipient), same ? unchanged : null);
        if (!same) [world.feeBps, world.feeRecipient] = [fee, recipient];
        return;
      }
      case 1:
      case 2: {
        // 1: the minimum order amount, 2: the orders per user and epoch.
        const [field, choices] =
          action.which === 1
            ? (["minOrder", MIN_ORDER_CHOICES] as const)
            : (["maxOrders", MAX_ORDERS_CHOICES] as const);
        const value = choices[action.value];
        const same = value === world[field];
        const set = () => (action.which === 1 ? t.setMinOrderAmount(value) : t.setMaxOrdersPerUser(value));
        await expectOutcome(world, set, same ? unchanged : null);
        if (!same) world[field] = value;
        return;
      }
      default: {
        const [tick, cap] = PRICE_RULE_CHOICES[action.value];
        const same = tick === world.tick && cap === world.maxPrice;
        await expectOutcome(world, () => t.setPriceRules(tick, cap), same ? unchanged : null);
        if (!same) [world.tick, world.maxPrice] = [tick, cap];
        return;
      }
    }
  }

  async function signPermit(owner: HardhatEthersSigner, token: "grid" | "payment", value: bigint, deadline: bigint) {
    return signTokenPermit(token === "grid" ? sys.gridToken : usdc, owner, tradingAddress, value, deadline);
  }

  /** Whether the order slots of `epoch` still hold its orders (a bank a later epoch took does not). */
  function slotsLive(world: World, epoch: bigint): boolean {
    const bank = world.epochBank.get(epoch) ?? 0;
    return bank === 0 || world.bankHolder.get(bank) === epoch;
  }

  /** The error of pulling `amount` of `kind` from `who`'s wallet, in the token's order of checks; or null. */
  function pullError(world: World, ledger: ShadowLedger, who: string, kind: "grid" | "payment", amount: bigint) {
    const tokenContract = kind === "grid" ? sys.gridToken : usdc;
    const allowance = world.allowance.get(`${who}:${kind}`)!;
    const balance = ledger.balanceOf(kind, who);
    if (allowance < amount)
      return { contract: tokenContract, name: "ERC20InsufficientAllowance", args: [tradingAddress, allowance, amount] };
    if (kind === "grid" && world.gridPaused) return { contract: sys.gridToken, name: "EnforcedPause", args: [] };
    if (balance < amount)
      return { contract: tokenContract, name: "ERC20InsufficientBalance", args: [who, balance, amount] };
    return null;
  }

  function spendAllowance(world: World, who: string, kind: "grid" | "payment", amount: bigint): void {
    const allowance = world.allowance.get(`${who}:${kind}`)!;
    if (allowance !== MAX_UINT) world.allowance.set(`${who}:${kind}`, allowance - amount);
  }

  /** The error Trading gives one order request (after the pause check), in its order of checks; or null. */
  function requestError(
    world: World,
    who: string,
    side: number,
    amount: bigint,
    price: bigint,
    tick: bigint,
    placed: bigint,
    epoch: bigint,
  ): Expected | null {
    const t = sys.trading;
    const reg = world.users.get(who);
    const eligible = world.marketMakers.has(who) || (reg?.active === true && (side === BUY || reg.type === PROSUMER));
    if (!eligible) return { contract: t, name: "TradingNotEligible", args: [who, side] };
    if (amount % WH !== 0n) return { contract: t, name: "TradingInvalidAmount", args: [amount] };
    if (amount < world.minOrder)
      return { contract: t, name: "TradingAmountBelowMinimum", args: [amount, world.minOrder] };
    if (price > world.maxPrice) return { contract: t, name: "TradingPriceAboveCap", args: [price, world.maxPrice] };
    if (price % tick !== 0n || price / tick > 65_535n)
      return { contract: t, name: "TradingInvalidPrice", args: [price, tick] };
    if (placed >= world.maxOrders)
      return { contract: t, name: "TradingOrderLimitReached", args: [who, epoch, world.maxOrders] };
    return null;
  }

  /** The epoch's shadow, opened (with its order-slot bank) by its first order. */
  function ensureEpoch(world: World, ledger: ShadowLedger, epoch: bigint): ShadowEpoch {
    const existing = ledger.epochs.get(epoch);
    if (existing !== undefined) return existing;
    const ep: ShadowEpoch = {
      epoch,
      tick: world.tick,
      feeBps: world.feeBps,
      orderIds: [],
      phase: "open",
      clearingPrice: 0n,
      volume: 0n,
      bidPrice: 0n,
      askPrice: 0n,
      settled: 0,
      paidIn: 0n,
      paidOut: 0n,
      filledBuy: 0n,
      filledSell: 0n,
    };
    ledger.epochs.set(epoch, ep);
    // The lowest bank whose holder is settled and is not the epoch opened last; none free: fresh slots (bank 0).
    const last = world.lastOpened;
    world.lastOpened = epoch;
    world.queue.push(epoch);
    let taken = 0;
    for (let bank = 1; bank <= 4 && taken === 0; bank++) {
      const holder = world.bankHolder.get(bank);
      if (holder === undefined || (holder !== last && ledger.epochs.get(holder)!.phase === "settled")) taken = bank;
    }
    if (taken !== 0) world.bankHolder.set(taken, epoch);
    world.epochBank.set(epoch, taken);
    return ep;
  }

  /** Books one placed order: its escrow reserved from the account, the shortfall (pulled later) returned. */
  function recordOrder(
    world: World,
    ledger: ShadowLedger,
    who: string,
    side: number,
    amount: bigint,
    price: bigint,
    epoch: bigint,
  ): bigint {
    const ep = ensureEpoch(world, ledger, epoch);
    const kind = side === SELL ? "grid" : "payment";
    const escrow = side === SELL ? amount : buyerCost(amount, price);
    const id = (epoch << 32n) | BigInt(ep.orderIds.length + 1);
    ep.orderIds.push(id);
    world.orderIds.push(id);
    const placedKey = `${who}:${epoch}`;
    world.placed.set(placedKey, (world.placed.get(placedKey) ?? 0n) + 1n);
    ledger.orders.set(id, { id, epoch, owner: who, side, amount, price, escrow, status: OPEN, filled: 0n });
    const free = ledger.creditOf(kind, who);
    const taken = free < escrow ? free : escrow;
    ledger.debit(kind, who, taken);
    stats.ordersPlaced++;
    if (taken > 0n) stats.accountFunded++;
    return escrow - taken;
  }

  async function placeOrder(action: Extract<Action, { k: "order" }>, world: World, ledger: ShadowLedger, at: bigint) {
    const { trading } = sys;
    const who = traders[action.user];
    const side = action.side;
    const epoch = epochOf(at);
    const tick = ledger.epochs.get(epoch)?.tick ?? world.tick;
    let amount = BigInt(action.wh) * WH;
    let price = BigInt(action.level) * world.tick;
    if (action.twist === 6) price += world.tick / 2n;
    if (action.twist === 7) amount += 1n;
    if (action.twist === 8) price = world.maxPrice + world.tick;
    if (action.twist === 9) amount = world.minOrder - WH;
    const wh = amount / WH;
    const kind = side === SELL ? "grid" : "payment";
    const escrow = side === SELL ? amount : buyerCost(wh * WH, price);
    const placed = world.placed.get(`${who.address}:${epoch}`) ?? 0n;
    // The account pays first; only the shortfall is pulled from the wallet.
    const free = ledger.creditOf(kind, who.address);
    const shortfall = escrow > free ? escrow - free : 0n;

    // Permits: a valid one sets the allowance to the escrow before the transfer; an expired one is ignored.
    const deadline = action.permit === 2 ? at - 1n : at + 3_600n;
    const permitValue = escrow;
    const savedAllowance = world.allowance.get(`${who.address}:${kind}`)!;
    if (action.permit === 1) world.allowance.set(`${who.address}:${kind}`, permitValue);

    const t = sys.trading;
    const err = world.tradingPaused
      ? { contract: t, name: "EnforcedPause", args: [] }
      : (requestError(world, who.address, side, amount, price, tick, placed, epoch) ??
        (shortfall > 0n ? pullError(world, ledger, who.address, kind, shortfall) : null));
    // A reverted call reverts its permit too.
    if (err !== null) world.allowance.set(`${who.address}:${kind}`, savedAllowance);

    const permit = action.permit === 0 ? null : await signPermit(who, kind, permitValue, deadline);
    await expectOutcome(
      world,
      () => {
        const c = trading.connect(who);
        if (permit === null) return side === SELL ? c.createSellOrder(amount, price) : c.createBuyOrder(amount, price);
        return side === SELL
          ? c.createSellOrderWithPermit(amount, price, deadline, permit.v, permit.r, permit.s)
          : c.createBuyOrderWithPermit(amount, price, deadline, permit.v, permit.r, permit.s);
      },
      err,
    );
    if (err !== null) return;
    const pulled = recordOrder(world, ledger, who.address, side, amount, price, epoch);
    expect(pulled).to.equal(shortfall);
    spendAllowance(world, who.address, kind, shortfall);
    ledger.move(kind, who.address, tradingAddress, shortfall);
  }

  /** A batch (`createOrders`, mixed sides): all or nothing; shortfalls pulled once per token, GRID first. */
  async function placeOrders(action: Extract<Action, { k: "orders" }>, world: World, ledger: ShadowLedger, at: bigint) {
    const t = sys.trading;
    const who = traders[action.user];
    const epoch = epochOf(at);
    const tick = ledger.epochs.get(epoch)?.tick ?? world.tick;
    const reqs = action.reqs.map((r) => ({
      side: r.side,
      amount: BigInt(r.wh) * WH,
      price: BigInt(r.level) * world.tick,
    }));
    const placed = world.placed.get(`${who.address}:${epoch}`) ?? 0n;
    // The empty batch is refused before the pause is checked.
    let err: Expected | null =
      reqs.length === 0
        ? { contract: t, name: "TradingEmptyBatch", args: [] }
        : world.tradingPaused
          ? { contract: t, name: "EnforcedPause", args: [] }
          : null;
    const free = { grid: ledger.creditOf("grid", who.address), payment: ledger.creditOf("payment", who.address) };
    const short = { grid: 0n, payment: 0n };
    for (const [i, r] of reqs.entries()) {
      if (err !== null) break;
      err = requestError(world, who.address, r.side, r.amount, r.price, tick, placed + BigInt(i), epoch);
      const kind = r.side === SELL ? "grid" : "payment";
      const escrow = r.side === SELL ? r.amount : buyerCost(r.amount, r.price);
      const taken = free[kind] < escrow ? free[kind] : escrow;
      free[kind] -= taken;
      short[kind] += escrow - taken;
    }
    if (err === null && short.grid > 0n) err = pullError(world, ledger, who.address, "grid", short.grid);
    if (err === null && short.payment > 0n) err = pullError(world, ledger, who.address, "payment", short.payment);
    await expectOutcome(world, () => t.connect(who).createOrders(reqs), err);
    if (err !== null) return;
    stats.batches++;
    const pulled = { grid: 0n, payment: 0n };
    for (const r of reqs) {
      pulled[r.side === SELL ? "grid" : "payment"] += recordOrder(
        world,
        ledger,
        who.address,
        r.side,
        r.amount,
        r.price,
        epoch,
      );
    }
    for (const kind of ["grid", "payment"] as const) {
      expect(pulled[kind]).to.equal(short[kind]);
      spendAllowance(world, who.address, kind, short[kind]);
      ledger.move(kind, who.address, tradingAddress, short[kind]);
    }
  }

  /** The error of cancelling `id` by `caller` at `at`, in Trading's order of checks; or null. */
  function cancelError(world: World, ledger: ShadowLedger, id: bigint, caller: string, at: bigint, gone: Set<bigint>) {
    const t = sys.trading;
    const order = ledger.orders.get(id)!;
    const closesAt = epochEnd(order.epoch);
    if (at >= closesAt && !slotsLive(world, order.epoch))
      return { contract: t, name: "TradingOrderPruned", args: [id] };
    if (caller !== order.owner) return { contract: t, name: "TradingNotOrderOwner", args: [id, caller] };
    const status = gone.has(id) ? CANCELLED : order.status;
    if (status !== OPEN) return { contract: t, name: "TradingOrderNotOpen", args: [id, status] };
    if (at >= closesAt) return { contract: t, name: "TradingGateClosed", args: [id, closesAt] };
    return null;
  }

  /** A cancelled order's escrow goes back to its owner's account (no token moves). */
  function applyCancel(ledger: ShadowLedger, id: bigint): void {
    const order = ledger.orders.get(id)!;
    order.status = CANCELLED;
    ledger.credit(order.side === SELL ? "grid" : "payment", order.owner, order.escrow);
  }

  async function cancel(action: Extract<Action, { k: "cancel" }>, world: World, ledger: ShadowLedger, at: bigint) {
    const t = sys.trading;
    if (world.orderIds.length === 0) {
      const ghost = (epochOf(at) << 32n) | 77n;
      const caller = traders[action.pick % TRADERS];
      await expectOutcome(world, () => t.connect(caller).cancelOrder(ghost), {
        contract: t,
        name: "TradingUnknownOrder",
        args: [ghost],
      });
      return;
    }
    const id = world.orderIds[action.pick % world.orderIds.length];
    const order = ledger.orders.get(id)!;
    const ownerIdx = traders.findIndex((x) => x.address === order.owner);
    const caller = action.byOwner
      ? traders[ownerIdx]
      : traders[(ownerIdx + 1 + (action.pick % (TRADERS - 1))) % TRADERS];
    const err = cancelError(world, ledger, id, caller.address, at, new Set());
    await expectOutcome(world, () => t.connect(caller).cancelOrder(id), err);
    if (err === null) applyCancel(ledger, id);
  }

  /** A batch of cancels (`cancelOrders`) by the owner of the first: all or nothing. */
  async function cancelMany(action: Extract<Action, { k: "cancels" }>, world: World, ledger: ShadowLedger, at: bigint) {
    const t = sys.trading;
    const ids = world.orderIds.length === 0 ? [] : action.picks.map((p) => world.orderIds[p % world.orderIds.length]);
    const owner = ids.length > 0 ? ledger.orders.get(ids[0])!.owner : traders[0].address;
    const ownerIdx = traders.findIndex((x) => x.address === owner);
    const caller = action.byOwner ? traders[ownerIdx] : traders[(ownerIdx + 1) % TRADERS];
    const gone = new Set<bigint>();
    let err: Expected | null = ids.length === 0 ? { contract: t, name: "TradingEmptyBatch", args: [] } : null;
    for (const id of ids) {
      if (err !== null) break;
      err = cancelError(world, ledger, id, caller.address, at, gone);
      gone.add(id);
    }
    await expectOutcome(world, () => t.connect(caller).cancelOrders(ids), err);
    if (err !== null) return;
    for (const id of ids) applyCancel(ledger, id);
    stats.batchCancels++;
  }

  async function match(
    action: Extract<Action, { k: "match" }>,
    world: World,
    ledger: ShadowLedger,
    at: bigint,
    where: string,
  ) {
    const t = sys.trading;
    const expected = world.queue.length > 0 ? world.queue[0] : 0n;
    const epoch = action.wrongEpoch || world.queue.length === 0 ? expected + 1n + BigInt(action.steps % 3) : expected;
    const caller = traders[action.caller];
    const err = world.tradingPaused
      ? { contract: t, name: "EnforcedPause", args: [] }
      : action.steps === 0
        ? { contract: t, name: "TradingZeroBatch", args: [] }
        : epoch !== expected || world.queue.length === 0
          ? {
              contract: t,
              name: "TradingEpochNotNext",
              args: [epoch, expected],
            }
          : at < epochEnd(epoch)
            ? {
                contract: t,
                name: "TradingEpochNotEnded",
                args: [epoch, epochEnd(epoch)],
              }
            : !["open", "matching"].includes(ledger.epochs.get(epoch)!.phase)
              ? {
                  contract: t,
                  name: "TradingInvalidEpochStatus",
                  args: [epoch, statusOf(ledger, epoch, at)],
                }
              : null;
    const receipt = await expectOutcome(world, () => t.connect(caller).matchOrders(epoch, action.steps), err);
    if (receipt === null) return;
    applyMatch(ledger.epochs.get(epoch)!, receipt, BigInt(action.steps), ledger, where);
  }

  /** Follows the matching events of `receipt` for `ep`: progress, and the announced result once done. */
  function applyMatch(
    ep: ShadowEpoch,
    receipt: ContractTransactionReceipt,
    maxSteps: bigint,
    ledger: ShadowLedger,
    where: string,
  ) {
    const t = sys.trading;
    ep.phase = "matching";
    let doneSeen = false;
    for (const log of receipt.logs) {
      if (log.address !== tradingAddress) continue;
      const parsed = t.interface.parseLog(log);
      if (parsed?.name === "MatchProgressed") {
        expect(parsed.args.epoch, `${where}: matched the head epoch`).to.equal(ep.epoch);
        expect(parsed.args.levels, `${where}: levels walked within maxSteps`).to.be.lte(maxSteps);
        doneSeen = parsed.args.done as boolean;
      }
      if (parsed?.name === "EpochMatched") {
        ep.phase = "settling";
        ep.clearingPrice = parsed.args.clearingPrice as bigint;
        ep.volume = parsed.args.volume as bigint;
        ep.bidPrice = parsed.args.bidPrice as bigint;
        ep.askPrice = parsed.args.askPrice as bigint;
        checkMatchedEpoch(ep, ledger, where);
      }
    }
    expect(doneSeen, `${where}: EpochMatched iff done`).to.equal(ep.phase === "settling");
  }

  /** What the chain announced at the end of matching obeys the clearing rule's shape. */
  function checkMatchedEpoch(ep: ShadowEpoch, ledger: ShadowLedger, where: string) {
    const all = ep.orderIds.map((id) => ledger.orders.get(id)!);
    // The exact outcome, computed independently from the shadow's orders.
    const expected = clearBook(all);
    expect(ep.volume, `${where}: volume`).to.equal(expected.volume);
    expect(ep.bidPrice, `${where}: b*`).to.equal(expected.bidPrice);
    expect(ep.askPrice, `${where}: a*`).to.equal(expected.askPrice);
    expect(ep.clearingPrice, `${where}: clearing price`).to.equal(expected.clearingPrice);
    for (const o of all) if (o.status === OPEN) o.expectedFill = expected.fills.get(o.id)!;
    stats.booksChecked++;
    const active = all.filter((o) => o.status === OPEN);
    const bids = active.filter((o) => o.side === BUY);
    const asks = active.filter((o) => o.side === SELL);
    const sum = (os: ShadowOrder[]) => os.reduce((s, o) => s + o.amount, 0n);
    if (ep.volume === 0n) {
      expect(ep.clearingPrice, `${where}: no volume, no price`).to.equal(0n);
      // Nothing crosses: the best bid is below the best ask (or a side is empty).
      if (bids.length > 0 && asks.length > 0) {
        const bestBid = bids.reduce((m, o) => (o.price > m ? o.price : m), 0n);
        const bestAsk = asks.reduce((m, o) => (o.price < m ? o.price : m), MAX_UINT);
        expect(bestBid, `${where}: nothing crossed`).to.be.lt(bestAsk);
      }
      return;
    }
    expect(ep.bidPrice, `${where}: b* >= a*`).to.be.gte(ep.askPrice);
    expect(ep.clearingPrice, `${where}: p = floor((b* + a*) / 2)`).to.equal((ep.bidPrice + ep.askPrice) / 2n);
    // Volume: everything strictly better than the margins, plus part of the margins, on both sides.
    const better = (os: ShadowOrder[], buy: boolean) =>
      sum(os.filter((o) => (buy ? o.price > ep.bidPrice : o.price < ep.askPrice)));
    const upTo = (os: ShadowOrder[], buy: boolean) =>
      sum(os.filter((o) => (buy ? o.price >= ep.bidPrice : o.price <= ep.askPrice)));
    expect(ep.volume, `${where}: volume above the bids better than b*`).to.be.gt(better(bids, true));
    expect(ep.volume, `${where}: volume within the bids at or above b*`).to.be.lte(upTo(bids, true));
    expect(ep.volume, `${where}: volume above the asks better than a*`).to.be.gt(better(asks, false));
    expect(ep.volume, `${where}: volume within the asks at or below a*`).to.be.lte(upTo(asks, false));
    // Maximality: after the margins, the next bid level is below the next ask level (or a side is exhausted).
    const bidsBelow = bids.filter((o) => o.price < ep.bidPrice).map((o) => o.price);
    const asksAbove = asks.filter((o) => o.price > ep.askPrice).map((o) => o.price);
    const bidLeft = upTo(bids, true) - ep.volume;
    const askLeft = upTo(asks, false) - ep.volume;
    if (bidLeft === 0n && askLeft === 0n && bidsBelow.length > 0 && asksAbove.length > 0) {
      expect(
        bidsBelow.reduce((m, p) => (p > m ? p : m), 0n),
        `${where}: walk stopped where sides part`,
      ).to.be.lt(asksAbove.reduce((m, p) => (p < m ? p : m), MAX_UINT));
    }
  }

  async function execute(
    action: Extract<Action, { k: "execute" }>,
    world: World,
    ledger: ShadowLedger,
    at: bigint,
    where: string,
  ) {
    const t = sys.trading;
    const head = world.queue.length > 0 ? world.queue[0] : 0n;
    const known = [...ledger.epochs.keys()];
    const epoch = action.wrongEpoch && known.length > 0 ? known[action.caller % known.length] : head;
    const ep = ledger.epochs.get(epoch);
    const caller = traders[action.caller];
    const err = world.tradingPaused
      ? { contract: t, name: "EnforcedPause", args: [] }
      : action.orders === 0
        ? { contract: t, name: "TradingZeroBatch", args: [] }
        : ep?.phase !== "settling"
          ? {
              contract: t,
              name: "TradingInvalidEpochStatus",
              args: [epoch, statusOf(ledger, epoch, at)],
            }
          : null;
    const receipt = await expectOutcome(world, () => t.connect(caller).executeTrades(epoch, action.orders), err);
    if (receipt === null) return;

    applySettlement(ep!, Math.min(ep!.settled + action.orders, ep!.orderIds.length), receipt, world, ledger, where);
  }

  /**
   * Follows the settlement events of `receipt` for `e`, whose orders up to sequence `last` are now settled: every
   * open order in the range got its confirmation, with a fill inside the rule and exact payments; payouts land in
   * wallets, or as credits when GRID is paused; the last batch credits the fees.
   */
  function applySettlement(
    e: ShadowEpoch,
    last: number,
    receipt: ContractTransactionReceipt,
    world: World,
    ledger: ShadowLedger,
    where: string,
  ) {
    const t = sys.trading;
    const events = new Map<bigint, Record<string, unknown>>();
    let settledEvent: Record<string, unknown> | null = null;
    for (const log of receipt.logs) {
      if (log.address !== tradingAddress) continue;
      const parsed = t.interface.parseLog(log);
      if (parsed?.name === "OrderFilled") events.set(parsed.args.orderId as bigint, parsed.args.toObject());
      if (parsed?.name === "EpochSettled") settledEvent = parsed.args.toObject();
    }
    const first = e.settled + 1;
    for (let seq = first; seq <= last; seq++) {
      const id = e.orderIds[seq - 1];
      const order = ledger.orders.get(id)!;
      if (order.status !== OPEN) {
        expect(events.has(id), `${where}: no confirmation for cancelled ${id}`).to.equal(false);
        continue;
      }
      const ev = events.get(id);
      expect(ev, `${where}: confirmation for ${id}`).to.not.equal(undefined);
      const filled = ev!.filled as bigint;
      checkFillWithinLimits(order, filled, e.clearingPrice, where);
      expect(filled, `${where}: ${id} fills as the clearing rule says (time priority at the margin)`).to.equal(
        order.expectedFill,
      );
      if (e.volume === 0n) expect(filled, `${where}: nothing trades without volume`).to.equal(0n);
      // Fills strictly better than the margins are complete; beyond the margins, none.
      if (e.volume !== 0n) {
        const better = order.side === BUY ? order.price > e.bidPrice : order.price < e.askPrice;
        const beyond = order.side === BUY ? order.price < e.bidPrice : order.price > e.askPrice;
        if (better) expect(filled, `${where}: ${id} better than the margin fills fully`).to.equal(order.amount);
        if (beyond) expect(filled, `${where}: ${id} beyond the margin fills nothing`).to.equal(0n);
      }
      order.filled = filled;
      order.status = SETTLED;
      if (order.side === BUY) {
        const payment = buyerCost(filled, e.clearingPrice);
        const refund = order.escrow - payment;
        expect(ev!.payment, `${where}: buyer ${id} pays ceil(filled * p)`).to.equal(payment);
        // The confirmation's refund and fee follow from the order and the price (ITrading.OrderFilled).
        expect(
          fillOutcome({ ...order, side: order.side as Side }, e.clearingPrice, filled, payment),
          `${where}: buyer ${id} refund, no fee`,
        ).to.deep.equal({ fee: 0n, refund });
        e.paidIn += payment;
        e.filledBuy += filled;
        // Bought GRID goes to the wallet, or to the account when the buyer keeps it or the delivery fails.
        ledger.payOut("grid", order.owner, filled, world.gridPaused || world.keeps.has(order.owner));
        ledger.payOut("payment", order.owner, refund, true);
      } else {
        const { payment, fee } = sellerReceipt(filled, e.clearingPrice, e.feeBps);
        expect(ev!.payment, `${where}: seller ${id} receives floor(filled * p) - fee`).to.equal(payment);
        expect(
          fillOutcome({ ...order, side: order.side as Side }, e.clearingPrice, filled, payment),
          `${where}: seller ${id} fee, GRID refund`,
        ).to.deep.equal({ fee, refund: order.amount - filled });
        e.paidOut += payment;
        e.filledSell += filled;
        ledger.payOut("grid", order.owner, order.amount - filled, true);
        ledger.payOut("payment", order.owner, payment, true);
      }
    }
    e.settled = last;
    if (last === e.orderIds.length) {
      expect(settledEvent, `${where}: EpochSettled when the last order settles`).to.not.equal(null);
      expect(e.filledBuy, `${where}: bought = volume`).to.equal(e.volume);
      expect(e.filledSell, `${where}: sold = volume`).to.equal(e.volume);
      const fees = e.paidIn - e.paidOut;
      expect(settledEvent!.fees, `${where}: fees + rounding credited`).to.equal(fees);
      expect(settledEvent!.recipient, `${where}: to the fee recipient`).to.equal(world.feeRecipient);
      if (fees !== 0n) ledger.credit("payment", world.feeRecipient, fees);
      e.phase = "settled";
      world.queue.shift();
      stats.epochsSettled++;
    } else {
      expect(settledEvent, `${where}: no EpochSettled before the last order`).to.equal(null);
    }
  }
});
