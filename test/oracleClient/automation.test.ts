import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";

import type { MockClearingMarket, OracleClient } from "../../typechain-types";
import { Work } from "../helpers/enums";
import { expectSetThenUnchanged } from "../helpers/setters";
import { Reject, GRID_PER_WH, ADMIN_ROLE } from "./constants";
import { METER_A, deployOracleFixture, withBaselineFixture } from "./fixture";
import { WORKFLOW_ID, reading, metadata, readingsReport, clearingReport, coder } from "./helpers";
import { expectStoppedByPause } from "../helpers/access";

describe("OracleClient", function () {
  describe("automation", function () {
    async function scripted(
      market: MockClearingMarket,
      work: number,
      epoch: bigint,
      levels: bigint,
      orders: bigint,
      gasPerUnit = 0n,
      after: { work: number; epoch: bigint } = { work: Work.Settle, epoch },
    ): Promise<void> {
      await market.setScript(work, epoch, levels, orders, after.work, after.epoch, gasPerUnit);
    }

    describe("#checkUpkeep", function () {
      it("reports the pending work with a hint", async function () {
        const { oracle, market } = await loadFixture(deployOracleFixture);
        expect([...(await oracle.checkUpkeep("0x"))]).to.deep.equal([false, "0x"]);
        await scripted(market, Work.Match, 7n, 10n, 10n);
        expect([...(await oracle.checkUpkeep("0x"))]).to.deep.equal([
          true,
          coder.encode(["uint8", "uint256"], [Work.Match, 7n]),
        ]);
        await scripted(market, Work.Settle, 8n, 0n, 10n);
        expect([...(await oracle.checkUpkeep("0x"))]).to.deep.equal([
          true,
          coder.encode(["uint8", "uint256"], [Work.Settle, 8n]),
        ]);
      });

      it("reports nothing while automatic clearing is off or the oracle is paused", async function () {
        const { oracle, market, regulator, admin } = await loadFixture(deployOracleFixture);
        await scripted(market, Work.Match, 7n, 10n, 10n);
        await oracle.connect(regulator).setAutoMarketClearing(false);
        expect([...(await oracle.checkUpkeep("0x"))]).to.deep.equal([false, "0x"]);
        await oracle.connect(regulator).setAutoMarketClearing(true);
        await oracle.connect(admin).pause();
        expect([...(await oracle.checkUpkeep("0x"))]).to.deep.equal([false, "0x"]);
      });
    });

    describe("#performUpkeep", function () {
      async function forwarderFixture() {
        const f = await deployOracleFixture();
        await f.oracle.connect(f.admin).setForwarder(f.forwarder.address);
        return f;
      }

      it("does one match slice for the forwarder and records the check time", async function () {
        const { oracle, market, forwarder } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Match, 3n, 450n, 10n);
        const tx = await oracle.connect(forwarder).performUpkeep("0x");
        await expect(tx).to.emit(market, "MatchCalled").withArgs(3n, 200n, false);
        await expect(tx).to.emit(oracle, "UpkeepPerformed").withArgs(Work.Match, 3n, false, forwarder.address);
        await expect(tx).to.not.emit(market, "SettleCalled");
        const at = (await ethers.provider.getBlock(tx.blockNumber!))!.timestamp;
        expect(await oracle.lastMarketCheck()).to.equal(BigInt(at));
      });

      it("settles in slices of settleOrdersPerUpkeep while they fit, with one UpkeepPerformed for all", async function () {
        const { oracle, market, operator } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Settle, 4n, 0n, 250n);
        const tx = oracle.connect(operator).performUpkeep("0x");
        await expect(tx).to.emit(market, "SettleCalled").withArgs(4n, 50n, false);
        await expect(tx).to.emit(market, "SettleCalled").withArgs(4n, 50n, true);
        await expect(tx).to.emit(oracle, "UpkeepPerformed").withArgs(Work.Settle, 4n, true, operator.address);
        await expect(tx).to.not.emit(market, "MatchCalled");
        const receipt = await (await tx).wait();
        const performed = receipt!.logs.filter(
          (l) => l.topics[0] === oracle.interface.getEvent("UpkeepPerformed").topicHash,
        );
        expect(performed).to.have.length(1);
        expect(await market.settleCalls()).to.equal(5n); // 250 orders in slices of 50
      });

      it("stops slicing before the worst case of the next slice would exceed the budget", async function () {
        const { oracle, market, operator } = await loadFixture(forwarderFixture);
        // 40,000 gas per order: each 50-order slice costs 2.0M, so the worst case of a third does not fit 4.5M.
        await scripted(market, Work.Settle, 4n, 0n, 1_000n, 40_000n);
        const receipt = await (await oracle.connect(operator).performUpkeep("0x", { gasLimit: 10_000_000 })).wait();
        const settled = 1_000n - (await market.ordersLeft());
        expect(settled > 0n && settled < 150n).to.equal(true);
        expect(receipt!.gasUsed <= 4_500_000n).to.equal(true);
      });

      it("continues with settlement when matching finishes with gas to spare", async function () {
        const { oracle, market, regulator, forwarder } = await loadFixture(forwarderFixture);
        await oracle.connect(regulator).setUpkeepBatchSizes(200n, 60n);
        await scripted(market, Work.Match, 5n, 20n, 60n);
        const tx = oracle.connect(forwarder).performUpkeep("0x");
        await expect(tx).to.emit(oracle, "UpkeepPerformed").withArgs(Work.Match, 5n, true, forwarder.address);
        await expect(tx).to.emit(market, "SettleCalled").withArgs(5n, 60n, true);
        await expect(tx).to.emit(oracle, "UpkeepPerformed").withArgs(Work.Settle, 5n, true, forwarder.address);
      });

      it("shrinks the settlement to the gas left in the budget", async function () {
        const { oracle, market, forwarder } = await loadFixture(forwarderFixture);
        // 200 levels at 20,000 gas ≈ 4.0M gas: only a few orders fit the 4.5M budget.
        await scripted(market, Work.Match, 5n, 200n, 60n, 20_000n);
        const receipt = await (await oracle.connect(forwarder).performUpkeep("0x", { gasLimit: 8_000_000 })).wait();
        const sliced = await market.lastMaxOrders();
        expect(sliced > 0n && sliced < 10n).to.equal(true);
        expect(await market.ordersLeft()).to.equal(60n - sliced);
        expect(receipt!.gasUsed < 4_500_000n).to.equal(true);
      });

      it("does not settle when matching used the budget", async function () {
        const { oracle, market, forwarder } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Match, 5n, 200n, 60n, 22_000n);
        const tx = oracle.connect(forwarder).performUpkeep("0x", { gasLimit: 8_000_000 });
        await expect(tx).to.emit(oracle, "UpkeepPerformed").withArgs(Work.Match, 5n, true, forwarder.address);
        await expect(tx).to.not.emit(market, "SettleCalled");
      });

      it("settles the epoch it just matched, whatever the market reports afterwards", async function () {
        const { oracle, market, forwarder } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Match, 5n, 1n, 0n, 0n, { work: Work.None, epoch: 0n });
        await expect(oracle.connect(forwarder).performUpkeep("0x"))
          .to.emit(market, "SettleCalled")
          .withArgs(5n, 50n, true);
        await scripted(market, Work.Match, 5n, 1n, 10n, 0n, { work: Work.Settle, epoch: 6n });
        await expect(oracle.connect(forwarder).performUpkeep("0x"))
          .to.emit(market, "SettleCalled")
          .withArgs(5n, 50n, true);
      });

      it("treats performData as an untrusted hint", async function () {
        const { oracle, market, forwarder } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Match, 5n, 450n, 10n);
        const forged = coder.encode(["uint8", "uint256"], [Work.Settle, 999n]);
        await expect(oracle.connect(forwarder).performUpkeep(forged))
          .to.emit(oracle, "UpkeepPerformed")
          .withArgs(Work.Match, 5n, false, forwarder.address);
        await expect(oracle.connect(forwarder).performUpkeep("0xdeadbeef"))
          .to.emit(market, "MatchCalled")
          .withArgs(5n, 200n, false);
      });

      it("reverts on stale data when there is no work", async function () {
        const { oracle, forwarder } = await loadFixture(forwarderFixture);
        const stale = coder.encode(["uint8", "uint256"], [Work.Match, 1n]);
        await expect(oracle.connect(forwarder).performUpkeep(stale)).to.be.revertedWithCustomError(
          oracle,
          "OracleClientNoUpkeepNeeded",
        );
      });

      it("reverts while automatic clearing is off or the oracle is paused", async function () {
        const { oracle, market, forwarder, regulator, admin } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Match, 5n, 10n, 10n);
        await oracle.connect(regulator).setAutoMarketClearing(false);
        await expect(oracle.connect(forwarder).performUpkeep("0x")).to.be.revertedWithCustomError(
          oracle,
          "OracleClientAutoClearingDisabled",
        );
        await oracle.connect(regulator).setAutoMarketClearing(true);
        await expectStoppedByPause(oracle, admin, () => oracle.connect(forwarder).performUpkeep("0x"));
      });

      it("is only for the forwarder and operators", async function () {
        const { oracle, market, admin, forwarder, outsider, prosumer } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Match, 5n, 450n, 10n);
        for (const caller of [outsider, prosumer]) {
          await expect(oracle.connect(caller).performUpkeep("0x"))
            .to.be.revertedWithCustomError(oracle, "OracleClientNotUpkeepCaller")
            .withArgs(caller.address);
        }
        await expect(oracle.connect(admin).setForwarder(ethers.ZeroAddress))
          .to.emit(oracle, "ForwarderUpdated")
          .withArgs(forwarder.address, ethers.ZeroAddress);
        await expect(oracle.connect(forwarder).performUpkeep("0x"))
          .to.be.revertedWithCustomError(oracle, "OracleClientNotUpkeepCaller")
          .withArgs(forwarder.address);
      });
    });

    describe("settings", function () {
      it("#setAutoMarketClearing switches and rejects no-ops", async function () {
        const { oracle, regulator } = await loadFixture(deployOracleFixture);
        await expect(oracle.connect(regulator).setAutoMarketClearing(true)).to.be.revertedWithCustomError(
          oracle,
          "OracleClientUnchanged",
        );
        await expect(oracle.connect(regulator).setAutoMarketClearing(false))
          .to.emit(oracle, "AutoMarketClearingUpdated")
          .withArgs(false, regulator.address);
        expect(await oracle.autoMarketClearing()).to.equal(false);
      });

      it("#setUpkeepBatchSizes sets and validates", async function () {
        const { oracle, market, regulator, operator } = await loadFixture(deployOracleFixture);
        await expect(oracle.connect(regulator).setUpkeepBatchSizes(50n, 40n))
          .to.emit(oracle, "UpkeepBatchSizesUpdated")
          .withArgs(50n, 40n);
        expect(await oracle.matchStepsPerUpkeep()).to.equal(50n);
        expect(await oracle.settleOrdersPerUpkeep()).to.equal(40n);
        await scripted(market, Work.Match, 1n, 75n, 500n);
        await expect(oracle.connect(operator).performUpkeep("0x"))
          .to.emit(market, "MatchCalled")
          .withArgs(1n, 50n, false);
        const tx = oracle.connect(operator).performUpkeep("0x");
        await expect(tx).to.emit(market, "MatchCalled").withArgs(1n, 50n, true);
        await expect(tx).to.emit(market, "SettleCalled").withArgs(1n, 40n, false);
        for (const [m, s] of [
          [0n, 10n],
          [10n, 0n],
          [251n, 10n],
          [10n, 121n],
        ]) {
          await expect(oracle.connect(regulator).setUpkeepBatchSizes(m, s))
            .to.be.revertedWithCustomError(oracle, "OracleClientInvalidBatchSizes")
            .withArgs(m, s);
        }
        await expect(oracle.connect(regulator).setUpkeepBatchSizes(50n, 40n)).to.be.revertedWithCustomError(
          oracle,
          "OracleClientUnchanged",
        );
        await expect(oracle.connect(regulator).setUpkeepBatchSizes(50n, 41n)).to.emit(
          oracle,
          "UpkeepBatchSizesUpdated",
        );
      });

      it("#setForwarder / #setCreForwarder / #setCreWorkflow set and reject no-ops", async function () {
        const { oracle, admin, forwarder, creForwarder, outsider } = await loadFixture(deployOracleFixture);
        const asAdmin = oracle.connect(admin);
        const unchanged = "OracleClientUnchanged";
        const [zero, fwd, cre] = [ethers.ZeroAddress, forwarder.address, creForwarder.address];
        await expectSetThenUnchanged(
          oracle,
          () => asAdmin.setForwarder(fwd),
          "ForwarderUpdated",
          [zero, fwd],
          unchanged,
        );
        await expectSetThenUnchanged(
          oracle,
          () => asAdmin.setCreForwarder(cre),
          "CreForwarderUpdated",
          [zero, cre],
          unchanged,
        );
        const setWorkflow = () => asAdmin.setCreWorkflow(WORKFLOW_ID, outsider.address);
        await expectSetThenUnchanged(
          oracle,
          setWorkflow,
          "CreWorkflowUpdated",
          [WORKFLOW_ID, outsider.address],
          unchanged,
        );
        expect([...(await oracle.creWorkflow())]).to.deep.equal([WORKFLOW_ID, outsider.address]);
        await expect(oracle.connect(admin).setCreWorkflow(WORKFLOW_ID, ethers.ZeroAddress))
          .to.emit(oracle, "CreWorkflowUpdated")
          .withArgs(WORKFLOW_ID, ethers.ZeroAddress);
      });
    });
  });

  describe("#onReport", function () {
    async function creFixture() {
      const f = await withBaselineFixture();
      await f.oracle.connect(f.admin).setCreForwarder(f.creForwarder.address);
      return f;
    }

    it("processes a readings report exactly like an operator batch, without a reward", async function () {
      const { oracle, gridToken, regulator, creForwarder, prosumer, outsider, t0 } = await loadFixture(creFixture);
      await oracle.fundOracle({ value: 10_000n });
      await oracle.connect(regulator).setRewardPerReading(1_000n);
      const good = reading(METER_A, 1_400n, 500n, t0 + 300n);
      const bad = reading(METER_A, 900n, 500n, t0 + 400n);
      const tx = oracle
        .connect(creForwarder)
        .onReport(metadata(WORKFLOW_ID, outsider.address), readingsReport([good, bad]));
      await expect(tx)
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_A, prosumer.address, good.readAt, 1_400n, 500n, 400n * GRID_PER_WH, 0n);
      await expect(tx).to.emit(oracle, "ReadingRejected").withArgs(METER_A, bad.readAt, Reject.RegisterRollback);
      await expect(tx).to.emit(oracle, "ReportProcessed").withArgs(1, WORKFLOW_ID, outsider.address);
      await expect(tx).to.not.emit(oracle, "RewardsAccrued");
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [400n * GRID_PER_WH]);
    });

    it("processes a clearing report exactly like performUpkeep", async function () {
      const { oracle, market, creForwarder, outsider } = await loadFixture(creFixture);
      await market.setScript(Work.Match, 9n, 450n, 10n, Work.Settle, 9n, 0n);
      const tx = await oracle.connect(creForwarder).onReport(metadata(WORKFLOW_ID, outsider.address), clearingReport());
      await expect(tx).to.emit(market, "MatchCalled").withArgs(9n, 200n, false);
      await expect(tx).to.emit(oracle, "UpkeepPerformed").withArgs(Work.Match, 9n, false, creForwarder.address);
      await expect(tx).to.emit(oracle, "ReportProcessed").withArgs(2, WORKFLOW_ID, outsider.address);
      const at = (await ethers.provider.getBlock(tx.blockNumber!))!.timestamp;
      expect(await oracle.lastMarketCheck()).to.equal(BigInt(at));
      await market.setScript(Work.None, 0n, 0n, 0n, Work.None, 0n, 0n);
      await expect(
        oracle.connect(creForwarder).onReport(metadata(WORKFLOW_ID, outsider.address), clearingReport()),
      ).to.be.revertedWithCustomError(oracle, "OracleClientNoUpkeepNeeded");
    });

    it("accepts reports from the CRE forwarder only", async function () {
      const { oracle, admin, operator, forwarder, creForwarder, outsider } = await loadFixture(creFixture);
      await oracle.connect(admin).setForwarder(forwarder.address);
      const meta = metadata(WORKFLOW_ID, outsider.address);
      for (const caller of [operator, forwarder, outsider]) {
        await expect(oracle.connect(caller).onReport(meta, clearingReport()))
          .to.be.revertedWithCustomError(oracle, "OracleClientNotCreForwarder")
          .withArgs(caller.address);
      }
      await oracle.connect(admin).setCreForwarder(ethers.ZeroAddress);
      await expect(oracle.connect(creForwarder).onReport(meta, clearingReport()))
        .to.be.revertedWithCustomError(oracle, "OracleClientNotCreForwarder")
        .withArgs(creForwarder.address);
    });

    it("checks the workflow id and owner when they are set", async function () {
      const { oracle, admin, creForwarder, outsider, prosumer, t0 } = await loadFixture(creFixture);
      const report = readingsReport([reading(METER_A, 1_100n, 500n, t0 + 60n)]);
      const otherId = ethers.id("another workflow");
      await oracle.connect(admin).setCreWorkflow(WORKFLOW_ID, ethers.ZeroAddress);
      await expect(oracle.connect(creForwarder).onReport(metadata(otherId, outsider.address), report))
        .to.be.revertedWithCustomError(oracle, "OracleClientUnauthorizedWorkflow")
        .withArgs(otherId, outsider.address);
      await oracle.connect(admin).setCreWorkflow(ethers.ZeroHash, outsider.address);
      await expect(oracle.connect(creForwarder).onReport(metadata(WORKFLOW_ID, prosumer.address), report))
        .to.be.revertedWithCustomError(oracle, "OracleClientUnauthorizedWorkflow")
        .withArgs(WORKFLOW_ID, prosumer.address);
      await oracle.connect(admin).setCreWorkflow(WORKFLOW_ID, outsider.address);
      await expect(oracle.connect(creForwarder).onReport(metadata(otherId, outsider.address), report))
        .to.be.revertedWithCustomError(oracle, "OracleClientUnauthorizedWorkflow")
        .withArgs(otherId, outsider.address);
      await expect(oracle.connect(creForwarder).onReport(metadata(WORKFLOW_ID, outsider.address), report))
        .to.emit(oracle, "ReportProcessed")
        .withArgs(1, WORKFLOW_ID, outsider.address);
    });

    it("rejects short metadata, unknown kinds and empty batches", async function () {
      const { oracle, creForwarder, outsider } = await loadFixture(creFixture);
      await expect(oracle.connect(creForwarder).onReport("0x" + "11".repeat(61), clearingReport()))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidMetadata")
        .withArgs(61n);
      const meta = metadata(WORKFLOW_ID, outsider.address);
      await expect(oracle.connect(creForwarder).onReport(meta, coder.encode(["uint8", "bytes"], [3, "0x"])))
        .to.be.revertedWithCustomError(oracle, "OracleClientUnknownReportKind")
        .withArgs(3);
      await expect(oracle.connect(creForwarder).onReport(meta, readingsReport([])))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidBatchLength")
        .withArgs(0n, 300n);
    });

    it("is stopped by the pause", async function () {
      const { oracle, admin, creForwarder, outsider } = await loadFixture(creFixture);
      await expectStoppedByPause(oracle, admin, () =>
        oracle.connect(creForwarder).onReport(metadata(WORKFLOW_ID, outsider.address), clearingReport()),
      );
    });
  });

  describe("#pause / #unpause", function () {
    it("lets the admin pause and resume the reading paths", async function () {
      const { oracle, admin, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
      await expect(oracle.connect(admin).pause()).to.emit(oracle, "Paused").withArgs(admin.address);
      await expect(oracle.connect(admin).unpause()).to.emit(oracle, "Unpaused").withArgs(admin.address);
      await expect(oracle.connect(operator).submitReadings([reading(METER_A, 1_100n, 500n, t0 + 60n)]))
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_A, prosumer.address, t0 + 60n, 1_100n, 500n, 100n * GRID_PER_WH, 0n);
    });
  });

  describe("access control", function () {
    type Call = (oracle: OracleClient, caller: HardhatEthersSigner) => Promise<unknown>;

    const regulatorOnly: [string, Call][] = [
      ["addOracleOperator", (o, c) => o.connect(c).addOracleOperator(c.address)],
      ["removeOracleOperator", (o, c) => o.connect(c).removeOracleOperator(c.address)],
      ["setRewardPerReading", (o, c) => o.connect(c).setRewardPerReading(1n)],
      ["setRequestTtl", (o, c) => o.connect(c).setRequestTtl(60n)],
      ["setDefaultRatedPower", (o, c) => o.connect(c).setDefaultRatedPower(1n)],
      ["setMeterRatedPower", (o, c) => o.connect(c).setMeterRatedPower(METER_A, 1n)],
      ["resetMeterBaseline", (o, c) => o.connect(c).resetMeterBaseline(METER_A)],
      ["setAutoMarketClearing", (o, c) => o.connect(c).setAutoMarketClearing(false)],
      ["setUpkeepBatchSizes", (o, c) => o.connect(c).setUpkeepBatchSizes(1n, 1n)],
    ];

    const adminOnly: [string, Call][] = [
      ["setForwarder", (o, c) => o.connect(c).setForwarder(c.address)],
      ["setCreForwarder", (o, c) => o.connect(c).setCreForwarder(c.address)],
      ["setCreWorkflow", (o, c) => o.connect(c).setCreWorkflow(WORKFLOW_ID, c.address)],
      ["withdrawOracleFunds", (o, c) => o.connect(c).withdrawOracleFunds(c.address, 1n)],
      ["pause", (o, c) => o.connect(c).pause()],
      ["unpause", (o, c) => o.connect(c).unpause()],
    ];

    for (const [name, call] of regulatorOnly) {
      it(`${name} is for REC regulators only`, async function () {
        const { oracle, operator, outsider } = await loadFixture(deployOracleFixture);
        for (const caller of [operator, outsider]) {
          await expect(call(oracle, caller))
            .to.be.revertedWithCustomError(oracle, "NotRecRegulator")
            .withArgs(caller.address);
        }
      });
    }

    for (const [name, call] of adminOnly) {
      it(`${name} is for the admin only, not for regulators`, async function () {
        const { oracle, regulator, outsider } = await loadFixture(deployOracleFixture);
        for (const caller of [regulator, outsider]) {
          await expect(call(oracle, caller))
            .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ADMIN_ROLE);
        }
      });
    }
  });
});
