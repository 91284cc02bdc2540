import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import hre, { ethers } from "hardhat";

import type {
  GridToken,
  MockClearingMarket,
  MockERC1271Wallet,
  OracleClient,
  ReentrantOperator,
  Registry,
} from "../typechain-types";

// ───────────────────────────── constants mirrored from Solidity ─────────────────────────────

const UserType = { Prosumer: 1, Consumer: 2 } as const;
const UserStatus = { Active: 1, Suspended: 2 } as const;
const Work = { None: 0, Match: 1, Settle: 2 } as const;
const RequestStatus = { None: 0, Pending: 1, Fulfilled: 2 } as const;
const Reject = {
  MeterNotAssigned: 1,
  OwnerNotVerified: 2,
  StaleReading: 3,
  FutureReading: 4,
  SentinelValue: 5,
  RegisterRollback: 6,
  ImplausibleDelta: 7,
  MissingSigner: 8,
  InvalidSignature: 9,
} as const;

const GRID_PER_WH = 10n ** 15n;
const SENTINEL = 2n ** 64n - 1n;
const DEFAULT_RATED_POWER = 100_000n;
const HOUR = 3600n;
const ADMIN_ROLE = ethers.ZeroHash;
const IRECEIVER_ID = "0x805f2132";
const IERC165_ID = "0x01ffc9a7";
const READING_BATCH_GAS_BUDGET = 45_000n;

const METER_A = ethers.encodeBytes32String("MTR-A");
const METER_B = ethers.encodeBytes32String("MTR-B");
const METER_C = ethers.encodeBytes32String("MTR-C");
const UNKNOWN_METER = ethers.encodeBytes32String("MTR-UNKNOWN");

const WORKFLOW_ID = ethers.id("gridmarket-ami-workflow");
const WORKFLOW_NAME = ethers.zeroPadBytes(ethers.toUtf8Bytes("gridami"), 10);
const REPORT_NAME = "0x0001";

interface Reading {
  meterId: string;
  exportWh: bigint;
  importWh: bigint;
  readAt: bigint;
}

const READING_TYPES = {
  MeterReading: [
    { name: "meterId", type: "bytes32" },
    { name: "exportWh", type: "uint64" },
    { name: "importWh", type: "uint64" },
    { name: "readAt", type: "uint64" },
  ],
};
const READING_TUPLE = "tuple(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)[]";

const coder = ethers.AbiCoder.defaultAbiCoder();

function reading(meterId: string, exportWh: bigint, importWh: bigint, readAt: bigint): Reading {
  return { meterId, exportWh, importWh, readAt };
}

function metadata(workflowId: string, workflowOwner: string): string {
  return ethers.solidityPacked(
    ["bytes32", "bytes10", "address", "bytes2"],
    [workflowId, WORKFLOW_NAME, workflowOwner, REPORT_NAME],
  );
}

function readingsReport(readings: Reading[]): string {
  return coder.encode(["uint8", "bytes"], [1, coder.encode([READING_TUPLE], [readings])]);
}

function clearingReport(): string {
  return coder.encode(["uint8", "bytes"], [2, "0x"]);
}

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

// ─────────────────────────────────────────── fixture ───────────────────────────────────────────

