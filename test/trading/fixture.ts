// Fixture of the Trading suite (test/trading/*.test.ts): the market from the GridMarket Ignition module with
// funded users, and the suite's constants.
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";

import { deployMarket } from "../fixtures";
import {
  DEFAULT_EPOCH_LENGTH,
  DEFAULT_FEE_BPS,
  DEFAULT_MAX_ORDERS_PER_USER,
  DEFAULT_MAX_PRICE,
  DEFAULT_MIN_ORDER_AMOUNT,
  DEFAULT_TICK_SIZE,
  wh,
} from "../helpers/constants";
import { Side, UserStatus, UserType } from "../helpers/enums";
import { closeEpoch, place } from "./helpers";

// ───────────────────────────────────────── CONSTANTS ─────────────────────────────────────────

export const Prosumer = UserType.Prosumer;
export const Consumer = UserType.Consumer;
export const Suspended = UserStatus.Suspended;

export const EPOCH_LENGTH = DEFAULT_EPOCH_LENGTH;
export const TICK = DEFAULT_TICK_SIZE;
export const MAX_PRICE = DEFAULT_MAX_PRICE;
export const MIN_ORDER = DEFAULT_MIN_ORDER_AMOUNT;
export const MAX_ORDERS = DEFAULT_MAX_ORDERS_PER_USER;
export const MAX_UINT32 = 2n ** 32n - 1n;
export const METER = ethers.encodeBytes32String("METER-1");
export const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
export const DEFAULT_PARAMS: Record<
  "tickSize" | "maxPrice" | "minOrderAmount" | "maxOrdersPerUser" | "feeBps",
  bigint
> = {
  tickSize: TICK,
  maxPrice: MAX_PRICE,
  minOrderAmount: MIN_ORDER,
  maxOrdersPerUser: MAX_ORDERS,
  feeBps: DEFAULT_FEE_BPS,
};

// ───────────────────────────────────────── FIXTURE ───────────────────────────────────────────

/**
 * The market as deployed by the GridMarket Ignition module (fee recipient: the admin), with three prosumers
 * holding 100 kWh of GRID each (p3 passed 10 kWh on to the market maker `mm`), three consumers, and everyone
 * funded with 1,000,000 USDC and both tokens approved to Trading. The admin mints GRID directly (made a minter
 * for the purpose) and `regulator` is a second REC regulator. Every test starts at the first second of a fresh
 * epoch, `epoch`.
 */
export async function deployTradingFixture() {
  const [admin, p1, p2, p3, c1, c2, c3, mm, outsider, feeSink, regulator] = await ethers.getSigners();
  const {
    registry,
    gridToken: grid,
    paymentToken: usdc,
    trading,
  } = await deployMarket({ feeRecipient: admin.address });

  await registry.addRecRegulator(regulator.address);
  for (const p of [p1, p2, p3]) await registry.registerUser(p.address, Prosumer, "Solar roof");
  for (const c of [c1, c2, c3]) await registry.registerUser(c.address, Consumer, "Dorm");
  await grid.addMinter(admin.address);
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

  return { registry, grid, usdc, trading, admin, p1, p2, p3, c1, c2, c3, mm, outsider, feeSink, regulator, epoch };
}

export type Ctx = Awaited<ReturnType<typeof deployTradingFixture>>;

/**
 * {@link deployTradingFixture} loaded with `loadFixture`: its fields, to destructure, beside the whole context `ctx`
 * that the suite's helpers take (`const { ctx, trading, epoch } = await loadTrading();`).
 */
export async function loadTrading(): Promise<Ctx & { ctx: Ctx }> {
  const ctx = await loadFixture(deployTradingFixture);
  return { ...ctx, ctx };
}

/** {@link deployTradingFixture} with one minimum sell order (10 Wh at one tick) of `p1` in `epoch`, id `sellId`. */
export async function oneSellFixture() {
  const ctx = await deployTradingFixture();
  const [sellId] = await place(ctx.trading, [{ signer: ctx.p1, side: Side.Sell, wh: 10, price: TICK }]);
  return { ...ctx, sellId };
}

/** {@link oneSellFixture} once `epoch` has ended: ready for `matchOrders`. */
export async function oneSellClosedFixture() {
  const ctx = await oneSellFixture();
  await closeEpoch(ctx.trading, ctx.epoch);
  return ctx;
}
