import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";

import { deployMarket } from "../fixtures";
import { orderId } from "../helpers/constants";
import { Side } from "../helpers/enums";
import {
  EPOCH_LENGTH,
  TICK,
  MAX_PRICE,
  MIN_ORDER,
  MAX_ORDERS,
  DEFAULT_PARAMS,
  deployTradingFixture,
  type Ctx,
} from "./fixture";

describe("Trading", function () {
  describe("#constructor", function () {
    // The constructor's own checks (its events, its reverts, a genesis taken from the exact deployment time) need
    // the deployment transaction itself, so these deploy Trading alone against the fixture's Registry and tokens;
    // variants that deploy cleanly go through the Ignition module's parameters (`deployMarket`).
    // Trading is linked to the Clearing, TradingViews and MarketAccounts libraries (as the Ignition module links
    // it); the libraries are deployed first, so that `deployAt` is the timestamp of Trading's own deployment.
    async function deploy(
      ctx: Ctx,
      overrides: Partial<{ registry: string; grid: string; usdc: string }>,
      args: {
        genesis?: bigint;
        epochLength?: bigint;
        params?: Partial<Record<keyof typeof DEFAULT_PARAMS, bigint> & { feeRecipient: string }>;
        deployAt?: bigint;
      },
    ) {
      const libraries: Record<string, string> = {};
      for (const name of ["Clearing", "TradingViews", "MarketAccounts"]) {
        libraries[name] = await (await ethers.deployContract(name)).getAddress();
      }
      const factory = await ethers.getContractFactory("Trading", { libraries });
      if (args.deployAt !== undefined) await time.setNextBlockTimestamp(args.deployAt);
      return factory.deploy(
        overrides.registry ?? (await ctx.registry.getAddress()),
        overrides.grid ?? (await ctx.grid.getAddress()),
        overrides.usdc ?? (await ctx.usdc.getAddress()),
        args.genesis ?? 0n,
        args.epochLength ?? EPOCH_LENGTH,
        { ...DEFAULT_PARAMS, feeRecipient: ctx.admin.address, ...args.params },
        ctx.admin.address,
        0,
      );
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
      const trading = await deploy(ctx, {}, { epochLength: 600n, deployAt });
      expect(await trading.genesis()).to.equal(deployAt - (deployAt % 600n));
      expect(await trading.epochLength()).to.equal(600n);
    });

    it("keeps an explicit genesis in the past, aligned or not", async function () {
      await loadFixture(deployTradingFixture);
      const genesis = BigInt(await time.latest()) - 1_234n;
      const { trading } = await deployMarket({ genesis });
      expect(await trading.genesis()).to.equal(genesis);
      expect(await trading.epochStart(0n)).to.equal(genesis);
      expect(await trading.currentEpoch()).to.equal((BigInt(await time.latest()) - genesis) / EPOCH_LENGTH);
    });

    it("accepts epoch lengths from 60 s to one day", async function () {
      await loadFixture(deployTradingFixture);
      for (const epochLength of [60n, 86_400n]) {
        const { trading } = await deployMarket({ epochLength });
        expect(await trading.epochLength()).to.equal(epochLength);
      }
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
        .withArgs(orderId(epoch, 1), epoch, c1.address, Side.Buy, MIN_ORDER, TICK);
      await time.setNextBlockTimestamp(end);
      await expect(trading.connect(c1).createBuyOrder(MIN_ORDER, TICK))
        .to.emit(trading, "OrderCreated")
        .withArgs(orderId(epoch + 1n, 1), epoch + 1n, c1.address, Side.Buy, MIN_ORDER, TICK);
    });
  });
});
