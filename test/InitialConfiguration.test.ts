// Every configuration value a constructor sets is announced with the event its setter emits, so an indexer can
// rebuild each contract's configuration from logs alone, from the deployment on (SPEC 9: the Ignition module).
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { BaseContract, Log, TransactionResponse } from "ethers";
import { ethers, ignition } from "hardhat";

import GridMarketModule from "../deploy/modules/GridMarket";
import {
  GridToken__factory,
  OracleClient__factory,
  Registry__factory,
  Trading__factory,
  type OracleClient,
  type Registry,
  type Trading,
} from "../typechain-types";

const WH = 10n ** 15n;
const PARAMETERS = {
  epochLength: 600n,
  tickSize: 200n,
  maxPrice: 400_000n,
  minOrderAmount: 20n * WH,
  maxOrdersPerUser: 50n,
  feeBps: 25n,
};

async function deployment() {
  const [admin, , , , , , feeRecipient] = await ethers.getSigners();
  const deployed = await ignition.deploy(GridMarketModule, {
    parameters: { GridMarket: { admin: admin.address, feeRecipient: feeRecipient.address, ...PARAMETERS } },
  });
  return {
    admin,
    feeRecipient,
    registry: Registry__factory.connect(await deployed.registry.getAddress(), admin),
    gridToken: GridToken__factory.connect(await deployed.gridToken.getAddress(), admin),
    trading: Trading__factory.connect(await deployed.trading.getAddress(), admin),
    oracleClient: OracleClient__factory.connect(await deployed.oracleClient.getAddress(), admin),
  };
}

/** The transaction that created `contract`: the one of its first log (every constructor here emits). */
async function creation(contract: BaseContract): Promise<TransactionResponse> {
  const address = await contract.getAddress();
  const [first] = await ethers.provider.getLogs({ address, fromBlock: 0 });
  const receipt = await ethers.provider.getTransactionReceipt(first.transactionHash);
  expect(receipt?.contractAddress, "the first log comes from the constructor").to.equal(address);
  const tx = await ethers.provider.getTransaction(first.transactionHash);
  if (!tx) throw new Error("creation transaction not found");
  return tx;
}

/** Every event of `contract` so far, by name, in order. */
async function eventsOf<C extends Registry | OracleClient | Trading>(contract: C) {
  const logs: Log[] = await ethers.provider.getLogs({ address: await contract.getAddress(), fromBlock: 0 });
  return logs.map((log) => contract.interface.parseLog(log)).filter((e) => e !== null);
}

describe("Initial configuration events (Ignition module GridMarket)", function () {
  describe("Registry", function () {
    it("announces its first regulator and the per-user meter limit", async function () {
      const { registry, admin } = await loadFixture(deployment);
      const tx = await creation(registry);
      await expect(tx).to.emit(registry, "RecRegulatorAdded").withArgs(admin.address, admin.address);
      await expect(tx).to.emit(registry, "MaxMetersPerUserUpdated").withArgs(0n, 10n);
    });

    it("lets an indexer rebuild the meter limit from logs", async function () {
      const { registry } = await loadFixture(deployment);
      await registry.setMaxMetersPerUser(4);
      const last = (await eventsOf(registry)).filter((e) => e.name === "MaxMetersPerUserUpdated").at(-1);
      expect(last?.args.current).to.equal(await registry.maxMetersPerUser());
    });
  });

  describe("OracleClient", function () {
    it("announces its first operator, rated power, request TTL, upkeep batch sizes and automatic clearing", async function () {
      const { oracleClient, admin } = await loadFixture(deployment);
      const tx = await creation(oracleClient);
      await expect(tx).to.emit(oracleClient, "OracleOperatorAdded").withArgs(admin.address, admin.address);
      await expect(tx).to.emit(oracleClient, "DefaultRatedPowerUpdated").withArgs(0n, 100_000n);
      await expect(tx).to.emit(oracleClient, "RequestTtlUpdated").withArgs(0n, 3_600n);
      await expect(tx).to.emit(oracleClient, "UpkeepBatchSizesUpdated").withArgs(200n, 50n);
      await expect(tx).to.emit(oracleClient, "AutoMarketClearingUpdated").withArgs(true, admin.address);
    });

    it("lets an indexer rebuild every setting from logs", async function () {
      const { oracleClient } = await loadFixture(deployment);
      await oracleClient.setRequestTtl(7_200n);
      const events = await eventsOf(oracleClient);
      const last = (name: string) => events.filter((e) => e.name === name).at(-1)?.args;
      expect(last("DefaultRatedPowerUpdated")?.current).to.equal(await oracleClient.defaultRatedPower());
      expect(last("RequestTtlUpdated")?.current).to.equal(await oracleClient.requestTtl());
      expect(last("UpkeepBatchSizesUpdated")?.matchSteps).to.equal(await oracleClient.matchStepsPerUpkeep());
      expect(last("UpkeepBatchSizesUpdated")?.settleOrders).to.equal(await oracleClient.settleOrdersPerUpkeep());
      expect(last("AutoMarketClearingUpdated")?.enabled).to.equal(await oracleClient.autoMarketClearing());
    });
  });

  describe("Trading", function () {
    it("announces the market parameters it was deployed with", async function () {
      const { trading, feeRecipient } = await loadFixture(deployment);
      const tx = await creation(trading);
      await expect(tx).to.emit(trading, "PriceRulesUpdated").withArgs(PARAMETERS.tickSize, PARAMETERS.maxPrice);
      await expect(tx).to.emit(trading, "MinOrderAmountUpdated").withArgs(PARAMETERS.minOrderAmount);
      await expect(tx).to.emit(trading, "MaxOrdersPerUserUpdated").withArgs(PARAMETERS.maxOrdersPerUser);
      await expect(tx).to.emit(trading, "FeeUpdated").withArgs(PARAMETERS.feeBps, feeRecipient.address);
    });

    it("lets an indexer rebuild the parameters from logs", async function () {
      const { trading } = await loadFixture(deployment);
      await trading.setMaxOrdersPerUser(60n);
      const events = await eventsOf(trading);
      const last = (name: string) => events.filter((e) => e.name === name).at(-1)?.args;
      expect(last("PriceRulesUpdated")?.tickSize).to.equal(await trading.tickSize());
      expect(last("PriceRulesUpdated")?.maxPrice).to.equal(await trading.maxPrice());
      expect(last("MinOrderAmountUpdated")?.minOrderAmount).to.equal(await trading.minOrderAmount());
      expect(last("MaxOrdersPerUserUpdated")?.maxOrdersPerUser).to.equal(await trading.maxOrdersPerUser());
      expect(last("FeeUpdated")?.feeBps).to.equal(await trading.feeBps());
      expect(last("FeeUpdated")?.feeRecipient).to.equal(await trading.feeRecipient());
    });
  });

  describe("GridToken", function () {
    it("has no configuration beyond its admin: its constructor emits only the admin role grant", async function () {
      const { gridToken, admin } = await loadFixture(deployment);
      const tx = await creation(gridToken);
      const receipt = await tx.wait();
      const names = (receipt?.logs ?? [])
        .filter((log) => log.address === gridToken.target)
        .map((log) => gridToken.interface.parseLog(log)?.name);
      expect(names).to.deep.equal(["RoleGranted"]);
      await expect(tx).to.emit(gridToken, "RoleGranted").withArgs(ethers.ZeroHash, admin.address, admin.address);
    });
  });
});
