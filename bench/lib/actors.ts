import { MaxUint256, Wallet, encodeBytes32String, keccak256, toUtf8Bytes } from "ethers";

import { UserType } from "../../lib/enums";
import type { RpcDriver as Chain, TxRequest } from "../../lib/rpc";
import type { Suite } from "./deploy";

export { UserType };

/** A campus user: an externally owned account with a key (for permits and meter signatures). */
export interface Actor {
  label: string;
  wallet: Wallet;
  address: string;
  userType: UserType;
  /** The user's smart meter, when one is assigned. */
  meterId?: string;
}

/** Cumulative registers the benchmark remembers per meter, to send readings that the oracle accepts. */
export interface MeterRegisters {
  exportWh: bigint;
  importWh: bigint;
  readAt: number;
}

export interface OnboardOptions {
  /** Assign a meter and mint `gridWh` of GRID through two oracle readings (baseline, then generation). */
  gridWh?: bigint;
  /** Payment-token base units minted to the user. */
  payment?: bigint;
  /** Approve Trading for both tokens (the wallet-escrow path; permit users skip it). */
  approve?: boolean;
}

export const LOCATION = "Building 12, Flat 3B";
const READING_BATCH = 100;

/** Deterministic accounts: the same keys on every run, so calldata and storage layouts reproduce exactly. */
export function makeActor(label: string, userType: UserType): Actor {
  const wallet = new Wallet(keccak256(toUtf8Bytes(`gridmarket-bench/${label}`)));
  return { label, wallet, address: wallet.address, userType };
}

export function meterIdOf(label: string): string {
  return encodeBytes32String(`MTR-${label}`);
}

/**
 * Users and meters, onboarded the way operators do it on the live system: a regulator registers users and assigns
 * meters, the oracle operator submits readings (a baseline, then generation that mints GRID), users fund and
 * approve. Everything is a real transaction from the real account, mined in blocks.
 */
export class Onboarding {
  readonly registers = new Map<string, MeterRegisters>();

  constructor(
    private readonly chain: Chain,
    private readonly suite: Suite,
  ) {}

  async onboard(actors: Actor[], options: OnboardOptions): Promise<void> {
    const { registry, gridToken, paymentToken, addresses, admin } = this.suite;
    await this.chain.unlock(actors.map((a) => a.address));
    await this.chain.execMany(
      actors.map((a) => ({
        from: admin,
        to: addresses.registry,
        data: registry.interface.encodeFunctionData("registerUser", [a.address, a.userType, LOCATION]),
        gas: 300_000,
      })),
    );
    if (options.gridWh !== undefined) {
      for (const a of actors) a.meterId = meterIdOf(a.label);
      await this.chain.execMany(
        actors.map((a) => ({
          from: admin,
          to: addresses.registry,
          data: registry.interface.encodeFunctionData("assignMeter", [a.meterId!, a.address]),
          gas: 300_000,
        })),
      );
      // Baseline now, generation two hours later (within the 100 kW default rated power).
      await this.submitReadings(actors, 0n, 0n);
      this.chain.jumpTo(this.chain.now() + 2 * 3600);
      await this.submitReadings(actors, options.gridWh, 0n);
    }
    const txs: TxRequest[] = [];
    if (options.payment !== undefined) {
      for (const a of actors) {
        txs.push({
          from: admin,
          to: addresses.paymentToken,
          data: paymentToken.interface.encodeFunctionData("mint", [a.address, options.payment]),
          gas: 100_000,
        });
      }
    }
    if (options.approve === true) {
      for (const a of actors) {
        for (const token of [addresses.gridToken, addresses.paymentToken]) {
          txs.push({
            from: a.address,
            to: token,
            data: gridToken.interface.encodeFunctionData("approve", [addresses.trading, MaxUint256]),
            gas: 100_000,
          });
        }
      }
    }
    await this.chain.execMany(txs);
  }

  /** Readings that add `exportWh` / `importWh` to each actor's meter, in operator batches of 100 (unmeasured). */
  async submitReadings(actors: Actor[], exportWh: bigint, importWh: bigint): Promise<void> {
    const readAt = this.chain.now() + 1;
    const txs: TxRequest[] = [];
    for (let i = 0; i < actors.length; i += READING_BATCH) {
      const batch = actors.slice(i, i + READING_BATCH).map((a) => this.nextReading(a, exportWh, importWh, readAt));
      txs.push(this.readingsTx(batch));
    }
    this.chain.jumpTo(readAt);
    await this.chain.execMany(txs);
  }

  /** The next reading of `actor`'s meter: registers grown by the deltas, taken at `readAt` (remembered). */
  nextReading(actor: Actor, exportWh: bigint, importWh: bigint, readAt: number): ReadingTuple {
    const meterId = actor.meterId;
    if (meterId === undefined) throw new Error(`${actor.label} has no meter`);
    const last = this.registers.get(meterId) ?? { exportWh: 0n, importWh: 0n, readAt: 0 };
    const next = { exportWh: last.exportWh + exportWh, importWh: last.importWh + importWh, readAt };
    this.registers.set(meterId, next);
    return { meterId, exportWh: next.exportWh, importWh: next.importWh, readAt: BigInt(readAt) };
  }

  readingsTx(readings: ReadingTuple[]): TxRequest {
    return {
      from: this.suite.admin,
      to: this.suite.addresses.oracleClient,
      data: this.suite.oracleClient.interface.encodeFunctionData("submitReadings", [readings]),
      gas: 15_000_000,
    };
  }
}

export interface ReadingTuple {
  meterId: string;
  exportWh: bigint;
  importWh: bigint;
  readAt: bigint;
}
