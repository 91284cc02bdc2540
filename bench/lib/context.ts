// What every benchmark scenario works with: the chain, the deployed suite, the market and onboarding helpers, the
// population of onboarded users, and the recorder the figures go to. The population is onboarded once, in one
// order, by `setUp`: every scenario's figures depend on the exact storage its users left behind (past order
// counts, balances), so scenarios select their users from it by position, each saying which (see their headers).
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { EpochStatus } from "../../lib/enums";
import { type Mined, RpcDriver } from "../../lib/rpc";
import { type Actor, makeActor, Onboarding, UserType } from "./actors";
import { deploySuite, type Suite } from "./deploy";
import { Market } from "./market";
import type { MatchPoint, Measurements, ScalingRow } from "./types";

/** The benchmark's fixed start: an epoch boundary in 2065, so no machine's clock is ever past it. */
const T0 = 2_999_999_700;
const BLOCK_GAS_LIMIT = 100_000_000;
const POOL = 500;
const PAYMENT_PER_USER = 1_000_000n * 10n ** 6n; // 1,000,000 USDC
const GRID_PER_USER_WH = 150_000n; // 150 kWh
/** What each pool user keeps in its market account: prosumers GRID, consumers the payment token. */
const GRID_DEPOSIT_WH = 100_000n; // 100 kWh
const PAYMENT_DEPOSIT = 500_000n * 10n ** 6n; // 500,000 USDC

/** The onboarded users, fixed once set up. */
export interface Population {
  /** 500 prosumers with meters, 150 kWh of GRID, USDC and approvals, 100 kWh of it deposited in their accounts. */
  readonly prosumers: readonly Actor[];
  /** 500 consumers, funded like the prosumers, 500,000 USDC deposited in their accounts. */
  readonly consumers: readonly Actor[];
  /** A prosumer and a consumer who never approved Trading (they trade with permits). */
  readonly permitUsers: readonly Actor[];
  /** A prosumer and a consumer who have not traded before the orders scenario and never deposit (wallet path). */
  readonly novices: readonly Actor[];
  /** Twelve consumers with USDC only (first-time GRID holders when they buy). */
  readonly freshBuyers: readonly Actor[];
}

/** Where the scenarios put their figures. */
export class Recorder {
  readonly metrics: Record<string, number> = {};
  readonly transactions: Record<string, string> = {};
  readonly matchPoints: MatchPoint[] = [];
  readonly settlementSlices: Measurements["settlementSlices"] = [];
  readonly scaling: ScalingRow[] = [];
  endToEnd?: ScalingRow;
  endToEndKeep?: ScalingRow;
  private readonly started = Date.now();

  constructor(private readonly log: (line: string) => void) {}

  record(key: string, gas: number, mined?: Mined): void {
    if (key in this.metrics) throw new Error(`metric ${key} recorded twice`);
    this.metrics[key] = Math.round(gas);
    if (mined !== undefined) this.transactions[key] = mined.hash;
  }

  progress(what: string): void {
    this.log(`[${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)} s] ${what}`);
  }
}

export interface Bench {
  hre: HardhatRuntimeEnvironment;
  chain: RpcDriver;
  suite: Suite;
  market: Market;
  onboarding: Onboarding;
  population: Population;
  rec: Recorder;
}

/** Deploys the suite at the benchmark's fixed time and onboards the population. */
export async function setUp(hre: HardhatRuntimeEnvironment, log: (line: string) => void): Promise<Bench> {
  const chain = new RpcDriver(hre.network.provider, { pinFees: true });
  const rec = new Recorder(log);
  await chain.request("evm_setNextBlockTimestamp", [T0 + 1]);
  const suite = await deploySuite(hre);
  await chain.configure(BLOCK_GAS_LIMIT);
  const keeper = makeActor("keeper", UserType.None);
  await chain.unlock([keeper.address]);
  const market = new Market(chain, suite, keeper.address);
  const onboarding = new Onboarding(chain, suite);

  const population: Population = {
    prosumers: Array.from({ length: POOL }, (_, i) => makeActor(`p${i}`, UserType.Prosumer)),
    consumers: Array.from({ length: POOL }, (_, i) => makeActor(`c${i}`, UserType.Consumer)),
    permitUsers: [makeActor("permit-p", UserType.Prosumer), makeActor("permit-c", UserType.Consumer)],
    novices: [makeActor("novice-p", UserType.Prosumer), makeActor("novice-c", UserType.Consumer)],
    freshBuyers: Array.from({ length: 12 }, (_, i) => makeActor(`fresh${i}`, UserType.Consumer)),
  };
  const funded = { gridWh: GRID_PER_USER_WH, payment: PAYMENT_PER_USER };
  const { prosumers, consumers, novices, permitUsers, freshBuyers } = population;
  await onboarding.onboard([...prosumers, ...consumers, ...novices], { ...funded, approve: true });
  await onboarding.onboard([...permitUsers], funded);
  await onboarding.onboard([...freshBuyers], { payment: PAYMENT_PER_USER, approve: true });
  // The accounts path: pool users trade from their market accounts, so they deposit first (SPEC 11).
  const deposit = (a: Actor, token: string, amount: bigint) => ({
    from: a.address,
    to: suite.addresses.trading,
    data: suite.trading.interface.encodeFunctionData("deposit", [token, amount]),
    gas: 200_000,
  });
  await chain.execMany([
    ...prosumers.map((a) => deposit(a, suite.addresses.gridToken, GRID_DEPOSIT_WH * 10n ** 15n)),
    ...consumers.map((a) => deposit(a, suite.addresses.paymentToken, PAYMENT_DEPOSIT)),
  ]);
  // The fee recipient (the admin) holds the payment token, as any operator account would.
  await chain.exec({
    from: suite.admin,
    to: suite.addresses.paymentToken,
    data: suite.paymentToken.interface.encodeFunctionData("mint", [suite.admin, PAYMENT_PER_USER]),
  });
  rec.progress(`deployed and onboarded ${2 * POOL + 16} users with meters, GRID and USDC; ${2 * POOL} deposited`);
  return { hre, chain, suite, market, onboarding, population, rec };
}

/** Clears `epoch` with direct Trading calls (unmeasured). */
export async function clearDirect(b: Bench, epoch: number): Promise<void> {
  for (let status = await b.market.epochStatus(epoch); status !== EpochStatus.Settled;) {
    if (status === EpochStatus.Settling) await b.market.executeTrades(epoch, 150);
    else await b.market.matchOrders(epoch, 1_000);
    status = await b.market.epochStatus(epoch);
  }
}
