// Operator and trader tasks end to end on the in-process network: readings (operator batch, meter-signed batch,
// request/fulfil), orders in human units, market status and depth, keeper clearing, trade history.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import { encodeBytes32String } from "ethers";
import hre from "hardhat";

import { KWH, USDC, WH } from "../../lib/units";
import type { FillView } from "../../lib/orders";
import type { ReadingOutcome } from "../../tasks/readings";
import { capture, deploySystem, load, passEpoch, run, runError } from "./helpers";

const METER = encodeBytes32String("MTR-A");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridmarket-market-"));

async function latestTime(): Promise<bigint> {
  return BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
}

/** Alice: prosumer with meter MTR-A; Bob: consumer; account 0: admin, regulator and oracle operator. */
async function fixture() {
  const system = await deploySystem();
  const [admin, alice, bob, carol, outsider] = await hre.ethers.getSigners();
  await run("gridmarket:register-user", { account: alice.address, type: "prosumer" });
  await run("gridmarket:register-user", { account: bob.address, type: "consumer" });
  await run("gridmarket:assign-meter", { meter: "MTR-A", owner: alice.address });
  return { ...system, admin, alice, bob, carol, outsider };
}

/** Alice holds 3 kWh of GRID (baseline, then 3,000 Wh exported), Bob holds 10 USDC; at the start of an epoch. */
async function fundedFixture() {
  const f = await fixture();
  const now = await latestTime();
  const file = path.join(dir, "fund.csv");
  fs.writeFileSync(file, `meter,exportWh,importWh,readAt\nMTR-A,1000,0,${now - 3600n}\nMTR-A,4000,0,${now - 1800n}\n`);
  await run("gridmarket:submit-readings", { file });
  await run("gridmarket:mint-payment-token", { to: f.bob.address, amount: "10" });
  const next = (await f.trading.currentEpoch()) + 1n;
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(await f.trading.epochStart(next))]);
  await hre.network.provider.send("evm_mine", []);
  return f;
}

