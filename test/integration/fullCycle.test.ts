import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { encodeClearingReport, encodeReadingsReport } from "../../lib/cre";
import type { Trading } from "../../typechain-types";
import { deployMarket } from "../fixtures";

// ───────────────────────────── constants mirrored from Solidity ─────────────────────────────

const UserType = { Prosumer: 1, Consumer: 2 } as const;
const Work = { None: 0, Match: 1, Settle: 2 } as const;
const EpochStatus = { Settled: 5 } as const;

const WH = 10n ** 15n; // GRID base units per Wh
const KWH = 10n ** 18n;
const UPKEEP_GAS_BUDGET = 4_500_000n;
const USDC = 10n ** 6n;

const METER_ALICE = ethers.encodeBytes32String("DORM-A-PV");
const METER_BOB = ethers.encodeBytes32String("LAB-B-PV");
const METER_CAROL = ethers.encodeBytes32String("LIBRARY-1");
const METER_DAVE = ethers.encodeBytes32String("CAFE-2");

const FORWARDER = "0x00000000000000000000000000000000000A0704";
const CRE_FORWARDER = "0x00000000000000000000000000000000000C0E00";
const WORKFLOW_ID = ethers.id("gridmarket-campus-workflow");
const coder = ethers.AbiCoder.defaultAbiCoder();

interface Reading {
  meterId: string;
  exportWh: bigint;
  importWh: bigint;
  readAt: bigint;
}

// ─────────────────────────────────────────── system ────────────────────────────────────────────

// The four contracts from the GridMarket Ignition module (deployMarket), as production deploys and wires them: the
// admin is the first REC regulator and oracle operator, the OracleClient mints and burns GRID, and Trading's GRID
// escrow is locked. Then the admin points the OracleClient at the Automation and CRE forwarders.
async function deploySystem() {
  const [admin, alice, bob, carol, dave, creOwner] = await ethers.getSigners();
  const { registry, gridToken, paymentToken, trading, oracleClient: oracle } = await deployMarket();

  await oracle.setForwarder(FORWARDER);
  await oracle.setCreForwarder(CRE_FORWARDER);
  await oracle.setCreWorkflow(WORKFLOW_ID, creOwner.address);
  await setBalance(FORWARDER, 10n ** 18n);
  await setBalance(CRE_FORWARDER, 10n ** 18n);
  const forwarder = await ethers.getImpersonatedSigner(FORWARDER);
  const creForwarder = await ethers.getImpersonatedSigner(CRE_FORWARDER);

  return {
    registry,
    gridToken,
    paymentToken,
    trading,
    oracle,
    admin,
    alice,
    bob,
    carol,
    dave,
    creOwner,
    forwarder,
    creForwarder,
  };
}

type System = Awaited<ReturnType<typeof deploySystem>>;

/// How meter data and clearing reach the OracleClient.
interface Driver {
  name: string;
  submit(s: System, readings: Reading[]): Promise<void>;
  clear(s: System): Promise<bigint>; // returns the gas used
}

const ami: Driver = {
  name: "the AMI head-end operator and Chainlink Automation",
  async submit(s, readings) {
    await s.oracle.connect(s.admin).submitReadings(readings);
  },
  async clear(s) {
    const [needed, performData] = await s.oracle.checkUpkeep("0x");
    expect(needed).to.equal(true);
    const receipt = await (await s.oracle.connect(s.forwarder).performUpkeep(performData)).wait();
    return receipt!.gasUsed;
  },
};

const cre: Driver = {
  name: "a CRE workflow",
  async submit(s, readings) {
    const report = encodeReadingsReport(readings);
    await s.oracle.connect(s.creForwarder).onReport(creMetadata(s.creOwner.address), report);
  },
  async clear(s) {
    const report = encodeClearingReport();
    const tx = await s.oracle.connect(s.creForwarder).onReport(creMetadata(s.creOwner.address), report);
    return (await tx.wait())!.gasUsed;
  },
};

function creMetadata(workflowOwner: string): string {
  return ethers.solidityPacked(
    ["bytes32", "bytes10", "address", "bytes2"],
    [WORKFLOW_ID, ethers.zeroPadBytes(ethers.toUtf8Bytes("campus"), 10), workflowOwner, "0x0001"],
  );
}

