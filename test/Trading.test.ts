import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";

import type { GridToken, MockUSDC, Registry, Trading } from "../typechain-types";

// ───────────────────────────────────────── CONSTANTS ─────────────────────────────────────────

/** `IRegistry.UserType` / `IRegistry.UserStatus`, in declaration order. */
const Prosumer = 1;
const Consumer = 2;
const Suspended = 2;

/** `ITrading.Side` */
enum Side {
  Buy = 0,
  Sell = 1,
}

/** `ITrading.OrderStatus` */
enum OrderStatus {
  None = 0,
  Open = 1,
  Cancelled = 2,
  Settled = 3,
}

/** `ITrading.EpochStatus` */
enum EpochStatus {
  Empty = 0,
  Open = 1,
  Closed = 2,
  Matching = 3,
  Settling = 4,
  Settled = 5,
}

/** `ITrading.Work` */
enum Work {
  None = 0,
  Match = 1,
  Settle = 2,
}

/** One watt-hour in GRID base units (GRID has 18 decimals, 1 GRID = 1 kWh). */
const WH = 10n ** 15n;
const wh = (n: bigint | number): bigint => BigInt(n) * WH;
const EPOCH_LENGTH = 900n;
const TICK = 100n;
const MAX_PRICE = 1_000_000n;
const MIN_ORDER = 10n ** 16n;
const MAX_ORDERS = 100n;
const MAX_UINT32 = 2n ** 32n - 1n;
const METER = ethers.encodeBytes32String("METER-1");
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const DEFAULT_PARAMS = {
  tickSize: TICK,
  maxPrice: MAX_PRICE,
  minOrderAmount: MIN_ORDER,
  maxOrdersPerUser: MAX_ORDERS,
  feeBps: 0n,
};

/** Order ids are `epoch << 32 | sequence`, the sequence counting from 1 within the epoch. */
const orderId = (epoch: bigint, seq: number | bigint): bigint => (epoch << 32n) | BigInt(seq);

// ───────────────────────────────────────── FIXTURES ──────────────────────────────────────────

async function deployTradingFixture() {
  const [admin, p1, p2, p3, c1, c2, c3, mm, outsider, feeSink, regulator] = await ethers.getSigners();

  const registry: Registry = await ethers.deployContract("Registry", [admin.address, 0]);
  const grid: GridToken = await ethers.deployContract("GridToken", [registry, admin.address, 0]);
  const usdc: MockUSDC = await ethers.deployContract("MockUSDC");
  const trading: Trading = await ethers.deployContract("Trading", [
    registry,
    grid,
    usdc,
    0,
    EPOCH_LENGTH,
    { ...DEFAULT_PARAMS, feeRecipient: admin.address },
    admin.address,
    0,
  ]);

  await registry.addRecRegulator(regulator.address);
  for (const p of [p1, p2, p3]) await registry.registerUser(p.address, Prosumer, "Solar roof");
  for (const c of [c1, c2, c3]) await registry.registerUser(c.address, Consumer, "Dorm");
  await grid.addMinter(admin.address);
  await grid.lockEscrowAccount(trading);
  await trading.addMarketMaker(mm.address);

  for (const p of [p1, p2, p3]) await grid.mint(p.address, wh(100_000), METER);
  await grid.connect(p3).transfer(mm.address, wh(10_000));
  for (const u of [p1, p2, p3, c1, c2, c3, mm, outsider]) {
    await usdc.mint(u.address, 1_000_000n * 10n ** 6n);
    await usdc.connect(u).approve(trading, ethers.MaxUint256);
    await grid.connect(u).approve(trading, ethers.MaxUint256);
  }

  // Start every test at the first second of a fresh epoch.
  const epoch = (await trading.currentEpoch()) + 1n;
  await time.increaseTo(await trading.epochStart(epoch));

  return {
    registry,
    grid,
    usdc,
    trading,
    admin,
    p1,
    p2,
    p3,
    c1,
    c2,
    c3,
    mm,
    outsider,
    feeSink,
    regulator,
    epoch,
  };
}

type Ctx = Awaited<ReturnType<typeof deployTradingFixture>>;

// ───────────────────────────────────────── HELPERS ───────────────────────────────────────────

interface Placed {
  signer: HardhatEthersSigner;
  side: Side;
  wh: number;
  price: bigint;
}

/** Places `orders` in sequence (all in the current epoch) and returns their ids. */
async function place(trading: Trading, orders: Placed[]): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const o of orders) {
    const t = trading.connect(o.signer);
    const tx =
      o.side === Side.Buy ? await t.createBuyOrder(wh(o.wh), o.price) : await t.createSellOrder(wh(o.wh), o.price);
    const [[id]] = parsed(trading, (await tx.wait())!, "OrderCreated");
    ids.push(id as bigint);
  }
  return ids;
}

async function closeEpoch(trading: Trading, epoch: bigint): Promise<void> {
  const end = await trading.epochEnd(epoch);
  if (BigInt(await time.latest()) < end) await time.increaseTo(end);
}

async function clear(trading: Trading, epoch: bigint): Promise<ContractTransactionResponse> {
  await closeEpoch(trading, epoch);
  await trading.matchOrders(epoch, 1_000);
  return trading.executeTrades(epoch, 1_000);
}

function parsed(
  trading: Trading,
  receipt: { logs: readonly { topics: readonly string[]; data: string }[] },
  name: string,
) {
  return receipt.logs
    .map((l) => {
      try {
        return trading.interface.parseLog({
          topics: [...l.topics],
          data: l.data,
        });
      } catch {
        return null;
      }
    })
    .filter((e) => e !== null && e.name === name)
    .map((e) => e!.args.toArray());
}

/** The expected confirmation of one settled order. */
interface Fill {
  id: bigint;
  owner: HardhatEthersSigner;
  side: Side;
  filled: bigint;
  payment: bigint;
  fee: bigint;
  refund: bigint;
}

/**
 * Checks one settlement transaction against hand-computed fills: the exact sequence of OrderFilled events,
 * every account's GRID and payment-token balance change (and the contract's), and each order's final state.
 */
async function expectSettlement(
  ctx: Ctx,
  epoch: bigint,
  price: bigint,
  fills: Fill[],
  tx: Promise<ContractTransactionResponse>,
): Promise<void> {
  const { trading, grid, usdc } = ctx;
  const receipt = await (await tx).wait();
  expect(parsed(trading, receipt!, "OrderFilled")).to.deep.equal(
    fills.map((f) => [f.id, epoch, f.owner.address, BigInt(f.side), f.filled, price, f.payment, f.fee, f.refund]),
  );

  const accounts = new Map<string, HardhatEthersSigner>();
  const gridDelta = new Map<string, bigint>();
  const usdcDelta = new Map<string, bigint>();
  let gridOut = 0n;
  let usdcOut = 0n;
  for (const f of fills) {
    const a = f.owner.address;
    accounts.set(a, f.owner);
    const [g, u] = f.side === Side.Buy ? [f.filled, f.refund] : [f.refund, f.payment];
    gridDelta.set(a, (gridDelta.get(a) ?? 0n) + g);
    usdcDelta.set(a, (usdcDelta.get(a) ?? 0n) + u);
    gridOut += g;
    usdcOut += u;
  }
  const owners = [...accounts.values()];
  await expect(tx).to.changeTokenBalances(
    grid,
    [...owners, trading],
    [...owners.map((o) => gridDelta.get(o.address)!), -gridOut],
  );
  await expect(tx).to.changeTokenBalances(
    usdc,
    [...owners, trading],
    [...owners.map((o) => usdcDelta.get(o.address)!), -usdcOut],
  );
  for (const f of fills) {
    const order = await trading.getOrder(f.id);
    expect([order.status, order.filled]).to.deep.equal([BigInt(OrderStatus.Settled), f.filled]);
  }
}

/** The contract holds exactly the outstanding credits of `accounts` once no epoch is open. */
async function expectBalancesEqualCredits(ctx: Ctx, accounts: HardhatEthersSigner[]): Promise<void> {
  const { trading, grid, usdc } = ctx;
  for (const token of [grid, usdc]) {
    let owed = 0n;
    for (const a of accounts) owed += await trading.credits(a.address, token);
    expect(await token.balanceOf(trading)).to.equal(owed);
  }
}

async function signPermit(
  token: GridToken | MockUSDC,
  owner: HardhatEthersSigner,
  spender: string,
  value: bigint,
  deadline: bigint,
) {
  const [, name, version, chainId, verifyingContract] = await token.eip712Domain();
  const nonce = await token.nonces(owner.address);
  const signature = await owner.signTypedData(
    { name, version, chainId, verifyingContract },
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: owner.address, spender, value, nonce, deadline },
  );
  return ethers.Signature.from(signature);
}

async function epochResult(trading: Trading, epoch: bigint) {
  const r = await trading.getEpochResult(epoch);
  return {
    status: r.status,
    clearingPrice: r.clearingPrice,
    volume: r.volume,
    bidPrice: r.bidPrice,
    askPrice: r.askPrice,
    orderCount: r.orderCount,
    settledCount: r.settledCount,
    tickSize: r.tickSize,
    feeBps: r.feeBps,
  };
}

async function order(trading: Trading, id: bigint) {
  const o = await trading.getOrder(id);
  return {
    owner: o.owner,
    side: o.side,
    status: o.status,
    epoch: o.epoch,
    amount: o.amount,
    price: o.price,
    filled: o.filled,
  };
}

function result(fields: {
  status: EpochStatus;
  clearingPrice?: bigint;
  volume?: bigint;
  bidPrice?: bigint;
  askPrice?: bigint;
  orderCount?: bigint;
  settledCount?: bigint;
  tickSize?: bigint;
  feeBps?: bigint;
}) {
  return {
    status: BigInt(fields.status),
    clearingPrice: fields.clearingPrice ?? 0n,
    volume: fields.volume ?? 0n,
    bidPrice: fields.bidPrice ?? 0n,
    askPrice: fields.askPrice ?? 0n,
    orderCount: fields.orderCount ?? 0n,
    settledCount: fields.settledCount ?? 0n,
    tickSize: fields.tickSize ?? 0n,
    feeBps: fields.feeBps ?? 0n,
  };
}

// ─────────────────────────────────────────── TESTS ───────────────────────────────────────────

