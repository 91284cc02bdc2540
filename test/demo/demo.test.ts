import { expect } from "chai";
import { ethers } from "hardhat";
import hre from "hardhat";

import { EpochStatus } from "../../lib/enums";
import { KWH, wh } from "../../lib/units";
import { renderHtml } from "../../scripts/demo/html";
import { parseDemoOptions } from "../../scripts/demo/options";
import { renderText, summarize, Summary } from "../../scripts/demo/report";
import { connectDemoContracts } from "../../scripts/demo/setup";
import { runDemo } from "../../scripts/demo/simulation";
import { DEFAULT_OPTIONS, DemoResult } from "../../scripts/demo/types";
import { OracleClient__factory, Registry__factory } from "../../typechain-types";

describe("Campus-day demo", function () {
  // A short sunny midday: 3 prosumers, 5 consumers, 4 epochs from 11:00.
  const options = {
    ...DEFAULT_OPTIONS,
    prosumers: 3,
    consumers: 5,
    epochs: 4,
    seed: 11,
    startHour: 11,
    weather: "clear" as const,
    quiet: true,
  };
  let result: DemoResult;
  let summary: Summary;

  before(async function () {
    result = await runDemo(hre, options);
    summary = summarize(result);
  });

  function contracts() {
    return connectDemoContracts(result.addresses, ethers.provider);
  }

  it("trades in a sunny midday and settles every epoch", async function () {
    const { trading } = contracts();
    expect(result.epochs).to.have.length(4);
    expect(summary.tradedKwh).to.be.greaterThan(0);
    for (const e of result.epochs) {
      const onChain = await trading.getEpochResult(e.epoch);
      expect(onChain.status, `epoch ${e.epoch}`).to.equal(BigInt(EpochStatus.Settled));
      expect(onChain.clearingPrice).to.equal(e.clearingPrice);
      expect(onChain.volume).to.equal(e.volume);
      expect(onChain.orderCount).to.equal(BigInt(e.buyOrders + e.sellOrders));
    }
  });

  it("reports exactly the fills the Trading contract emitted", async function () {
    const { trading } = contracts();
    const events = await trading.queryFilter(trading.filters.OrderFilled(), result.blocks.first, result.blocks.last);
    expect(events).to.have.length(result.fills.length);
    const fromChain = events.map((e) => [
      e.args.orderId.toString(),
      e.args.owner,
      e.args.filled,
      e.args.clearingPrice,
      e.args.payment,
      e.args.refund,
    ]);
    expect(result.fills.map((f) => [f.orderId, f.owner, f.filled, f.clearingPrice, f.payment, f.refund])).to.deep.equal(
      fromChain,
    );
    for (const f of result.fills) {
      const order = await trading.getOrder(BigInt(f.orderId));
      expect(order.filled).to.equal(f.filled);
      expect(order.amount).to.equal(f.amount);
      expect(order.price).to.equal(f.limitPrice);
    }
  });

  it("reports traded energy, prices, savings and earnings that the events reproduce", async function () {
    const { trading } = contracts();
    const matched = await trading.queryFilter(trading.filters.EpochMatched(), result.blocks.first, result.blocks.last);
    const traded = matched.filter((e) => e.args.volume > 0n);
    const volume = traded.reduce((s, e) => s + e.args.volume, 0n);
    expect(summary.tradedKwh).to.equal(Number(volume) / 1e18);
    const prices = traded.map((e) => Number(e.args.clearingPrice) / 1e6);
    expect(summary.price.min).to.equal(Math.min(...prices));
    expect(summary.price.max).to.equal(Math.max(...prices));
    expect(summary.clearedEpochs).to.equal(traded.length);
    for (const p of prices) expect(p).to.be.within(options.feedIn, options.retail);

    const role = new Map(result.participants.map((p) => [p.address, p.role]));
    const fills = await trading.queryFilter(trading.filters.OrderFilled(), result.blocks.first, result.blocks.last);
    let consumerKwh = 0n;
    let consumerPaid = 0n;
    let prosumerKwh = 0n;
    let prosumerGot = 0n;
    for (const e of fills) {
      if (role.get(e.args.owner) === "consumer") {
        consumerKwh += e.args.filled;
        consumerPaid += e.args.payment;
      } else if (role.get(e.args.owner) === "prosumer") {
        prosumerKwh += e.args.filled;
        prosumerGot += e.args.payment;
      }
    }
    expect(summary.consumerSavings).to.equal(Number((consumerKwh * 300_000n) / KWH - consumerPaid) / 1e6);
    expect(summary.prosumerPremium).to.equal(Number(prosumerGot - (prosumerKwh * 80_000n) / KWH) / 1e6);
    expect(summary.consumerBoughtKwh + summary.utilityBoughtKwh).to.be.closeTo(summary.tradedKwh, 1e-9);
  });

  it("reports the balances the tokens hold, and every GRID is accounted for", async function () {
    const { grid, usdc, trading } = contracts();
    let paymentDelta = 0n;
    for (const p of result.participants) {
      expect(await grid.balanceOf(p.address)).to.equal(result.final[p.address].grid);
      expect(await usdc.balanceOf(p.address)).to.equal(result.final[p.address].payment);
      // GRID: minted for export - burned for import + bought - sold.
      const mine = result.fills.filter((f) => f.owner === p.address);
      const bought = mine.filter((f) => f.side === "buy").reduce((s, f) => s + f.filled, 0n);
      const sold = mine.filter((f) => f.side === "sell").reduce((s, f) => s + f.filled, 0n);
      const { minted, burned } = result.metered[p.address];
      expect(result.final[p.address].grid).to.equal(minted - burned + bought - sold);
      paymentDelta += result.final[p.address].payment - result.initial[p.address].payment;
    }
    // Payment token: what participants lost together is the fee recipient's rounding credit, still in Trading.
    const [admin] = await ethers.getSigners();
    const credit = await trading.credits(admin.address, result.addresses.paymentToken);
    expect(result.escrow.payment).to.equal(credit);
    expect(-paymentDelta).to.equal(credit);
    expect(result.escrow.grid).to.equal(await trading.credits(admin.address, result.addresses.gridToken));
  });

  it("mints exactly the metered export and burns what owners held of their import", async function () {
    const { grid } = contracts();
    const minted = await grid.queryFilter(grid.filters.Minted(), result.blocks.first, result.blocks.last);
    const burned = await grid.queryFilter(grid.filters.Burned(), result.blocks.first, result.blocks.last);
    for (const p of result.participants) {
      expect(minted.filter((e) => e.args.to === p.address).reduce((s, e) => s + e.args.amount, 0n)).to.equal(
        result.metered[p.address].minted,
      );
      expect(burned.filter((e) => e.args.from === p.address).reduce((s, e) => s + e.args.amount, 0n)).to.equal(
        result.metered[p.address].burned,
      );
    }
    for (const e of result.epochs) {
      expect(e.minted, `epoch ${e.epoch}`).to.equal(wh(e.exportWh));
      expect(e.burned <= wh(e.importWh)).to.equal(true);
      expect(e.readingsRejected).to.equal(0);
      expect(e.readingsAccepted).to.equal(options.prosumers + options.consumers);
    }
  });

  it("renders the summary table and a self-contained HTML report with four charts", function () {
    const text = renderText(result, summary, 1);
    expect(text).to.contain(`energy traded`);
    expect(text).to.contain(`${summary.clearedEpochs}/4 epochs`);
    const html = renderHtml(result, summary, 1);
    expect(html.match(/<svg /g)).to.have.length(4);
    expect(html).to.not.match(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).to.contain(
      "npm run demo -- --prosumers 3 --consumers 5 --epochs 4 --seed 11 --start-hour 11 --weather clear",
    );
  });

  it("with --signed, relays every reading as signed by its meter's registered key", async function () {
    const signed = await runDemo(hre, { ...options, prosumers: 2, consumers: 2, epochs: 2, signed: true });
    const oracle = OracleClient__factory.connect(signed.addresses.oracleClient, ethers.provider);
    const events = await oracle.queryFilter(oracle.filters.ReadingAccepted(), signed.blocks.first, signed.blocks.last);
    expect(events).to.have.length(4 * 3); // baseline + 2 intervals, 4 meters
    const selector = oracle.interface.getFunction("submitSignedReadings").selector;
    for (const hash of new Set(events.map((e) => e.transactionHash))) {
      expect((await ethers.provider.getTransaction(hash))!.data.slice(0, 10)).to.equal(selector);
    }
    const registry = Registry__factory.connect(signed.addresses.registry, ethers.provider);
    for (const p of signed.participants.filter((x) => x.meterId !== undefined)) {
      expect(await registry.getMeterSigner(p.meterId!)).to.not.equal(ethers.ZeroAddress);
    }
    expect(signed.epochs.reduce((s, e) => s + e.minted, 0n)).to.equal(
      BigInt(signed.epochs.reduce((s, e) => s + e.exportWh, 0)) * 10n ** 15n,
    );
  });

  it("parses the npm options", function () {
    expect(
      parseDemoOptions([
        "--prosumers",
        "12",
        "--consumers",
        "24",
        "--epochs",
        "96",
        "--seed",
        "7",
        "--out",
        "reports/",
      ]),
    ).to.deep.equal({ ...DEFAULT_OPTIONS, out: "reports/", network: undefined, help: false, weather: undefined });
    expect(() => parseDemoOptions(["--prosumer", "3"])).to.throw("unknown option --prosumer");
    expect(() => parseDemoOptions(["--epochs", "2.5"])).to.throw("--epochs must be a whole number");
  });
});