async function clearEpoch(s: System, driver: Driver): Promise<bigint[]> {
  const gas: bigint[] = [];
  for (;;) {
    const [work] = await s.trading.pendingEpochWork();
    if (work === BigInt(Work.None)) break;
    gas.push(await driver.clear(s));
    expect(gas.length).to.be.lessThan(50);
  }
  return gas;
}

async function approveAndSell(s: System, seller: HardhatEthersSigner, amount: bigint, price: bigint): Promise<bigint> {
  await s.gridToken.connect(seller).approve(await s.trading.getAddress(), amount);
  const id = await s.trading.connect(seller).createSellOrder.staticCall(amount, price);
  await s.trading.connect(seller).createSellOrder(amount, price);
  return id;
}

async function approveAndBuy(s: System, buyer: HardhatEthersSigner, amount: bigint, price: bigint): Promise<bigint> {
  const escrow = (amount * price + KWH - 1n) / KWH;
  await s.paymentToken.connect(buyer).approve(await s.trading.getAddress(), escrow);
  const id = await s.trading.connect(buyer).createBuyOrder.staticCall(amount, price);
  await s.trading.connect(buyer).createBuyOrder(amount, price);
  return id;
}

// ─────────────────────────────────────────── the cycle ──────────────────────────────────────────

for (const driver of [ami, cre]) {
  describe(`Full cycle through ${driver.name}`, function () {
    it("registers, meters, mints, trades, clears in slices, settles exactly and burns consumption", async function () {
      const s = await loadFixture(deploySystem);
      const { registry, gridToken, paymentToken, trading, oracle, admin, alice, bob, carol, dave } = s;

      // Phase 1 — registration and meters.
      await registry.registerUser(alice.address, UserType.Prosumer, "Dorm A, roof PV");
      await registry.registerUser(bob.address, UserType.Prosumer, "Lab B, roof PV");
      await registry.registerUser(carol.address, UserType.Consumer, "Library");
      await registry.registerUser(dave.address, UserType.Consumer, "Cafeteria");
      for (const [meter, owner] of [
        [METER_ALICE, alice],
        [METER_BOB, bob],
        [METER_CAROL, carol],
        [METER_DAVE, dave],
      ] as const) {
        await registry.assignMeter(meter, owner.address);
      }

      // Phase 2 — readings: the first sets each baseline, the next mints the generation since.
      const t = BigInt(await time.latest());
      await driver.submit(s, [
        { meterId: METER_ALICE, exportWh: 120_000n, importWh: 80_000n, readAt: t - 1_200n },
        { meterId: METER_BOB, exportWh: 40_000n, importWh: 10_000n, readAt: t - 1_200n },
        { meterId: METER_CAROL, exportWh: 0n, importWh: 300_000n, readAt: t - 1_200n },
        { meterId: METER_DAVE, exportWh: 0n, importWh: 50_000n, readAt: t - 1_200n },
      ]);
      expect(await gridToken.totalSupply()).to.equal(0n);
      await driver.submit(s, [
        { meterId: METER_ALICE, exportWh: 125_000n, importWh: 80_000n, readAt: t - 300n },
        { meterId: METER_BOB, exportWh: 43_200n, importWh: 10_000n, readAt: t - 300n },
      ]);
      expect(await gridToken.balanceOf(alice.address)).to.equal(5_000n * WH);
      expect(await gridToken.balanceOf(bob.address)).to.equal(3_200n * WH);

      // Phase 3 — sell orders escrow GRID, buy orders escrow USDC (prices per kWh, 6 decimals).
      await paymentToken.mint(carol.address, 1_000n * USDC);
      await paymentToken.mint(dave.address, 1_000n * USDC);
      // The orders go into an epoch that has just begun, so its gate closure is ahead however fast the run got here.
      await time.increaseTo(await trading.epochEnd(await trading.currentEpoch()));
      const epoch = await trading.currentEpoch();
      const aliceOrder = await approveAndSell(s, alice, 4n * KWH, 150_000n);
      const bobOrder = await approveAndSell(s, bob, 3n * KWH, 180_000n);
      const carolOrder = await approveAndBuy(s, carol, 3n * KWH, 220_000n);
      const daveOrder = await approveAndBuy(s, dave, (5n * KWH) / 2n, 190_000n);
      expect(await gridToken.balanceOf(await trading.getAddress())).to.equal(7n * KWH);
      expect(await paymentToken.balanceOf(await trading.getAddress())).to.equal(660_000n + 475_000n);
      expect((await oracle.checkUpkeep("0x"))[0]).to.equal(false);

      // Phase 4 — gate closure; the upkeep clears the epoch one small slice at a time.
      await oracle.connect(admin).setUpkeepBatchSizes(1n, 1n);
      await time.increaseTo(await trading.epochEnd(epoch));
      expect([...(await oracle.checkUpkeep("0x"))]).to.deep.equal([
        true,
        coder.encode(["uint8", "uint256"], [Work.Match, epoch]),
      ]);
      const gas = await clearEpoch(s, driver);
      expect(gas.length).to.be.greaterThan(3);
      for (const used of gas) expect(used < UPKEEP_GAS_BUDGET).to.equal(true);
      expect(await oracle.lastMarketCheck()).to.equal(BigInt(await time.latest()));
      expect((await oracle.checkUpkeep("0x"))[0]).to.equal(false);

      // Walk: 220k×150k → 3 kWh, 190k×150k → 1 kWh, 190k×180k → 1.5 kWh; p = (190,000 + 180,000) / 2.
      const result = await trading.getEpochResult(epoch);
      expect(result.status).to.equal(BigInt(EpochStatus.Settled));
      expect(result.clearingPrice).to.equal(185_000n);
      expect(result.volume).to.equal((11n * KWH) / 2n);
      expect((await trading.getOrder(aliceOrder)).filled).to.equal(4n * KWH);
      expect((await trading.getOrder(bobOrder)).filled).to.equal((3n * KWH) / 2n);
      expect((await trading.getOrder(carolOrder)).filled).to.equal(3n * KWH);
      expect((await trading.getOrder(daveOrder)).filled).to.equal((5n * KWH) / 2n);

      // Phase 5 — settlement credited proceeds, refunds and unfilled GRID to the accounts (bought GRID went to
      // the wallets); each participant withdraws its whole account, then every wallet is exact and Trading empty.
      expect(await trading.accountBalance(admin.address, await paymentToken.getAddress())).to.equal(0n);
      await withdrawAll(trading, [alice, bob, carol, dave], [gridToken, paymentToken]);
      expect(await gridToken.balanceOf(alice.address)).to.equal(1n * KWH);
      expect(await gridToken.balanceOf(bob.address)).to.equal(1_700n * WH);
      expect(await gridToken.balanceOf(carol.address)).to.equal(3n * KWH);
      expect(await gridToken.balanceOf(dave.address)).to.equal((5n * KWH) / 2n);
      expect(await gridToken.balanceOf(await trading.getAddress())).to.equal(0n);
      expect(await paymentToken.balanceOf(alice.address)).to.equal(740_000n);
      expect(await paymentToken.balanceOf(bob.address)).to.equal(277_500n);
      expect(await paymentToken.balanceOf(carol.address)).to.equal(1_000n * USDC - 555_000n);
      expect(await paymentToken.balanceOf(dave.address)).to.equal(1_000n * USDC - 462_500n);
      expect(await paymentToken.balanceOf(await trading.getAddress())).to.equal(0n);

      // Consumption burns what the owner holds: Carol drew 2 kWh, Alice 1.5 kWh but only holds 1 kWh, of which
      // the burn leaves her wallet its last base unit.
      const later = BigInt(await time.latest());
      const consumption = [
        { meterId: METER_CAROL, exportWh: 0n, importWh: 302_000n, readAt: later },
        { meterId: METER_ALICE, exportWh: 125_000n, importWh: 81_500n, readAt: later },
      ];
      await driver.submit(s, consumption);
      expect(await gridToken.balanceOf(carol.address)).to.equal(1n * KWH);
      expect(await gridToken.balanceOf(alice.address)).to.equal(1n);
      expect(await gridToken.totalSupply()).to.equal(1n * KWH + 1_700n * WH + (5n * KWH) / 2n + 1n);
      // The same readings again are never applied twice.
      await driver.submit(s, consumption);
      expect(await gridToken.balanceOf(carol.address)).to.equal(1n * KWH);
    });
  });
}

