// The services on a real chain's terms: event scans against an endpoint that caps log ranges, transactions stuck
// below the base fee or left pending by a crashed run, and two keepers racing for the same upkeep.
import { expect } from "chai";
import type { Provider } from "ethers";
import hre from "hardhat";

import { scanEvents } from "../../lib/events";
import { bumpFees, TxSender } from "../../lib/sender";
import { EpochStatus } from "../../lib/enums";
import { MAX_PERFORM_GAS } from "../../lib/keeper";
import { type KeeperOptions, type KeeperStats, StopSignal, runKeeper } from "../../tasks/keeper";
import { setup } from "../../tasks/common";
import { capture, deploySystem, deployWithEndedEpoch, load } from "./helpers";

const GWEI = 1_000_000_000n;

/** `provider` behind an endpoint that refuses eth_getLogs over more than `cap` blocks; counts the requests. */
function cappedProvider(provider: Provider, cap: number, ranges: [number, number][]): Provider {
  const proxy: Provider = new Proxy(provider, {
    get(target, key) {
      if (key === "provider") return proxy;
      if (key === "getLogs") {
        return async (filter: { fromBlock: number; toBlock: number }) => {
          ranges.push([filter.fromBlock, filter.toBlock]);
          if (filter.toBlock - filter.fromBlock + 1 > cap) throw new Error(`block range over ${cap}`);
          return target.getLogs(filter);
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return proxy;
}

async function withAutomineOff<T>(intervalMs: number, body: () => Promise<T>): Promise<T> {
  await hre.network.provider.send("evm_setAutomine", [false]);
  await hre.network.provider.send("evm_setIntervalMining", [intervalMs]);
  try {
    return await body();
  } finally {
    await hre.network.provider.send("evm_setIntervalMining", [0]);
    await hre.network.provider.send("evm_setAutomine", [true]);
  }
}

describe("services on real chains", () => {
  describe("#scanEvents", () => {
    it("halves a refused range until the endpoint accepts it, and reports every chunk", async () => {
      const { paymentToken } = await load(deploySystem);
      const [admin] = await hre.ethers.getSigners();
      const from = (await hre.ethers.provider.getBlockNumber()) + 1;
      for (let i = 1; i <= 20; i++) await paymentToken.mint(admin.address, i);
      const to = from + 19;
      const ranges: [number, number][] = [];
      const token = paymentToken.connect(cappedProvider(hre.ethers.provider, 5, ranges));
      const chunks: [number, number][] = [];
      const result = await scanEvents(token, token.filters.Transfer(), from, to, {
        chunk: 16,
        onChunk: (events, end) => {
          chunks.push([events.length, end]);
        },
      });
      expect(result.events.map((e) => e.args.value)).to.deep.equal(Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
      // 16 blocks refused, 8 refused, then five chunks of 4.
      expect([result.requests, result.refused]).to.deep.equal([7, 2]);
      expect(ranges.slice(0, 3)).to.deep.equal([
        [from, from + 15],
        [from, from + 7],
        [from, from + 3],
      ]);
      expect(chunks).to.deep.equal([0, 1, 2, 3, 4].map((k) => [4, from + 4 * k + 3]));
    });

    it("throws when a single block is refused, after reporting the chunks before it", async () => {
      const { paymentToken } = await load(deploySystem);
      const from = await hre.ethers.provider.getBlockNumber();
      const token = paymentToken.connect(cappedProvider(hre.ethers.provider, 0, []));
      const ends: number[] = [];
      await expect(
        scanEvents(token, token.filters.Transfer(), from, from + 1, { onChunk: (_, end) => void ends.push(end) }),
      ).to.be.rejectedWith("block range over 0");
      expect(ends).to.deep.equal([]);
    });
  });

  describe("#TxSender", () => {
    it("replaces a transaction stuck below the base fee with the same nonce and higher fees", async () => {
      await load(deploySystem);
      const [, sender, to] = await hre.ethers.getSigners();
      const nonce = await sender.getNonce("latest");
      const before = await hre.ethers.provider.getBalance(to.address);
      const lines: string[] = [];
      const tx = new TxSender(sender, {
        stuckAfterMs: 600,
        pollMs: 50,
        initialFees: () => ({ maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }),
        log: (line) => lines.push(line),
      });
      const sent = await withAutomineOff(100, () => tx.send(async () => ({ to: to.address, value: 7n })));
      expect([sent.nonce, sent.replacements, sent.hashes.length]).to.deep.equal([nonce, 1, 2]);
      expect(sent.receipt.hash).to.equal(sent.hashes[1]);
      expect(await hre.ethers.provider.getTransactionReceipt(sent.hashes[0])).to.equal(null);
      expect(await sender.getNonce("latest")).to.equal(nonce + 1);
      expect((await hre.ethers.provider.getBalance(to.address)) - before).to.equal(7n);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(new RegExp(`^nonce ${nonce}: ${sent.hashes[0]} not mined after 600 ms; replacing it`));
    });

    it("replaces what a crashed run left pending at the confirmed nonce instead of queueing behind it", async () => {
      await load(deploySystem);
      const [, sender, to, other] = await hre.ethers.getSigners();
      const nonce = await sender.getNonce("latest");
      const sent = await withAutomineOff(100, async () => {
        // The crashed run's transaction: the node holds it, and it can never be mined.
        const stuck = await sender.sendTransaction({
          to: other.address,
          value: 1n,
          maxFeePerGas: 1n,
          maxPriorityFeePerGas: 1n,
        });
        const result = await new TxSender(sender, { stuckAfterMs: 5000, pollMs: 50 }).send(async () => ({
          to: to.address,
          value: 3n,
        }));
        expect(await hre.ethers.provider.getTransactionReceipt(stuck.hash)).to.equal(null);
        return result;
      });
      expect([sent.nonce, sent.replacements, sent.hashes.length]).to.deep.equal([nonce, 0, 1]);
      expect(await sender.getNonce("latest")).to.equal(nonce + 1);
    });

    it("raises the fee cap by the bump and at least to twice the base fee plus the tip", () => {
      const fees = { maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 2n * GWEI };
      expect(bumpFees(fees, 25, 10n * GWEI, GWEI)).to.deep.equal({
        maxFeePerGas: 125n * GWEI,
        maxPriorityFeePerGas: 2_500_000_000n,
      });
      expect(bumpFees({ maxFeePerGas: 1n, maxPriorityFeePerGas: 1n }, 25, 10n * GWEI, GWEI)).to.deep.equal({
        maxFeePerGas: 21n * GWEI,
        maxPriorityFeePerGas: GWEI,
      });
    });
  });

  describe("keeper", () => {
    const OPTIONS: KeeperOptions = {
      intervalMs: 10,
      once: true,
      maxRetries: 0,
      backoffMs: 10,
      maxBackoffMs: 10,
      maxPerformsPerIteration: 50,
      direct: false,
      matchSteps: 200n,
      settleOrders: 100n,
      stuckAfterMs: 10_000,
    };

    it("sends performUpkeep with Chainlink's 5,000,000 gas limit", async () => {
      const { epoch, trading } = await load(deployWithEndedEpoch);
      const [admin] = await hre.ethers.getSigners();
      const ctx = await capture(() => setup(hre, { from: admin.address }));
      const from = (await hre.ethers.provider.getBlockNumber()) + 1;
      await capture(() => runKeeper(ctx.result, OPTIONS, new StopSignal()));
      expect((await trading.getEpochResult(epoch)).status).to.equal(BigInt(EpochStatus.Settled));
      const block = await hre.ethers.provider.getBlock(from, true);
      expect(block!.prefetchedTransactions.map((t) => t.gasLimit)).to.deep.equal([MAX_PERFORM_GAS]);
    });

    it("two keepers racing for one upkeep: the loser recognises OracleClientNoUpkeepNeeded and does not fail", async () => {
      const { epoch, trading, oracleClient } = await load(deployWithEndedEpoch);
      const [admin, , , , , , , , operator] = await hre.ethers.getSigners();
      await oracleClient.addOracleOperator(operator.address);
      const a = (await capture(() => setup(hre, { from: admin.address }))).result;
      const b = (await capture(() => setup(hre, { from: operator.address }))).result;
      const from = (await hre.ethers.provider.getBlockNumber()) + 1;
      // Both check the same state, both send; the block holds both, and the second reverts on-chain.
      const { result, lines } = await capture(() =>
        withAutomineOff(500, () =>
          Promise.all([runKeeper(a, OPTIONS, new StopSignal()), runKeeper(b, OPTIONS, new StopSignal())]),
        ),
      );
      const stats = result as KeeperStats[];
      expect(stats.map((s) => s.failures)).to.deep.equal([0, 0]);
      expect(stats.map((s) => s.performs).sort()).to.deep.equal([0, 1]);
      expect(lines.filter((l) => l.includes("the work was already done by someone else"))).to.have.length(1);
      expect((await trading.getEpochResult(epoch)).status).to.equal(BigInt(EpochStatus.Settled));
      const performed = await oracleClient.queryFilter(oracleClient.filters.UpkeepPerformed(), from);
      // One transaction did all the work (its match and settle stages); the loser's reverted and emitted nothing.
      expect(performed.map((e) => [e.args.epoch, e.args.done])).to.deep.equal([
        [epoch, true],
        [epoch, true],
      ]);
      expect(new Set(performed.map((e) => e.transactionHash)).size).to.equal(1);
    });
  });
});