// The OracleClient is tested against the real Registry and GridToken and against a scripted clearing market, so
// that every branch of the upkeep (hints, slices, budgets) can be driven exactly. The full system, with the real
// Trading contract, is exercised in test/integration/fullCycle.test.ts.
async function deployOracleFixture() {
  const [admin, regulator, operator, prosumer, prosumer2, consumer, outsider, meterKey, forwarder, creForwarder] =
    await ethers.getSigners();

  const registry: Registry = await ethers.deployContract("Registry", [admin.address, 0]);
  const gridToken: GridToken = await ethers.deployContract("GridToken", [
    await registry.getAddress(),
    admin.address,
    0,
  ]);
  const market: MockClearingMarket = await ethers.deployContract("MockClearingMarket");
  const oracle: OracleClient = await ethers.deployContract("OracleClient", [
    await registry.getAddress(),
    await gridToken.getAddress(),
    await market.getAddress(),
    admin.address,
    0,
  ]);
  const oracleAddress = await oracle.getAddress();

  await registry.addRecRegulator(regulator.address);
  await gridToken.addMinter(oracleAddress);
  await gridToken.addBurner(oracleAddress);
  await registry.registerUser(prosumer.address, UserType.Prosumer, "Dorm A");
  await registry.registerUser(prosumer2.address, UserType.Prosumer, "Lab B");
  await registry.registerUser(consumer.address, UserType.Consumer, "Library");
  await registry.assignMeter(METER_A, prosumer.address);
  await registry.assignMeter(METER_B, prosumer2.address);
  await registry.assignMeter(METER_C, consumer.address);
  await registry.setMeterSigner(METER_A, meterKey.address);
  await oracle.connect(regulator).addOracleOperator(operator.address);

  const domain = {
    name: "GridMarket OracleClient",
    version: "1",
    chainId: (await ethers.provider.getNetwork()).chainId,
    verifyingContract: oracleAddress,
  };

  return {
    registry,
    gridToken,
    market,
    oracle,
    domain,
    admin,
    regulator,
    operator,
    prosumer,
    prosumer2,
    consumer,
    outsider,
    meterKey,
    forwarder,
    creForwarder,
  };
}

/// Meter A has a baseline 900 s ago (1,000 Wh exported, 500 Wh imported); returns that time.
async function withBaselineFixture() {
  const f = await deployOracleFixture();
  const t0 = (await now()) - 900n;
  await f.oracle.connect(f.operator).submitReadings([reading(METER_A, 1_000n, 500n, t0)]);
  return { ...f, t0 };
}

async function sign(signer: HardhatEthersSigner, domain: object, r: Reading): Promise<string> {
  return signer.signTypedData(domain, READING_TYPES, r);
}