/** Withdraws the whole market account of each of `who` in each of `tokens`, checking the Withdrawn event. */
async function withdrawAll(
  trading: Trading,
  who: HardhatEthersSigner[],
  tokens: { getAddress(): Promise<string> }[],
): Promise<void> {
  for (const w of who) {
    for (const t of tokens) {
      const token = await t.getAddress();
      const amount = await trading.accountBalance(w.address, token);
      if (amount === 0n) continue;
      await expect(trading.connect(w).withdraw(token, amount))
        .to.emit(trading, "Withdrawn")
        .withArgs(w.address, token, amount);
      expect(await trading.accountBalance(w.address, token)).to.equal(0n);
    }
  }
}

describe("Full cycle at scale", function () {
  it("clears a 200-order epoch with bounded performUpkeep calls @skip-on-coverage", async function () {
    const s = await loadFixture(deploySystem);
    const { registry, gridToken, paymentToken, trading, alice, carol } = s;
    await registry.registerUser(alice.address, UserType.Prosumer, "Dorm A");
    await registry.registerUser(carol.address, UserType.Consumer, "Library");
    await registry.assignMeter(METER_ALICE, alice.address);
    const t = BigInt(await time.latest());
    await ami.submit(s, [{ meterId: METER_ALICE, exportWh: 0n, importWh: 0n, readAt: t - 900n }]);
    await ami.submit(s, [{ meterId: METER_ALICE, exportWh: 20_000n, importWh: 0n, readAt: t }]);
    await paymentToken.mint(carol.address, 10_000n * USDC);
    await gridToken.connect(alice).approve(await trading.getAddress(), ethers.MaxUint256);
    await paymentToken.connect(carol).approve(await trading.getAddress(), ethers.MaxUint256);

    // A fresh epoch, so that its 900 s outlast the 200 orders whatever the wall clock does meanwhile.
    const epoch = (await trading.currentEpoch()) + 1n;
    await time.increaseTo(await trading.epochStart(epoch));
    // 100 asks from 0.100 USDC/kWh up and 100 bids from 0.199 USDC/kWh down, 0.1 kWh each, one tick apart.
    for (let i = 0n; i < 100n; i++) {
      await trading.connect(alice).createSellOrder(KWH / 10n, 100_000n + i * 1_000n);
      await trading.connect(carol).createBuyOrder(KWH / 10n, 199_000n - i * 1_000n);
    }
    await time.increaseTo(await trading.epochEnd(epoch));
    const gas = await clearEpoch(s, ami);
    const settleGas = gas.slice(1);
    console.log(
      `      gas: performUpkeep over a 200-order epoch: ${gas.length} calls — match (+ first settlement) ${gas[0]}, ` +
        `settlement batches ${settleGas.join(", ")}`,
    );
    // One upkeep: it matches, then settles slices for as long as the worst case of the next one fits the budget.
    expect(gas.length).to.equal(1);
    for (const used of gas) expect(used < UPKEEP_GAS_BUDGET).to.equal(true);

    const result = await trading.getEpochResult(epoch);
    expect(result.status).to.equal(BigInt(EpochStatus.Settled));
    expect(result.volume).to.equal(5n * KWH);
    // 50 bid/ask pairs cross (0.199/0.100 … 0.150/0.149): p = (150,000 + 149,000) / 2.
    expect(result.clearingPrice).to.equal(149_500n);
    // Both ledgers balance: all GRID is back with its holders, all USDC with them or credited as fees.
    const tradingAddress = await trading.getAddress();
    const fees = await trading.accountBalance(s.admin.address, await paymentToken.getAddress());
    await withdrawAll(trading, [alice, carol], [gridToken, paymentToken]);
    expect(await gridToken.balanceOf(tradingAddress)).to.equal(0n);
    expect(await paymentToken.balanceOf(tradingAddress)).to.equal(fees);
    expect((await gridToken.balanceOf(alice.address)) + (await gridToken.balanceOf(carol.address))).to.equal(
      await gridToken.totalSupply(),
    );
    expect(
      (await paymentToken.balanceOf(alice.address)) + (await paymentToken.balanceOf(carol.address)) + fees,
    ).to.equal(await paymentToken.totalSupply());
    expect(await gridToken.balanceOf(carol.address)).to.equal(5n * KWH);
    expect(await paymentToken.balanceOf(alice.address)).to.equal((5n * 149_500n * USDC) / 1_000_000n);
  });
});
