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

/** The transaction that created `contract` emitted each event of `events` with the arguments given. */
async function expectAnnounced(contract: BaseContract, events: Record<string, unknown[]>): Promise<void> {
  const tx = await creation(contract);
  for (const [name, args] of Object.entries(events))
    await expect(tx)
      .to.emit(contract, name)
      .withArgs(...args);
}

/**
 * The last event of each name in `events` carries, in each listed field, what the getter named beside it reads now
 * (`{ field: "getter" }`; a plain list names fields that are named like their getters).
 */
async function expectRebuildable(
  contract: Registry | OracleClient | Trading,
  events: Record<string, readonly string[] | Record<string, string>>,
): Promise<void> {
  const logged = await eventsOf(contract);
  for (const [name, fields] of Object.entries(events)) {
    const last = logged.filter((e) => e.name === name).at(-1)?.args;
    const pairs = Array.isArray(fields) ? fields.map((f) => [f, f]) : Object.entries(fields);
    for (const [field, getter] of pairs) {
      const current: unknown = await (contract as BaseContract).getFunction(getter).staticCall();
      expect(last?.[field], `${name}.${field}`).to.equal(current);
    }
  }
}

describe("Initial configuration events (Ignition module GridMarket)", function () {
  describe("Registry", function () {
    it("announces its first regulator and the per-user meter limit", async function () {
      const { registry, admin } = await loadFixture(deployment);
      const announced = { RecRegulatorAdded: [admin.address, admin.address], MaxMetersPerUserUpdated: [0n, 10n] };
      await expectAnnounced(registry, announced);
    });

    it("lets an indexer rebuild the meter limit from logs", async function () {
      const { registry } = await loadFixture(deployment);
      await registry.setMaxMetersPerUser(4);
      await expectRebuildable(registry, { MaxMetersPerUserUpdated: { current: "maxMetersPerUser" } });
    });
  });

  describe("OracleClient", function () {
    it("announces its first operator, rated power, request TTL, upkeep batch sizes and automatic clearing", async function () {
      const { oracleClient, admin } = await loadFixture(deployment);
      await expectAnnounced(oracleClient, {
        OracleOperatorAdded: [admin.address, admin.address],
        DefaultRatedPowerUpdated: [0n, 100_000n],
        RequestTtlUpdated: [0n, 3_600n],
        UpkeepBatchSizesUpdated: [200n, 50n],
        AutoMarketClearingUpdated: [true, admin.address],
      });
    });

    it("lets an indexer rebuild every setting from logs", async function () {
      const { oracleClient } = await loadFixture(deployment);
      await oracleClient.setRequestTtl(7_200n);
      await expectRebuildable(oracleClient, {
        DefaultRatedPowerUpdated: { current: "defaultRatedPower" },
        RequestTtlUpdated: { current: "requestTtl" },
        UpkeepBatchSizesUpdated: { matchSteps: "matchStepsPerUpkeep", settleOrders: "settleOrdersPerUpkeep" },
        AutoMarketClearingUpdated: { enabled: "autoMarketClearing" },
      });
    });
  });

  describe("Trading", function () {
    it("announces the market parameters it was deployed with", async function () {
      const { trading, feeRecipient } = await loadFixture(deployment);
      const { tickSize, maxPrice, minOrderAmount, maxOrdersPerUser, feeBps } = PARAMETERS;
      await expectAnnounced(trading, {
        PriceRulesUpdated: [tickSize, maxPrice],
        MinOrderAmountUpdated: [minOrderAmount],
        MaxOrdersPerUserUpdated: [maxOrdersPerUser],
        FeeUpdated: [feeBps, feeRecipient.address],
      });
    });

    it("lets an indexer rebuild the parameters from logs", async function () {
      const { trading } = await loadFixture(deployment);
      await trading.setMaxOrdersPerUser(60n);
      // Each field is named like the getter that reads it back.
      await expectRebuildable(trading, {
        PriceRulesUpdated: ["tickSize", "maxPrice"],
        MinOrderAmountUpdated: ["minOrderAmount"],
        MaxOrdersPerUserUpdated: ["maxOrdersPerUser"],
        FeeUpdated: ["feeBps", "feeRecipient"],
      });
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
