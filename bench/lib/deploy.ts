import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { MARKET_DEFAULTS } from "../../lib/market";
import { wireSystem } from "../../lib/wiring";

import {
  GridToken,
  GridToken__factory,
  MockUSDC,
  MockUSDC__factory,
  OracleClient,
  OracleClient__factory,
  Registry,
  Registry__factory,
  Trading,
  Trading__factory,
} from "../../typechain-types";

/** The market's defaults (SPEC 9.1), with the epoch length as a number for the benchmark's clock arithmetic. */
export const MARKET = { ...MARKET_DEFAULTS, epochLength: Number(MARKET_DEFAULTS.epochLength) } as const;

export interface Suite {
  admin: string;
  registry: Registry;
  gridToken: GridToken;
  paymentToken: MockUSDC;
  oracleClient: OracleClient;
  trading: Trading;
  addresses: { registry: string; gridToken: string; paymentToken: string; oracleClient: string; trading: string };
  genesis: number;
}

/**
 * Deploys and wires the four contracts as the production Ignition module does (SPEC 9 and 9.1): the admin is the
 * first REC regulator, an oracle operator and the fee recipient; the OracleClient holds GRID's minter and burner
 * roles; Trading's address is locked as an escrow account in GRID. Automine must be on.
 */
export async function deploySuite(hre: HardhatRuntimeEnvironment): Promise<Suite> {
  const [signer] = await hre.ethers.getSigners();
  const admin = await signer.getAddress();
  const adminDelay = 3 * 24 * 3600;

  const registry = await new Registry__factory(signer).deploy(admin, adminDelay);
  const gridToken = await new GridToken__factory(signer).deploy(await registry.getAddress(), admin, adminDelay);
  const paymentToken = await new MockUSDC__factory(signer).deploy();
  // Trading is linked to its libraries, as the Ignition module deploys it.
  const library = async (name: string) => {
    const deployed = await (await hre.ethers.getContractFactory(name, signer)).deploy();
    return deployed.getAddress();
  };
  const libraries = {
    "contracts/libraries/Clearing.sol:Clearing": await library("Clearing"),
    "contracts/libraries/TradingViews.sol:TradingViews": await library("TradingViews"),
    "contracts/libraries/MarketAccounts.sol:MarketAccounts": await library("MarketAccounts"),
  };
  const trading = await new Trading__factory(libraries, signer).deploy(
    await registry.getAddress(),
    await gridToken.getAddress(),
    await paymentToken.getAddress(),
    0,
    MARKET.epochLength,
    {
      tickSize: MARKET.tickSize,
      maxPrice: MARKET.maxPrice,
      minOrderAmount: MARKET.minOrderAmount,
      maxOrdersPerUser: MARKET.maxOrdersPerUser,
      feeBps: MARKET.feeBps,
      feeRecipient: admin,
    },
    admin,
    adminDelay,
  );
  const oracleClient = await new OracleClient__factory(signer).deploy(
    await registry.getAddress(),
    await gridToken.getAddress(),
    await trading.getAddress(),
    admin,
    adminDelay,
  );

  const oracleAddress = await oracleClient.getAddress();
  await wireSystem(gridToken, oracleAddress, await trading.getAddress());

  return {
    admin,
    registry,
    gridToken,
    paymentToken,
    oracleClient,
    trading,
    addresses: {
      registry: await registry.getAddress(),
      gridToken: await gridToken.getAddress(),
      paymentToken: await paymentToken.getAddress(),
      oracleClient: oracleAddress,
      trading: await trading.getAddress(),
    },
    genesis: Number(await trading.genesis()),
  };
}