describe("Trading", function () {
  describe("#constructor", function () {
    async function deploy(
      ctx: Ctx,
      overrides: Partial<{ registry: string; grid: string; usdc: string }>,
      args: {
        genesis?: bigint;
        epochLength?: bigint;
        params?: Partial<typeof DEFAULT_PARAMS & { feeRecipient: string }>;
      },
    ) {
      return ethers.deployContract("Trading", [
        overrides.registry ?? (await ctx.registry.getAddress()),
        overrides.grid ?? (await ctx.grid.getAddress()),
        overrides.usdc ?? (await ctx.usdc.getAddress()),
        args.genesis ?? 0n,
        args.epochLength ?? EPOCH_LENGTH,
        { ...DEFAULT_PARAMS, feeRecipient: ctx.admin.address, ...args.params },
        ctx.admin.address,
        0,
      ]);
    }

    it("wires the registry, both tokens and the initial market parameters", async function () {
      const { trading, registry, grid, usdc, admin } = await loadFixture(deployTradingFixture);
      expect(await trading.registry()).to.equal(await registry.getAddress());
      expect(await trading.gridToken()).to.equal(await grid.getAddress());
      expect(await trading.paymentToken()).to.equal(await usdc.getAddress());
      expect(await trading.epochLength()).to.equal(EPOCH_LENGTH);
      expect(await trading.tickSize()).to.equal(TICK);
      expect(await trading.maxPrice()).to.equal(MAX_PRICE);
      expect(await trading.minOrderAmount()).to.equal(MIN_ORDER);
      expect(await trading.maxOrdersPerUser()).to.equal(MAX_ORDERS);
      expect(await trading.feeBps()).to.equal(0n);
      expect(await trading.feeRecipient()).to.equal(admin.address);
      expect(await trading.MAX_PRICE_LEVELS()).to.equal(65_535n);
      expect(await trading.defaultAdmin()).to.equal(admin.address);
    });

    it("emits the initial parameters", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const trading = await deploy(ctx, {}, { params: { feeBps: 25n, feeRecipient: ctx.feeSink.address } });
      const tx = trading.deploymentTransaction()!;
      await expect(tx).to.emit(trading, "PriceRulesUpdated").withArgs(TICK, MAX_PRICE);
      await expect(tx).to.emit(trading, "MinOrderAmountUpdated").withArgs(MIN_ORDER);
      await expect(tx).to.emit(trading, "MaxOrdersPerUserUpdated").withArgs(MAX_ORDERS);
      await expect(tx).to.emit(trading, "FeeUpdated").withArgs(25n, ctx.feeSink.address);
    });

    it("rounds a zero genesis down to the epoch length at the deployment time", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const deployAt = BigInt(await time.latest()) + 1_000n;
      await time.setNextBlockTimestamp(deployAt);
      const trading = await deploy(ctx, {}, { epochLength: 600n });
      expect(await trading.genesis()).to.equal(deployAt - (deployAt % 600n));
      expect(await trading.epochLength()).to.equal(600n);
    });

    it("keeps an explicit genesis in the past, aligned or not", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const genesis = BigInt(await time.latest()) - 1_234n;
      const trading = await deploy(ctx, {}, { genesis });
      expect(await trading.genesis()).to.equal(genesis);
      expect(await trading.epochStart(0n)).to.equal(genesis);
      expect(await trading.currentEpoch()).to.equal((BigInt(await time.latest()) - genesis) / EPOCH_LENGTH);
    });

    it("accepts epoch lengths from 60 s to one day", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      expect(await (await deploy(ctx, {}, { epochLength: 60n })).epochLength()).to.equal(60n);
      expect(await (await deploy(ctx, {}, { epochLength: 86_400n })).epochLength()).to.equal(86_400n);
    });

    describe("when the configuration is invalid", function () {
      it("reverts on an epoch length below 60 s", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        await expect(deploy(ctx, {}, { epochLength: 59n }))
          .to.be.revertedWithCustomError(ctx.trading, "TradingInvalidEpochConfig")
          .withArgs(0n, 59n);
      });

      it("reverts on an epoch length above one day", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        await expect(deploy(ctx, {}, { genesis: 5n, epochLength: 86_401n }))
          .to.be.revertedWithCustomError(ctx.trading, "TradingInvalidEpochConfig")
          .withArgs(5n, 86_401n);
      });

      it("reverts on a genesis in the future", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const genesis = BigInt(await time.latest()) + 10_000n;
        await expect(deploy(ctx, {}, { genesis }))
          .to.be.revertedWithCustomError(ctx.trading, "TradingInvalidEpochConfig")
          .withArgs(genesis, EPOCH_LENGTH);
      });

      for (const which of ["registry", "grid", "usdc"] as const) {
        it(`reverts on a zero ${which} address`, async function () {
          const ctx = await loadFixture(deployTradingFixture);
          await expect(deploy(ctx, { [which]: ethers.ZeroAddress }, {})).to.be.revertedWithCustomError(
            ctx.trading,
            "TradingZeroAddress",
          );
        });
      }

      it("reverts on a zero fee recipient", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        await expect(deploy(ctx, {}, { params: { feeRecipient: ethers.ZeroAddress } })).to.be.revertedWithCustomError(
          ctx.trading,
          "TradingZeroAddress",
        );
      });

      it("reverts on invalid market parameters", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        await expect(deploy(ctx, {}, { params: { tickSize: 0n } }))
          .to.be.revertedWithCustomError(ctx.trading, "TradingInvalidPriceRules")
          .withArgs(0n, MAX_PRICE);
        await expect(deploy(ctx, {}, { params: { minOrderAmount: 0n } }))
          .to.be.revertedWithCustomError(ctx.trading, "TradingInvalidMinOrderAmount")
          .withArgs(0n);
        await expect(deploy(ctx, {}, { params: { maxOrdersPerUser: 0n } }))
          .to.be.revertedWithCustomError(ctx.trading, "TradingInvalidMaxOrdersPerUser")
          .withArgs(0n);
        await expect(deploy(ctx, {}, { params: { feeBps: 1_001n } }))
          .to.be.revertedWithCustomError(ctx.trading, "TradingInvalidFee")
          .withArgs(1_001n);
      });
    });
  });

  describe("epochs", function () {
    it("numbers epochs from genesis in steps of the epoch length", async function () {
      const { trading, epoch } = await loadFixture(deployTradingFixture);
      const genesis = await trading.genesis();
      expect(genesis % EPOCH_LENGTH).to.equal(0n);
      expect(await trading.epochStart(epoch)).to.equal(genesis + epoch * EPOCH_LENGTH);
      expect(await trading.epochEnd(epoch)).to.equal(genesis + (epoch + 1n) * EPOCH_LENGTH);
      expect(await trading.epochStart(0n)).to.equal(genesis);
      expect(await trading.epochEnd(0n)).to.equal(genesis + EPOCH_LENGTH);
      expect(await trading.currentEpoch()).to.equal(epoch);
    });

    it("switches the current epoch exactly at the end of the previous one", async function () {
      const { trading, epoch } = await loadFixture(deployTradingFixture);
      const end = await trading.epochEnd(epoch);
      await time.increaseTo(end - 1n);
      expect(await trading.currentEpoch()).to.equal(epoch);
      await time.increaseTo(end);
      expect(await trading.currentEpoch()).to.equal(epoch + 1n);
      expect(await trading.epochStart(epoch + 1n)).to.equal(end);
    });

    it("books an order into the epoch containing its block time", async function () {
      const { trading, c1, epoch } = await loadFixture(deployTradingFixture);
      const end = await trading.epochEnd(epoch);
      await time.setNextBlockTimestamp(end - 1n);
      await expect(trading.connect(c1).createBuyOrder(MIN_ORDER, TICK))
        .to.emit(trading, "OrderCreated")
        .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, MIN_ORDER, TICK, 1n);
      await time.setNextBlockTimestamp(end);
      await expect(trading.connect(c1).createBuyOrder(MIN_ORDER, TICK))
        .to.emit(trading, "OrderCreated")
        .withArgs(orderId(epoch + 1n, 1), epoch + 1n, c1.address, Side.Buy, MIN_ORDER, TICK, 1n);
    });
  });

  describe("#createSellOrder", function () {
    describe("when the caller is a verified prosumer", function () {
      it("escrows the GRID amount", async function () {
        const { trading, grid, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(250), 400_000n)).to.changeTokenBalances(
          grid,
          [p1, trading],
          [-wh(250), wh(250)],
        );
      });

      it("emits OrderCreated with the escrow equal to the amount", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(250), 400_000n))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Sell, wh(250), 400_000n, wh(250));
      });

      it("returns the id epoch << 32 | sequence, counting across sides and users", async function () {
        const { trading, p1, p2, c1, epoch } = await loadFixture(deployTradingFixture);
        expect(await trading.connect(p1).createSellOrder.staticCall(wh(10), TICK)).to.equal(orderId(epoch, 1));
        await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: TICK },
          { signer: c1, side: Side.Buy, wh: 10, price: TICK },
        ]);
        expect(await trading.connect(p2).createSellOrder.staticCall(wh(10), TICK)).to.equal(orderId(epoch, 3));
        expect(orderId(epoch, 3)).to.equal(epoch * 2n ** 32n + 3n);
      });

      it("stores the order for getOrder", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 250, price: 400_000n }]);
        expect(await order(trading, id)).to.deep.equal({
          owner: p1.address,
          side: BigInt(Side.Sell),
          status: BigInt(OrderStatus.Open),
          epoch,
          amount: wh(250),
          price: 400_000n,
          filled: 0n,
        });
      });

      it("adds the amount to the depth at its price", async function () {
        const { trading, p1, p2, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [
          { signer: p1, side: Side.Sell, wh: 250, price: 400_000n },
          { signer: p2, side: Side.Sell, wh: 30, price: 400_000n },
          { signer: p2, side: Side.Sell, wh: 11, price: 400_100n },
        ]);
        expect(await trading.depthAt(epoch, Side.Sell, 400_000n)).to.equal(wh(280));
        expect(await trading.depthAt(epoch, Side.Sell, 400_100n)).to.equal(wh(11));
        expect(await trading.depthAt(epoch, Side.Buy, 400_000n)).to.equal(0n);
      });

      it("accepts the largest amount (2^32 - 1 Wh) and the price cap", async function () {
        const { trading, grid, p1, epoch } = await loadFixture(deployTradingFixture);
        await grid.mint(p1.address, wh(MAX_UINT32), METER);
        await expect(trading.connect(p1).createSellOrder(wh(MAX_UINT32), MAX_PRICE))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Sell, wh(MAX_UINT32), MAX_PRICE, wh(MAX_UINT32));
        expect(await trading.depthAt(epoch, Side.Sell, MAX_PRICE)).to.equal(wh(MAX_UINT32));
      });

      it("accepts exactly the minimum amount", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        expect(await trading.depthAt(epoch, Side.Sell, TICK)).to.equal(MIN_ORDER);
      });
    });

    describe("when the caller may not sell", function () {
      it("reverts for a consumer", async function () {
        const { trading, c1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(c1).createSellOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingNotEligible")
          .withArgs(c1.address, Side.Sell);
      });

      it("reverts for an unregistered account", async function () {
        const { trading, outsider } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(outsider).createSellOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingNotEligible")
          .withArgs(outsider.address, Side.Sell);
      });

      it("reverts for a suspended prosumer", async function () {
        const { trading, registry, p1 } = await loadFixture(deployTradingFixture);
        await registry.updateUserStatus(p1.address, Suspended);
        await expect(trading.connect(p1).createSellOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingNotEligible")
          .withArgs(p1.address, Side.Sell);
      });

      it("reverts for a removed market maker", async function () {
        const { trading, mm } = await loadFixture(deployTradingFixture);
        await trading.removeMarketMaker(mm.address);
        await expect(trading.connect(mm).createSellOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingNotEligible")
          .withArgs(mm.address, Side.Sell);
      });
    });

    describe("when the caller is an unregistered market maker", function () {
      it("sells and escrows its GRID", async function () {
        const { trading, grid, mm, epoch } = await loadFixture(deployTradingFixture);
        const tx = trading.connect(mm).createSellOrder(wh(40), 50_000n);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, mm.address, Side.Sell, wh(40), 50_000n, wh(40));
        await expect(tx).to.changeTokenBalances(grid, [mm, trading], [-wh(40), wh(40)]);
      });

      it("lets a registered consumer made market maker sell as well as buy", async function () {
        const { trading, grid, p1, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.addMarketMaker(c1.address);
        await grid.connect(p1).transfer(c1.address, wh(10));
        await trading.connect(c1).createBuyOrder(wh(10), TICK);
        await expect(trading.connect(c1).createSellOrder(wh(10), TICK))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 2), epoch, c1.address, Side.Sell, wh(10), TICK, wh(10));
        expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal([orderId(epoch, 1), orderId(epoch, 2)]);
      });
    });

    describe("when the amount is invalid", function () {
      it("reverts when it is not a whole number of watt-hours", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(10) + 1n, TICK))
          .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
          .withArgs(wh(10) + 1n);
      });

      it("reverts above 2^32 - 1 watt-hours", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(MAX_UINT32 + 1n), TICK))
          .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
          .withArgs(wh(MAX_UINT32 + 1n));
      });

      it("reverts below the minimum order amount, zero included", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(9), TICK))
          .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
          .withArgs(wh(9), MIN_ORDER);
        await expect(trading.connect(p1).createSellOrder(0n, TICK))
          .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
          .withArgs(0n, MIN_ORDER);
      });
    });

    describe("when the price is invalid", function () {
      it("reverts on a zero price", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(10), 0n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(0n, TICK);
      });

      it("reverts on a price off the tick", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(10), 150n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(150n, TICK);
      });

      it("reverts above the price cap", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createSellOrder(wh(10), MAX_PRICE + TICK))
          .to.be.revertedWithCustomError(trading, "TradingPriceAboveCap")
          .withArgs(MAX_PRICE + TICK, MAX_PRICE);
      });
    });

    describe("when the per-epoch order limit is reached", function () {
      it("reverts on the order past the limit, cancelled orders included", async function () {
        const { trading, p1, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.setMaxOrdersPerUser(3n);
        const [first] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: TICK },
          { signer: p1, side: Side.Buy, wh: 10, price: TICK },
        ]);
        await trading.connect(p1).cancelOrder(first);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await expect(trading.connect(p1).createSellOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
          .withArgs(p1.address, epoch, 3n);
        await expect(trading.connect(p1).createBuyOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
          .withArgs(p1.address, epoch, 3n);
        // Other users keep their own count.
        await expect(trading.connect(c1).createBuyOrder(wh(10), TICK)).to.emit(trading, "OrderCreated");
      });

      it("counts afresh in the next epoch", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await trading.setMaxOrdersPerUser(1n);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await expect(trading.connect(p1).createSellOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingOrderLimitReached")
          .withArgs(p1.address, epoch, 1n);
        await time.increaseTo(await trading.epochEnd(epoch));
        await expect(trading.connect(p1).createSellOrder(wh(10), TICK))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch + 1n, 1), epoch + 1n, p1.address, Side.Sell, wh(10), TICK, wh(10));
      });
    });

    it("reverts with the token's error when the allowance is short", async function () {
      const { trading, grid, p1 } = await loadFixture(deployTradingFixture);
      await grid.connect(p1).approve(trading, wh(10));
      await expect(trading.connect(p1).createSellOrder(wh(11), TICK))
        .to.be.revertedWithCustomError(grid, "ERC20InsufficientAllowance")
        .withArgs(await trading.getAddress(), wh(10), wh(11));
    });

    it("reverts while paused", async function () {
      const { trading, p1 } = await loadFixture(deployTradingFixture);
      await trading.pause();
      await expect(trading.connect(p1).createSellOrder(wh(10), TICK)).to.be.revertedWithCustomError(
        trading,
        "EnforcedPause",
      );
    });
  });

  describe("#createBuyOrder", function () {
    describe("when the caller is a verified user", function () {
      it("escrows ceil(amount * price / 1e18) of the payment token", async function () {
        const { trading, usdc, c1 } = await loadFixture(deployTradingFixture);
        // 13 Wh at 123,400 per kWh = 1,604.2 → 1,605.
        await expect(trading.connect(c1).createBuyOrder(wh(13), 123_400n)).to.changeTokenBalances(
          usdc,
          [c1, trading],
          [-1_605n, 1_605n],
        );
        // 2 kWh at 500,000 per kWh = exactly 1,000,000.
        await expect(trading.connect(c1).createBuyOrder(wh(2_000), 500_000n)).to.changeTokenBalances(
          usdc,
          [c1, trading],
          [-1_000_000n, 1_000_000n],
        );
      });

      it("emits OrderCreated with the rounded-up escrow", async function () {
        const { trading, c1, epoch } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(c1).createBuyOrder(wh(13), 123_400n))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, wh(13), 123_400n, 1_605n);
      });

      it("lets a prosumer buy too", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).createBuyOrder(wh(10), 1_000n))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Buy, wh(10), 1_000n, 10n);
      });

      it("stores the order and its depth", async function () {
        const { trading, c1, c2, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [
          { signer: c1, side: Side.Buy, wh: 13, price: 123_400n },
          { signer: c2, side: Side.Buy, wh: 7_000, price: 123_400n },
        ]);
        expect(await order(trading, id)).to.deep.equal({
          owner: c1.address,
          side: BigInt(Side.Buy),
          status: BigInt(OrderStatus.Open),
          epoch,
          amount: wh(13),
          price: 123_400n,
          filled: 0n,
        });
        expect(await trading.depthAt(epoch, Side.Buy, 123_400n)).to.equal(wh(7_013));
      });
    });

    describe("when the caller may not buy", function () {
      it("reverts for an unregistered account", async function () {
        const { trading, outsider } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(outsider).createBuyOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingNotEligible")
          .withArgs(outsider.address, Side.Buy);
      });

      it("reverts for a suspended consumer", async function () {
        const { trading, registry, c1 } = await loadFixture(deployTradingFixture);
        await registry.updateUserStatus(c1.address, Suspended);
        await expect(trading.connect(c1).createBuyOrder(wh(10), TICK))
          .to.be.revertedWithCustomError(trading, "TradingNotEligible")
          .withArgs(c1.address, Side.Buy);
      });
    });

    it("lets an unregistered market maker buy", async function () {
      const { trading, usdc, mm, epoch } = await loadFixture(deployTradingFixture);
      const tx = trading.connect(mm).createBuyOrder(wh(100), 90_000n);
      await expect(tx)
        .to.emit(trading, "OrderCreated")
        .withArgs(orderId(epoch, 1), epoch, mm.address, Side.Buy, wh(100), 90_000n, 9_000n);
      await expect(tx).to.changeTokenBalances(usdc, [mm, trading], [-9_000n, 9_000n]);
    });

    it("validates amount and price as for sells", async function () {
      const { trading, c1 } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(c1).createBuyOrder(wh(10) + 1n, TICK))
        .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
        .withArgs(wh(10) + 1n);
      await expect(trading.connect(c1).createBuyOrder(wh(MAX_UINT32 + 1n), TICK))
        .to.be.revertedWithCustomError(trading, "TradingInvalidAmount")
        .withArgs(wh(MAX_UINT32 + 1n));
      await expect(trading.connect(c1).createBuyOrder(wh(9), TICK))
        .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
        .withArgs(wh(9), MIN_ORDER);
      await expect(trading.connect(c1).createBuyOrder(wh(10), 0n))
        .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
        .withArgs(0n, TICK);
      await expect(trading.connect(c1).createBuyOrder(wh(10), 199n))
        .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
        .withArgs(199n, TICK);
      await expect(trading.connect(c1).createBuyOrder(wh(10), MAX_PRICE + TICK))
        .to.be.revertedWithCustomError(trading, "TradingPriceAboveCap")
        .withArgs(MAX_PRICE + TICK, MAX_PRICE);
    });

    it("reverts with the token's error when the allowance is short", async function () {
      const { trading, usdc, c1 } = await loadFixture(deployTradingFixture);
      await usdc.connect(c1).approve(trading, 1_604n);
      await expect(trading.connect(c1).createBuyOrder(wh(13), 123_400n))
        .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
        .withArgs(await trading.getAddress(), 1_604n, 1_605n);
    });

    it("reverts while paused", async function () {
      const { trading, c1 } = await loadFixture(deployTradingFixture);
      await trading.pause();
      await expect(trading.connect(c1).createBuyOrder(wh(10), TICK)).to.be.revertedWithCustomError(
        trading,
        "EnforcedPause",
      );
    });
  });

  describe("#getUserOrders", function () {
    it("lists more than 15 orders of one user in time order, across storage words", async function () {
      const { trading, c1, p1, epoch } = await loadFixture(deployTradingFixture);
      const expected: bigint[] = [];
      let seq = 0;
      for (let i = 0; i < 17; i++) {
        if (i % 5 === 2) {
          await trading.connect(p1).createSellOrder(wh(10), TICK);
          seq++;
        }
        await trading.connect(c1).createBuyOrder(wh(10), TICK);
        expected.push(orderId(epoch, ++seq));
        if (i === 6 || i === 7 || i === 14 || i === 15) {
          expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal(expected);
        }
      }
      expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal(expected);
      expect(await trading.getUserOrders(p1.address, epoch)).to.deep.equal([
        orderId(epoch, 3),
        orderId(epoch, 9),
        orderId(epoch, 15),
      ]);
    });

    it("finds each epoch's orders in the user's history across epochs", async function () {
      const { trading, c1, c2, epoch } = await loadFixture(deployTradingFixture);
      const placeIn = async (e: bigint, n: number): Promise<bigint[]> => {
        if ((await trading.currentEpoch()) < e) await time.increaseTo(await trading.epochStart(e));
        const ids: bigint[] = [];
        for (let i = 0; i < n; i++) {
          await trading.connect(c2).createBuyOrder(wh(10), TICK);
          ids.push(...(await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }])));
        }
        return ids;
      };
      const first = await placeIn(epoch, 3);
      const third = await placeIn(epoch + 2n, 6);
      const fourth = await placeIn(epoch + 3n, 1);
      expect(first).to.deep.equal([orderId(epoch, 2), orderId(epoch, 4), orderId(epoch, 6)]);
      expect(await trading.getUserOrders(c1.address, epoch - 1n)).to.deep.equal([]);
      expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal(first);
      expect(await trading.getUserOrders(c1.address, epoch + 1n)).to.deep.equal([]);
      expect(await trading.getUserOrders(c1.address, epoch + 2n)).to.deep.equal(third);
      expect(await trading.getUserOrders(c1.address, epoch + 3n)).to.deep.equal(fourth);
      expect(await trading.getUserOrders(c1.address, epoch + 4n)).to.deep.equal([]);
      expect(third.map((id) => id >> 32n)).to.deep.equal(Array(6).fill(epoch + 2n));
    });

    it("is empty for an epoch without the user's orders", async function () {
      const { trading, c1, c2, epoch } = await loadFixture(deployTradingFixture);
      await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
      expect(await trading.getUserOrders(c2.address, epoch)).to.deep.equal([]);
      expect(await trading.getUserOrders(c1.address, epoch + 1n)).to.deep.equal([]);
    });
  });

  describe("#getOrder", function () {
    it("reverts for an unknown id", async function () {
      const { trading, epoch } = await loadFixture(deployTradingFixture);
      await expect(trading.getOrder(orderId(epoch, 1)))
        .to.be.revertedWithCustomError(trading, "TradingUnknownOrder")
        .withArgs(orderId(epoch, 1));
    });
  });

  describe("#depthAt", function () {
    it("is zero for an epoch without orders, an off-tick price and a price beyond the levels", async function () {
      const { trading, c1, epoch } = await loadFixture(deployTradingFixture);
      expect(await trading.depthAt(epoch, Side.Buy, TICK)).to.equal(0n);
      await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
      expect(await trading.depthAt(epoch, Side.Buy, TICK)).to.equal(wh(10));
      expect(await trading.depthAt(epoch, Side.Buy, TICK + 1n)).to.equal(0n);
      expect(await trading.depthAt(epoch, Side.Buy, TICK * 65_536n)).to.equal(0n);
      expect(await trading.depthAt(epoch, Side.Buy, TICK * 65_536n + TICK)).to.equal(0n);
    });
  });

  describe("permit variants", function () {
    describe("#createSellOrderWithPermit", function () {
      it("places the order with a signed GRID permit and no prior allowance", async function () {
        const { trading, grid, p1, epoch } = await loadFixture(deployTradingFixture);
        await grid.connect(p1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p1, await trading.getAddress(), wh(25), deadline);
        const tx = trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Sell, wh(25), 300_000n, wh(25));
        await expect(tx).to.changeTokenBalances(grid, [p1, trading], [-wh(25), wh(25)]);
        expect(await grid.nonces(p1.address)).to.equal(1n);
        expect(await grid.allowance(p1.address, trading)).to.equal(0n);
      });

      it("still places the order when a front-runner already used the permit", async function () {
        const { trading, grid, p1, outsider, epoch } = await loadFixture(deployTradingFixture);
        await grid.connect(p1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p1, await trading.getAddress(), wh(25), deadline);
        await grid.connect(outsider).permit(p1.address, trading, wh(25), deadline, sig.v, sig.r, sig.s);
        await expect(trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, p1.address, Side.Sell, wh(25), 300_000n, wh(25));
      });

      it("reverts with the token's error when the permit is invalid and the allowance is short", async function () {
        const { trading, grid, p1, p2 } = await loadFixture(deployTradingFixture);
        await grid.connect(p1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p2, await trading.getAddress(), wh(25), deadline);
        await expect(trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s))
          .to.be.revertedWithCustomError(grid, "ERC20InsufficientAllowance")
          .withArgs(await trading.getAddress(), 0n, wh(25));
      });

      it("reverts while paused", async function () {
        const { trading, grid, p1 } = await loadFixture(deployTradingFixture);
        await trading.pause();
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(grid, p1, await trading.getAddress(), wh(25), deadline);
        await expect(
          trading.connect(p1).createSellOrderWithPermit(wh(25), 300_000n, deadline, sig.v, sig.r, sig.s),
        ).to.be.revertedWithCustomError(trading, "EnforcedPause");
      });
    });

    describe("#createBuyOrderWithPermit", function () {
      it("places the order with a permit of the rounded-up escrow", async function () {
        const { trading, usdc, c1, epoch } = await loadFixture(deployTradingFixture);
        await usdc.connect(c1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(usdc, c1, await trading.getAddress(), 1_605n, deadline);
        const tx = trading.connect(c1).createBuyOrderWithPermit(wh(13), 123_400n, deadline, sig.v, sig.r, sig.s);
        await expect(tx)
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, wh(13), 123_400n, 1_605n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [-1_605n, 1_605n]);
        expect(await usdc.nonces(c1.address)).to.equal(1n);
        expect(await usdc.allowance(c1.address, trading)).to.equal(0n);
      });

      it("still places the order when a front-runner already used the permit", async function () {
        const { trading, usdc, c1, outsider, epoch } = await loadFixture(deployTradingFixture);
        await usdc.connect(c1).approve(trading, 0n);
        const deadline = BigInt(await time.latest()) + 3_600n;
        const sig = await signPermit(usdc, c1, await trading.getAddress(), 1_605n, deadline);
        await usdc.connect(outsider).permit(c1.address, trading, 1_605n, deadline, sig.v, sig.r, sig.s);
        await expect(trading.connect(c1).createBuyOrderWithPermit(wh(13), 123_400n, deadline, sig.v, sig.r, sig.s))
          .to.emit(trading, "OrderCreated")
          .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, wh(13), 123_400n, 1_605n);
      });

      it("reverts with the token's error when the permit has expired and the allowance is short", async function () {
        const { trading, usdc, c1 } = await loadFixture(deployTradingFixture);
        await usdc.connect(c1).approve(trading, 0n);
        const deadline = BigInt(await time.latest());
        const sig = await signPermit(usdc, c1, await trading.getAddress(), 1_605n, deadline);
        await expect(trading.connect(c1).createBuyOrderWithPermit(wh(13), 123_400n, deadline, sig.v, sig.r, sig.s))
          .to.be.revertedWithCustomError(usdc, "ERC20InsufficientAllowance")
          .withArgs(await trading.getAddress(), 0n, 1_605n);
      });
    });
  });

  describe("#cancelOrder", function () {
    describe("when the owner cancels an open order before gate closure", function () {
      it("returns a sell order's GRID at once", async function () {
        const { trading, grid, p1, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 250, price: 400_000n }]);
        const tx = trading.connect(p1).cancelOrder(id);
        await expect(tx).to.emit(trading, "OrderCancelled").withArgs(id, epoch, p1.address, wh(250));
        await expect(tx).to.changeTokenBalances(grid, [p1, trading], [wh(250), -wh(250)]);
      });

      it("returns a buy order's whole rounded-up escrow", async function () {
        const { trading, usdc, c1, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 13, price: 123_400n }]);
        const tx = trading.connect(c1).cancelOrder(id);
        await expect(tx).to.emit(trading, "OrderCancelled").withArgs(id, epoch, c1.address, 1_605n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [1_605n, -1_605n]);
      });

      it("marks the order cancelled and removes it from the depth", async function () {
        const { trading, c1, c2, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [
          { signer: c1, side: Side.Buy, wh: 13, price: 123_400n },
          { signer: c2, side: Side.Buy, wh: 20, price: 123_400n },
        ]);
        await trading.connect(c1).cancelOrder(id);
        expect((await trading.getOrder(id)).status).to.equal(BigInt(OrderStatus.Cancelled));
        expect(await trading.depthAt(epoch, Side.Buy, 123_400n)).to.equal(wh(20));
        expect(await trading.getUserOrders(c1.address, epoch)).to.deep.equal([id]);
      });

      it("works at the last second of the epoch", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await time.setNextBlockTimestamp((await trading.epochEnd(epoch)) - 1n);
        await expect(trading.connect(p1).cancelOrder(id))
          .to.emit(trading, "OrderCancelled")
          .withArgs(id, epoch, p1.address, wh(10));
      });

      it("works while paused", async function () {
        const { trading, usdc, c1, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: 500_000n }]);
        await trading.pause();
        const tx = trading.connect(c1).cancelOrder(id);
        await expect(tx).to.emit(trading, "OrderCancelled").withArgs(id, epoch, c1.address, 5_000n);
        await expect(tx).to.changeTokenBalances(usdc, [c1, trading], [5_000n, -5_000n]);
      });

      it("lets the emptied price level be used again", async function () {
        const { trading, p1, p2, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: 200_000n }]);
        await trading.connect(p1).cancelOrder(id);
        expect(await trading.depthAt(epoch, Side.Sell, 200_000n)).to.equal(0n);
        await place(trading, [{ signer: p2, side: Side.Sell, wh: 30, price: 200_000n }]);
        expect(await trading.depthAt(epoch, Side.Sell, 200_000n)).to.equal(wh(30));
      });
    });

    describe("when the order cannot be cancelled", function () {
      it("reverts for an unknown order", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await expect(trading.connect(p1).cancelOrder(orderId(epoch, 7)))
          .to.be.revertedWithCustomError(trading, "TradingUnknownOrder")
          .withArgs(orderId(epoch, 7));
      });

      it("reverts for another user's order", async function () {
        const { trading, p1, p2 } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await expect(trading.connect(p2).cancelOrder(id))
          .to.be.revertedWithCustomError(trading, "TradingNotOrderOwner")
          .withArgs(id, p2.address);
      });

      it("reverts for a cancelled order", async function () {
        const { trading, p1 } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await trading.connect(p1).cancelOrder(id);
        await expect(trading.connect(p1).cancelOrder(id))
          .to.be.revertedWithCustomError(trading, "TradingOrderNotOpen")
          .withArgs(id, OrderStatus.Cancelled);
      });

      it("reverts for a settled order", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await clear(trading, epoch);
        await expect(trading.connect(p1).cancelOrder(id))
          .to.be.revertedWithCustomError(trading, "TradingOrderNotOpen")
          .withArgs(id, OrderStatus.Settled);
      });

      it("reverts from gate closure on, until settled", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        const [id] = await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        const end = await trading.epochEnd(epoch);
        await time.setNextBlockTimestamp(end);
        await expect(trading.connect(p1).cancelOrder(id))
          .to.be.revertedWithCustomError(trading, "TradingGateClosed")
          .withArgs(id, end);
        await trading.matchOrders(epoch, 1);
        await expect(trading.connect(p1).cancelOrder(id))
          .to.be.revertedWithCustomError(trading, "TradingGateClosed")
          .withArgs(id, end);
      });
    });
  });

  describe("#matchOrders", function () {
    describe("when the call is not allowed", function () {
      it("reverts on a zero step budget", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch);
        await expect(trading.matchOrders(epoch, 0)).to.be.revertedWithCustomError(trading, "TradingZeroBatch");
      });

      it("reverts when no epoch is waiting, epoch 0 included", async function () {
        const { trading, epoch } = await loadFixture(deployTradingFixture);
        await closeEpoch(trading, epoch);
        await expect(trading.matchOrders(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingEpochNotNext")
          .withArgs(epoch, 0n);
        await expect(trading.matchOrders(0n, 10))
          .to.be.revertedWithCustomError(trading, "TradingEpochNotNext")
          .withArgs(0n, 0n);
      });

      it("reverts for an epoch without orders while another waits", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await time.increaseTo(await trading.epochStart(epoch + 1n));
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch + 1n);
        await expect(trading.matchOrders(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingEpochNotNext")
          .withArgs(epoch, epoch + 1n);
      });

      it("reverts out of order: a later epoch waits for the earlier one", async function () {
        const { trading, p1, c1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await time.increaseTo(await trading.epochStart(epoch + 2n));
        await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch + 2n);
        await expect(trading.matchOrders(epoch + 2n, 10))
          .to.be.revertedWithCustomError(trading, "TradingEpochNotNext")
          .withArgs(epoch + 2n, epoch);
        await clear(trading, epoch);
        await expect(trading.matchOrders(epoch + 2n, 10))
          .to.emit(trading, "EpochMatched")
          .withArgs(epoch + 2n, 0n, 0n, 0n, 0n);
      });

      it("reverts before the epoch has ended", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        const end = await trading.epochEnd(epoch);
        await time.setNextBlockTimestamp(end - 1n);
        await expect(trading.matchOrders(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingEpochNotEnded")
          .withArgs(epoch, end);
      });

      it("reverts once price discovery is done", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 10);
        await expect(trading.matchOrders(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Settling);
      });

      it("reverts once settled, the epoch being no longer next", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await clear(trading, epoch);
        await expect(trading.matchOrders(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingEpochNotNext")
          .withArgs(epoch, 0n);
      });

      it("reverts while paused", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch);
        await trading.pause();
        await expect(trading.matchOrders(epoch, 10)).to.be.revertedWithCustomError(trading, "EnforcedPause");
      });
    });

    it("is permissionless", async function () {
      const { trading, p1, outsider, epoch } = await loadFixture(deployTradingFixture);
      await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
      await closeEpoch(trading, epoch);
      await expect(trading.connect(outsider).matchOrders(epoch, 1))
        .to.emit(trading, "MatchProgressed")
        .withArgs(epoch, 0n, 0n, true);
    });

    it("resumes across calls with a small step budget", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, epoch } = ctx;
      await place(trading, bookA(ctx));
      await closeEpoch(trading, epoch);
      // Walk: (6000 vs 4000) asks exhausted → step 1; (6000 vs 5000) bids exhausted → step 2;
      // (5000 vs 5000) bids exhausted → step 3; 4000 < 5000 → done.
      await expect(trading.matchOrders(epoch, 1))
        .to.emit(trading, "MatchProgressed")
        .withArgs(epoch, 1n, wh(20), false);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({
          status: EpochStatus.Matching,
          volume: wh(20),
          bidPrice: 600_000n,
          askPrice: 400_000n,
          orderCount: 9n,
          tickSize: TICK,
        }),
      );
      await expect(trading.matchOrders(epoch, 1))
        .to.emit(trading, "MatchProgressed")
        .withArgs(epoch, 1n, wh(30), false);
      const last = trading.matchOrders(epoch, 1);
      await expect(last).to.emit(trading, "MatchProgressed").withArgs(epoch, 1n, wh(100), true);
      await expect(last).to.emit(trading, "EpochMatched").withArgs(epoch, 500_000n, wh(100), 500_000n, 500_000n);
    });

    it("walks the whole book in one call with a large budget", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, epoch } = ctx;
      await place(trading, bookA(ctx));
      await closeEpoch(trading, epoch);
      expect(await trading.matchOrders.staticCall(epoch, 2)).to.equal(false);
      expect(await trading.matchOrders.staticCall(epoch, 3)).to.equal(true);
      const tx = trading.matchOrders(epoch, 1_000);
      await expect(tx).to.emit(trading, "MatchProgressed").withArgs(epoch, 3n, wh(100), true);
      await expect(tx).to.emit(trading, "EpochMatched").withArgs(epoch, 500_000n, wh(100), 500_000n, 500_000n);
    });

    it("never walks more price levels than its step budget", async function () {
      // One bid level and one ask level of equal size: both are exhausted by the same match.
      const { trading, p1, c1, epoch } = await loadFixture(deployTradingFixture);
      await place(trading, [
        { signer: p1, side: Side.Sell, wh: 30, price: 400_000n },
        { signer: c1, side: Side.Buy, wh: 30, price: 400_000n },
      ]);
      await closeEpoch(trading, epoch);
      const tx = trading.matchOrders(epoch, 1);
      await expect(tx).to.emit(trading, "MatchProgressed").withArgs(epoch, 1n, wh(30), true);
      await expect(tx).to.emit(trading, "EpochMatched").withArgs(epoch, 400_000n, wh(30), 400_000n, 400_000n);
    });

    it("leaves an exhausted ask level for the next call when the budget is spent, with the same outcome", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, p1, p2, c1, c2, epoch } = ctx;
      // Bids 5000 → 30, 4500 → 10; asks 4000 → 30, 4200 → 10. Unsliced: 30 at (5000, 4000), 10 at (4500, 4200).
      await place(trading, [
        { signer: c1, side: Side.Buy, wh: 30, price: 500_000n },
        { signer: c2, side: Side.Buy, wh: 10, price: 450_000n },
        { signer: p1, side: Side.Sell, wh: 30, price: 400_000n },
        { signer: p2, side: Side.Sell, wh: 10, price: 420_000n },
      ]);
      await closeEpoch(trading, epoch);
      // Call 1 steps the bids to 4500 and spends its budget before stepping the asks past 4000.
      await expect(trading.matchOrders(epoch, 1))
        .to.emit(trading, "MatchProgressed")
        .withArgs(epoch, 1n, wh(30), false);
      // Call 2 matches nothing at the emptied ask level and steps the asks to 4200.
      await expect(trading.matchOrders(epoch, 1))
        .to.emit(trading, "MatchProgressed")
        .withArgs(epoch, 1n, wh(30), false);
      expect(await epochResult(trading, epoch)).to.deep.include({ bidPrice: 500_000n, askPrice: 400_000n });
      const last = trading.matchOrders(epoch, 1);
      await expect(last).to.emit(trading, "MatchProgressed").withArgs(epoch, 1n, wh(40), true);
      await expect(last).to.emit(trading, "EpochMatched").withArgs(epoch, 435_000n, wh(40), 450_000n, 420_000n);
    });

    it("finds the same outcome in one call", async function () {
      const { trading, p1, p2, c1, c2, epoch } = await loadFixture(deployTradingFixture);
      await place(trading, [
        { signer: c1, side: Side.Buy, wh: 30, price: 500_000n },
        { signer: c2, side: Side.Buy, wh: 10, price: 450_000n },
        { signer: p1, side: Side.Sell, wh: 30, price: 400_000n },
        { signer: p2, side: Side.Sell, wh: 10, price: 420_000n },
      ]);
      await closeEpoch(trading, epoch);
      const tx = trading.matchOrders(epoch, 100);
      // Both sides step past both of their levels.
      await expect(tx).to.emit(trading, "MatchProgressed").withArgs(epoch, 4n, wh(40), true);
      await expect(tx).to.emit(trading, "EpochMatched").withArgs(epoch, 435_000n, wh(40), 450_000n, 420_000n);
    });
  });

  describe("#executeTrades", function () {
    describe("when the call is not allowed", function () {
      it("reverts on a zero batch", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 10);
        await expect(trading.executeTrades(epoch, 0)).to.be.revertedWithCustomError(trading, "TradingZeroBatch");
      });

      it("reverts unless the epoch is settling", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, epoch } = ctx;
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Empty);
        await place(trading, bookA(ctx));
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Open);
        await closeEpoch(trading, epoch);
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Closed);
        await trading.matchOrders(epoch, 1);
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Matching);
        await trading.matchOrders(epoch, 10);
        await trading.executeTrades(epoch, 10);
        await expect(trading.executeTrades(epoch, 10))
          .to.be.revertedWithCustomError(trading, "TradingInvalidEpochStatus")
          .withArgs(epoch, EpochStatus.Settled);
      });

      it("reverts while paused", async function () {
        const { trading, p1, epoch } = await loadFixture(deployTradingFixture);
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 10);
        await trading.pause();
        await expect(trading.executeTrades(epoch, 10)).to.be.revertedWithCustomError(trading, "EnforcedPause");
      });
    });

    it("settles in batches with the same outcome, emitting EpochSettled only at the end", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, admin, epoch } = ctx;
      const ids = await place(trading, bookA(ctx));
      await closeEpoch(trading, epoch);
      await trading.connect(ctx.outsider).matchOrders(epoch, 100);
      const events: unknown[][] = [];
      for (const [i, size] of [2, 3, 4].entries()) {
        const tx = trading.connect(ctx.outsider).executeTrades(epoch, size);
        const receipt = await (await tx).wait();
        events.push(...parsed(trading, receipt!, "OrderFilled"));
        if (i < 2) {
          await expect(tx).not.to.emit(trading, "EpochSettled");
          expect(await epochResult(trading, epoch)).to.deep.include({
            status: BigInt(EpochStatus.Settling),
            settledCount: BigInt([2, 5][i]),
          });
        } else {
          await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(100), 500_000n, 0n, admin.address);
        }
      }
      expect(events).to.deep.equal(
        bookAFills(ctx, ids).map((f) => [
          f.id,
          epoch,
          f.owner.address,
          BigInt(f.side),
          f.filled,
          500_000n,
          f.payment,
          f.fee,
          f.refund,
        ]),
      );
      await expectBalancesEqualCredits(ctx, [admin]);
    });

    it("settles every remaining order when the batch size is the largest uint256", async function () {
      const { trading, p1, c1, epoch } = await loadFixture(deployTradingFixture);
      await place(trading, [
        { signer: p1, side: Side.Sell, wh: 10, price: TICK },
        { signer: c1, side: Side.Buy, wh: 10, price: TICK },
      ]);
      await closeEpoch(trading, epoch);
      await trading.matchOrders(epoch, ethers.MaxUint256);
      await expect(trading.executeTrades(epoch, ethers.MaxUint256))
        .to.emit(trading, "EpochSettled")
        .withArgs(epoch, wh(10), TICK, 0n, await trading.feeRecipient());
    });

    it("skips cancelled orders without a confirmation but counts them as settled", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, p1, p2, c1, admin, epoch } = ctx;
      const [s1, s2, b1] = await place(trading, [
        { signer: p1, side: Side.Sell, wh: 20, price: 100_000n },
        { signer: p2, side: Side.Sell, wh: 20, price: 200_000n },
        { signer: c1, side: Side.Buy, wh: 20, price: 300_000n },
      ]);
      await trading.connect(p1).cancelOrder(s1);
      await closeEpoch(trading, epoch);
      await expect(trading.matchOrders(epoch, 10))
        .to.emit(trading, "EpochMatched")
        .withArgs(epoch, 250_000n, wh(20), 300_000n, 200_000n);
      await expectSettlement(
        ctx,
        epoch,
        250_000n,
        [
          {
            id: s2,
            owner: p2,
            side: Side.Sell,
            filled: wh(20),
            payment: 5_000n,
            fee: 0n,
            refund: 0n,
          },
          {
            id: b1,
            owner: c1,
            side: Side.Buy,
            filled: wh(20),
            payment: 5_000n,
            fee: 0n,
            refund: 1_000n,
          },
        ],
        trading.executeTrades(epoch, 10),
      );
      expect(await order(trading, s1)).to.deep.include({
        status: BigInt(OrderStatus.Cancelled),
        filled: 0n,
      });
      expect((await epochResult(trading, epoch)).settledCount).to.equal(3n);
      await expectBalancesEqualCredits(ctx, [admin]);
    });
  });

  describe("#pendingEpochWork and #getEpochResult", function () {
    it("follow an epoch through Empty, Open, Closed, Matching, Settling and Settled", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, epoch } = ctx;
      const none = [BigInt(Work.None), 0n];
      expect(await trading.pendingEpochWork()).to.deep.equal(none);
      expect(await epochResult(trading, epoch)).to.deep.equal(result({ status: EpochStatus.Empty }));

      await place(trading, bookA(ctx));
      expect(await trading.pendingEpochWork()).to.deep.equal(none);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({ status: EpochStatus.Open, orderCount: 9n, tickSize: TICK }),
      );

      await closeEpoch(trading, epoch);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({ status: EpochStatus.Closed, orderCount: 9n, tickSize: TICK }),
      );

      await trading.matchOrders(epoch, 2);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({
          status: EpochStatus.Matching,
          volume: wh(30),
          bidPrice: 600_000n,
          askPrice: 500_000n,
          orderCount: 9n,
          tickSize: TICK,
        }),
      );

      await trading.matchOrders(epoch, 2);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Settle), epoch]);
      const matched = {
        clearingPrice: 500_000n,
        volume: wh(100),
        bidPrice: 500_000n,
        askPrice: 500_000n,
        orderCount: 9n,
        tickSize: TICK,
      };
      expect(await epochResult(trading, epoch)).to.deep.equal(result({ status: EpochStatus.Settling, ...matched }));

      await trading.executeTrades(epoch, 4);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Settle), epoch]);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({ status: EpochStatus.Settling, ...matched, settledCount: 4n }),
      );

      await trading.executeTrades(epoch, 5);
      expect(await trading.pendingEpochWork()).to.deep.equal(none);
      expect(await epochResult(trading, epoch)).to.deep.equal(
        result({ status: EpochStatus.Settled, ...matched, settledCount: 9n }),
      );
    });

    it("point the keeper at the oldest waiting epoch and report nothing while paused", async function () {
      const { trading, p1, c1, epoch } = await loadFixture(deployTradingFixture);
      await place(trading, [{ signer: p1, side: Side.Sell, wh: 10, price: TICK }]);
      await time.increaseTo(await trading.epochStart(epoch + 3n));
      await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: TICK }]);
      await closeEpoch(trading, epoch + 3n);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);
      await trading.pause();
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.None), 0n]);
      await trading.unpause();
      await clear(trading, epoch);
      expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch + 3n]);
      expect(await epochResult(trading, epoch + 1n)).to.deep.equal(result({ status: EpochStatus.Empty }));
    });
  });

  describe("clearing", function () {
    describe("when nothing crosses", function () {
      it("refunds every order in full at price 0", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, c1, admin, epoch } = ctx;
        const [s, b] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 40, price: 400_000n },
          { signer: c1, side: Side.Buy, wh: 13, price: 123_400n },
        ]);
        await closeEpoch(trading, epoch);
        const m = trading.matchOrders(epoch, 10);
        await expect(m).to.emit(trading, "MatchProgressed").withArgs(epoch, 0n, 0n, true);
        await expect(m).to.emit(trading, "EpochMatched").withArgs(epoch, 0n, 0n, 0n, 0n);
        const tx = trading.executeTrades(epoch, 10);
        await expectSettlement(
          ctx,
          epoch,
          0n,
          [
            {
              id: s,
              owner: p1,
              side: Side.Sell,
              filled: 0n,
              payment: 0n,
              fee: 0n,
              refund: wh(40),
            },
            {
              id: b,
              owner: c1,
              side: Side.Buy,
              filled: 0n,
              payment: 0n,
              fee: 0n,
              refund: 1_605n,
            },
          ],
          tx,
        );
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, 0n, 0n, 0n, admin.address);
        await expect(tx).not.to.emit(trading, "Credited");
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when only one side has orders", function () {
      it("refunds the sellers", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, p2, admin, epoch } = ctx;
        const [s1, s2] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 40, price: 400_000n },
          { signer: p2, side: Side.Sell, wh: 15, price: 100_000n },
        ]);
        await closeEpoch(trading, epoch);
        await expect(trading.matchOrders(epoch, 10)).to.emit(trading, "EpochMatched").withArgs(epoch, 0n, 0n, 0n, 0n);
        await expectSettlement(
          ctx,
          epoch,
          0n,
          [
            {
              id: s1,
              owner: p1,
              side: Side.Sell,
              filled: 0n,
              payment: 0n,
              fee: 0n,
              refund: wh(40),
            },
            {
              id: s2,
              owner: p2,
              side: Side.Sell,
              filled: 0n,
              payment: 0n,
              fee: 0n,
              refund: wh(15),
            },
          ],
          trading.executeTrades(epoch, 10),
        );
        await expectBalancesEqualCredits(ctx, [admin]);
      });

      it("refunds the buyers", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, c1, admin, epoch } = ctx;
        const [b] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 40, price: 400_000n }]);
        await closeEpoch(trading, epoch);
        await expect(trading.matchOrders(epoch, 10)).to.emit(trading, "MatchProgressed").withArgs(epoch, 0n, 0n, true);
        await expectSettlement(
          ctx,
          epoch,
          0n,
          [
            {
              id: b,
              owner: c1,
              side: Side.Buy,
              filled: 0n,
              payment: 0n,
              fee: 0n,
              refund: 16_000n,
            },
          ],
          trading.executeTrades(epoch, 10),
        );
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when every order has the same price", function () {
      it("fills the short side fully and the long side by time priority", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, p2, c1, c2, admin, epoch } = ctx;
        const [s1, b1, s2, b2] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 30, price: 500_000n },
          { signer: c1, side: Side.Buy, wh: 25, price: 500_000n },
          { signer: p2, side: Side.Sell, wh: 20, price: 500_000n },
          { signer: c2, side: Side.Buy, wh: 35, price: 500_000n },
        ]);
        await closeEpoch(trading, epoch);
        await expect(trading.matchOrders(epoch, 10))
          .to.emit(trading, "EpochMatched")
          .withArgs(epoch, 500_000n, wh(50), 500_000n, 500_000n);
        const tx = trading.executeTrades(epoch, 10);
        await expectSettlement(
          ctx,
          epoch,
          500_000n,
          [
            {
              id: s1,
              owner: p1,
              side: Side.Sell,
              filled: wh(30),
              payment: 15_000n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: b1,
              owner: c1,
              side: Side.Buy,
              filled: wh(25),
              payment: 12_500n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: s2,
              owner: p2,
              side: Side.Sell,
              filled: wh(20),
              payment: 10_000n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: b2,
              owner: c2,
              side: Side.Buy,
              filled: wh(25),
              payment: 12_500n,
              fee: 0n,
              refund: 5_000n,
            },
          ],
          tx,
        );
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(50), 500_000n, 0n, admin.address);
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when several orders tie at the ask margin", function () {
      it("fills better prices fully and the margin by time priority, one order partially", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, admin, epoch } = ctx;
        const ids = await place(trading, bookA(ctx));
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 100);
        const tx = trading.executeTrades(epoch, 100);
        await expectSettlement(ctx, epoch, 500_000n, bookAFills(ctx, ids), tx);
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(100), 500_000n, 0n, admin.address);
        await expect(tx).not.to.emit(trading, "Credited");
        expect(await trading.credits(admin.address, ctx.usdc)).to.equal(0n);
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when several orders tie at the bid margin", function () {
      it("fills better prices fully and the margin by time priority, one order partially", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, p2, c1, c2, c3, admin, epoch } = ctx;
        // Asks: 3000 → 70 Wh, 4500 → 10 Wh. Bids: 5000 → 10 Wh, 4000 → 100 Wh (c1 50, c2 30, c3 20).
        // Walk: 10 at (5000, 3000), then 60 at (4000, 3000); asks move to 4500 > 4000: b* 4000, a* 3000.
        // p = (400,000 + 300,000) / 2 = 350,000; 60 Wh of the 100 at b* fill: c1 50, c2 10, c3 0.
        const [s1, b1, b2, b3, b4, s2] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 70, price: 300_000n },
          { signer: c1, side: Side.Buy, wh: 50, price: 400_000n },
          { signer: c2, side: Side.Buy, wh: 30, price: 400_000n },
          { signer: c3, side: Side.Buy, wh: 20, price: 400_000n },
          { signer: c1, side: Side.Buy, wh: 10, price: 500_000n },
          { signer: p2, side: Side.Sell, wh: 10, price: 450_000n },
        ]);
        await closeEpoch(trading, epoch);
        const m = trading.matchOrders(epoch, 100);
        await expect(m).to.emit(trading, "MatchProgressed").withArgs(epoch, 2n, wh(70), true);
        await expect(m).to.emit(trading, "EpochMatched").withArgs(epoch, 350_000n, wh(70), 400_000n, 300_000n);
        const tx = trading.executeTrades(epoch, 100);
        await expectSettlement(
          ctx,
          epoch,
          350_000n,
          [
            {
              id: s1,
              owner: p1,
              side: Side.Sell,
              filled: wh(70),
              payment: 24_500n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: b1,
              owner: c1,
              side: Side.Buy,
              filled: wh(50),
              payment: 17_500n,
              fee: 0n,
              refund: 2_500n,
            },
            {
              id: b2,
              owner: c2,
              side: Side.Buy,
              filled: wh(10),
              payment: 3_500n,
              fee: 0n,
              refund: 8_500n,
            },
            {
              id: b3,
              owner: c3,
              side: Side.Buy,
              filled: 0n,
              payment: 0n,
              fee: 0n,
              refund: 8_000n,
            },
            {
              id: b4,
              owner: c1,
              side: Side.Buy,
              filled: wh(10),
              payment: 3_500n,
              fee: 0n,
              refund: 1_500n,
            },
            {
              id: s2,
              owner: p2,
              side: Side.Sell,
              filled: 0n,
              payment: 0n,
              fee: 0n,
              refund: wh(10),
            },
          ],
          tx,
        );
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(70), 350_000n, 0n, admin.address);
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when the amounts do not divide evenly", function () {
      it("rounds buyers up and sellers down and credits the remainder to the fee recipient", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, usdc, p1, p2, c1, c2, admin, epoch } = ctx;
        // Bids at 123,500, asks at 123,400: p = (1235 + 1234) * 100 / 2 = 123,450.
        const [s1, s2, b1, b2] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 13, price: 123_400n },
          { signer: p2, side: Side.Sell, wh: 17, price: 123_400n },
          { signer: c1, side: Side.Buy, wh: 11, price: 123_500n },
          { signer: c2, side: Side.Buy, wh: 19, price: 123_500n },
        ]);
        await closeEpoch(trading, epoch);
        await expect(trading.matchOrders(epoch, 100))
          .to.emit(trading, "EpochMatched")
          .withArgs(epoch, 123_450n, wh(30), 123_500n, 123_400n);
        const tx = trading.executeTrades(epoch, 100);
        // Sellers: 13 * 123.45 = 1,604.85 → 1,604; 17 * 123.45 = 2,098.65 → 2,098.
        // Buyers: 11 * 123.45 = 1,357.95 → 1,358 of an escrow of ceil(1,358.5) = 1,359;
        //         19 * 123.45 = 2,345.55 → 2,346 of an escrow of ceil(2,346.5) = 2,347.
        await expectSettlement(
          ctx,
          epoch,
          123_450n,
          [
            {
              id: s1,
              owner: p1,
              side: Side.Sell,
              filled: wh(13),
              payment: 1_604n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: s2,
              owner: p2,
              side: Side.Sell,
              filled: wh(17),
              payment: 2_098n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: b1,
              owner: c1,
              side: Side.Buy,
              filled: wh(11),
              payment: 1_358n,
              fee: 0n,
              refund: 1n,
            },
            {
              id: b2,
              owner: c2,
              side: Side.Buy,
              filled: wh(19),
              payment: 2_346n,
              fee: 0n,
              refund: 1n,
            },
          ],
          tx,
        );
        await expect(tx)
          .to.emit(trading, "Credited")
          .withArgs(admin.address, await usdc.getAddress(), 2n);
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(30), 123_450n, 2n, admin.address);
        expect(await trading.credits(admin.address, usdc)).to.equal(2n);
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when a fee is set", function () {
      it("takes feeBps of the seller's proceeds and credits fee plus rounding to the recipient", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, usdc, p1, c1, feeSink, admin, epoch } = ctx;
        await trading.setFee(250n, feeSink.address);
        const [s, b] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 37, price: 200_000n },
          { signer: c1, side: Side.Buy, wh: 37, price: 300_100n },
        ]);
        await closeEpoch(trading, epoch);
        // p = (3001 + 2000) * 100 / 2 = 250,050; 37 Wh are worth 9,251.85.
        await expect(trading.matchOrders(epoch, 100))
          .to.emit(trading, "EpochMatched")
          .withArgs(epoch, 250_050n, wh(37), 300_100n, 200_000n);
        const tx = trading.executeTrades(epoch, 100);
        // Seller: floor 9,251, fee floor(9,251 * 2.5%) = 231, net 9,020. Buyer: ceil 9,252 of ceil(11,103.7) = 11,104.
        await expectSettlement(
          ctx,
          epoch,
          250_050n,
          [
            {
              id: s,
              owner: p1,
              side: Side.Sell,
              filled: wh(37),
              payment: 9_020n,
              fee: 231n,
              refund: 0n,
            },
            {
              id: b,
              owner: c1,
              side: Side.Buy,
              filled: wh(37),
              payment: 9_252n,
              fee: 0n,
              refund: 1_852n,
            },
          ],
          tx,
        );
        await expect(tx)
          .to.emit(trading, "Credited")
          .withArgs(feeSink.address, await usdc.getAddress(), 232n);
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(37), 250_050n, 232n, feeSink.address);
        expect(await trading.credits(feeSink.address, usdc)).to.equal(232n);
        await expectBalancesEqualCredits(ctx, [admin, feeSink]);
      });
    });

    describe("when the parameters change mid-epoch", function () {
      it("keeps the epoch's tick and fee from its first order and applies the new cap at once", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, c1, feeSink, admin, epoch } = ctx;
        await place(trading, [{ signer: p1, side: Side.Sell, wh: 20, price: 100_100n }]);
        await trading.setPriceRules(1_000n, 500_000n);
        await trading.setFee(500n, feeSink.address);
        // The epoch's tick is still 100 …
        const [b] = await place(trading, [{ signer: c1, side: Side.Buy, wh: 20, price: 300_100n }]);
        await expect(trading.connect(c1).createBuyOrder(wh(10), 150n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(150n, TICK);
        // … but the cap applies at once.
        await expect(trading.connect(c1).createBuyOrder(wh(10), 500_100n))
          .to.be.revertedWithCustomError(trading, "TradingPriceAboveCap")
          .withArgs(500_100n, 500_000n);
        expect(await epochResult(trading, epoch)).to.deep.include({
          tickSize: TICK,
          feeBps: 0n,
        });

        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 100);
        // p = (3001 + 1001) * 100 / 2 = 200,100; no fee although 5% is now set; the fee recipient is the current one.
        const tx = trading.executeTrades(epoch, 100);
        await expectSettlement(
          ctx,
          epoch,
          200_100n,
          [
            {
              id: orderId(epoch, 1),
              owner: p1,
              side: Side.Sell,
              filled: wh(20),
              payment: 4_002n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: b,
              owner: c1,
              side: Side.Buy,
              filled: wh(20),
              payment: 4_002n,
              fee: 0n,
              refund: 2_000n,
            },
          ],
          tx,
        );
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(20), 200_100n, 0n, feeSink.address);
        await expectBalancesEqualCredits(ctx, [admin, feeSink]);

        // The next epoch opens with the new tick and fee.
        await expect(trading.connect(c1).createBuyOrder(wh(10), 100_100n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(100_100n, 1_000n);
        await trading.connect(c1).createBuyOrder(wh(10), 100_000n);
        expect(await epochResult(trading, await trading.currentEpoch())).to.deep.include({
          status: BigInt(EpochStatus.Open),
          tickSize: 1_000n,
          feeBps: 500n,
        });
      });

      it("rejects a price the epoch's tick cannot express in 65,535 levels", async function () {
        const { trading, c1, epoch } = await loadFixture(deployTradingFixture);
        await trading.setPriceRules(1n, 65_535n);
        await place(trading, [{ signer: c1, side: Side.Buy, wh: 10, price: 65_535n }]);
        await trading.setPriceRules(100n, MAX_PRICE);
        await expect(trading.connect(c1).createBuyOrder(wh(10), 65_600n))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPrice")
          .withArgs(65_600n, 1n);
        expect(await trading.depthAt(epoch, Side.Buy, 65_535n)).to.equal(wh(10));
      });
    });

    describe("at the extreme price levels", function () {
      it("matches at the top level, 65,535", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, p2, c1, admin, epoch } = ctx;
        await trading.setPriceRules(10n, 655_350n);
        const [s1, s2, b] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: 653_000n },
          { signer: p2, side: Side.Sell, wh: 10, price: 655_350n },
          { signer: c1, side: Side.Buy, wh: 20, price: 655_350n },
        ]);
        await closeEpoch(trading, epoch);
        await expect(trading.matchOrders(epoch, 100))
          .to.emit(trading, "EpochMatched")
          .withArgs(epoch, 655_350n, wh(20), 655_350n, 655_350n);
        await expectSettlement(
          ctx,
          epoch,
          655_350n,
          [
            {
              id: s1,
              owner: p1,
              side: Side.Sell,
              filled: wh(10),
              payment: 6_553n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: s2,
              owner: p2,
              side: Side.Sell,
              filled: wh(10),
              payment: 6_553n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: b,
              owner: c1,
              side: Side.Buy,
              filled: wh(20),
              payment: 13_107n,
              fee: 0n,
              refund: 0n,
            },
          ],
          trading.executeTrades(epoch, 100),
        );
        expect(await trading.credits(admin.address, ctx.usdc)).to.equal(1n);
        await expectBalancesEqualCredits(ctx, [admin]);
      });

      it("ends the walk when the asks run out in the last bitmap word", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, c1, c2, admin, epoch } = ctx;
        await trading.setPriceRules(10n, 655_350n);
        const [s, b1, b2] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 10, price: 654_000n },
          { signer: c1, side: Side.Buy, wh: 20, price: 655_350n },
          { signer: c2, side: Side.Buy, wh: 10, price: 10n },
        ]);
        await closeEpoch(trading, epoch);
        await expect(trading.matchOrders(epoch, 100))
          .to.emit(trading, "EpochMatched")
          .withArgs(epoch, 654_675n, wh(10), 655_350n, 654_000n);
        await expectSettlement(
          ctx,
          epoch,
          654_675n,
          [
            {
              id: s,
              owner: p1,
              side: Side.Sell,
              filled: wh(10),
              payment: 6_546n,
              fee: 0n,
              refund: 0n,
            },
            {
              id: b1,
              owner: c1,
              side: Side.Buy,
              filled: wh(10),
              payment: 6_547n,
              fee: 0n,
              refund: 6_560n,
            },
            {
              id: b2,
              owner: c2,
              side: Side.Buy,
              filled: 0n,
              payment: 0n,
              fee: 0n,
              refund: 1n,
            },
          ],
          trading.executeTrades(epoch, 100),
        );
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when one bid level meets several ask levels", function () {
      it("allocates at b* everything matched there across the walk", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, p2, p3, c1, c2, c3, admin, epoch } = ctx;
        // Bids: 5000 → 100 Wh (c1 30, c2 50, c3 20). Asks: 3000 → 20, 4000 → 30, 4500 → 25, 6000 → 10.
        // Walk: 20, 30 and 25 at b* = 5000; asks move to 6000 > 5000: a* = 4500, p = 475,000, volume 75.
        const ids = await place(trading, [
          { signer: c1, side: Side.Buy, wh: 30, price: 500_000n },
          { signer: p1, side: Side.Sell, wh: 20, price: 300_000n },
          { signer: c2, side: Side.Buy, wh: 50, price: 500_000n },
          { signer: p2, side: Side.Sell, wh: 30, price: 400_000n },
          { signer: c3, side: Side.Buy, wh: 20, price: 500_000n },
          { signer: p3, side: Side.Sell, wh: 25, price: 450_000n },
          { signer: p1, side: Side.Sell, wh: 10, price: 600_000n },
        ]);
        await closeEpoch(trading, epoch);
        const m = trading.matchOrders(epoch, 100);
        await expect(m).to.emit(trading, "MatchProgressed").withArgs(epoch, 3n, wh(75), true);
        await expect(m).to.emit(trading, "EpochMatched").withArgs(epoch, 475_000n, wh(75), 500_000n, 450_000n);
        const tx = trading.executeTrades(epoch, 100);
        await expectSettlement(
          ctx,
          epoch,
          475_000n,
          [
            { id: ids[0], owner: c1, side: Side.Buy, filled: wh(30), payment: 14_250n, fee: 0n, refund: 750n },
            { id: ids[1], owner: p1, side: Side.Sell, filled: wh(20), payment: 9_500n, fee: 0n, refund: 0n },
            { id: ids[2], owner: c2, side: Side.Buy, filled: wh(45), payment: 21_375n, fee: 0n, refund: 3_625n },
            { id: ids[3], owner: p2, side: Side.Sell, filled: wh(30), payment: 14_250n, fee: 0n, refund: 0n },
            { id: ids[4], owner: c3, side: Side.Buy, filled: 0n, payment: 0n, fee: 0n, refund: 10_000n },
            { id: ids[5], owner: p3, side: Side.Sell, filled: wh(25), payment: 11_875n, fee: 0n, refund: 0n },
            { id: ids[6], owner: p1, side: Side.Sell, filled: 0n, payment: 0n, fee: 0n, refund: wh(10) },
          ],
          tx,
        );
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, wh(75), 475_000n, 0n, admin.address);
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when orders were cancelled", function () {
      it("clears over the active orders only, stepping over emptied levels", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, p1, c1, c2, admin, epoch } = ctx;
        // The cancelled 600,000 bid would set b*; without it b* = 500,000 and p = (5000 + 4000) * 100 / 2.
        const [top, b, s] = await place(trading, [
          { signer: c1, side: Side.Buy, wh: 40, price: 600_000n },
          { signer: c2, side: Side.Buy, wh: 20, price: 500_000n },
          { signer: p1, side: Side.Sell, wh: 20, price: 400_000n },
        ]);
        await trading.connect(c1).cancelOrder(top);
        await closeEpoch(trading, epoch);
        const m = trading.matchOrders(epoch, 100);
        await expect(m).to.emit(trading, "MatchProgressed").withArgs(epoch, 3n, wh(20), true);
        await expect(m).to.emit(trading, "EpochMatched").withArgs(epoch, 450_000n, wh(20), 500_000n, 400_000n);
        await expectSettlement(
          ctx,
          epoch,
          450_000n,
          [
            { id: b, owner: c2, side: Side.Buy, filled: wh(20), payment: 9_000n, fee: 0n, refund: 1_000n },
            { id: s, owner: p1, side: Side.Sell, filled: wh(20), payment: 9_000n, fee: 0n, refund: 0n },
          ],
          trading.executeTrades(epoch, 100),
        );
        await expectBalancesEqualCredits(ctx, [admin]);
      });

      it("settles an epoch whose orders were all cancelled without paying anyone", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, grid, usdc, p1, c1, admin, epoch } = ctx;
        const [s, b] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 20, price: 400_000n },
          { signer: c1, side: Side.Buy, wh: 20, price: 500_000n },
        ]);
        await trading.connect(p1).cancelOrder(s);
        await trading.connect(c1).cancelOrder(b);
        await closeEpoch(trading, epoch);
        expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.Match), epoch]);
        const m = trading.matchOrders(epoch, 100);
        await expect(m).to.emit(trading, "MatchProgressed").withArgs(epoch, 2n, 0n, true);
        await expect(m).to.emit(trading, "EpochMatched").withArgs(epoch, 0n, 0n, 0n, 0n);
        const tx = trading.executeTrades(epoch, 100);
        await expect(tx).to.emit(trading, "EpochSettled").withArgs(epoch, 0n, 0n, 0n, admin.address);
        await expect(tx).not.to.emit(trading, "OrderFilled");
        await expect(tx).to.changeTokenBalances(grid, [trading], [0n]);
        await expect(tx).to.changeTokenBalances(usdc, [trading], [0n]);
        expect(await epochResult(trading, epoch)).to.deep.include({
          status: BigInt(EpochStatus.Settled),
          orderCount: 2n,
          settledCount: 2n,
        });
        expect(await trading.pendingEpochWork()).to.deep.equal([BigInt(Work.None), 0n]);
      });
    });

    describe("when an owner is suspended after placing orders", function () {
      it("still settles them by the clearing rule", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, registry, p1, c1, admin, epoch } = ctx;
        const [s, b] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 20, price: 400_000n },
          { signer: c1, side: Side.Buy, wh: 20, price: 400_000n },
        ]);
        await registry.updateUserStatus(p1.address, Suspended);
        await registry.updateUserStatus(c1.address, Suspended);
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 100);
        await expectSettlement(
          ctx,
          epoch,
          400_000n,
          [
            { id: s, owner: p1, side: Side.Sell, filled: wh(20), payment: 8_000n, fee: 0n, refund: 0n },
            { id: b, owner: c1, side: Side.Buy, filled: wh(20), payment: 8_000n, fee: 0n, refund: 0n },
          ],
          trading.executeTrades(epoch, 100),
        );
        await expectBalancesEqualCredits(ctx, [admin]);
      });
    });

    describe("when GRID is paused during settlement", function () {
      it("credits the GRID payouts, pays the payment token, and lets owners withdraw after unpause", async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading, grid, usdc, p1, c1, admin, epoch } = ctx;
        const [s, b] = await place(trading, [
          { signer: p1, side: Side.Sell, wh: 30, price: 400_000n },
          { signer: c1, side: Side.Buy, wh: 20, price: 400_000n },
        ]);
        await closeEpoch(trading, epoch);
        await trading.matchOrders(epoch, 100);
        await grid.pause();
        const tx = trading.executeTrades(epoch, 100);
        await expect(tx)
          .to.emit(trading, "OrderFilled")
          .withArgs(s, epoch, p1.address, Side.Sell, wh(20), 400_000n, 8_000n, 0n, wh(10));
        await expect(tx)
          .to.emit(trading, "OrderFilled")
          .withArgs(b, epoch, c1.address, Side.Buy, wh(20), 400_000n, 8_000n, 0n, 0n);
        await expect(tx)
          .to.emit(trading, "Credited")
          .withArgs(p1.address, await grid.getAddress(), wh(10));
        await expect(tx)
          .to.emit(trading, "Credited")
          .withArgs(c1.address, await grid.getAddress(), wh(20));
        await expect(tx).to.changeTokenBalances(usdc, [p1, c1, trading], [8_000n, 0n, -8_000n]);
        await expect(tx).to.changeTokenBalances(grid, [p1, c1, trading], [0n, 0n, 0n]);
        expect(await trading.credits(p1.address, grid)).to.equal(wh(10));
        expect(await trading.credits(c1.address, grid)).to.equal(wh(20));
        await expectBalancesEqualCredits(ctx, [admin, p1, c1]);

        await expect(trading.connect(c1).withdraw(grid)).to.be.revertedWithCustomError(grid, "EnforcedPause");
        await grid.unpause();
        const w = trading.connect(c1).withdraw(grid);
        await expect(w)
          .to.emit(trading, "Withdrawn")
          .withArgs(c1.address, await grid.getAddress(), wh(20));
        await expect(w).to.changeTokenBalances(grid, [c1, trading], [wh(20), -wh(20)]);
        await trading.connect(p1).withdraw(grid);
        expect(await trading.credits(c1.address, grid)).to.equal(0n);
        expect(await trading.credits(p1.address, grid)).to.equal(0n);
        await expectBalancesEqualCredits(ctx, [admin, p1, c1]);
      });
    });

    it("settles a removed market maker's open orders", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, mm, c1, admin, epoch } = ctx;
      const [s, b] = await place(trading, [
        { signer: mm, side: Side.Sell, wh: 50, price: 80_000n },
        { signer: c1, side: Side.Buy, wh: 50, price: 120_000n },
      ]);
      await trading.removeMarketMaker(mm.address);
      await closeEpoch(trading, epoch);
      await trading.matchOrders(epoch, 10);
      await expectSettlement(
        ctx,
        epoch,
        100_000n,
        [
          {
            id: s,
            owner: mm,
            side: Side.Sell,
            filled: wh(50),
            payment: 5_000n,
            fee: 0n,
            refund: 0n,
          },
          {
            id: b,
            owner: c1,
            side: Side.Buy,
            filled: wh(50),
            payment: 5_000n,
            fee: 0n,
            refund: 1_000n,
          },
        ],
        trading.executeTrades(epoch, 10),
      );
      await expectBalancesEqualCredits(ctx, [admin]);
    });
  });

  describe("#withdraw", function () {
    it("pays out the fee recipient's credit", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, usdc, p1, p2, c1, c2, admin, epoch } = ctx;
      await place(trading, [
        { signer: p1, side: Side.Sell, wh: 13, price: 123_400n },
        { signer: p2, side: Side.Sell, wh: 17, price: 123_400n },
        { signer: c1, side: Side.Buy, wh: 11, price: 123_500n },
        { signer: c2, side: Side.Buy, wh: 19, price: 123_500n },
      ]);
      await clear(trading, epoch);
      const tx = trading.withdraw(usdc);
      await expect(tx)
        .to.emit(trading, "Withdrawn")
        .withArgs(admin.address, await usdc.getAddress(), 2n);
      await expect(tx).to.changeTokenBalances(usdc, [admin, trading], [2n, -2n]);
      expect(await trading.credits(admin.address, usdc)).to.equal(0n);
      await expect(trading.withdraw(usdc))
        .to.be.revertedWithCustomError(trading, "TradingNothingToWithdraw")
        .withArgs(admin.address, await usdc.getAddress());
      expect(await usdc.balanceOf(trading)).to.equal(0n);
    });

    it("works while paused", async function () {
      const ctx = await loadFixture(deployTradingFixture);
      const { trading, usdc, p1, c1, feeSink, epoch } = ctx;
      await trading.setFee(1_000n, feeSink.address);
      await place(trading, [
        { signer: p1, side: Side.Sell, wh: 100, price: 100_000n },
        { signer: c1, side: Side.Buy, wh: 100, price: 100_000n },
      ]);
      await clear(trading, epoch);
      await trading.pause();
      await expect(trading.connect(feeSink).withdraw(usdc)).to.changeTokenBalances(
        usdc,
        [feeSink, trading],
        [1_000n, -1_000n],
      );
    });

    it("reverts for a token other than GRID or the payment token", async function () {
      const { trading, registry, p1 } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(p1).withdraw(registry))
        .to.be.revertedWithCustomError(trading, "TradingUnsupportedToken")
        .withArgs(await registry.getAddress());
    });

    it("reverts without a credit", async function () {
      const { trading, grid, usdc, p1 } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(p1).withdraw(grid))
        .to.be.revertedWithCustomError(trading, "TradingNothingToWithdraw")
        .withArgs(p1.address, await grid.getAddress());
      await expect(trading.connect(p1).withdraw(usdc))
        .to.be.revertedWithCustomError(trading, "TradingNothingToWithdraw")
        .withArgs(p1.address, await usdc.getAddress());
    });
  });

  describe("#addMarketMaker", function () {
    it("registers a market maker and emits MarketMakerAdded with the regulator", async function () {
      const { trading, regulator, outsider } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).addMarketMaker(outsider.address))
        .to.emit(trading, "MarketMakerAdded")
        .withArgs(outsider.address, regulator.address);
      expect(await trading.isMarketMaker(outsider.address)).to.equal(true);
    });

    it("reverts for the zero address", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      await expect(trading.addMarketMaker(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        trading,
        "TradingZeroAddress",
      );
    });

    it("reverts for an existing market maker", async function () {
      const { trading, mm } = await loadFixture(deployTradingFixture);
      await expect(trading.addMarketMaker(mm.address))
        .to.be.revertedWithCustomError(trading, "TradingMarketMakerExists")
        .withArgs(mm.address);
    });
  });

  describe("#removeMarketMaker", function () {
    it("removes a market maker and emits MarketMakerRemoved with the regulator", async function () {
      const { trading, regulator, mm } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).removeMarketMaker(mm.address))
        .to.emit(trading, "MarketMakerRemoved")
        .withArgs(mm.address, regulator.address);
      expect(await trading.isMarketMaker(mm.address)).to.equal(false);
    });

    it("reverts for an account that is not a market maker", async function () {
      const { trading, outsider } = await loadFixture(deployTradingFixture);
      await expect(trading.removeMarketMaker(outsider.address))
        .to.be.revertedWithCustomError(trading, "TradingUnknownMarketMaker")
        .withArgs(outsider.address);
    });
  });

  describe("#setPriceRules", function () {
    it("updates the tick and the cap", async function () {
      const { trading, regulator } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).setPriceRules(10n, 655_350n))
        .to.emit(trading, "PriceRulesUpdated")
        .withArgs(10n, 655_350n);
      expect([await trading.tickSize(), await trading.maxPrice()]).to.deep.equal([10n, 655_350n]);
      await expect(trading.setPriceRules(10n, 500_000n)).to.emit(trading, "PriceRulesUpdated").withArgs(10n, 500_000n);
      await expect(trading.setPriceRules(100n, 500_000n))
        .to.emit(trading, "PriceRulesUpdated")
        .withArgs(100n, 500_000n);
    });

    it("reverts on invalid rules", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      const U64 = 2n ** 64n;
      for (const [t, m] of [
        [0n, MAX_PRICE],
        [TICK, 0n],
        [300n, MAX_PRICE],
        [1n, 65_536n],
        [U64, U64],
      ]) {
        await expect(trading.setPriceRules(t, m))
          .to.be.revertedWithCustomError(trading, "TradingInvalidPriceRules")
          .withArgs(t, m);
      }
    });

    it("reverts when unchanged", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      await expect(trading.setPriceRules(TICK, MAX_PRICE)).to.be.revertedWithCustomError(trading, "TradingUnchanged");
    });
  });

  describe("#setMinOrderAmount", function () {
    it("updates the minimum", async function () {
      const { trading, regulator, c1 } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).setMinOrderAmount(wh(1)))
        .to.emit(trading, "MinOrderAmountUpdated")
        .withArgs(wh(1));
      expect(await trading.minOrderAmount()).to.equal(wh(1));
      await expect(trading.connect(c1).createBuyOrder(wh(1), TICK)).to.emit(trading, "OrderCreated");
      await trading.setMinOrderAmount(wh(MAX_UINT32));
      await expect(trading.connect(c1).createBuyOrder(wh(MAX_UINT32 - 1n), TICK))
        .to.be.revertedWithCustomError(trading, "TradingAmountBelowMinimum")
        .withArgs(wh(MAX_UINT32 - 1n), wh(MAX_UINT32));
    });

    it("reverts on zero, a fraction of a watt-hour, or more than 2^32 - 1 Wh", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      for (const amount of [0n, wh(10) + 1n, wh(MAX_UINT32 + 1n)]) {
        await expect(trading.setMinOrderAmount(amount))
          .to.be.revertedWithCustomError(trading, "TradingInvalidMinOrderAmount")
          .withArgs(amount);
      }
    });

    it("reverts when unchanged", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      await expect(trading.setMinOrderAmount(MIN_ORDER)).to.be.revertedWithCustomError(trading, "TradingUnchanged");
    });
  });

  describe("#setMaxOrdersPerUser", function () {
    it("updates the limit, up to 1,000", async function () {
      const { trading, regulator } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).setMaxOrdersPerUser(1_000n))
        .to.emit(trading, "MaxOrdersPerUserUpdated")
        .withArgs(1_000n);
      expect(await trading.maxOrdersPerUser()).to.equal(1_000n);
    });

    it("reverts on 0 or above 1,000", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      for (const limit of [0n, 1_001n]) {
        await expect(trading.setMaxOrdersPerUser(limit))
          .to.be.revertedWithCustomError(trading, "TradingInvalidMaxOrdersPerUser")
          .withArgs(limit);
      }
    });

    it("reverts when unchanged", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      await expect(trading.setMaxOrdersPerUser(MAX_ORDERS)).to.be.revertedWithCustomError(trading, "TradingUnchanged");
    });
  });

  describe("#setFee", function () {
    it("updates the fee and its recipient, each alone or both", async function () {
      const { trading, regulator, feeSink, admin } = await loadFixture(deployTradingFixture);
      await expect(trading.connect(regulator).setFee(1_000n, admin.address))
        .to.emit(trading, "FeeUpdated")
        .withArgs(1_000n, admin.address);
      await expect(trading.setFee(1_000n, feeSink.address))
        .to.emit(trading, "FeeUpdated")
        .withArgs(1_000n, feeSink.address);
      expect([await trading.feeBps(), await trading.feeRecipient()]).to.deep.equal([1_000n, feeSink.address]);
    });

    it("reverts above 1,000 basis points", async function () {
      const { trading, admin } = await loadFixture(deployTradingFixture);
      await expect(trading.setFee(1_001n, admin.address))
        .to.be.revertedWithCustomError(trading, "TradingInvalidFee")
        .withArgs(1_001n);
    });

    it("reverts on a zero recipient", async function () {
      const { trading } = await loadFixture(deployTradingFixture);
      await expect(trading.setFee(10n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        trading,
        "TradingZeroAddress",
      );
    });

    it("reverts when unchanged", async function () {
      const { trading, admin } = await loadFixture(deployTradingFixture);
      await expect(trading.setFee(0n, admin.address)).to.be.revertedWithCustomError(trading, "TradingUnchanged");
    });
  });

  describe("#pause and #unpause", function () {
    it("let the admin pause and unpause", async function () {
      const { trading, admin } = await loadFixture(deployTradingFixture);
      await expect(trading.pause()).to.emit(trading, "Paused").withArgs(admin.address);
      expect(await trading.paused()).to.equal(true);
      await expect(trading.unpause()).to.emit(trading, "Unpaused").withArgs(admin.address);
      expect(await trading.paused()).to.equal(false);
    });

    for (const who of ["outsider", "regulator"] as const) {
      it(`reject the ${who}`, async function () {
        const ctx = await loadFixture(deployTradingFixture);
        const { trading } = ctx;
        const caller = ctx[who];
        await expect(trading.connect(caller).pause())
          .to.be.revertedWithCustomError(trading, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
        await trading.pause();
        await expect(trading.connect(caller).unpause())
          .to.be.revertedWithCustomError(trading, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      });
    }
  });

  describe("regulator-only functions called by an outsider", function () {
    const calls: [string, (t: Trading, ctx: Ctx) => Promise<unknown>][] = [
      ["addMarketMaker", (t, ctx) => t.addMarketMaker(ctx.c1.address)],
      ["removeMarketMaker", (t, ctx) => t.removeMarketMaker(ctx.mm.address)],
      ["setPriceRules", (t) => t.setPriceRules(10n, MAX_PRICE)],
      ["setMinOrderAmount", (t) => t.setMinOrderAmount(wh(1))],
      ["setMaxOrdersPerUser", (t) => t.setMaxOrdersPerUser(5n)],
      ["setFee", (t, ctx) => t.setFee(10n, ctx.outsider.address)],
    ];
    for (const [name, call] of calls) {
      it(`#${name} reverts with NotRecRegulator`, async function () {
        const ctx = await loadFixture(deployTradingFixture);
        await expect(call(ctx.trading.connect(ctx.outsider), ctx))
          .to.be.revertedWithCustomError(ctx.trading, "NotRecRegulator")
          .withArgs(ctx.outsider.address);
      });
    }

    it("reverts for a removed regulator", async function () {
      const { trading, registry, regulator } = await loadFixture(deployTradingFixture);
      await registry.removeRecRegulator(regulator.address);
      await expect(trading.connect(regulator).setMaxOrdersPerUser(5n))
        .to.be.revertedWithCustomError(trading, "NotRecRegulator")
        .withArgs(regulator.address);
    });
  });
});

// ───────────────────────────────────────── BOOK A ────────────────────────────────────────────

/**
 * Book A, fee 0. Bids: 6000 → 30 Wh (c1); 5000 → 70 Wh (c2 40, c3 30); 4000 → 10 Wh (c1).
 * Asks: 4000 → 20 Wh (p1); 5000 → 100 Wh (p2 50, p3 40, p2 10); 6000 → 10 Wh (p1).
 * Walk: 20 at (6000, 4000), 10 at (6000, 5000), 70 at (5000, 5000); bids move to 4000 < 5000.
 * Volume 100 Wh, b* = a* = 5000, p = 500,000. At a* 80 Wh of 100 matched: p2 50, p3 30 (partial), p2 0.
 */
function bookA(ctx: Ctx): Placed[] {
  const { p1, p2, p3, c1, c2, c3 } = ctx;
  return [
    { signer: c1, side: Side.Buy, wh: 30, price: 600_000n },
    { signer: p1, side: Side.Sell, wh: 20, price: 400_000n },
    { signer: c2, side: Side.Buy, wh: 40, price: 500_000n },
    { signer: p2, side: Side.Sell, wh: 50, price: 500_000n },
    { signer: c3, side: Side.Buy, wh: 30, price: 500_000n },
    { signer: p3, side: Side.Sell, wh: 40, price: 500_000n },
    { signer: c1, side: Side.Buy, wh: 10, price: 400_000n },
    { signer: p1, side: Side.Sell, wh: 10, price: 600_000n },
    { signer: p2, side: Side.Sell, wh: 10, price: 500_000n },
  ];
}

/** Hand-computed settlement of book A at p = 500,000 (500 per Wh). */
function bookAFills(ctx: Ctx, ids: bigint[]): Fill[] {
  const { p1, p2, p3, c1, c2, c3 } = ctx;
  return [
    {
      id: ids[0],
      owner: c1,
      side: Side.Buy,
      filled: wh(30),
      payment: 15_000n,
      fee: 0n,
      refund: 3_000n,
    },
    {
      id: ids[1],
      owner: p1,
      side: Side.Sell,
      filled: wh(20),
      payment: 10_000n,
      fee: 0n,
      refund: 0n,
    },
    {
      id: ids[2],
      owner: c2,
      side: Side.Buy,
      filled: wh(40),
      payment: 20_000n,
      fee: 0n,
      refund: 0n,
    },
    {
      id: ids[3],
      owner: p2,
      side: Side.Sell,
      filled: wh(50),
      payment: 25_000n,
      fee: 0n,
      refund: 0n,
    },
    {
      id: ids[4],
      owner: c3,
      side: Side.Buy,
      filled: wh(30),
      payment: 15_000n,
      fee: 0n,
      refund: 0n,
    },
    {
      id: ids[5],
      owner: p3,
      side: Side.Sell,
      filled: wh(30),
      payment: 15_000n,
      fee: 0n,
      refund: wh(10),
    },
    {
      id: ids[6],
      owner: c1,
      side: Side.Buy,
      filled: 0n,
      payment: 0n,
      fee: 0n,
      refund: 4_000n,
    },
    {
      id: ids[7],
      owner: p1,
      side: Side.Sell,
      filled: 0n,
      payment: 0n,
      fee: 0n,
      refund: wh(10),
    },
    {
      id: ids[8],
      owner: p2,
      side: Side.Sell,
      filled: 0n,
      payment: 0n,
      fee: 0n,
      refund: wh(10),
    },
  ];
}
