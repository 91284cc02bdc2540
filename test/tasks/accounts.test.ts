// Market-account tasks end to end on the in-process network: deposit, withdraw, balance, batch orders and
// cancels drawing on the account, where bought GRID goes, and order history from the events once Trading no
// longer keeps an epoch's order list.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";

import type { Balances } from "../../lib/accounts";
import { Side } from "../../lib/enums";
import type { OrderView } from "../../lib/orders";
import { KWH, USDC, WH } from "../../lib/units";
import { capture, deployFundedAtNextEpoch, lastBlockEvents, load, passEpoch, run, runError } from "./helpers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridmarket-accounts-"));

/**
 * Alice: prosumer holding 3 kWh of GRID (meter MTR-A); Bob: consumer holding 10 USDC; at the start of an epoch.
 */
async function fixture() {
  const { system, admin, alice, bob, outsider } = await deployFundedAtNextEpoch(path.join(dir, "fund.csv"));
  return { ...system, admin, alice, bob, outsider };
}

interface Moved {
  amount: bigint;
  before: Balances;
  after: Balances;
}

describe("operator CLI: market accounts", () => {
  describe("gridmarket:deposit / withdraw / balance", () => {
    it("deposits both tokens (approving as needed) and prints wallet and account", async () => {
      const { trading, gridToken, paymentToken, alice, bob } = await load(fixture);
      const grid = await gridToken.getAddress();
      const usdc = await paymentToken.getAddress();

      await run("gridmarket:deposit", { token: "grid", amount: "1.25", from: alice.address });
      expect(await lastBlockEvents(trading, "Deposited")).to.deep.equal([[alice.address, grid, 1_250n * WH]]);
      const moved = await run<Moved>("gridmarket:deposit", { token: "USDC", amount: "4.5", from: bob.address });
      expect(moved.amount).to.equal(4_500_000n);
      expect(moved.before.wallet.payment - moved.after.wallet.payment).to.equal(4_500_000n);
      expect(moved.after.account).to.deep.equal({ grid: 0n, payment: 4_500_000n });

      expect(await trading.accountBalance(alice.address, grid)).to.equal(1_250n * WH);
      expect(await gridToken.balanceOf(alice.address)).to.equal(1_750n * WH);
      expect(await trading.accountBalance(bob.address, usdc)).to.equal(4_500_000n);
      expect(await paymentToken.balanceOf(bob.address)).to.equal(5_500_000n);

      const { result, lines } = await capture(() => hre.run("gridmarket:balance", { account: alice.address }));
      expect(result).to.deep.equal({
        wallet: { grid: 1_750n * WH, payment: 0n },
        account: { grid: 1_250n * WH, payment: 0n },
        keepsBoughtGrid: false,
      });
      expect(lines.some((l) => /GRID\s+1\.75 kWh\s+1\.25 kWh/.test(l))).to.equal(true);
      expect(lines.some((l) => /USDC\s+0 USDC\s+0 USDC/.test(l))).to.equal(true);
      expect(lines.some((l) => l.includes("bought GRID goes to: the wallet"))).to.equal(true);
    });

    it("withdraws an amount or the whole free balance, also while Trading is paused", async () => {
      const { trading, paymentToken, bob } = await load(fixture);
      const usdc = await paymentToken.getAddress();
      await run("gridmarket:deposit", { token: "usdc", amount: "6", from: bob.address });
      await run("gridmarket:withdraw", { token: "usdc", amount: "2.5", from: bob.address });
      expect(await paymentToken.balanceOf(bob.address)).to.equal(6_500_000n);
      expect(await paymentToken.balanceOf(await trading.getAddress())).to.equal(3_500_000n);
      expect(await trading.accountBalance(bob.address, usdc)).to.equal(3_500_000n);

      await run("gridmarket:pause", { contract: "trading" });
      await run("gridmarket:withdraw", { token: "usdc", all: true, from: bob.address });
      expect(await lastBlockEvents(trading, "Withdrawn")).to.deep.equal([[bob.address, usdc, 3_500_000n]]);
      expect(await trading.accountBalance(bob.address, usdc)).to.equal(0n);
      expect(await paymentToken.balanceOf(bob.address)).to.equal(10n * USDC);
    });

    it("checks the amount, the funds and the pause before sending", async () => {
      const { alice, bob } = await load(fixture);
      expect(await runError("gridmarket:deposit", { token: "eth", amount: "1", from: bob.address })).to.equal(
        '--token: "eth" is not grid or usdc',
      );
      expect(await runError("gridmarket:deposit", { token: "grid", amount: "0.0005", from: alice.address })).to.equal(
        "--amount: 0.0005 kWh is not a whole number of watt-hours (at most 3 decimals of kWh)",
      );
      expect(await runError("gridmarket:deposit", { token: "usdc", amount: "11", from: bob.address })).to.equal(
        `depositing 11 USDC needs that much in the wallet; ${bob.address} holds 10 USDC`,
      );
      expect(await runError("gridmarket:withdraw", { token: "grid", all: true, from: alice.address })).to.equal(
        `${alice.address} has no free GRID in its account`,
      );
      expect(await runError("gridmarket:withdraw", { token: "grid", from: alice.address })).to.equal(
        "give either --amount or --all",
      );
      await run("gridmarket:deposit", { token: "grid", amount: "1", from: alice.address });
      expect(await runError("gridmarket:withdraw", { token: "grid", amount: "1.001", from: alice.address })).to.equal(
        `withdrawing 1.001 kWh needs that much free in the account; ${alice.address} has 1 kWh`,
      );
      await run("gridmarket:pause", { contract: "trading" });
      expect(await runError("gridmarket:deposit", { token: "grid", amount: "1", from: alice.address })).to.equal(
        "Trading is paused: deposits are refused until it is unpaused (withdrawals still work)",
      );
    });
  });

  describe("gridmarket:place-orders / cancel-orders", () => {
    it("places a mixed batch from the account, pulling only the shortfall from the wallet", async () => {
      const { trading, gridToken, paymentToken, alice } = await load(fixture);
      await run("gridmarket:mint-payment-token", { to: alice.address, amount: "1" });
      await run("gridmarket:deposit", { token: "grid", amount: "1", from: alice.address });
      const epoch = await trading.currentEpoch();
      const grid = await gridToken.getAddress();
      const usdc = await paymentToken.getAddress();

      // Sells of 0.6 + 0.7 kWh reserve 1.3 kWh: 1 from the account, 0.3 pulled; a prosumer may also buy:
      // 0.5 kWh at 0.2 escrows 0.1 USDC, all pulled from the wallet.
      await run("gridmarket:place-orders", { orders: "sell:0.6@0.25, sell:0.7@0.3,buy:0.5@0.2", from: alice.address });
      expect(await lastBlockEvents(trading, "Deposited")).to.deep.equal([
        [alice.address, grid, 300n * WH],
        [alice.address, usdc, 100_000n],
      ]);
      const placed = await run<OrderView[]>("gridmarket:orders", { account: alice.address });
      expect(placed.map((o) => [o.orderId, o.side, o.amount, o.price, o.status])).to.deep.equal([
        [(epoch << 32n) | 1n, "Sell", 600n * WH, 250_000n, "Open"],
        [(epoch << 32n) | 2n, "Sell", 700n * WH, 300_000n, "Open"],
        [(epoch << 32n) | 3n, "Buy", 500n * WH, 200_000n, "Open"],
      ]);
      expect(await gridToken.balanceOf(alice.address)).to.equal(1_700n * WH);
      expect(await paymentToken.balanceOf(alice.address)).to.equal(900_000n);
      expect(await trading.accountBalance(alice.address, grid)).to.equal(0n);

      const result = await run<{ cancelled: { refund: bigint }[]; account: { grid: bigint; payment: bigint } }>(
        "gridmarket:cancel-orders",
        { orderIds: `${(epoch << 32n) | 1n},${(epoch << 32n) | 3n}`, from: alice.address },
      );
      expect(result.cancelled.map((c) => c.refund)).to.deep.equal([600n * WH, 100_000n]);
      expect(result.account).to.deep.equal({ grid: 600n * WH, payment: 100_000n });
      const after = await run<OrderView[]>("gridmarket:orders", { account: alice.address });
      expect(after.map((o) => o.status)).to.deep.equal(["Cancelled", "Open", "Cancelled"]);
      expect(await gridToken.balanceOf(alice.address)).to.equal(1_700n * WH);
    });

    it("emits one OrderCreated per spec and refuses bad specs, the order limit and missing funds", async () => {
      const { trading, bob, alice } = await load(fixture);
      const epoch = await trading.currentEpoch();
      await run("gridmarket:place-orders", { orders: "buy:1@0.2 buy:2@0.1", from: bob.address });
      expect(await lastBlockEvents(trading, "OrderCreated")).to.deep.equal([
        [(epoch << 32n) | 1n, epoch, bob.address, BigInt(Side.Buy), KWH, 200_000n],
        [(epoch << 32n) | 2n, epoch, bob.address, BigInt(Side.Buy), 2n * KWH, 100_000n],
      ]);
      expect(await runError("gridmarket:place-orders", { orders: "buy:1", from: bob.address })).to.equal(
        '--orders: "buy:1" is not side:kWh@price (e.g. buy:1.5@0.25)',
      );
      expect(await runError("gridmarket:place-orders", { orders: "buy:1@0.00001", from: bob.address })).to.equal(
        '--orders "buy:1@0.00001": 0.00001 USDC/kWh is not a multiple of the tick size 0.0001 USDC/kWh',
      );
      expect(await runError("gridmarket:place-orders", { orders: "buy:1@0.2,sell:1@0.2", from: bob.address })).to.equal(
        `${bob.address} may not sell: only active prosumers and market makers may`,
      );
      expect(
        await runError("gridmarket:place-orders", { orders: "buy:30@0.2,buy:20@0.2", from: bob.address }),
      ).to.equal(`these orders reserve 10 USDC; ${bob.address} has 0 USDC in its account and 9.6 USDC in its wallet`);
      await trading.setMaxOrdersPerUser(3n);
      expect(await runError("gridmarket:place-orders", { orders: "buy:1@0.2,buy:1@0.2", from: bob.address })).to.equal(
        `${bob.address} already placed 2 orders in epoch ${epoch}, the limit is 3`,
      );
      expect(
        await runError("gridmarket:cancel-orders", { orderIds: `${(epoch << 32n) | 1n},${(epoch << 32n) | 1n}` }),
      ).to.equal("--order-ids: an order id is listed twice");
      expect(
        await runError("gridmarket:cancel-orders", { orderIds: `${(epoch << 32n) | 1n}`, from: alice.address }),
      ).to.equal(`order ${(epoch << 32n) | 1n} belongs to ${bob.address}, not ${alice.address}`);
    });
  });

  describe("gridmarket:keep-bought-grid and settlement to the account", () => {
    it("keeps bought GRID in the account when asked; proceeds and refunds go to the accounts", async () => {
      const { trading, gridToken, paymentToken, alice, bob } = await load(fixture);
      const grid = await gridToken.getAddress();
      const usdc = await paymentToken.getAddress();
      await run("gridmarket:keep-bought-grid", { keep: "true", from: bob.address });
      expect(await lastBlockEvents(trading, "BoughtGridDestinationSet")).to.deep.equal([[bob.address, true]]);
      expect(await runError("gridmarket:keep-bought-grid", { keep: "yes", from: bob.address })).to.equal(
        `${bob.address} already keeps bought GRID in its account`,
      );

      const epoch = await trading.currentEpoch();
      await run("gridmarket:place-order", { side: "sell", amount: "1.5", price: "0.20", from: alice.address });
      await run("gridmarket:place-order", { side: "buy", amount: "1", price: "0.30", from: bob.address });
      await passEpoch(trading, epoch);
      const walletGrid = await gridToken.balanceOf(bob.address);
      await run("gridmarket:keeper", { once: true });

      // p = 0.25: Bob's 1 kWh stays in his account with the 0.05 USDC left of his 0.30 escrow; Alice is credited
      // 0.25 USDC and her unsold 0.5 kWh.
      expect(await gridToken.balanceOf(bob.address)).to.equal(walletGrid);
      expect(await trading.accountBalance(bob.address, grid)).to.equal(KWH);
      expect(await trading.accountBalance(bob.address, usdc)).to.equal(50_000n);
      expect(await trading.accountBalance(alice.address, grid)).to.equal(500n * WH);
      expect(await trading.accountBalance(alice.address, usdc)).to.equal(250_000n);

      await run("gridmarket:keep-bought-grid", { keep: "false", from: bob.address });
      expect(await lastBlockEvents(trading, "BoughtGridDestinationSet")).to.deep.equal([[bob.address, false]]);
      await run("gridmarket:withdraw", { token: "grid", all: true, from: bob.address });
      expect(await gridToken.balanceOf(bob.address)).to.equal(walletGrid + KWH);
      expect(await trading.accountBalance(bob.address, grid)).to.equal(0n);
    });
  });

  describe("gridmarket:orders from the events", () => {
    it("lists an earlier epoch from the events once Trading keeps only the account's latest epoch", async () => {
      const { trading, bob, alice } = await load(fixture);
      const first = await trading.currentEpoch();
      await run("gridmarket:place-order", { side: "sell", amount: "1", price: "0.20", from: alice.address });
      await run("gridmarket:place-order", { side: "buy", amount: "1", price: "0.30", from: bob.address });
      await run("gridmarket:place-order", { side: "buy", amount: "0.5", price: "0.10", from: bob.address });
      await passEpoch(trading, first);
      await run("gridmarket:keeper", { once: true });
      const second = await trading.currentEpoch();
      const { orderId: later } = await run<{ orderId: bigint }>("gridmarket:place-order", {
        side: "buy",
        amount: "1",
        price: "0.10",
        from: bob.address,
      });
      await expect(trading.getUserOrders(bob.address, first))
        .to.be.revertedWithCustomError(trading, "TradingHistoryPruned")
        .withArgs(bob.address, first, second);

      const { result, lines } = await capture(() =>
        hre.run("gridmarket:orders", { account: bob.address, epoch: String(first) }),
      );
      expect((result as OrderView[]).map((o) => [o.orderId, o.side, o.status, o.filled])).to.deep.equal([
        [(first << 32n) | 2n, "Buy", "Settled", KWH],
        [(first << 32n) | 3n, "Buy", "Settled", 0n],
      ]);
      expect(lines[1]).to.equal(
        `2 order(s) of ${bob.address} in epoch ${first} (from the events: Trading keeps only the account's latest epoch)`,
      );
      const all = await run<OrderView[]>("gridmarket:orders", { account: bob.address, history: true });
      expect(all.map((o) => [o.orderId, o.status])).to.deep.equal([
        [(first << 32n) | 2n, "Settled"],
        [(first << 32n) | 3n, "Settled"],
        [later, "Open"],
      ]);
    });
  });
});
