// The demo's campus on-chain: one impersonated account per meter's building plus the utility (the market maker),
// registered, metered and funded by the admin in one batch of transactions. In the same batch each participant
// approves Trading for the token it brings to the market and the buyers fund their market accounts:
//  - consumers and the utility deposit their payment token once and trade the whole day from the account;
//  - prosumers approve GRID only: meter readings mint their GRID to the wallet every interval, and each sell
//    order pulls just its shortfall from the wallet in the order's own transaction (cheaper than a deposit
//    transaction per epoch, see docs/DEMO.md);
//  - the utility keeps the GRID it buys in its account (it consumes through no meter), so its asks need no pull.
import { getAddress, keccak256, MaxUint256, toUtf8Bytes, Wallet } from "ethers";

import { UserType } from "../../lib/enums";
import type { RpcDriver, TxRequest } from "../../lib/rpc";
import type { ContractRunner } from "ethers";

import {
  type GridToken,
  GridToken__factory,
  type MockUSDC,
  MockUSDC__factory,
  type OracleClient,
  OracleClient__factory,
  type Registry,
  Registry__factory,
  type Trading,
  Trading__factory,
} from "../../typechain-types";
import type { MeterInfo } from "../ami/campus";
import type { DemoOptions, Participant } from "./types";

const SETUP_GAS = 300_000n;
const USER_TYPE = { prosumer: UserType.Prosumer, consumer: UserType.Consumer } as const;

/** A deterministic account address for a simulated participant (impersonated, never a real key). */
export function participantAddress(seed: number, label: string): string {
  return getAddress("0x" + keccak256(toUtf8Bytes(`gridmarket-demo:${seed}:${label}`)).slice(26));
}

export function toUnits(value: number, decimals: number): bigint {
  return BigInt(Math.round(value * 10 ** decimals));
}

/** The deployed contracts, connected to the admin. */
export interface DemoContracts {
  registry: Registry;
  grid: GridToken;
  oracle: OracleClient;
  trading: Trading;
  usdc: MockUSDC;
  addresses: { registry: string; gridToken: string; oracleClient: string; trading: string; paymentToken: string };
  admin: string;
}

/** The campus as registered: its participants, the utility, the meter keys (signed mode) and what it cost. */
export interface RegisteredCampus {
  participants: Participant[];
  utility: Participant;
  meterKeys: Map<string, Wallet>;
  transactions: number;
  gasUsed: bigint;
  /** Of `gasUsed`: the participants' own transactions, by address. */
  gasBy: Map<string, bigint>;
  /** Payment token each participant deposited. */
  deposits: Map<string, bigint>;
}

/** The addresses of the GridMarket Ignition module's results. */
export async function deployedAddresses(
  deployed: Record<keyof DemoContracts["addresses"], { getAddress(): Promise<string> }>,
): Promise<DemoContracts["addresses"]> {
  return {
    registry: await deployed.registry.getAddress(),
    gridToken: await deployed.gridToken.getAddress(),
    oracleClient: await deployed.oracleClient.getAddress(),
    trading: await deployed.trading.getAddress(),
    paymentToken: await deployed.paymentToken.getAddress(),
  };
}

/** The demo's contracts at `addresses` (a {@link DemoResult}'s), connected to `runner`. */
export function connectDemoContracts(
  addresses: DemoContracts["addresses"],
  runner: ContractRunner,
): Omit<DemoContracts, "addresses" | "admin"> {
  return {
    registry: Registry__factory.connect(addresses.registry, runner),
    grid: GridToken__factory.connect(addresses.gridToken, runner),
    oracle: OracleClient__factory.connect(addresses.oracleClient, runner),
    trading: Trading__factory.connect(addresses.trading, runner),
    usdc: MockUSDC__factory.connect(addresses.paymentToken, runner),
  };
}

