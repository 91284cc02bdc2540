/**
 * The system under test of the security suite: Registry, GridToken, OracleClient and Trading wired as the
 * deployment wires them (Trading is GridToken's locked escrow account; the OracleClient holds GRID's minter and
 * burner roles; the admin is the first REC regulator and an oracle operator), with a payment token of the test's
 * choosing — the honest MockUSDC or one of the hostile tokens in contracts/test/, handed to the Ignition module as
 * its `paymentToken` parameter.
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { GridToken, InvariantLens, OracleClient, Registry, Trading } from "../../typechain-types";
import { UserType } from "../../lib/enums";
import { MARKET_DEFAULTS } from "../../lib/market";
import { deployMarket } from "../fixtures";

/** The documented defaults (SPEC 9.1) used by the suite unless a test overrides them, from lib/market.ts. */
export const {
  epochLength: EPOCH_LENGTH,
  tickSize: TICK_SIZE,
  maxPrice: MAX_PRICE,
  minOrderAmount: MIN_ORDER_AMOUNT,
  maxOrdersPerUser: MAX_ORDERS_PER_USER,
} = MARKET_DEFAULTS;
export const ADMIN_DELAY = 86_400n;
export { WH } from "../../lib/units";

/** UserType of IRegistry. */
export const { Prosumer: PROSUMER, Consumer: CONSUMER } = UserType;

/** Every account the suite names, one per role of SPEC 4 plus users. */
export interface Actors {
  admin: HardhatEthersSigner;
  regulator: HardhatEthersSigner;
  /** An oracle operator of the OracleClient (not the admin). */
  operator: HardhatEthersSigner;
  /** The Chainlink Automation forwarder (or any keeper network) allowed to call performUpkeep. */
  forwarder: HardhatEthersSigner;
  /** The CRE KeystoneForwarder allowed to call onReport. */
  creForwarder: HardhatEthersSigner;
  treasury: HardhatEthersSigner;
  marketMaker: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  prosumers: HardhatEthersSigner[];
  consumers: HardhatEthersSigner[];
  /** Accounts that start unregistered. */
  newcomers: HardhatEthersSigner[];
}

export interface SystemOptions {
  /** Deploys the payment token; defaults to MockUSDC. */
  paymentToken?: () => Promise<string>;
  feeBps?: bigint;
  maxOrdersPerUser?: bigint;
}

export interface System {
  actors: Actors;
  registry: Registry;
  gridToken: GridToken;
  oracle: OracleClient;
  trading: Trading;
  paymentAddress: string;
  lens: InvariantLens;
  genesis: bigint;
  /** Meter i of `prosumers` then `consumers`, in that order (one each). */
  meters: string[];
}

/** The meter ids the suite assigns: one per prosumer, then one per consumer. */
export const METERS = ["MTR-P-1", "MTR-P-2", "MTR-P-3", "MTR-C-1", "MTR-C-2"].map((m) => ethers.encodeBytes32String(m));

export async function getActors(): Promise<Actors> {
  const s = await ethers.getSigners();
  const [admin, regulator, operator, forwarder, treasury, marketMaker, outsider] = s;
  const roles = { admin, regulator, operator, forwarder, treasury, marketMaker, outsider, creForwarder: s[16] };
  return { ...roles, prosumers: s.slice(7, 10), consumers: s.slice(10, 12), newcomers: s.slice(12, 14) };
}

/**
 * Gives `owner` `wh` watt-hours of GRID the way production does: the operator submits a baseline reading of the
 * owner's meter and, `wh * 3.6 / 100` seconds of rated power later, one with the export register `wh` higher.
 * Returns the meter's last reading time. Needs the meter to have no baseline yet.
 */
export async function mintByReadings(sys: System, meterIndex: number, wh: bigint): Promise<bigint> {
  const latest = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const elapsed = (wh * 3_600n) / 100_000n + 1n;
  const meterId = sys.meters[meterIndex];
  await (
    await sys.oracle.connect(sys.actors.operator).submitReadings([
      { meterId, exportWh: 0n, importWh: 0n, readAt: latest - elapsed },
      { meterId, exportWh: wh, importWh: 0n, readAt: latest },
    ])
  ).wait();
  return latest;
}

/**
 * Deploys the system through the GridMarket Ignition module ({@link deployMarket}: a day's admin delay, the
 * treasury as fee recipient, the test's payment token, fee and order limit), then, as operations would, adds
 * the second REC regulator, the oracle operator, both forwarders and the market maker, registers the prosumers
 * and consumers and assigns their meters.
 */
export async function deploySystem(options: SystemOptions = {}): Promise<System> {
  const actors = await getActors();
  const { admin, regulator, operator, treasury, marketMaker } = actors;

  const paymentToken = options.paymentToken !== undefined ? await options.paymentToken() : undefined;
  const {
    registry,
    gridToken,
    trading,
    oracleClient: oracle,
    paymentToken: payment,
  } = await deployMarket({
    adminDelay: ADMIN_DELAY,
    paymentToken,
    feeBps: options.feeBps ?? 0n,
    maxOrdersPerUser: options.maxOrdersPerUser ?? MAX_ORDERS_PER_USER,
    feeRecipient: treasury.address,
  });
  const paymentAddress = await payment.getAddress();
  const lens = await ethers.deployContract("InvariantLens");

  await (await registry.connect(admin).addRecRegulator(regulator.address)).wait();
  await (await oracle.connect(regulator).addOracleOperator(operator.address)).wait();
  await (await oracle.connect(admin).setForwarder(actors.forwarder.address)).wait();
  await (await oracle.connect(admin).setCreForwarder(actors.creForwarder.address)).wait();
  await (await trading.connect(regulator).addMarketMaker(marketMaker.address)).wait();
  for (const [i, p] of actors.prosumers.entries()) {
    await (await registry.connect(regulator).registerUser(p.address, PROSUMER, `Dorm ${i + 1}`)).wait();
  }
  for (const [i, c] of actors.consumers.entries()) {
    await (await registry.connect(regulator).registerUser(c.address, CONSUMER, `Lab ${i + 1}`)).wait();
  }
  for (const [i, owner] of [...actors.prosumers, ...actors.consumers].entries()) {
    await (await registry.connect(regulator).assignMeter(METERS[i], owner.address)).wait();
  }

  return {
    actors,
    registry,
    gridToken,
    oracle,
    trading,
    paymentAddress,
    lens: lens as unknown as InvariantLens,
    genesis: await trading.genesis(),
    meters: METERS,
  };
}
