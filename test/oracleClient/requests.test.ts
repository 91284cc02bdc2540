import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import type { MockERC1271Wallet } from "../../typechain-types";
import { RequestStatus, Reject, GRID_PER_WH, HOUR } from "./constants";
import { METER_A, METER_B, UNKNOWN_METER, deployOracleFixture, withBaselineFixture } from "./fixture";
import { READING_TYPES, reading, now, sign, expectAccepted } from "./helpers";
import { expectStoppedByPause } from "../helpers/access";

describe("OracleClient", function () {
  describe("#submitSignedReadings", function () {
    it("accepts a reading signed by the meter's EOA key, relayed by anyone", async function () {
      const { oracle, gridToken, outsider, meterKey, prosumer, domain, t0 } = await loadFixture(withBaselineFixture);
      const r = reading(METER_A, 1_800n, 500n, t0 + 600n);
      const tx = oracle.connect(outsider).submitSignedReadings([r], [await sign(meterKey, domain, r)]);
      await expectAccepted({ oracle, gridToken }, tx, r, prosumer, [800n * GRID_PER_WH, 0n]);
    });

    it("publishes the digest the meters sign", async function () {
      const { oracle, domain } = await loadFixture(deployOracleFixture);
      const r = reading(METER_A, 123n, 456n, 789n);
      expect(await oracle.readingDigest(r)).to.equal(ethers.TypedDataEncoder.hash(domain, READING_TYPES, r));
    });

    it("rejects the replay of a signed reading", async function () {
      const { oracle, outsider, meterKey, domain, t0 } = await loadFixture(withBaselineFixture);
      const r = reading(METER_A, 1_800n, 500n, t0 + 600n);
      const signature = await sign(meterKey, domain, r);
      await oracle.connect(outsider).submitSignedReadings([r], [signature]);
      await expect(oracle.connect(outsider).submitSignedReadings([r], [signature]))
        .to.emit(oracle, "ReadingRejected")
        .withArgs(METER_A, r.readAt, Reject.StaleReading);
    });

    it("rejects a signature by another key, a tampered reading and a malformed signature", async function () {
      const { oracle, gridToken, outsider, meterKey, prosumer, domain, t0 } = await loadFixture(withBaselineFixture);
      const r = reading(METER_A, 1_800n, 500n, t0 + 600n);
      const forged = await sign(outsider, domain, r);
      const tampered = { ...r, exportWh: 9_000n };
      const tx = oracle
        .connect(outsider)
        .submitSignedReadings([r, tampered, r], [forged, await sign(meterKey, domain, r), "0x1234"]);
      await expect(tx).to.emit(oracle, "ReadingRejected").withArgs(METER_A, r.readAt, Reject.InvalidSignature);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [0n]);
      expect((await oracle.getMeterState(METER_A)).lastReadAt).to.equal(t0);
    });

    it("rejects a meter without a signer and goes on with the batch", async function () {
      const { oracle, gridToken, outsider, meterKey, prosumer, domain, t0 } = await loadFixture(withBaselineFixture);
      const unsigned = reading(METER_B, 10n, 0n, t0);
      const good = reading(METER_A, 1_100n, 500n, t0 + 60n);
      const tx = oracle
        .connect(outsider)
        .submitSignedReadings(
          [unsigned, good],
          [await sign(meterKey, domain, unsigned), await sign(meterKey, domain, good)],
        );
      await expect(tx).to.emit(oracle, "ReadingRejected").withArgs(METER_B, t0, Reject.MissingSigner);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [100n * GRID_PER_WH]);
    });

    it("accepts an ERC-1271 contract signer and rejects other keys for it", async function () {
      const { oracle, registry, gridToken, outsider, meterKey, prosumer2, domain } =
        await loadFixture(deployOracleFixture);
      const wallet: MockERC1271Wallet = await ethers.deployContract("MockERC1271Wallet", [meterKey.address]);
      await registry.setMeterSigner(METER_B, await wallet.getAddress());
      const t = await now();
      const base = reading(METER_B, 100n, 0n, t - 600n);
      const next = reading(METER_B, 400n, 0n, t - 300n);
      await oracle.connect(outsider).submitSignedReadings([base], [await sign(meterKey, domain, base)]);
      await expect(oracle.connect(outsider).submitSignedReadings([next], [await sign(outsider, domain, next)]))
        .to.emit(oracle, "ReadingRejected")
        .withArgs(METER_B, next.readAt, Reject.InvalidSignature);
      const tx = oracle.connect(outsider).submitSignedReadings([next], [await sign(meterKey, domain, next)]);
      await expectAccepted({ oracle, gridToken }, tx, next, prosumer2, [300n * GRID_PER_WH, 0n]);
    });

    it("rejects arrays of different lengths and empty batches", async function () {
      const { oracle, outsider, meterKey, domain } = await loadFixture(deployOracleFixture);
      const r = reading(METER_A, 1n, 0n, await now());
      const signature = await sign(meterKey, domain, r);
      await expect(oracle.connect(outsider).submitSignedReadings([r, r], [signature]))
        .to.be.revertedWithCustomError(oracle, "OracleClientLengthMismatch")
        .withArgs(2n, 1n);
      await expect(oracle.connect(outsider).submitSignedReadings([], []))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidBatchLength")
        .withArgs(0n, 300n);
    });

    it("rewards an operator relaying, not an outsider", async function () {
      const { oracle, regulator, operator, outsider, meterKey, domain, t0 } = await loadFixture(withBaselineFixture);
      await oracle.fundOracle({ value: 10n ** 18n });
      await oracle.connect(regulator).setRewardPerReading(1_000n);
      const r1 = reading(METER_A, 1_100n, 500n, t0 + 60n);
      const r2 = reading(METER_A, 1_200n, 500n, t0 + 120n);
      await expect(oracle.connect(outsider).submitSignedReadings([r1], [await sign(meterKey, domain, r1)])).to.not.emit(
        oracle,
        "RewardsAccrued",
      );
      await expect(oracle.connect(operator).submitSignedReadings([r2], [await sign(meterKey, domain, r2)]))
        .to.emit(oracle, "RewardsAccrued")
        .withArgs(operator.address, 1n, 1_000n);
    });

    it("is stopped by the pause", async function () {
      const { oracle, admin, outsider, meterKey, domain } = await loadFixture(deployOracleFixture);
      const r = reading(METER_A, 1n, 0n, await now());
      await expectStoppedByPause(oracle, admin, async () =>
        oracle.connect(outsider).submitSignedReadings([r], [await sign(meterKey, domain, r)]),
      );
    });
  });

  describe("#requestEnergyData", function () {
    it("lets the owner, a regulator and an operator ask, with increasing ids and an expiry", async function () {
      const { oracle, prosumer, regulator, operator } = await loadFixture(deployOracleFixture);
      for (const [i, caller] of [prosumer, regulator, operator].entries()) {
        const expected = BigInt(i + 1);
        expect(await oracle.connect(caller).requestEnergyData.staticCall(METER_A)).to.equal(expected);
        const tx = await oracle.connect(caller).requestEnergyData(METER_A);
        const at = BigInt((await ethers.provider.getBlock(tx.blockNumber!))!.timestamp);
        await expect(tx)
          .to.emit(oracle, "EnergyDataRequested")
          .withArgs(expected, METER_A, caller.address, at + HOUR);
        const request = await oracle.getRequest(expected);
        expect([request.meterId, request.requester, request.expiresAt, request.status]).to.deep.equal([
          METER_A,
          caller.address,
          at + HOUR,
          BigInt(RequestStatus.Pending),
        ]);
      }
    });

    it("rejects anyone else, another meter's owner included", async function () {
      const { oracle, outsider, prosumer2 } = await loadFixture(deployOracleFixture);
      for (const caller of [outsider, prosumer2]) {
        await expect(oracle.connect(caller).requestEnergyData(METER_A))
          .to.be.revertedWithCustomError(oracle, "OracleClientNotAuthorizedRequester")
          .withArgs(caller.address, METER_A);
      }
    });

    it("rejects a meter that is not assigned", async function () {
      const { oracle, regulator } = await loadFixture(deployOracleFixture);
      await expect(oracle.connect(regulator).requestEnergyData(UNKNOWN_METER))
        .to.be.revertedWithCustomError(oracle, "OracleClientMeterNotAssigned")
        .withArgs(UNKNOWN_METER);
    });

    it("is stopped by the pause", async function () {
      const { oracle, admin, prosumer } = await loadFixture(deployOracleFixture);
      await expectStoppedByPause(oracle, admin, () => oracle.connect(prosumer).requestEnergyData(METER_A));
    });
  });

  describe("#fulfillEnergyData", function () {
    async function requestedFixture() {
      const f = await withBaselineFixture();
      await f.oracle.connect(f.prosumer).requestEnergyData(METER_A);
      const request = await f.oracle.getRequest(1n);
      return { ...f, expiresAt: request.expiresAt };
    }

    it("processes the reading and consumes the request", async function () {
      const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(requestedFixture);
      const r = reading(METER_A, 1_700n, 500n, t0 + 800n);
      const tx = oracle.connect(operator).fulfillEnergyData(1n, r);
      await expectAccepted({ oracle, gridToken }, tx, r, prosumer, [700n * GRID_PER_WH, 0n]);
      await expect(tx).to.emit(oracle, "EnergyDataFulfilled").withArgs(1n, METER_A, operator.address, true);
      expect((await oracle.getRequest(1n)).status).to.equal(BigInt(RequestStatus.Fulfilled));
      await expect(oracle.connect(operator).fulfillEnergyData(1n, { ...r, readAt: r.readAt + 1n }))
        .to.be.revertedWithCustomError(oracle, "OracleClientRequestNotPending")
        .withArgs(1n, RequestStatus.Fulfilled);
    });

    it("consumes the request even when the reading breaks a rule", async function () {
      const { oracle, operator, t0 } = await loadFixture(requestedFixture);
      const r = reading(METER_A, 900n, 500n, t0 + 800n);
      const tx = oracle.connect(operator).fulfillEnergyData(1n, r);
      await expect(tx).to.emit(oracle, "ReadingRejected").withArgs(METER_A, r.readAt, Reject.RegisterRollback);
      await expect(tx).to.emit(oracle, "EnergyDataFulfilled").withArgs(1n, METER_A, operator.address, false);
      await expect(oracle.connect(operator).fulfillEnergyData(1n, { ...r, exportWh: 1_100n }))
        .to.be.revertedWithCustomError(oracle, "OracleClientRequestNotPending")
        .withArgs(1n, RequestStatus.Fulfilled);
    });

    it("rejects an unknown request", async function () {
      const { oracle, operator, t0 } = await loadFixture(requestedFixture);
      await expect(oracle.connect(operator).fulfillEnergyData(99n, reading(METER_A, 1_100n, 500n, t0 + 60n)))
        .to.be.revertedWithCustomError(oracle, "OracleClientRequestNotPending")
        .withArgs(99n, RequestStatus.None);
    });

    it("can be fulfilled at its expiry second", async function () {
      const { oracle, operator, expiresAt, t0 } = await loadFixture(requestedFixture);
      await time.setNextBlockTimestamp(expiresAt);
      await expect(oracle.connect(operator).fulfillEnergyData(1n, reading(METER_A, 1_100n, 500n, t0 + 60n)))
        .to.emit(oracle, "EnergyDataFulfilled")
        .withArgs(1n, METER_A, operator.address, true);
    });

    it("rejects a fulfilment after the expiry", async function () {
      const { oracle, operator, expiresAt, t0 } = await loadFixture(requestedFixture);
      await time.setNextBlockTimestamp(expiresAt + 1n);
      await expect(oracle.connect(operator).fulfillEnergyData(1n, reading(METER_A, 1_100n, 500n, t0 + 60n)))
        .to.be.revertedWithCustomError(oracle, "OracleClientRequestExpired")
        .withArgs(1n, expiresAt);
    });

    it("rejects a reading of another meter", async function () {
      const { oracle, operator, t0 } = await loadFixture(requestedFixture);
      await expect(oracle.connect(operator).fulfillEnergyData(1n, reading(METER_B, 1_100n, 500n, t0 + 1n)))
        .to.be.revertedWithCustomError(oracle, "OracleClientRequestMeterMismatch")
        .withArgs(1n, METER_A, METER_B);
    });

    it("is for oracle operators only and stopped by the pause", async function () {
      const { oracle, admin, outsider, prosumer, operator, t0 } = await loadFixture(requestedFixture);
      const r = reading(METER_A, 1_100n, 500n, t0 + 60n);
      await expect(oracle.connect(prosumer).fulfillEnergyData(1n, r))
        .to.be.revertedWithCustomError(oracle, "OracleClientNotOracleOperator")
        .withArgs(prosumer.address);
      await expect(oracle.connect(outsider).fulfillEnergyData(1n, r))
        .to.be.revertedWithCustomError(oracle, "OracleClientNotOracleOperator")
        .withArgs(outsider.address);
      await expectStoppedByPause(oracle, admin, () => oracle.connect(operator).fulfillEnergyData(1n, r));
    });

    it("rewards the fulfilling operator for an accepted reading", async function () {
      const { oracle, regulator, operator, t0 } = await loadFixture(requestedFixture);
      await oracle.fundOracle({ value: 5_000n });
      await oracle.connect(regulator).setRewardPerReading(2_000n);
      await expect(oracle.connect(operator).fulfillEnergyData(1n, reading(METER_A, 1_100n, 500n, t0 + 60n)))
        .to.emit(oracle, "RewardsAccrued")
        .withArgs(operator.address, 1n, 2_000n);
      expect(await oracle.accruedRewards(operator.address)).to.equal(2_000n);
      expect(await oracle.oracleBalance()).to.equal(3_000n);
    });
  });
});
