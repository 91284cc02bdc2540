// Exact checks from chain state and events, shared by the end-to-end test and the soak: every scheduled interval
// reading of the head-end reached the chain exactly once (none lost, none doubled), the GRID minted for a meter is
// exactly its export register's increase, and no GRID or payment token appeared or vanished.
import assert from "node:assert/strict";

import type { AmiClient } from "../../lib/bridge/ami-client";
import type { Deployment } from "../../lib/deployment";
import { queryEvents } from "../../lib/events";
import { WH } from "../../lib/units";

/** A head-end meter and its owner on-chain. */
export interface AuditedMeter {
  serial: string;
  meterId: string;
  owner: string;
}

/** What the reading audit counted. */
export interface ReadingAudit {
  /** Accepted readings per meter, the baseline included. */
  accepted: number;
  /** Readings the oracle rejected (a late or repeated copy is rejected as stale: never minted twice). */
  rejected: number;
  /** Readings answering an on-demand request. */
  fulfilments: number;
  minted: bigint;
  burned: bigint;
}

/**
 * For each meter: the accepted readings' times are strictly increasing and are exactly the head-end's scheduled
 * readings from the meter's baseline to `until`, plus the on-demand reads that answered requests; each carries
 * the head-end's registers; the GRID minted is the export register's increase since the baseline.
 */
export async function auditReadings(
  d: Deployment,
  headEnd: AmiClient,
  meters: AuditedMeter[],
  fromBlock: number,
  until: number,
): Promise<ReadingAudit> {
  const oracle = d.oracleClient;
  const audit: ReadingAudit = { accepted: 0, rejected: 0, fulfilments: 0, minted: 0n, burned: 0n };
  for (const m of meters) {
    const accepted = await queryEvents(oracle, oracle.filters.ReadingAccepted(m.meterId), fromBlock);
    const rejected = await queryEvents(oracle, oracle.filters.ReadingRejected(m.meterId), fromBlock);
    const fulfilled = await queryEvents(oracle, oracle.filters.EnergyDataFulfilled(undefined, m.meterId), fromBlock);
    const onDemand = new Set(fulfilled.map((e) => e.transactionHash));
    assert.ok(accepted.length > 0, `${m.serial}: no reading reached the chain`);
    const times = accepted.map((e) => Number(e.args.readAt));
    for (let i = 1; i < times.length; i++) {
      assert.ok(
        times[i] > times[i - 1],
        `${m.serial}: reading ${times[i]} after ${times[i - 1]} (doubled or reordered)`,
      );
    }
    const baseline = times[0];
    const scheduled = await headEnd.meterReadings(m.serial, baseline - 1, until);
    const expected = new Set(scheduled.map((r) => r.readAt));
    for (const e of accepted) if (onDemand.has(e.transactionHash)) expected.add(Number(e.args.readAt));
    assert.deepEqual(
      times,
      [...expected].sort((a, b) => a - b),
      `${m.serial}: the accepted readings are not the head-end's schedule`,
    );
    const byTime = new Map(scheduled.map((r) => [r.readAt, r]));
    for (const e of accepted) {
      const r = byTime.get(Number(e.args.readAt));
      if (r === undefined) continue; // an on-demand read, checked by the oracle's own rules
      assert.deepEqual(
        [Number(e.args.exportWh), Number(e.args.importWh)],
        [r.exportWh, r.importWh],
        `${m.serial}@${r.readAt}`,
      );
    }
    const minted = accepted.reduce((sum, e) => sum + e.args.minted, 0n);
    const exportIncrease = BigInt(accepted[accepted.length - 1].args.exportWh - accepted[0].args.exportWh);
    assert.equal(minted, exportIncrease * WH, `${m.serial}: minted is not the export register's increase`);
    audit.accepted += accepted.length;
    audit.rejected += rejected.length;
    audit.fulfilments += fulfilled.length;
    audit.minted += minted;
    audit.burned += accepted.reduce((sum, e) => sum + e.args.burned, 0n);
  }
  return audit;
}

/**
 * Token conservation from events: GRID's supply is what the oracle minted less what it burned (from `fromBlock`
 * on, plus `supplyBefore`), and the balances of `holders` and Trading add up to the supply; the payment token held
 * by `holders` and Trading adds up to what was minted to them.
 */
export async function auditConservation(
  d: Deployment,
  holders: string[],
  expected: { gridSupply: bigint; payment: bigint },
): Promise<void> {
  const supply = await d.gridToken.totalSupply();
  assert.equal(supply, expected.gridSupply, "GRID supply is not minted - burned");
  const trading = await d.trading.getAddress();
  let grid = await d.gridToken.balanceOf(trading);
  let payment = await d.paymentToken.balanceOf(trading);
  for (const h of holders) {
    grid += await d.gridToken.balanceOf(h);
    payment += await d.paymentToken.balanceOf(h);
  }
  assert.equal(grid, supply, "GRID held by the participants and Trading is not the supply");
  assert.equal(payment, expected.payment, "payment token held by the participants and Trading is not what was minted");
}
