// Typed fixtures, composed registry → token → system. Contracts are deployed through the same Ignition
// modules that production uses (deploy/modules/), so the tests exercise the real constructor arguments and
// wiring. Load them with `loadFixture` and destructure what a test needs.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ethers, ignition } from "hardhat";

import GridMarketModule, { buildGridMarketModule } from "../deploy/modules/GridMarket";
import { buildGridTokenModule } from "../deploy/modules/GridToken";
import { buildOracleClientModule } from "../deploy/modules/OracleClient";
import { buildPaymentTokenModule } from "../deploy/modules/PaymentToken";
import { buildRegistryModule } from "../deploy/modules/Registry";
import type { TradingModule } from "../deploy/modules/Trading";
import {
  GridToken__factory,
  MockClearingMarket__factory,
  MockUSDC__factory,
  OracleClient__factory,
  Registry__factory,
  Trading__factory,
  type GridToken,
  type Registry,
} from "../typechain-types";

// ─────────────────────────────────────────── SIGNERS ──────────────────────────────────────────

/** The cast of every test, always on the same Hardhat accounts. */
export interface NamedSigners {
  /** Account 0: deploys everything; admin of all contracts and first REC regulator. */
  admin: HardhatEthersSigner;
  /** A second REC regulator, added by the admin. */
  regulator: HardhatEthersSigner;
  /** Oracle operator (in the token-only fixtures: GRID minter and burner, standing in for the OracleClient). */
  operator: HardhatEthersSigner;
  /** A market maker (e.g. the campus utility posting tariffs). */
  marketMaker: HardhatEthersSigner;
  /** An account with no role and no registration. */
  outsider: HardhatEthersSigner;
  /** Three registered, active prosumers, each owning one meter. */
  prosumers: [HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner];
  /** Three registered, active consumers, each owning one meter. */
  consumers: [HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner];
}

export async function getNamedSigners(): Promise<NamedSigners> {
  const [admin, regulator, operator, marketMaker, outsider, p1, p2, p3, c1, c2, c3] = await ethers.getSigners();
  return { admin, regulator, operator, marketMaker, outsider, prosumers: [p1, p2, p3], consumers: [c1, c2, c3] };
}

// ─────────────────────────────────────────── HELPERS ──────────────────────────────────────────

/** `IRegistry.UserType`, in declaration order. */
const PROSUMER = 1;
const CONSUMER = 2;

/** The on-chain id of a meter serial (at most 31 bytes), as scripts encode it. */
export function meterId(serial: string): string {
  return ethers.encodeBytes32String(serial);
}

/** The meters the fixtures assign: prosumer i owns `PROSUMER_METERS[i]`, consumer i `CONSUMER_METERS[i]`. */
export const PROSUMER_METERS = [meterId("MTR-P-001"), meterId("MTR-P-002"), meterId("MTR-P-003")] as const;
export const CONSUMER_METERS = [meterId("MTR-C-001"), meterId("MTR-C-002"), meterId("MTR-C-003")] as const;

/** Adds the second regulator, registers the prosumers and consumers, and gives each its meter. */
async function onboard(registry: Registry, signers: NamedSigners): Promise<void> {
  const { admin, regulator, prosumers, consumers } = signers;
  await registry.connect(admin).addRecRegulator(regulator.address);
  for (const [i, p] of prosumers.entries()) {
    await registry.connect(regulator).registerUser(p.address, PROSUMER, `Residence hall A, flat ${i + 1}`);
    await registry.connect(regulator).assignMeter(PROSUMER_METERS[i], p.address);
  }
  for (const [i, c] of consumers.entries()) {
    await registry.connect(regulator).registerUser(c.address, CONSUMER, `Library, office ${i + 1}`);
    await registry.connect(regulator).assignMeter(CONSUMER_METERS[i], c.address);
  }
}

// ────────────────────────────────────────── DEPLOYERS ─────────────────────────────────────────

/**
 * Parameters of the "GridMarket" Ignition module (deploy/modules/GridMarket.ts); every one is optional and
 * defaults as in production. `paymentToken` switches to the module built with `{ paymentToken: "parameter" }`
 * (an existing ERC-20, e.g. a hostile test token) instead of the MockUSDC the local module deploys.
 */
export interface MarketParameters {
  admin?: string;
  adminDelay?: bigint;
  paymentToken?: string;
  epochLength?: bigint;
  genesis?: bigint;
  tickSize?: bigint;
  maxPrice?: bigint;
  minOrderAmount?: bigint;
  maxOrdersPerUser?: bigint;
  feeBps?: bigint;
  feeRecipient?: string;
}

/**
 * The one deployer of the whole market in the tests: Registry, GridToken, Trading and OracleClient (and the
 * payment token) through the "GridMarket" Ignition module, wired as production wires them. Contracts are
 * connected to account 0 (the deployer and, unless `admin` says otherwise, the admin). `paymentToken` is typed
 * as MockUSDC; when a `paymentToken` parameter is given, it is that token at its address.
 */
export async function deployMarket(parameters: MarketParameters = {}) {
  const [deployer] = await ethers.getSigners();
  const module = parameters.paymentToken === undefined ? GridMarketModule : existingTokenMarketModule();
  const deployed = await ignition.deploy(module, { parameters: { GridMarket: { ...parameters } } });
  return {
    registry: Registry__factory.connect(await deployed.registry.getAddress(), deployer),
    gridToken: GridToken__factory.connect(await deployed.gridToken.getAddress(), deployer),
    trading: Trading__factory.connect(await deployed.trading.getAddress(), deployer),
    oracleClient: OracleClient__factory.connect(await deployed.oracleClient.getAddress(), deployer),
    paymentToken: MockUSDC__factory.connect(await deployed.paymentToken.getAddress(), deployer),
  };
}

