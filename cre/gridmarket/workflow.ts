// The GridMarket CRE workflow (SPEC 12): on every cron tick it
//   (a) fetches the head-end's readings of the last intervals over the HTTP capability, agrees on them by identical
//       consensus, and writes them to OracleClient.onReport as readings reports (at most maxReadingsPerReport each);
//   (b) reads the pending clearing work through the EVM capability and, when there is work, writes a clearing report.
// A head-end failure does not stop (b): the market keeps clearing, and the run still ends in an error so that the
// failure shows in the workflow's execution history.
import { consensusIdenticalAggregation, type CronPayload, cre, type Runtime } from "@chainlink/cre-sdk";
import type { Address } from "viem";

import type { Config } from "./config";
import { fetchReadings, readingsOf, readingsWindow } from "./headEnd";
import { type EvmClient, evmClient, readForwarder, readPendingWork, writeReport } from "./oracle";
import { encodeClearingReport, encodeReadingsReport } from "./reports";

/** (a): returns how many readings were written. */
function submitReadings(runtime: Runtime<Config>, evm: EvmClient, scheduledAt: number): number {
  const { headEnd, maxReadingsPerReport } = runtime.config;
  const window = readingsWindow(scheduledAt, headEnd.intervalSeconds, headEnd.lookbackIntervals);
  const apiKey =
    headEnd.apiKeySecret === undefined ? undefined : runtime.getSecret({ id: headEnd.apiKeySecret }).result().value;
  const observation = new cre.capabilities.HTTPClient()
    .sendRequest(
      runtime,
      fetchReadings,
      consensusIdenticalAggregation<string>(),
    )({
      url: headEnd.url,
      window,
      maxPages: headEnd.maxPages,
      apiKey,
    })
    .result();
  const readings = readingsOf(observation);
  runtime.log(`head-end: ${readings.length} readings in (${window.since}, ${window.until}]`);
  if (readings.length === 0) return 0;

  const oracle = runtime.config.oracleClient as Address;
  for (let i = 0; i < readings.length; i += maxReadingsPerReport) {
    const batch = readings.slice(i, i + maxReadingsPerReport);
    const tx = writeReport(runtime, evm, oracle, encodeReadingsReport(batch), runtime.config.gasLimit.readings);
    runtime.log(`readings report: ${batch.length} readings, transaction ${tx}`);
  }
  return readings.length;
}

/** (b): returns what the clearing report did, or undefined when there was no work. */
function triggerClearing(runtime: Runtime<Config>, evm: EvmClient): string | undefined {
  const oracle = runtime.config.oracleClient as Address;
  const pending = readPendingWork(runtime, evm, oracle, runtime.config.blockConfidence);
  if (pending === undefined) {
    runtime.log("clearing: no pending work");
    return undefined;
  }
  const tx = writeReport(runtime, evm, oracle, encodeClearingReport(), runtime.config.gasLimit.clearing);
  runtime.log(`clearing report: ${pending.work} epoch ${pending.epoch}, transaction ${tx}`);
  return `${pending.work} epoch ${pending.epoch}`;
}

export function onCron(runtime: Runtime<Config>, payload: CronPayload): string {
  const seconds = payload.scheduledExecutionTime?.seconds;
  if (seconds === undefined) throw new Error("the cron trigger gave no scheduled execution time");

  const evm = evmClient(runtime.config.chainSelectorName);
  const oracle = runtime.config.oracleClient as Address;
  const forwarder = readForwarder(runtime, evm, oracle, runtime.config.blockConfidence);
  if (forwarder.toLowerCase() !== runtime.config.forwarder.toLowerCase()) {
    throw new Error(
      `OracleClient ${oracle} accepts reports from ${forwarder}, not from the configured forwarder ` +
        `${runtime.config.forwarder}: run gridmarket:set-cre, or fix the config; nothing was written`,
    );
  }

  let readings: number | undefined;
  let failure: Error | undefined;
  try {
    readings = submitReadings(runtime, evm, Number(seconds));
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
    runtime.log(`readings skipped: ${failure.message}`);
  }
  const clearing = triggerClearing(runtime, evm);
  if (failure !== undefined) throw failure;
  return `readings: ${readings}; clearing: ${clearing ?? "none"}`;
}

export function initWorkflow(config: Config) {
  const cron = new cre.capabilities.CronCapability();
  return [cre.handler(cron.trigger({ schedule: config.schedule }), onCron)];
}
