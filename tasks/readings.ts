// Meter data: submit reading files (operator batches or meter-signed batches), request and fulfil single readings.
import { task } from "hardhat/config";

import { type Context, gridTask } from "./common";
import { meterOf, withMeter } from "./meters";
import { CliError, ensure } from "../lib/errors";
import { describeMeterId } from "../lib/meters";
import { say, sayFields, sayTable } from "../lib/output";
import { type ReadingOutcome, readingOutcomes, type ReadingRow, readReadingsFile } from "../lib/readings";
import { eventsOf, send } from "../lib/tx";
import { RequestStatus } from "../lib/enums";
import { formatKwh, parseInteger } from "../lib/units";

export type { ReadingOutcome };

async function requireOperator(ctx: Context): Promise<void> {
  ensure(
    await ctx.d.oracleClient.isOracleOperator(ctx.signer.address),
    `${ctx.signer.address} is not an oracle operator; a regulator can run ` +
      `gridmarket:add-oracle-operator --account ${ctx.signer.address}`,
  );
}

function outcomesOf(ctx: Context, receipt: Parameters<typeof eventsOf>[0]): ReadingOutcome[] {
  return readingOutcomes(receipt.logs, ctx.d.oracleClient);
}

/** `gridmarket:fulfill-request`'s options: the request and the reading's registers. */
function parseFulfilment(args: { requestId: string; exportWh: string; importWh: string; readAt?: string }) {
  return {
    requestId: parseInteger("--request-id", args.requestId, 1n),
    exportWh: parseInteger("--export-wh", args.exportWh, 0n, 2n ** 64n - 1n),
    importWh: parseInteger("--import-wh", args.importWh, 0n, 2n ** 64n - 1n),
    readAt: args.readAt,
  };
}

function printOutcomes(outcomes: ReadingOutcome[]): void {
  sayTable(
    ["meter", "readAt", "result", "minted", "burned"],
    outcomes.map((o) => [
      describeMeterId(o.meterId),
      new Date(Number(o.readAt) * 1000).toISOString(),
      o.accepted ? "accepted" : `rejected: ${o.reason}`,
      formatKwh(o.minted),
      formatKwh(o.burned),
    ]),
  );
}

gridTask(
  task("gridmarket:submit-readings", "Submits meter readings from a JSON or CSV file (see lib/readings.ts)")
    .addParam("file", "Reading file (.json or .csv); signed files go through submitSignedReadings")
    .addOptionalParam("batchSize", "Readings per transaction (1 to MAX_BATCH_LENGTH)", "100"),
  (args: { file: string; batchSize: string }) => ({ rows: readReadingsFile(args.file), batchSize: args.batchSize }),
  async (ctx, { rows, batchSize: batchSizeText }) => {
    const max = await ctx.d.oracleClient.MAX_BATCH_LENGTH();
    const batchSize = Number(parseInteger("--batch-size", batchSizeText, 1n, max));
    const signed = rows[0].signature !== undefined;
    if (!signed) await requireOperator(ctx);

    const outcomes: ReadingOutcome[] = [];
    for (let start = 0; start < rows.length; start += batchSize) {
      const batch: ReadingRow[] = rows.slice(start, start + batchSize);
      const readings = batch.map((r) => ({
        meterId: r.meterId,
        exportWh: r.exportWh,
        importWh: r.importWh,
        readAt: r.readAt,
      }));
      const label = `${signed ? "submitSignedReadings" : "submitReadings"} ${start + 1}-${start + batch.length} of ${rows.length}`;
      const receipt = await send(
        label,
        () =>
          signed
            ? ctx.d.oracleClient.submitSignedReadings(
                readings,
                batch.map((r) => r.signature as string),
              )
            : ctx.d.oracleClient.submitReadings(readings),
        ctx.decoders,
      );
      outcomes.push(...outcomesOf(ctx, receipt));
    }
    printOutcomes(outcomes);
    const accepted = outcomes.filter((o) => o.accepted).length;
    say(`${accepted} accepted, ${outcomes.length - accepted} rejected`);
    return outcomes;
  },
);

gridTask(
  withMeter(
    task(
      "gridmarket:request-data",
      "Asks the oracle operators for a fresh reading of a meter (owner, regulator or operator)",
    ),
  ),
  meterOf,
  async (ctx, meterId) => {
    const receipt = await send("requestEnergyData", () => ctx.d.oracleClient.requestEnergyData(meterId), ctx.decoders);
    const [event] = eventsOf(receipt, ctx.d.oracleClient, "EnergyDataRequested");
    if (event === undefined) throw new CliError("requestEnergyData emitted no EnergyDataRequested event");
    const requestId = BigInt(event.args.requestId as bigint);
    const request = await ctx.d.oracleClient.getRequest(requestId);
    sayFields([
      ["request id", String(requestId)],
      ["meter", describeMeterId(request.meterId)],
      ["requester", request.requester],
      ["expires at", new Date(Number(request.expiresAt) * 1000).toISOString()],
    ]);
    return { requestId, expiresAt: request.expiresAt };
  },
);

gridTask(
  task("gridmarket:fulfill-request", "Answers a data request with a reading (oracle operator)")
    .addParam("requestId", "The request id printed by gridmarket:request-data")
    .addParam("exportWh", "Cumulative export register, Wh")
    .addParam("importWh", "Cumulative import register, Wh")
    .addOptionalParam("readAt", "When the meter was read, unix seconds (default: the latest block's time)"),
  parseFulfilment,
  async (ctx, { requestId, exportWh, importWh, readAt: readAtText }, hre) => {
    await requireOperator(ctx);
    const request = await ctx.d.oracleClient.getRequest(requestId);
    ensure(
      Number(request.status) === RequestStatus.Pending,
      `request ${requestId} is not pending (status ${Number(request.status)})`,
    );
    const latest = await hre.ethers.provider.getBlock("latest");
    const readAt =
      readAtText === undefined ? BigInt(latest?.timestamp ?? 0) : parseInteger("--read-at", readAtText, 1n);

    const reading = { meterId: request.meterId, exportWh, importWh, readAt };
    const receipt = await send(
      "fulfillEnergyData",
      () => ctx.d.oracleClient.fulfillEnergyData(requestId, reading),
      ctx.decoders,
    );
    const outcomes = outcomesOf(ctx, receipt);
    printOutcomes(outcomes);
    return outcomes[0];
  },
);