describe("operator CLI: readings, orders, market", () => {
  describe("gridmarket:submit-readings", () => {
    it("submits a CSV batch: baseline, then mint for the export delta; bad rows are rejected one by one", async () => {
      const { gridToken, alice } = await load(fixture);
      const now = await latestTime();
      const file = path.join(dir, "batch.csv");
      fs.writeFileSync(
        file,
        [
          "meter,exportWh,importWh,readAt",
          `MTR-A,1000,0,${now - 3600n}`,
          `MTR-A,3500,0,${now - 1800n}`,
          `MTR-UNKNOWN,10,0,${now - 1800n}`,
          `MTR-A,3400,0,${now - 900n}`,
        ].join("\n"),
      );
      const { result, lines } = await capture(() => hre.run("gridmarket:submit-readings", { file, batchSize: "2" }));
      const outcomes = result as ReadingOutcome[];
      expect(outcomes.map((o) => [o.accepted, o.reason, o.minted])).to.deep.equal([
        [true, undefined, 0n],
        [true, undefined, 2500n * WH],
        [false, "MeterNotAssigned", 0n],
        [false, "RegisterRollback", 0n],
      ]);
      expect(await gridToken.balanceOf(alice.address)).to.equal(2500n * WH);
      expect(lines).to.include("2 accepted, 2 rejected");
      expect(lines.filter((l) => l.includes("submitReadings") && l.includes("mined"))).to.have.length(2);
    });

    it("relays meter-signed readings from any account", async () => {
      const { gridToken, oracleClient, alice, carol, outsider } = await load(fixture);
      await run("gridmarket:set-meter-signer", { meter: "MTR-A", signer: carol.address });
      const domain = await oracleClient.eip712Domain();
      const types = {
        MeterReading: [
          { name: "meterId", type: "bytes32" },
          { name: "exportWh", type: "uint64" },
          { name: "importWh", type: "uint64" },
          { name: "readAt", type: "uint64" },
        ],
      };
      const now = await latestTime();
      const readings = [
        { meterId: METER, exportWh: 500n, importWh: 0n, readAt: now - 600n },
        { meterId: METER, exportWh: 1250n, importWh: 0n, readAt: now - 300n },
      ];
      const signed = await Promise.all(
        readings.map(async (r) => ({
          meter: "MTR-A",
          exportWh: Number(r.exportWh),
          importWh: Number(r.importWh),
          readAt: Number(r.readAt),
          signature: await carol.signTypedData(
            {
              name: domain.name,
              version: domain.version,
              chainId: domain.chainId,
              verifyingContract: domain.verifyingContract,
            },
            types,
            r,
          ),
        })),
      );
      const file = path.join(dir, "signed.json");
      fs.writeFileSync(file, JSON.stringify(signed));

      const outcomes = await run<ReadingOutcome[]>("gridmarket:submit-readings", { file, from: outsider.address });
      expect(outcomes.map((o) => o.accepted)).to.deep.equal([true, true]);
      expect(await gridToken.balanceOf(alice.address)).to.equal(750n * WH);
    });

    it("refuses an unsigned batch from an account that is not an oracle operator", async () => {
      const { outsider } = await load(fixture);
      const file = path.join(dir, "one.csv");
      fs.writeFileSync(file, `meter,exportWh,importWh,readAt\nMTR-A,1,0,${(await latestTime()) - 10n}\n`);
      expect(await runError("gridmarket:submit-readings", { file, from: outsider.address })).to.equal(
        `${outsider.address} is not an oracle operator; a regulator can run gridmarket:add-oracle-operator --account ${outsider.address}`,
      );
    });
  });

  describe("gridmarket:assign-meter --reset-baseline", () => {
    it("resets the oracle baseline when a metered meter changes hands", async () => {
      const { oracleClient, bob } = await load(fixture);
      const file = path.join(dir, "baseline.csv");
      fs.writeFileSync(file, `meter,exportWh,importWh,readAt\nMTR-A,900,0,${(await latestTime()) - 60n}\n`);
      await run("gridmarket:submit-readings", { file });
      expect((await oracleClient.getMeterState(METER)).hasBaseline).to.equal(true);

      await run("gridmarket:unassign-meter", { meter: "MTR-A" });
      const { lines } = await capture(() => hre.run("gridmarket:assign-meter", { meter: "MTR-A", owner: bob.address }));
      expect(lines.some((l) => l.includes("pass --reset-baseline"))).to.equal(true);
      expect((await oracleClient.getMeterState(METER)).hasBaseline).to.equal(true);

      await run("gridmarket:unassign-meter", { meter: "MTR-A" });
      await run("gridmarket:assign-meter", { meter: "MTR-A", owner: bob.address, resetBaseline: true });
      expect((await oracleClient.getMeterState(METER)).hasBaseline).to.equal(false);
    });
  });

  describe("gridmarket:request-data / fulfill-request", () => {
    it("lets the meter owner request a reading that an operator fulfils once", async () => {
      const { oracleClient, alice } = await load(fixture);
      const { requestId } = await run<{ requestId: bigint }>("gridmarket:request-data", {
        meter: "MTR-A",
        from: alice.address,
      });
      expect(requestId).to.equal(1n);
      expect((await oracleClient.getRequest(1n)).requester).to.equal(alice.address);

      const outcome = await run<ReadingOutcome>("gridmarket:fulfill-request", {
        requestId: "1",
        exportWh: "42",
        importWh: "7",
      });
      expect([outcome.accepted, outcome.meterId]).to.deep.equal([true, METER]);
      expect((await oracleClient.getMeterState(METER)).lastExportWh).to.equal(42n);
      expect(await runError("gridmarket:fulfill-request", { requestId: "1", exportWh: "50", importWh: "7" })).to.equal(
        "request 1 is not pending (status 2)",
      );
    });
  });

  describe("orders, status, keeper, history", () => {
    it("places orders in human units, shows the book, clears with the keeper and reports the fills", async () => {
      const { trading, gridToken, paymentToken, alice, bob } = await load(fundedFixture);
      const epoch = await trading.currentEpoch();

      const sell = await run<{ orderId: bigint; escrow: bigint }>("gridmarket:place-order", {
        side: "sell",
        amount: "1.5",
        price: "0.20",
        from: alice.address,
      });
      const buy = await run<{ orderId: bigint; escrow: bigint }>("gridmarket:place-order", {
        side: "buy",
        amount: "1",
        price: "0.30",
        from: bob.address,
      });
      expect([sell.orderId, sell.escrow]).to.deep.equal([(epoch << 32n) | 1n, 1_500_000_000_000_000_000n]);
      expect([buy.orderId, buy.escrow]).to.deep.equal([(epoch << 32n) | 2n, 300_000n]);

      const { result: status, lines } = await capture(() => hre.run("gridmarket:market-status", {}));
      const view = (status as { epochs: { bids: unknown[]; asks: unknown[]; status: string }[] }).epochs[0];
      expect(view.status).to.equal("Open");
      expect(view.bids).to.deep.equal([{ price: 300_000n, quantity: KWH }]);
      expect(view.asks).to.deep.equal([{ price: 200_000n, quantity: 1_500_000_000_000_000_000n }]);
      expect(lines.some((l) => /1 kWh\s+0\.3 USDC\/kWh\s+0\.2 USDC\/kWh\s+1\.5 kWh/.test(l))).to.equal(true);

      await passEpoch(trading, epoch);
      const gridBefore = [await gridToken.balanceOf(alice.address), await gridToken.balanceOf(bob.address)];
      const usdcBefore = [await paymentToken.balanceOf(alice.address), await paymentToken.balanceOf(bob.address)];
      const stats = await run<{ performs: number; stoppedBy: string }>("gridmarket:keeper", { once: true });
      expect(stats.stoppedBy).to.equal("once");
      expect(stats.performs).to.be.greaterThanOrEqual(1);

      const result = await trading.getEpochResult(epoch);
      expect([result.status, result.clearingPrice, result.volume]).to.deep.equal([5n, 250_000n, KWH]);
      // Alice's 0.25 USDC and her unsold 0.5 kWh go to her account; Bob's 1 kWh is delivered to his wallet and
      // the 0.05 USDC left of his escrow goes to his account. No payment token moves to a wallet.
      expect(await gridToken.balanceOf(alice.address)).to.equal(gridBefore[0]);
      expect(await gridToken.balanceOf(bob.address)).to.equal(gridBefore[1] + KWH);
      expect(await paymentToken.balanceOf(alice.address)).to.equal(usdcBefore[0]);
      expect(await paymentToken.balanceOf(bob.address)).to.equal(usdcBefore[1]);
      const aliceBalance = await run<{ account: { grid: bigint; payment: bigint } }>("gridmarket:balance", {
        account: alice.address,
      });
      const bobBalance = await run<{ account: { grid: bigint; payment: bigint } }>("gridmarket:balance", {
        account: bob.address,
      });
      expect(aliceBalance.account).to.deep.equal({ grid: 500n * WH, payment: 250_000n });
      expect(bobBalance.account).to.deep.equal({ grid: 0n, payment: 50_000n });

      // The confirmations as rebuilt from OrderFilled, OrderCreated and EpochMatched: price, fee and refund too.
      const history = await run<{ fills: FillView[] }>("gridmarket:market-history", { epoch: String(epoch) });
      expect(
        history.fills.map((f) => [f.orderId, f.epoch, f.side, f.filled, f.clearingPrice, f.payment, f.fee, f.refund]),
      ).to.deep.equal([
        [sell.orderId, epoch, "Sell", KWH, 250_000n, 250_000n, 0n, 500n * WH],
        [buy.orderId, epoch, "Buy", KWH, 250_000n, 250_000n, 0n, 50_000n],
      ]);
      const mine = await run<{ fills: unknown[] }>("gridmarket:market-history", { account: bob.address });
      expect(mine.fills).to.have.length(1);

      const again = await run<{ performs: number }>("gridmarket:keeper", { once: true });
      expect(again.performs).to.equal(0);
    });

    it("cancels an open order and returns the escrow to the account", async () => {
      const { trading, paymentToken, bob, alice } = await load(fundedFixture);
      const { orderId } = await run<{ orderId: bigint }>("gridmarket:place-order", {
        side: "buy",
        amount: "2",
        price: "0.1",
        from: bob.address,
      });
      expect(await paymentToken.balanceOf(bob.address)).to.equal(10n * USDC - 200_000n);
      expect(await runError("gridmarket:cancel-order", { orderId: String(orderId), from: alice.address })).to.equal(
        `order ${orderId} belongs to ${bob.address}, not ${alice.address}`,
      );
      const cancelled = await run<{ status: string; refund: bigint; account: { payment: bigint } }>(
        "gridmarket:cancel-order",
        { orderId: String(orderId), from: bob.address },
      );
      expect([cancelled.status, cancelled.refund, cancelled.account.payment]).to.deep.equal([
        "Cancelled",
        200_000n,
        200_000n,
      ]);
      expect(await paymentToken.balanceOf(bob.address)).to.equal(10n * USDC - 200_000n);
      expect(await trading.accountBalance(bob.address, await paymentToken.getAddress())).to.equal(200_000n);
      const listed = await run<{ status: string }[]>("gridmarket:orders", { account: bob.address });
      expect(listed.map((o) => o.status)).to.deep.equal(["Cancelled"]);

      // The next order draws on the account: nothing is pulled from the wallet.
      const again = await run<{ escrow: bigint }>("gridmarket:place-order", {
        side: "buy",
        amount: "1",
        price: "0.15",
        from: bob.address,
      });
      expect(again.escrow).to.equal(150_000n);
      expect(await paymentToken.balanceOf(bob.address)).to.equal(10n * USDC - 200_000n);
      expect(await trading.accountBalance(bob.address, await paymentToken.getAddress())).to.equal(50_000n);
    });

    it("checks eligibility, escrow and market rules before sending", async () => {
      const { alice, bob, outsider } = await load(fundedFixture);
      expect(
        await runError("gridmarket:place-order", { side: "sell", amount: "1", price: "0.2", from: bob.address }),
      ).to.equal(`${bob.address} may not sell: only active prosumers and market makers may`);
      expect(
        await runError("gridmarket:place-order", { side: "buy", amount: "1", price: "0.2", from: outsider.address }),
      ).to.equal(`${outsider.address} may not buy: it is not an active registered user or market maker`);
      expect(
        await runError("gridmarket:place-order", { side: "sell", amount: "5", price: "0.2", from: alice.address }),
      ).to.equal(`this ask reserves 5 kWh of GRID; ${alice.address} has 0 kWh in its account and 3 kWh in its wallet`);
      expect(
        await runError("gridmarket:place-order", { side: "buy", amount: "100", price: "0.5", from: bob.address }),
      ).to.equal(`this bid reserves 50 USDC; ${bob.address} has 0 USDC in its account and 10 USDC in its wallet`);
      expect(
        await runError("gridmarket:place-order", { side: "buy", amount: "0.005", price: "0.5", from: bob.address }),
      ).to.equal("--amount: 0.005 kWh is below the minimum order 0.01 kWh");
      expect(
        await runError("gridmarket:place-order", { side: "buy", amount: "1", price: "0.00005", from: bob.address }),
      ).to.equal("--price: 0.00005 USDC/kWh is not a multiple of the tick size 0.0001 USDC/kWh");
    });

    it("decodes a contract's custom error when a transaction is refused", async () => {
      const { alice } = await load(fundedFixture);
      await run("gridmarket:pause", { contract: "trading" });
      expect(
        await runError("gridmarket:place-order", { side: "sell", amount: "1", price: "0.2", from: alice.address }),
      ).to.equal("createSellOrder: refused: EnforcedPause()");
    });
  });
});
