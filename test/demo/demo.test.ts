import { expect } from "chai";
import { ethers } from "hardhat";
import hre from "hardhat";

import { GAS_PRESETS } from "../../lib/economics";
import { EpochStatus } from "../../lib/enums";
import { buyEscrow, KWH, wh } from "../../lib/units";
import { renderHtml } from "../../scripts/demo/html";
import { parseDemoOptions } from "../../scripts/demo/options";
import { renderText, summarize, Summary } from "../../scripts/demo/report";
import { connectDemoContracts } from "../../scripts/demo/setup";
import { runDemo, UPKEEP_GAS } from "../../scripts/demo/simulation";
import { DEFAULT_OPTIONS, DemoResult } from "../../scripts/demo/types";
import { OracleClient__factory, Registry__factory } from "../../typechain-types";

/** The total `amount` of the Deposited or Withdrawn events `events` in `token`. */
function amountOf(events: { args: { token: string; amount: bigint } }[], token: string): bigint {
  return events.filter((e) => e.args.token === token).reduce((sum, e) => sum + e.args.amount, 0n);
}

describe("Campus-day demo", function () {
  // A short sunny midday with more PV than load: 5 prosumers, 3 consumers, 8 epochs from 11:00 (the utility buys the surplus).
  const options = {
    ...DEFAULT_OPTIONS,
    prosumers: 5,
    consumers: 3,
    epochs: 8,
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
    expect(result.epochs).to.have.length(8);
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
    const fromChain = events.map((e) => [e.args.orderId.toString(), e.args.owner, e.args.filled, e.args.payment]);
    expect(result.fills.map((f) => [f.orderId, f.owner, f.filled, f.payment])).to.deep.equal(fromChain);
    // Orders as placed come from the events; the views still hold the latest epochs' orders (slots are reused).
    const created = await trading.queryFilter(trading.filters.OrderCreated(), result.blocks.first, result.blocks.last);
    const placed = new Map(created.map((e) => [e.args.orderId.toString(), e.args]));
    // The price and the refund of a confirmation follow from EpochMatched and OrderCreated (ITrading.OrderFilled).
    const matched = await trading.queryFilter(trading.filters.EpochMatched(), result.blocks.first, result.blocks.last);
    const prices = new Map(matched.map((e) => [Number(e.args.epoch), e.args.clearingPrice]));
    for (const f of result.fills) {
      expect(f.clearingPrice).to.equal(prices.get(f.epoch));
      expect(f.refund).to.equal(
        f.side === "sell" ? f.amount - f.filled : buyEscrow(f.amount, f.limitPrice) - f.payment,
      );
    }
    const last = result.epochs[result.epochs.length - 1].epoch;
    for (const f of result.fills) {
      expect(placed.get(f.orderId)!.amount).to.equal(f.amount);
      expect(placed.get(f.orderId)!.price).to.equal(f.limitPrice);
      if (f.epoch !== last) continue;
      const order = await trading.getOrder(BigInt(f.orderId));
      expect(order.filled).to.equal(f.filled);
      expect(order.amount).to.equal(f.amount);
      expect(order.price).to.equal(f.limitPrice);
    }
    expect(result.fills.filter((f) => f.epoch === last)).to.not.have.length(0);
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
    // Payment token: what participants lost together is the fee recipient's rounding credit, which it withdrew
    // with everybody else at the end of the day: Trading holds nothing and every account is empty.
    const [admin] = await ethers.getSigners();
    expect(result.feeRecipient.address).to.equal(admin.address);
    expect(-paymentDelta).to.equal(result.feeRecipient.withdrawn.payment);
    expect(result.escrow).to.deep.equal({ grid: 0n, payment: 0n });
    for (const who of [...result.participants.map((p) => p.address), admin.address]) {
      expect(await trading.accountBalance(who, result.addresses.paymentToken)).to.equal(0n);
      expect(await trading.accountBalance(who, result.addresses.gridToken)).to.equal(0n);
    }
  });

  it("trades from market accounts: buyers deposit once, the utility keeps bought GRID, all withdraw at the end", async function () {
    const { trading, usdc } = contracts();
    const from = result.blocks.first;
    const to = result.blocks.last;
    const deposited = await trading.queryFilter(trading.filters.Deposited(), from, to);
    const withdrawn = await trading.queryFilter(trading.filters.Withdrawn(), from, to);
    for (const p of result.participants) {
      const flows = result.accounts[p.address];
      const mine = deposited.filter((e) => e.args.account === p.address);
      const paymentIn = amountOf(mine, result.addresses.paymentToken);
      const gridIn = amountOf(mine, result.addresses.gridToken);
      if (p.role === "prosumer") {
        // Prosumers never deposit: their sell orders pull the shortfall from the wallet.
        expect(flows.deposited).to.equal(0n);
        expect(paymentIn).to.equal(0n);
        expect(gridIn).to.equal(flows.pulled.grid);
      } else {
        // Consumers and the utility deposit once and never pull.
        expect(flows.deposited).to.equal(p.role === "utility" ? 5000n * 10n ** 6n : 100n * 10n ** 6n);
        expect(paymentIn).to.equal(flows.deposited);
        expect(gridIn).to.equal(0n);
        expect(mine).to.have.length(1);
      }
      const out = withdrawn.filter((e) => e.args.account === p.address);
      const gridOut = amountOf(out, result.addresses.gridToken);
      const paymentOut = amountOf(out, result.addresses.paymentToken);
      expect(gridOut).to.equal(flows.withdrawn.grid + flows.coverWithdrawn);
      expect(paymentOut).to.equal(flows.withdrawn.payment);
      expect(await trading.keepsBoughtGrid(p.address)).to.equal(p.role === "utility");
    }
    // The utility's bought GRID stayed in its account, and it withdrew it with its payment token at the end.
    const utility = result.participants.find((p) => p.role === "utility")!;
    const utilityFills = result.fills.filter((f) => f.owner === utility.address);
    const utilityBought = utilityFills.filter((f) => f.side === "buy").reduce((s, f) => s + f.filled, 0n);
    const utilitySold = utilityFills.filter((f) => f.side === "sell").reduce((s, f) => s + f.filled, 0n);
    expect(utilityBought).to.be.greaterThan(0n);
    expect(result.accounts[utility.address].withdrawn.grid).to.equal(utilityBought - utilitySold);
    expect(result.accounts[utility.address].withdrawn.payment).to.equal(await usdc.balanceOf(utility.address));
    // Several orders of one agent in an epoch go out in one createOrders transaction.
    const created = await trading.queryFilter(trading.filters.OrderCreated(), from, to);
    const utilityTxs = new Set(created.filter((e) => e.args.owner === utility.address).map((e) => e.transactionHash));
    const utilityOrders = created.filter((e) => e.args.owner === utility.address).length;
    expect(utilityOrders).to.be.greaterThan(utilityTxs.size);
    const selector = trading.interface.getFunction("createOrders").selector;
    for (const hash of utilityTxs) {
      const count = created.filter((e) => e.transactionHash === hash).length;
      if (count > 1) expect((await ethers.provider.getTransaction(hash))!.data.slice(0, 10)).to.equal(selector);
    }
  });

  it("keeps every upkeep within Chainlink's 5,000,000 maxPerformGas", async function () {
    const { oracle } = contracts();
    const performed = await oracle.queryFilter(
      oracle.filters.UpkeepPerformed(),
      result.blocks.first,
      result.blocks.last,
    );
    expect(performed.length).to.be.greaterThan(0);
    const selector = oracle.interface.getFunction("performUpkeep").selector;
    for (const hash of new Set(performed.map((e) => e.transactionHash))) {
      const tx = (await ethers.provider.getTransaction(hash))!;
      expect(tx.data.slice(0, 10)).to.equal(selector);
      expect(tx.gasLimit).to.equal(UPKEEP_GAS);
    }
    expect(UPKEEP_GAS).to.equal(5_000_000n);
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

  it("prices the gas at the preset and shows savings and earnings before and after gas", function () {
    const econ = summary.economics;
    expect(econ.name).to.equal("l2");
    expect(econ.gasPriceGwei).to.equal(0.01);
    expect(econ.nativeUsd).to.equal(3000);
    const usd = (gas: bigint) => Number(gas) * 0.01 * 1e-9 * 3000;
    expect(econ.consumers.usd).to.be.closeTo(usd(econ.consumers.gas), 1e-12);
    expect(econ.consumerSavingsAfterGas).to.be.closeTo(summary.consumerSavings - usd(econ.consumers.gas), 1e-9);
    expect(econ.prosumerPremiumAfterGas).to.be.closeTo(summary.prosumerPremium - usd(econ.prosumers.gas), 1e-9);
    const own = result.participants.reduce((s, p) => s + result.accounts[p.address].gas, 0n);
    expect(econ.consumers.gas + econ.prosumers.gas + econ.utility.gas).to.equal(own);
    expect(econ.operator.gas + own).to.equal(summary.gas.total);
    expect(econ.perOrder.mean).to.equal(Number(summary.gas.orders) / summary.orders);
    expect(econ.perEpochUsd.mean).to.be.closeTo(summary.gas.perEpochMean * 0.01 * 1e-9 * 3000, 1e-12);
    const l1 = summarize({
      ...result,
      options: { ...result.options, economics: parseDemoOptions(["--preset", "l1"]).economics },
    });
    expect(l1.economics.dayUsd).to.be.closeTo(econ.dayUsd * 1000, 1e-6);
  });

  it("renders the summary table and a self-contained HTML report with four charts and the economics", function () {
    const text = renderText(result, summary, 1);
    expect(text).to.contain(`energy traded`);
    expect(text).to.contain(`${summary.clearedEpochs}/8 epochs`);
    expect(text).to.contain("after the consumers' own gas");
    expect(text).to.contain("gas per order: mean / max");
    const html = renderHtml(result, summary, 1);
    expect(html.match(/<svg /g)).to.have.length(4);
    expect(html).to.contain('<h2 id="economics">Economics</h2>');
    expect(html).to.contain("assumptions as of 2026-11");
    expect(html).to.contain("USDC after the prosumers' own gas");
    expect(html).to.not.match(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).to.contain(
      "npm run demo -- --prosumers 5 --consumers 3 --epochs 8 --seed 11 --start-hour 11 --weather clear",
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
    ).to.deep.equal({
      ...DEFAULT_OPTIONS,
      out: "reports/",
      network: undefined,
      help: false,
      weather: undefined,
      serve: undefined,
    });
    expect(parseDemoOptions(["--serve"]).serve).to.deep.equal({ epochSeconds: 30, port: 0 });
    expect(parseDemoOptions(["--serve", "--epoch-seconds", "10", "--port", "5173"]).serve).to.deep.equal({
      epochSeconds: 10,
      port: 5173,
    });
    expect(() => parseDemoOptions(["--serve", "--epoch-seconds", "1"])).to.throw("--epoch-seconds must be at least 2");
    expect(() => parseDemoOptions(["--port", "5173"])).to.throw("--epoch-seconds and --port go with --serve");
    expect(parseDemoOptions(["--preset", "l1"]).economics).to.deep.equal(GAS_PRESETS.l1);
    expect(parseDemoOptions(["--preset", "l1", "--gas-price-gwei", "25"]).economics).to.include({
      name: "custom",
      gasPriceGwei: 25,
      nativeUsd: 3000,
    });
    expect(parseDemoOptions(["--native-usd", "2500"]).economics).to.include({ gasPriceGwei: 0.01, nativeUsd: 2500 });
    expect(() => parseDemoOptions(["--preset", "l3"])).to.throw("--preset is l2 or l1");
    expect(() => parseDemoOptions(["--gas-price-gwei", "-1"])).to.throw("--gas-price-gwei must be at least 0");
    expect(() => parseDemoOptions(["--prosumer", "3"])).to.throw("unknown option --prosumer");
    expect(() => parseDemoOptions(["--epochs", "2.5"])).to.throw("--epochs must be a whole number");
  });
});