describe("OracleClient", function () {
  describe("deployment", function () {
    it("wires the registry, GRID and the market and publishes its EIP-712 domain", async function () {
      const { oracle, registry, gridToken, market, domain } = await loadFixture(deployOracleFixture);
      expect(await oracle.registry()).to.equal(await registry.getAddress());
      expect(await oracle.gridToken()).to.equal(await gridToken.getAddress());
      expect(await oracle.trading()).to.equal(await market.getAddress());
      const published = await oracle.eip712Domain();
      expect(published.fields).to.equal("0x0f");
      expect(published.name).to.equal(domain.name);
      expect(published.version).to.equal(domain.version);
      expect(published.chainId).to.equal(domain.chainId);
      expect(published.verifyingContract).to.equal(domain.verifyingContract);
      expect(published.salt).to.equal(ethers.ZeroHash);
      expect(published.extensions).to.deep.equal([]);
    });

    it("makes the admin the first oracle operator and sets the defaults", async function () {
      const { oracle, admin } = await loadFixture(deployOracleFixture);
      expect(await oracle.isOracleOperator(admin.address)).to.equal(true);
      expect(await oracle.defaultAdmin()).to.equal(admin.address);
      expect(await oracle.defaultRatedPower()).to.equal(DEFAULT_RATED_POWER);
      expect(await oracle.requestTtl()).to.equal(HOUR);
      expect(await oracle.autoMarketClearing()).to.equal(true);
      expect(await oracle.matchStepsPerUpkeep()).to.equal(200n);
      expect(await oracle.settleOrdersPerUpkeep()).to.equal(100n);
      expect(await oracle.rewardPerReading()).to.equal(0n);
      expect(await oracle.oracleBalance()).to.equal(0n);
      expect(await oracle.lastMarketCheck()).to.equal(0n);
      expect(await oracle.forwarder()).to.equal(ethers.ZeroAddress);
      expect(await oracle.creForwarder()).to.equal(ethers.ZeroAddress);
      expect([...(await oracle.creWorkflow())]).to.deep.equal([ethers.ZeroHash, ethers.ZeroAddress]);
      expect(await oracle.METER_READING_TYPEHASH()).to.equal(
        ethers.id("MeterReading(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)"),
      );
    });

    it("emits OracleOperatorAdded for the admin", async function () {
      const { registry, gridToken, market, admin } = await loadFixture(deployOracleFixture);
      const factory = await ethers.getContractFactory("OracleClient");
      const deployed = await factory.deploy(registry, gridToken, market, admin.address, 0);
      await expect(deployed.deploymentTransaction())
        .to.emit(deployed, "OracleOperatorAdded")
        .withArgs(admin.address, admin.address);
    });

    it("rejects a zero registry, token or market", async function () {
      const { registry, gridToken, market, oracle, admin } = await loadFixture(deployOracleFixture);
      const factory = await ethers.getContractFactory("OracleClient");
      const zero = ethers.ZeroAddress;
      await expect(factory.deploy(zero, gridToken, market, admin.address, 0)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAddress",
      );
      await expect(factory.deploy(registry, zero, market, admin.address, 0)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAddress",
      );
      await expect(factory.deploy(registry, gridToken, zero, admin.address, 0)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAddress",
      );
    });

    it("supports the CRE IReceiver and ERC-165 interfaces only", async function () {
      const { oracle } = await loadFixture(deployOracleFixture);
      expect(await oracle.supportsInterface(IRECEIVER_ID)).to.equal(true);
      expect(await oracle.supportsInterface(IERC165_ID)).to.equal(true);
      expect(await oracle.supportsInterface("0xffffffff")).to.equal(false);
      const onReport = oracle.interface.getFunction("onReport").selector;
      expect(onReport).to.equal(IRECEIVER_ID);
    });
  });

  describe("#submitReadings", function () {
    describe("when the meter has no baseline", function () {
      it("only records the baseline: nothing is minted for the meter's history", async function () {
        const { oracle, gridToken, operator, prosumer } = await loadFixture(deployOracleFixture);
        const t = await now();
        const tx = oracle.connect(operator).submitReadings([reading(METER_A, 50_000n, 20_000n, t)]);
        await expect(tx)
          .to.emit(oracle, "ReadingAccepted")
          .withArgs(METER_A, prosumer.address, t, 50_000n, 20_000n, 0n, 0n);
        await expect(tx).to.not.emit(gridToken, "Minted");
        expect(await gridToken.balanceOf(prosumer.address)).to.equal(0n);
        const state = await oracle.getMeterState(METER_A);
        expect([
          state.lastReadAt,
          state.lastExportWh,
          state.lastImportWh,
          state.ratedPowerW,
          state.hasBaseline,
        ]).to.deep.equal([t, 50_000n, 20_000n, 0n, true]);
      });
    });

    describe("when the meter has a baseline", function () {
      it("mints the export delta as GRID (1 Wh = 1e15)", async function () {
        const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
        const t1 = t0 + 900n;
        const tx = oracle.connect(operator).submitReadings([reading(METER_A, 3_500n, 500n, t1)]);
        await expect(tx)
          .to.emit(oracle, "ReadingAccepted")
          .withArgs(METER_A, prosumer.address, t1, 3_500n, 500n, 2_500n * GRID_PER_WH, 0n);
        await expect(tx)
          .to.emit(gridToken, "Minted")
          .withArgs(prosumer.address, 2_500n * GRID_PER_WH, METER_A, await oracle.getAddress());
        await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [2_500n * GRID_PER_WH]);
      });

      it("burns the import delta from the owner's balance", async function () {
        const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
        await oracle.connect(operator).submitReadings([reading(METER_A, 5_000n, 500n, t0 + 300n)]);
        const tx = oracle.connect(operator).submitReadings([reading(METER_A, 5_000n, 1_500n, t0 + 600n)]);
        await expect(tx)
          .to.emit(oracle, "ReadingAccepted")
          .withArgs(METER_A, prosumer.address, t0 + 600n, 5_000n, 1_500n, 0n, 1_000n * GRID_PER_WH);
        await expect(tx)
          .to.emit(gridToken, "Burned")
          .withArgs(prosumer.address, 1_000n * GRID_PER_WH, METER_A, await oracle.getAddress());
        await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [-1_000n * GRID_PER_WH]);
      });

      it("burns only what the owner holds: the rest came from the utility grid", async function () {
        const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
        await oracle.connect(operator).submitReadings([reading(METER_A, 1_400n, 500n, t0 + 300n)]);
        const tx = oracle.connect(operator).submitReadings([reading(METER_A, 1_400n, 2_500n, t0 + 600n)]);
        await expect(tx)
          .to.emit(oracle, "ReadingAccepted")
          .withArgs(METER_A, prosumer.address, t0 + 600n, 1_400n, 2_500n, 0n, 400n * GRID_PER_WH);
        await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [-400n * GRID_PER_WH]);
      });

      it("burns nothing when the owner holds no GRID", async function () {
        const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
        const tx = oracle.connect(operator).submitReadings([reading(METER_A, 1_000n, 900n, t0 + 600n)]);
        await expect(tx)
          .to.emit(oracle, "ReadingAccepted")
          .withArgs(METER_A, prosumer.address, t0 + 600n, 1_000n, 900n, 0n, 0n);
        await expect(tx).to.not.emit(gridToken, "Burned");
        await expect(tx).to.not.emit(gridToken, "Minted");
      });

      it("mints the export and then burns the import of the same interval", async function () {
        const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
        const tx = oracle.connect(operator).submitReadings([reading(METER_A, 2_000n, 2_700n, t0 + 900n)]);
        await expect(tx)
          .to.emit(oracle, "ReadingAccepted")
          .withArgs(METER_A, prosumer.address, t0 + 900n, 2_000n, 2_700n, 1_000n * GRID_PER_WH, 1_000n * GRID_PER_WH);
        await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [0n]);
        expect(await gridToken.totalSupply()).to.equal(0n);
      });

      it("accepts exactly the rated power over the elapsed time", async function () {
        const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
        // 100 kW for 900 s = 25,000 Wh, shared by export and import.
        const tx = oracle.connect(operator).submitReadings([reading(METER_A, 21_000n, 5_500n, t0 + 900n)]);
        await expect(tx)
          .to.emit(oracle, "ReadingAccepted")
          .withArgs(METER_A, prosumer.address, t0 + 900n, 21_000n, 5_500n, 20_000n * GRID_PER_WH, 5_000n * GRID_PER_WH);
        await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [15_000n * GRID_PER_WH]);
      });
    });

    describe("when a reading breaks a rule", function () {
      async function expectRejected(
        oracle: OracleClient,
        operator: HardhatEthersSigner,
        r: Reading,
        reason: number,
      ): Promise<void> {
        const before = await oracle.getMeterState(r.meterId);
        await expect(oracle.connect(operator).submitReadings([r]))
          .to.emit(oracle, "ReadingRejected")
          .withArgs(r.meterId, r.readAt, reason);
        expect([...(await oracle.getMeterState(r.meterId))]).to.deep.equal([...before]);
      }

      it("rejects a meter that is not assigned", async function () {
        const { oracle, operator } = await loadFixture(deployOracleFixture);
        await expectRejected(oracle, operator, reading(UNKNOWN_METER, 10n, 0n, await now()), Reject.MeterNotAssigned);
      });

      it("rejects a meter whose owner is suspended", async function () {
        const { oracle, registry, operator, prosumer2 } = await loadFixture(deployOracleFixture);
        await registry.updateUserStatus(prosumer2.address, UserStatus.Suspended);
        await expectRejected(oracle, operator, reading(METER_B, 10n, 0n, await now()), Reject.OwnerNotVerified);
      });

      it("rejects a reading not later than the last accepted one", async function () {
        const { oracle, operator, t0 } = await loadFixture(withBaselineFixture);
        await expectRejected(oracle, operator, reading(METER_A, 1_100n, 500n, t0), Reject.StaleReading);
        await expectRejected(oracle, operator, reading(METER_A, 1_100n, 500n, t0 - 1n), Reject.StaleReading);
      });

      it("rejects a reading from the future", async function () {
        const { oracle, operator } = await loadFixture(withBaselineFixture);
        await expectRejected(
          oracle,
          operator,
          reading(METER_A, 1_100n, 500n, (await now()) + 60n),
          Reject.FutureReading,
        );
      });

      it("rejects all-ones sentinel registers, even as a baseline", async function () {
        const { oracle, operator, t0 } = await loadFixture(withBaselineFixture);
        await expectRejected(oracle, operator, reading(METER_A, SENTINEL, 500n, t0 + 60n), Reject.SentinelValue);
        await expectRejected(oracle, operator, reading(METER_A, 1_000n, SENTINEL, t0 + 60n), Reject.SentinelValue);
        await expectRejected(oracle, operator, reading(METER_B, SENTINEL, 0n, t0), Reject.SentinelValue);
      });

      it("rejects registers that went down", async function () {
        const { oracle, operator, t0 } = await loadFixture(withBaselineFixture);
        await expectRejected(oracle, operator, reading(METER_A, 999n, 500n, t0 + 60n), Reject.RegisterRollback);
        await expectRejected(oracle, operator, reading(METER_A, 1_000n, 499n, t0 + 60n), Reject.RegisterRollback);
      });

      it("rejects more energy than the default rated power allows", async function () {
        const { oracle, operator, t0 } = await loadFixture(withBaselineFixture);
        // 100 kW for 900 s = 25,000 Wh; one more Wh on either register is implausible.
        await expectRejected(oracle, operator, reading(METER_A, 26_001n, 500n, t0 + 900n), Reject.ImplausibleDelta);
        await expectRejected(oracle, operator, reading(METER_A, 1_000n, 25_501n, t0 + 900n), Reject.ImplausibleDelta);
        await expectRejected(oracle, operator, reading(METER_A, 13_001n, 13_500n, t0 + 900n), Reject.ImplausibleDelta);
      });

      it("applies a meter's own rated power", async function () {
        const { oracle, regulator, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
        await oracle.connect(regulator).setMeterRatedPower(METER_A, 4_000n); // 4 kW: 1,000 Wh in 900 s
        await expectRejected(oracle, operator, reading(METER_A, 2_001n, 500n, t0 + 900n), Reject.ImplausibleDelta);
        await expect(oracle.connect(operator).submitReadings([reading(METER_A, 2_000n, 500n, t0 + 900n)]))
          .to.emit(oracle, "ReadingAccepted")
          .withArgs(METER_A, prosumer.address, t0 + 900n, 2_000n, 500n, 1_000n * GRID_PER_WH, 0n);
      });
    });

    it("rejects a bad reading without blocking the rest of the batch", async function () {
      const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
      const t = t0 + 600n;
      const tx = oracle
        .connect(operator)
        .submitReadings([
          reading(UNKNOWN_METER, 1n, 0n, t),
          reading(METER_A, 1_200n, 500n, t),
          reading(METER_B, 7n, 3n, t),
        ]);
      await expect(tx).to.emit(oracle, "ReadingRejected").withArgs(UNKNOWN_METER, t, Reject.MeterNotAssigned);
      await expect(tx)
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_A, prosumer.address, t, 1_200n, 500n, 200n * GRID_PER_WH, 0n);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [200n * GRID_PER_WH]);
      expect((await oracle.getMeterState(METER_B)).hasBaseline).to.equal(true);
    });

    it("never applies a reading twice, even within one batch", async function () {
      const { oracle, gridToken, operator, prosumer, t0 } = await loadFixture(withBaselineFixture);
      const r = reading(METER_A, 1_300n, 500n, t0 + 300n);
      const tx = oracle.connect(operator).submitReadings([r, r]);
      await expect(tx).to.emit(oracle, "ReadingRejected").withArgs(METER_A, r.readAt, Reject.StaleReading);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [300n * GRID_PER_WH]);
      await expect(oracle.connect(operator).submitReadings([r]))
        .to.emit(oracle, "ReadingRejected")
        .withArgs(METER_A, r.readAt, Reject.StaleReading);
    });

    it("rejects an empty or oversized batch", async function () {
      const { oracle, operator } = await loadFixture(deployOracleFixture);
      await expect(oracle.connect(operator).submitReadings([]))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidBatchLength")
        .withArgs(0n, 300n);
      const t = await now();
      const tooMany = Array.from({ length: 301 }, (_, i) => reading(METER_A, BigInt(i), 0n, t));
      await expect(oracle.connect(operator).submitReadings(tooMany))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidBatchLength")
        .withArgs(301n, 300n);
    });

    it("is for oracle operators only", async function () {
      const { oracle, outsider } = await loadFixture(deployOracleFixture);
      await expect(oracle.connect(outsider).submitReadings([reading(METER_A, 1n, 0n, await now())]))
        .to.be.revertedWithCustomError(oracle, "OracleClientNotOracleOperator")
        .withArgs(outsider.address);
    });

    it("is stopped by the pause", async function () {
      const { oracle, admin, operator } = await loadFixture(deployOracleFixture);
      await oracle.connect(admin).pause();
      await expect(
        oracle.connect(operator).submitReadings([reading(METER_A, 1n, 0n, await now())]),
      ).to.be.revertedWithCustomError(oracle, "EnforcedPause");
    });

    it("reverts the whole batch when GRID refuses to mint", async function () {
      const { oracle, gridToken, admin, operator, t0 } = await loadFixture(withBaselineFixture);
      await gridToken.connect(admin).pause();
      await expect(
        oracle.connect(operator).submitReadings([reading(METER_A, 1_100n, 500n, t0 + 60n)]),
      ).to.be.revertedWithCustomError(gridToken, "EnforcedPause");
    });

    it("stays within 45,000 gas per reading in a 100-reading batch, mint included", async function () {
      const { oracle, registry, operator } = await loadFixture(deployOracleFixture);
      // 100 meters of 100 different owners: every reading touches cold storage, as in a real head-end batch.
      const meters: string[] = [];
      for (let u = 0; u < 100; u++) {
        const owner = ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(0x1000 + u), 20));
        const id = ethers.encodeBytes32String(`GAS-${u}`);
        await registry.registerUser(owner, UserType.Prosumer, `Flat ${u}`);
        await registry.assignMeter(id, owner);
        meters.push(id);
      }
      const t = await now();
      // Baselines, then a first delta so that every owner already holds GRID (steady state).
      await oracle.connect(operator).submitReadings(meters.map((id) => reading(id, 1_000n, 0n, t - 1_800n)));
      await oracle.connect(operator).submitReadings(meters.map((id) => reading(id, 2_000n, 0n, t - 900n)));
      const single = await (
        await oracle.connect(operator).submitReadings([reading(meters[0], 3_000n, 0n, t - 600n)])
      ).wait();
      const batch = await (
        await oracle.connect(operator).submitReadings(meters.map((id) => reading(id, 3_500n, 0n, t)))
      ).wait();
      const perReading = batch!.gasUsed / 100n;
      const marginal = (batch!.gasUsed - single!.gasUsed) / 99n;
      console.log(
        `      gas: 100-reading submitReadings batch ${batch!.gasUsed} → ${perReading} per reading ` +
          `(marginal ${marginal}), mint included`,
      );
      // Instrumented coverage builds cost more gas; the budget applies to the real bytecode.
      if (!(hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) {
        expect(perReading <= READING_BATCH_GAS_BUDGET).to.equal(true);
      }
    });
  });

  describe("#submitSignedReadings", function () {
    it("accepts a reading signed by the meter's EOA key, relayed by anyone", async function () {
      const { oracle, gridToken, outsider, meterKey, prosumer, domain, t0 } = await loadFixture(withBaselineFixture);
      const r = reading(METER_A, 1_800n, 500n, t0 + 600n);
      const tx = oracle.connect(outsider).submitSignedReadings([r], [await sign(meterKey, domain, r)]);
      await expect(tx)
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_A, prosumer.address, r.readAt, 1_800n, 500n, 800n * GRID_PER_WH, 0n);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [800n * GRID_PER_WH]);
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
      await expect(tx)
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_B, prosumer2.address, next.readAt, 400n, 0n, 300n * GRID_PER_WH, 0n);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer2], [300n * GRID_PER_WH]);
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
      await oracle.connect(admin).pause();
      await expect(
        oracle.connect(outsider).submitSignedReadings([r], [await sign(meterKey, domain, r)]),
      ).to.be.revertedWithCustomError(oracle, "EnforcedPause");
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
      await oracle.connect(admin).pause();
      await expect(oracle.connect(prosumer).requestEnergyData(METER_A)).to.be.revertedWithCustomError(
        oracle,
        "EnforcedPause",
      );
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
      await expect(tx)
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_A, prosumer.address, r.readAt, 1_700n, 500n, 700n * GRID_PER_WH, 0n);
      await expect(tx).to.emit(oracle, "EnergyDataFulfilled").withArgs(1n, METER_A, operator.address, true);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [700n * GRID_PER_WH]);
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
      await oracle.connect(admin).pause();
      await expect(oracle.connect(operator).fulfillEnergyData(1n, r)).to.be.revertedWithCustomError(
        oracle,
        "EnforcedPause",
      );
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
      const tx = oracle.connect(operator).submitReadings([reading(METER_A, 5n, 0n, t0 + 60n)]);
      await expect(tx)
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_A, prosumer.address, t0 + 60n, 5n, 0n, 0n, 0n);
      await expect(tx).to.changeTokenBalances(gridToken, [prosumer], [0n]);
      await expect(oracle.connect(operator).submitReadings([reading(METER_A, 105n, 0n, t0 + 120n)]))
        .to.emit(oracle, "ReadingAccepted")
        .withArgs(METER_A, prosumer.address, t0 + 120n, 105n, 0n, 100n * GRID_PER_WH, 0n);
    });

    it("#resetMeterBaseline: rejects a meter without a baseline", async function () {
      const { oracle, regulator } = await loadFixture(deployOracleFixture);
      await expect(oracle.connect(regulator).resetMeterBaseline(METER_B))
        .to.be.revertedWithCustomError(oracle, "OracleClientNoBaseline")
        .withArgs(METER_B);
    });

    it("#setMeterRatedPower: sets, validates and returns to the default with 0", async function () {
      const { oracle, regulator } = await loadFixture(deployOracleFixture);
      await expect(oracle.connect(regulator).setMeterRatedPower(METER_A, 7_000n))
        .to.emit(oracle, "MeterRatedPowerUpdated")
        .withArgs(METER_A, 0n, 7_000n);
      expect(await oracle.ratedPowerOf(METER_A)).to.equal(7_000n);
      expect(await oracle.ratedPowerOf(METER_B)).to.equal(DEFAULT_RATED_POWER);
      await expect(oracle.connect(regulator).setMeterRatedPower(METER_A, 7_000n)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientUnchanged",
      );
      await expect(oracle.connect(regulator).setMeterRatedPower(METER_A, 10n ** 9n + 1n))
        .to.be.revertedWithCustomError(oracle, "OracleClientInvalidRatedPower")
        .withArgs(10n ** 9n + 1n);
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
      await expect(oracle.connect(regulator).setDefaultRatedPower(50_000n))
        .to.emit(oracle, "DefaultRatedPowerUpdated")
        .withArgs(DEFAULT_RATED_POWER, 50_000n);
      expect(await oracle.ratedPowerOf(METER_A)).to.equal(50_000n);
      for (const bad of [0n, 10n ** 9n + 1n]) {
        await expect(oracle.connect(regulator).setDefaultRatedPower(bad))
          .to.be.revertedWithCustomError(oracle, "OracleClientInvalidRatedPower")
          .withArgs(bad);
      }
      await expect(oracle.connect(regulator).setDefaultRatedPower(50_000n)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientUnchanged",
      );
    });

    it("#setRequestTtl: sets and validates", async function () {
      const { oracle, regulator, prosumer } = await loadFixture(deployOracleFixture);
      await expect(oracle.connect(regulator).setRequestTtl(600n))
        .to.emit(oracle, "RequestTtlUpdated")
        .withArgs(HOUR, 600n);
      const tx = await oracle.connect(prosumer).requestEnergyData(METER_A);
      const at = BigInt((await ethers.provider.getBlock(tx.blockNumber!))!.timestamp);
      expect((await oracle.getRequest(1n)).expiresAt).to.equal(at + 600n);
      for (const bad of [0n, 7n * 24n * HOUR + 1n]) {
        await expect(oracle.connect(regulator).setRequestTtl(bad))
          .to.be.revertedWithCustomError(oracle, "OracleClientInvalidRequestTtl")
          .withArgs(bad);
      }
      await expect(oracle.connect(regulator).setRequestTtl(600n)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientUnchanged",
      );
    });
  });

  describe("operators", function () {
    it("#addOracleOperator / #removeOracleOperator", async function () {
      const { oracle, regulator, outsider } = await loadFixture(deployOracleFixture);
      await expect(oracle.connect(regulator).addOracleOperator(outsider.address))
        .to.emit(oracle, "OracleOperatorAdded")
        .withArgs(outsider.address, regulator.address);
      expect(await oracle.isOracleOperator(outsider.address)).to.equal(true);
      await expect(oracle.connect(regulator).addOracleOperator(outsider.address))
        .to.be.revertedWithCustomError(oracle, "OracleClientOperatorExists")
        .withArgs(outsider.address);
      await expect(oracle.connect(regulator).addOracleOperator(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        oracle,
        "OracleClientZeroAddress",
      );
      await expect(oracle.connect(regulator).removeOracleOperator(outsider.address))
        .to.emit(oracle, "OracleOperatorRemoved")
        .withArgs(outsider.address, regulator.address);
      expect(await oracle.isOracleOperator(outsider.address)).to.equal(false);
      await expect(oracle.connect(regulator).removeOracleOperator(outsider.address))
        .to.be.revertedWithCustomError(oracle, "OracleClientUnknownOperator")
        .withArgs(outsider.address);
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

      it("does one settlement slice for an operator", async function () {
        const { oracle, market, operator } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Settle, 4n, 0n, 250n);
        const tx = oracle.connect(operator).performUpkeep("0x");
        await expect(tx).to.emit(market, "SettleCalled").withArgs(4n, 100n, false);
        await expect(tx).to.emit(oracle, "UpkeepPerformed").withArgs(Work.Settle, 4n, false, operator.address);
        await expect(tx).to.not.emit(market, "MatchCalled");
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

      it("does not settle when the market reports other work after matching", async function () {
        const { oracle, market, forwarder } = await loadFixture(forwarderFixture);
        await scripted(market, Work.Match, 5n, 1n, 0n, 0n, { work: Work.None, epoch: 0n });
        await expect(oracle.connect(forwarder).performUpkeep("0x")).to.not.emit(market, "SettleCalled");
        await scripted(market, Work.Match, 5n, 1n, 10n, 0n, { work: Work.Settle, epoch: 6n });
        await expect(oracle.connect(forwarder).performUpkeep("0x")).to.not.emit(market, "SettleCalled");
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
        await oracle.connect(admin).pause();
        await expect(oracle.connect(forwarder).performUpkeep("0x")).to.be.revertedWithCustomError(
          oracle,
          "EnforcedPause",
        );
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
        await expect(oracle.connect(admin).setForwarder(forwarder.address))
          .to.emit(oracle, "ForwarderUpdated")
          .withArgs(ethers.ZeroAddress, forwarder.address);
        await expect(oracle.connect(admin).setForwarder(forwarder.address)).to.be.revertedWithCustomError(
          oracle,
          "OracleClientUnchanged",
        );
        await expect(oracle.connect(admin).setCreForwarder(creForwarder.address))
          .to.emit(oracle, "CreForwarderUpdated")
          .withArgs(ethers.ZeroAddress, creForwarder.address);
        await expect(oracle.connect(admin).setCreForwarder(creForwarder.address)).to.be.revertedWithCustomError(
          oracle,
          "OracleClientUnchanged",
        );
        await expect(oracle.connect(admin).setCreWorkflow(WORKFLOW_ID, outsider.address))
          .to.emit(oracle, "CreWorkflowUpdated")
          .withArgs(WORKFLOW_ID, outsider.address);
        expect([...(await oracle.creWorkflow())]).to.deep.equal([WORKFLOW_ID, outsider.address]);
        await expect(oracle.connect(admin).setCreWorkflow(WORKFLOW_ID, outsider.address)).to.be.revertedWithCustomError(
          oracle,
          "OracleClientUnchanged",
        );
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
      await oracle.connect(admin).pause();
      await expect(
        oracle.connect(creForwarder).onReport(metadata(WORKFLOW_ID, outsider.address), clearingReport()),
      ).to.be.revertedWithCustomError(oracle, "EnforcedPause");
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
