/**
 * The system under test of the security suite: Registry, GridToken, OracleClient and Trading wired as the
 * deployment wires them (Trading is GridToken's locked escrow account; the OracleClient holds GRID's minter and
 * burner roles; the admin is the first REC regulator and an oracle operator), with a payment token of the test's
 * choosing — the honest MockUSDC or one of the hostile tokens in contracts/test/ — so Trading is deployed
 * directly with ethers rather than through the Ignition module.
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { GridToken, InvariantLens, OracleClient, Registry, Trading } from "../../typechain-types";

/** The documented defaults (SPEC 9.1) used by the suite unless a test overrides them. */
export const EPOCH_LENGTH = 900n;
export const TICK_SIZE = 100n;
export const MAX_PRICE = 1_000_000n;
export const MIN_ORDER_AMOUNT = 10n ** 16n;
export const MAX_ORDERS_PER_USER = 100n;
export const ADMIN_DELAY = 86_400n;
export const WH = 10n ** 15n;

/** UserType of IRegistry. */
export const PROSUMER = 1;
export const CONSUMER = 2;

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
  return {
    admin: s[0],
    regulator: s[1],
    operator: s[2],
    forwarder: s[3],
    treasury: s[4],
    marketMaker: s[5],
    outsider: s[6],
    prosumers: [s[7], s[8], s[9]],
    consumers: [s[10], s[11]],
    newcomers: [s[12], s[13]],
    creForwarder: s[16],
  };
}

/** Deploys and wires the system; registers the prosumers and consumers; makes the market maker. */
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

export async function deploySystem(options: SystemOptions = {}): Promise<System> {
  const actors = await getActors();
  const { admin, regulator, operator, treasury, marketMaker } = actors;

  const registry = await ethers.deployContract("Registry", [admin.address, ADMIN_DELAY]);
  const gridToken = await ethers.deployContract("GridToken", [await registry.getAddress(), admin.address, ADMIN_DELAY]);
  const paymentAddress =
    options.paymentToken !== undefined
      ? await options.paymentToken()
      : await (await ethers.deployContract("MockUSDC")).getAddress();
  const params = {
    tickSize: TICK_SIZE,
    maxPrice: MAX_PRICE,
    minOrderAmount: MIN_ORDER_AMOUNT,
    maxOrdersPerUser: options.maxOrdersPerUser ?? MAX_ORDERS_PER_USER,
    feeBps: options.feeBps ?? 0n,
    feeRecipient: treasury.address,
  };
  const trading = await ethers.deployContract("Trading", [
    await registry.getAddress(),
    await gridToken.getAddress(),
    paymentAddress,
    0n,
    EPOCH_LENGTH,
    params,
    admin.address,
    ADMIN_DELAY,
  ]);
  const oracle = await ethers.deployContract("OracleClient", [
    await registry.getAddress(),
    await gridToken.getAddress(),
    await trading.getAddress(),
    admin.address,
    ADMIN_DELAY,
  ]);
  const lens = await ethers.deployContract("InvariantLens");

  await (await gridToken.connect(admin).lockEscrowAccount(await trading.getAddress())).wait();
  await (await registry.connect(admin).addRecRegulator(regulator.address)).wait();
  await (await gridToken.connect(regulator).addMinter(await oracle.getAddress())).wait();
  await (await gridToken.connect(regulator).addBurner(await oracle.getAddress())).wait();
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
    registry: registry as unknown as Registry,
    gridToken: gridToken as unknown as GridToken,
    oracle: oracle as unknown as OracleClient,
    trading: trading as unknown as Trading,
    paymentAddress,
    lens: lens as unknown as InvariantLens,
    genesis: await trading.genesis(),
    meters: METERS,
  };
}