/** Registers every meter's building, the utility as market maker, funds and approvals. */
export async function registerCampus(
  driver: RpcDriver,
  contracts: DemoContracts,
  meters: readonly MeterInfo[],
  options: DemoOptions,
  decimals: number,
): Promise<RegisteredCampus> {
  const { registry, grid, oracle, trading, usdc, addresses } = contracts;
  // ── Participants ──────────────────────────────────────────────────────────────────────────────
  const participants: Participant[] = meters.map((m) => ({
    address: participantAddress(options.seed, m.serial),
    role: m.role,
    label: m.location,
    serial: m.serial,
    meterId: m.meterId,
    building: m.building,
    pvKwp: m.pvKwp,
  }));
  const utility: Participant = {
    address: participantAddress(options.seed, "utility"),
    role: "utility",
    label: "Campus utility (market maker)",
  };
  participants.push(utility);
  for (const p of participants) await driver.impersonate(p.address, 10n ** 20n);

  const fundsOf = (p: Participant) => toUnits(p.role === "utility" ? 5000 : p.role === "consumer" ? 100 : 0, decimals);
  const meterKeys = new Map<string, Wallet>();
  if (options.signed) {
    for (const m of meters) {
      meterKeys.set(m.serial, new Wallet(keccak256(toUtf8Bytes(`gridmarket-demo-meter:${options.seed}:${m.serial}`))));
    }
  }

  // ── Register the campus (one batch of transactions, mined together) ───────────────────────────
  const a = contracts.admin;
  const setupTxs: TxRequest[] = [];
  const deposits = new Map<string, bigint>();
  for (const p of participants) {
    if (p.role === "utility") {
      setupTxs.push({
        from: a,
        to: addresses.trading,
        data: trading.interface.encodeFunctionData("addMarketMaker", [p.address]),
        gas: SETUP_GAS,
        label: "addMarketMaker",
      });
    } else {
      const m = meters.find((x) => x.serial === p.serial)!;
      setupTxs.push(
        {
          from: a,
          to: addresses.registry,
          data: registry.interface.encodeFunctionData("registerUser", [p.address, USER_TYPE[p.role], p.label]),
          gas: SETUP_GAS,
          label: `registerUser ${p.serial}`,
        },
        {
          from: a,
          to: addresses.registry,
          data: registry.interface.encodeFunctionData("assignMeter", [m.meterId, p.address]),
          gas: SETUP_GAS,
          label: `assignMeter ${p.serial}`,
        },
        {
          from: a,
          to: addresses.oracleClient,
          data: oracle.interface.encodeFunctionData("setMeterRatedPower", [m.meterId, m.ratedPowerW]),
          gas: SETUP_GAS,
          label: `setMeterRatedPower ${p.serial}`,
        },
      );
      const key = meterKeys.get(m.serial);
      if (key !== undefined) {
        setupTxs.push({
          from: a,
          to: addresses.registry,
          data: registry.interface.encodeFunctionData("setMeterSigner", [m.meterId, key.address]),
          gas: SETUP_GAS,
          label: `setMeterSigner ${p.serial}`,
        });
      }
    }
    if (fundsOf(p) > 0n) {
      setupTxs.push({
        from: a,
        to: addresses.paymentToken,
        data: usdc.interface.encodeFunctionData("mint", [p.address, fundsOf(p)]),
        gas: SETUP_GAS,
        label: `mint USDC ${p.label}`,
      });
    }
    // What the participant brings to the market: GRID (prosumers) or the payment token (consumers, utility).
    const token = p.role === "prosumer" ? addresses.gridToken : addresses.paymentToken;
    setupTxs.push({
      from: p.address,
      to: token,
      data: grid.interface.encodeFunctionData("approve", [addresses.trading, MaxUint256]),
      gas: SETUP_GAS,
      label: `approve ${p.label}`,
    });
    if (fundsOf(p) > 0n) {
      setupTxs.push({
        from: p.address,
        to: addresses.trading,
        data: trading.interface.encodeFunctionData("deposit", [addresses.paymentToken, fundsOf(p)]),
        gas: SETUP_GAS,
        label: `deposit ${p.label}`,
      });
      deposits.set(p.address, fundsOf(p));
    }
    if (p.role === "utility") {
      setupTxs.push({
        from: p.address,
        to: addresses.trading,
        data: trading.interface.encodeFunctionData("setKeepsBoughtGrid", [true]),
        gas: SETUP_GAS,
        label: `setKeepsBoughtGrid ${p.label}`,
      });
    }
  }
  const setupReceipts = await driver.batch(setupTxs);
  const gasUsed = setupReceipts.reduce((s, r) => s + BigInt(r.gasUsed), 0n);
  const gasBy = new Map<string, bigint>();
  setupReceipts.forEach((r, i) => {
    const from = setupTxs[i].from;
    if (from !== a) gasBy.set(from, (gasBy.get(from) ?? 0n) + BigInt(r.gasUsed));
  });
  return { participants, utility, meterKeys, transactions: setupTxs.length, gasUsed, gasBy, deposits };
}
