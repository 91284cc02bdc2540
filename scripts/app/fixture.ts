// A small market on a local node for the app: the GridMarket Ignition deployment, a consumer with USDC and a
// prosumer whose meter minted GRID and who offers some of it, at the start of a fresh epoch. The browser tests
// trade against it; `hre` must be connected to the node (HARDHAT_NETWORK=localhost, LOCALHOST_RPC_URL).
import fs from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import GridMarketModule from "../../deploy/modules/GridMarket";
import { UserType } from "../../lib/enums";
import { contractPort, drainUpkeeps } from "../../lib/keeper";
import { meterIdFromSerial } from "../../lib/meters";
import { deploymentsRoot } from "../../lib/deployment";
import { kwh, USDC } from "../../lib/units";
import type { AppConfig } from "../../lib/webapp";
import { connectDemoContracts, deployedAddresses } from "../demo/setup";
import { appConfig } from "./config";

export interface AppMarket {
  config: AppConfig;
  deploymentDir: string;
  consumer: string;
  prosumer: string;
  /** Moves the chain past the open epoch's gate closure and runs the keeper until the epoch is settled. */
  clearOpenEpoch(): Promise<number>;
  contracts: ReturnType<typeof connectDemoContracts>;
}

export const CONSUMER_USDC = 50n * USDC;
export const PROSUMER_OFFER = { amount: kwh(2), price: 200_000n };

export async function deployAppMarket(hre: HardhatRuntimeEnvironment, rpcUrl: string, id: string): Promise<AppMarket> {
  const deploymentDir = path.join(deploymentsRoot(hre), id);
  fs.rmSync(deploymentDir, { recursive: true, force: true });
  const [admin, consumer, prosumer] = await hre.ethers.getSigners();
  const deployed = await hre.ignition.deploy(GridMarketModule, { deploymentId: id });
  const addresses = await deployedAddresses(deployed);
  const c = connectDemoContracts(addresses, admin);
  const meterId = meterIdFromSerial("SOLAR-LAB-1");
  const wait = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
  await wait(c.registry.registerUser(consumer.address, UserType.Consumer, "Library"));
  await wait(c.registry.registerUser(prosumer.address, UserType.Prosumer, "Solar lab"));
  await wait(c.registry.assignMeter(meterId, prosumer.address));
  await wait(c.usdc.mint(consumer.address, CONSUMER_USDC));

  // The meter's first reading sets its baseline, the second mints 5 kWh of export.
  const now = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  for (const [exportWh, readAt] of [
    [10_000, now - 3600],
    [15_000, now - 60],
  ]) {
    await wait(c.oracle.submitReadings([{ meterId, exportWh, importWh: 0, readAt }]));
  }

  // A fresh epoch, so that the browser has the whole of it; the prosumer offers 2 kWh at 0.20 USDC/kWh.
  const genesis = Number(await c.trading.genesis());
  const length = Number(await c.trading.epochLength());
  const latest = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  await hre.network.provider.send("evm_mine", [genesis + (Math.floor((latest - genesis) / length) + 1) * length + 1]);
  await wait(c.grid.connect(prosumer).approve(addresses.trading, PROSUMER_OFFER.amount));
  await wait(c.trading.connect(prosumer).createSellOrder(PROSUMER_OFFER.amount, PROSUMER_OFFER.price));

  const clearOpenEpoch = async () => {
    const t = Number((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const end = genesis + (Math.floor((t - genesis) / length) + 1) * length;
    await hre.network.provider.send("evm_mine", [end + 1]);
    const port = contractPort(c.oracle, async (data) => (await c.oracle.performUpkeep(data)).wait());
    return (await drainUpkeeps(port, 50)).length;
  };

  const config = appConfig(deploymentDir, rpcUrl, {
    chainName: "Local node (browser tests)",
    devAccounts: [
      { address: consumer.address, label: "Library (consumer)" },
      { address: prosumer.address, label: "Solar lab (prosumer)" },
    ],
  });
  return {
    config,
    deploymentDir,
    consumer: consumer.address,
    prosumer: prosumer.address,
    clearOpenEpoch,
    contracts: c,
  };
}
