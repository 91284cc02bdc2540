import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import type { ReentrantOperator } from "../../typechain-types";
import { Reject, GRID_PER_WH, DEFAULT_RATED_POWER, HOUR } from "./constants";
import { METER_A, METER_B, UNKNOWN_METER, deployOracleFixture, withBaselineFixture } from "./fixture";
import { reading, expectAccepted } from "./helpers";
import { expectEachRejected, expectSetThenUnchanged } from "../helpers/setters";
import { shouldManageRoleList } from "../helpers/roleList.behavior";
import { expectRevert } from "../helpers/reverts";

const UNCHANGED = "OracleClientUnchanged";

describe("OracleClient", function () {
  describe("meter settings", function () {
    it("#resetMeterBaseline: the next reading sets a new baseline, older readings stay stale", async function () {
      const { oracle, gridToken, regulator, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
      await expect(oracle.connect(regulator).resetMeterBaseline(METER_A))
        .to.emit(oracle, "MeterBaselineReset")
        .withArgs(METER_A, regulator.address);
      expect((await oracle.getMeterState(METER_A)).hasBaseline).to.equal(false);
      await expect(oracle.connect(operator).submitReadings([reading(METER_A, 5n, 0n, t0)]))
        .to.emit(oracle, "ReadingRejected")
        .withArgs(METER_A, t0, Reject.StaleReading);
      // The replaced meter starts from low registers: a baseline, no rollback and nothing minted.
      const r = reading(METER_A, 5n, 0n, t0 + 60n);
      const tx = oracle.connect(operator).submitReadings([r]);
      await expectAccepted({ oracle, gridToken }, tx, r, prosumer, [0n, 0n]);
      await expect(oracle.connect(operator).submitReadings([reading(METER_A, 105n, 0n, t0 + 120n)]))
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_A, prosumer.address, t0 + 120n, 105n, 0n, 100n * GRID_PER_WH, 0n);
    });

    it("#resetMeterBaseline: rejects a meter without a baseline", async function () {
      const { oracle, regulator } = await loadFixture(deployOracleFixture);
      await expectRevert(
        oracle.connect(regulator).resetMeterBaseline(METER_B),
        oracle,
        "OracleClientNoBaseline",
        METER_B,
      );
    });

    it("#setMeterRatedPower: sets, validates and returns to the default with 0", async function () {
      const { oracle, regulator } = await loadFixture(deployOracleFixture);
      const set = (watts: bigint) => oracle.connect(regulator).setMeterRatedPower(METER_A, watts);
      await expectSetThenUnchanged(
        oracle,
        () => set(7_000n),
        "MeterRatedPowerUpdated",
        [METER_A, 0n, 7_000n],
        UNCHANGED,
      );
      expect(await oracle.ratedPowerOf(METER_A)).to.equal(7_000n);
      expect(await oracle.ratedPowerOf(METER_B)).to.equal(DEFAULT_RATED_POWER);
      await expectEachRejected(oracle, set, "OracleClientInvalidRatedPower", [10n ** 9n + 1n]);
      await expect(oracle.connect(regulator).setMeterRatedPower(METER_A, 0n))
        .to.emit(oracle, "MeterRatedPowerUpdated")
        .withArgs(METER_A, 7_000n, 0n);
      expect(await oracle.ratedPowerOf(METER_A)).to.equal(DEFAULT_RATED_POWER);
    });

    it("#setMeterRatedPower: survives readings (kept in the meter's slot)", async function () {
      const { oracle, regulator, operator, t0 } = await loadFixture(withBaselineFixture);
      await oracle.connect(regulator).setMeterRatedPower(METER_A, 9_000n);
      await oracle.connect(operator).submitReadings([reading(METER_A, 1_100n, 500n, t0 + 60n)]);
      expect((await oracle.getMeterState(METER_A)).ratedPowerW).to.equal(9_000n);
    });

    it("#setDefaultRatedPower: sets and validates", async function () {
      const { oracle, regulator } = await loadFixture(deployOracleFixture);
      const set = (watts: bigint) => oracle.connect(regulator).setDefaultRatedPower(watts);
      await expectSetThenUnchanged(
        oracle,
        () => set(50_000n),
        "DefaultRatedPowerUpdated",
        [DEFAULT_RATED_POWER, 50_000n],
        UNCHANGED,
      );
      expect(await oracle.ratedPowerOf(METER_A)).to.equal(50_000n);
      await expectEachRejected(oracle, set, "OracleClientInvalidRatedPower", [0n, 10n ** 9n + 1n]);
    });

    it("#setRequestTtl: sets and validates", async function () {
      const { oracle, regulator, prosumer } = await loadFixture(deployOracleFixture);
      const set = (ttl: bigint) => oracle.connect(regulator).setRequestTtl(ttl);
      await expectSetThenUnchanged(oracle, () => set(600n), "RequestTtlUpdated", [HOUR, 600n], UNCHANGED);
      const tx = await oracle.connect(prosumer).requestEnergyData(METER_A);
      const at = BigInt((await ethers.provider.getBlock(tx.blockNumber!))!.timestamp);
      expect((await oracle.getRequest(1n)).expiresAt).to.equal(at + 600n);
      await expectEachRejected(oracle, set, "OracleClientInvalidRequestTtl", [0n, 7n * 24n * HOUR + 1n]);
    });
  });

  describe("operators", function () {
    shouldManageRoleList({
      role: "oracle operator",
      fixture: deployOracleFixture,
      contract: (ctx) => ctx.oracle,
      names: { add: "addOracleOperator", remove: "removeOracleOperator" },
      add: (ctx, by, account) => ctx.oracle.connect(by).addOracleOperator(account),
      remove: (ctx, by, account) => ctx.oracle.connect(by).removeOracleOperator(account),
      has: (ctx, account) => ctx.oracle.isOracleOperator(account),
      adder: (ctx) => ctx.regulator,
      remover: (ctx) => ctx.regulator,
      outsider: (ctx) => ctx.outsider,
      member: (ctx) => ctx.operator,
      events: { added: "OracleOperatorAdded", removed: "OracleOperatorRemoved" },
      errors: {
        zeroAddress: "OracleClientZeroAddress",
        exists: "OracleClientOperatorExists",
        unknown: "OracleClientUnknownOperator",
      },
    });
  });

  describe("funding and rewards", function () {
    it("#fundOracle adds to the balance and rejects zero", async function () {
      const { oracle, admin, outsider } = await loadFixture(deployOracleFixture);
      const tx = oracle.connect(outsider).fundOracle({ value: 700n });
      await expect(tx).to.emit(oracle, "OracleFunded").withArgs(outsider.address, 700n, 700n);
      await expect(tx).to.changeEtherBalances([outsider, oracle], [-700n, 700n]);
      await expect(oracle.fundOracle({ value: 300n }))
        .to.emit(oracle, "OracleFunded")
        .withArgs(admin.address, 300n, 1_000n);
      expect(await oracle.oracleBalance()).to.equal(1_000n);
      await expect(oracle.fundOracle({ value: 0n })).to.be.revertedWithCustomError(oracle, "OracleClientZeroAmount");
    });

    it("#setRewardPerReading sets and rejects no-ops", async function () {
      const { oracle, regulator } = await loadFixture(deployOracleFixture);
      await expect(oracle.connect(regulator).setRewardPerReading(10n))
        .to.emit(oracle, "RewardPerReadingUpdated")
        .withArgs(0n, 10n);
      await expect(oracle.connect(regulator).setRewardPerReading(10n)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientUnchanged",
      );
    });

    it("pays accepted readings only while the balance covers them, and never blocks data", async function () {
      const { oracle, gridToken, regulator, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
      await oracle.fundOracle({ value: 2_500n });
      await oracle.connect(regulator).setRewardPerReading(1_000n);
      const batch = [1n, 2n, 3n].map((k) => reading(METER_A, 1_000n + 10n * k, 500n, t0 + 60n * k));
      const bad = reading(UNKNOWN_METER, 1n, 0n, t0);
      const tx = oracle.connect(operator).submitReadings([...batch, bad]);
      await expect(tx).to.emit(oracle, "RewardsAccrued").withArgs(operator.address, 2n, 2_000n);
      expect(await oracle.oracleBalance()).to.equal(500n);
      expect(await oracle.accruedRewards(operator.address)).to.equal(2_000n);
      expect(await oracle.totalAccruedRewards()).to.equal(2_000n);
      const more = oracle.connect(operator).submitReadings([reading(METER_A, 1_100n, 500n, t0 + 600n)]);
      await expect(more).to.not.emit(oracle, "RewardsAccrued");
      await expect(more).to.changeTokenBalances(gridToken, [prosumer], [70n * GRID_PER_WH]);
    });

    it("pays nothing for a batch whose readings were all rejected", async function () {
      const { oracle, regulator, operator, t0 } = await loadFixture(withBaselineFixture);
      await oracle.fundOracle({ value: 5_000n });
      await oracle.connect(regulator).setRewardPerReading(1_000n);
      const tx = oracle.connect(operator).submitReadings([reading(METER_A, 1_100n, 500n, t0)]);
      await expect(tx).to.emit(oracle, "ReadingRejected").withArgs(METER_A, t0, Reject.StaleReading);
      await expect(tx).to.not.emit(oracle, "RewardsAccrued");
      expect(await oracle.oracleBalance()).to.equal(5_000n);
    });

    it("#withdrawRewards pays the operator, also after removal and while paused", async function () {
      const { oracle, admin, regulator, operator, t0 } = await loadFixture(withBaselineFixture);
      await oracle.fundOracle({ value: 10_000n });
      await oracle.connect(regulator).setRewardPerReading(3_000n);
      await oracle.connect(operator).submitReadings([reading(METER_A, 1_100n, 500n, t0 + 60n)]);
      await oracle.connect(regulator).removeOracleOperator(operator.address);
      await oracle.connect(admin).pause();
      const tx = oracle.connect(operator).withdrawRewards();
      await expect(tx).to.emit(oracle, "RewardsWithdrawn").withArgs(operator.address, 3_000n);
      await expect(tx).to.changeEtherBalances([operator, oracle], [3_000n, -3_000n]);
      expect(await oracle.accruedRewards(operator.address)).to.equal(0n);
      expect(await oracle.totalAccruedRewards()).to.equal(0n);
      await expect(oracle.connect(operator).withdrawRewards())
        .to.be.revertedWithCustomError(oracle, "OracleClientNothingToWithdraw")
        .withArgs(operator.address);
    });

    it("#withdrawRewards is guarded against reentrancy", async function () {
      const { oracle, regulator, t0 } = await loadFixture(withBaselineFixture);
      const attacker: ReentrantOperator = await ethers.deployContract("ReentrantOperator", [await oracle.getAddress()]);
      await oracle.connect(regulator).addOracleOperator(await attacker.getAddress());
      await oracle.fundOracle({ value: 1_000n });
      await oracle.connect(regulator).setRewardPerReading(1_000n);
      await attacker.submit([reading(METER_A, 1_100n, 500n, t0 + 60n)]);
      await expect(attacker.withdraw()).to.be.revertedWithCustomError(oracle, "ReentrancyGuardReentrantCall");
    });

    it("#withdrawOracleFunds sends unreserved funds only", async function () {
      const { oracle, admin, regulator, operator, outsider, t0 } = await loadFixture(withBaselineFixture);
      await oracle.fundOracle({ value: 5_000n });
      await oracle.connect(regulator).setRewardPerReading(2_000n);
      await oracle.connect(operator).submitReadings([reading(METER_A, 1_100n, 500n, t0 + 60n)]);
      await expect(oracle.connect(admin).withdrawOracleFunds(outsider.address, 3_001n))
        .to.be.revertedWithCustomError(oracle, "OracleClientInsufficientOracleBalance")
        .withArgs(3_001n, 3_000n);
      await expect(oracle.connect(admin).withdrawOracleFunds(ethers.ZeroAddress, 1n)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAddress",
      );
      await expect(oracle.connect(admin).withdrawOracleFunds(outsider.address, 0n)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAmount",
      );
      const tx = oracle.connect(admin).withdrawOracleFunds(outsider.address, 3_000n);
      await expect(tx).to.emit(oracle, "OracleFundsWithdrawn").withArgs(outsider.address, 3_000n, admin.address);
      await expect(tx).to.changeEtherBalances([outsider, oracle], [3_000n, -3_000n]);
      expect(await oracle.oracleBalance()).to.equal(0n);
      expect(await ethers.provider.getBalance(await oracle.getAddress())).to.equal(await oracle.totalAccruedRewards());
    });
  });
});
