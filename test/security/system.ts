/**
 * The system under test of the security suite: Registry, GridToken and Trading wired as the deployment wires
 * them (Trading is GridToken's locked escrow account, the admin is the first REC regulator), with a payment
 * token of the test's choosing — the honest MockUSDC or one of the hostile tokens in contracts/test/.
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { GridToken, InvariantLens, Registry, Trading } from "../../typechain-types";

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
  /** Oracle operator; until readings come from the OracleClient it also holds GRID's minter and burner roles. */
  operator: HardhatEthersSigner;
  /** The Chainlink Automation forwarder (or any keeper network) allowed to call performUpkeep. */
  forwarder: HardhatEthersSigner;
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
  trading: Trading;
  paymentAddress: string;
  lens: InvariantLens;
  genesis: bigint;
}

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
  };
}

/** Deploys and wires the system; registers the prosumers and consumers; makes the market maker. */
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
  const lens = await ethers.deployContract("InvariantLens");

  await (await gridToken.connect(admin).lockEscrowAccount(await trading.getAddress())).wait();
  await (await registry.connect(admin).addRecRegulator(regulator.address)).wait();
  await (await gridToken.connect(regulator).addMinter(operator.address)).wait();
  await (await gridToken.connect(regulator).addBurner(operator.address)).wait();
  await (await trading.connect(regulator).addMarketMaker(marketMaker.address)).wait();
  for (const [i, p] of actors.prosumers.entries()) {
    await (await registry.connect(regulator).registerUser(p.address, PROSUMER, `Dorm ${i + 1}`)).wait();
  }
  for (const [i, c] of actors.consumers.entries()) {
    await (await registry.connect(regulator).registerUser(c.address, CONSUMER, `Lab ${i + 1}`)).wait();
  }

  return {
    actors,
    registry: registry as unknown as Registry,
    gridToken: gridToken as unknown as GridToken,
    trading: trading as unknown as Trading,
    paymentAddress,
    lens: lens as unknown as InvariantLens,
    genesis: await trading.genesis(),
  };
}