export type Market = Awaited<ReturnType<typeof deployMarket>>;

let existingTokenModule: ReturnType<typeof buildGridMarketModule> | undefined;
/** The GridMarket module that takes its payment token from the `paymentToken` parameter (built once). */
function existingTokenMarketModule() {
  existingTokenModule ??= buildGridMarketModule({ paymentToken: "parameter" });
  return existingTokenModule;
}

let oracleStandInModule: ReturnType<typeof buildOracleClientModule> | undefined;
/**
 * Registry, GridToken and OracleClient through their production Ignition modules, with a MockClearingMarket
 * (contracts/test) standing in for Trading, so that a test can script every answer of the market. Like the
 * GridMarket module's wiring, the admin (account 0) makes the OracleClient GRID's minter and burner.
 */
export async function deployOracleWithScriptedMarket() {
  const [admin] = await ethers.getSigners();
  oracleStandInModule ??= buildOracleClientModule({
    admin: admin.address,
    adminDelay: 0n,
    tradingModule: buildModule("Trading", (m) => {
      const { registry, gridToken } = m.useModule(buildGridTokenModule());
      const { paymentToken } = m.useModule(buildPaymentTokenModule({ kind: "mock" }));
      const trading = m.contract("MockClearingMarket");
      return { registry, gridToken, paymentToken, trading };
    }) as unknown as TradingModule,
  });
  const deployed = await ignition.deploy(oracleStandInModule);
  const registry = Registry__factory.connect(await deployed.registry.getAddress(), admin);
  const gridToken = GridToken__factory.connect(await deployed.gridToken.getAddress(), admin);
  const market = MockClearingMarket__factory.connect(await deployed.trading.getAddress(), admin);
  const oracleClient = OracleClient__factory.connect(await deployed.oracleClient.getAddress(), admin);
  await gridToken.addMinter(oracleClient);
  await gridToken.addBurner(oracleClient);
  return { registry, gridToken, market, oracleClient };
}

// ────────────────────────────────────────── FIXTURES ──────────────────────────────────────────

/** A fresh Registry (Ignition module "Registry"): the admin is the only regulator, nobody is registered. */
export async function registryFixture() {
  const signers = await getNamedSigners();
  const deployed = await ignition.deploy(buildRegistryModule(), {
    parameters: { Registry: { admin: signers.admin.address } },
  });
  const registry = Registry__factory.connect(await deployed.registry.getAddress(), signers.admin);
  return { ...signers, registry };
}

/**
 * Registry and GridToken (Ignition module "GridToken"), with users on board: `regulator` is a second REC
 * regulator, the prosumers and consumers are registered with one meter each, and `operator` may mint and burn.
 */
export async function tokenFixture() {
  const signers = await getNamedSigners();
  const { admin, operator } = signers;
  const deployed = await ignition.deploy(buildGridTokenModule(), {
    parameters: { Registry: { admin: admin.address }, GridToken: { admin: admin.address } },
  });
  const registry: Registry = Registry__factory.connect(await deployed.registry.getAddress(), admin);
  const gridToken: GridToken = GridToken__factory.connect(await deployed.gridToken.getAddress(), admin);

  await onboard(registry, signers);
  await gridToken.connect(admin).addMinter(operator.address);
  await gridToken.connect(admin).addBurner(operator.address);
  return { ...signers, registry, gridToken };
}

/** {@link tokenFixture} with GRID already minted: each prosumer holds `PROSUMER_BALANCE` (10 kWh). */
export const PROSUMER_BALANCE = 10n * 10n ** 18n;

export async function fundedTokenFixture() {
  const f = await tokenFixture();
  for (const [i, p] of f.prosumers.entries()) {
    await f.gridToken.connect(f.operator).mint(p.address, PROSUMER_BALANCE, PROSUMER_METERS[i]);
  }
  return f;
}

/** Payment token each consumer and the market maker holds in {@link systemFixture}: 1,000 USDC. */
export const CONSUMER_USDC = 1_000n * 10n ** 6n;

/**
 * The whole market through the "GridMarket" module (Registry, GridToken, Trading, OracleClient, MockUSDC),
 * with users on board as in {@link tokenFixture}: `operator` is an oracle operator, `marketMaker` a market
 * maker, and every consumer and the market maker holds {@link CONSUMER_USDC}. GRID is minted only through
 * the OracleClient, as in production.
 */
export async function systemFixture() {
  const signers = await getNamedSigners();
  const { admin, regulator, operator, marketMaker, consumers } = signers;
  const { registry, gridToken, trading, oracleClient, paymentToken } = await deployMarket({
    admin: admin.address,
    feeRecipient: admin.address,
  });

  await onboard(registry, signers);
  await oracleClient.connect(regulator).addOracleOperator(operator.address);
  await trading.connect(regulator).addMarketMaker(marketMaker.address);
  for (const account of [...consumers, marketMaker]) await paymentToken.mint(account.address, CONSUMER_USDC);
  return { ...signers, registry, gridToken, trading, oracleClient, paymentToken };
}
