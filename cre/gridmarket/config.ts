// The workflow's configuration, one file per target in config/ (validated when the workflow starts).
import { z } from "zod";

/** `OracleClient.MAX_BATCH_LENGTH`: the most readings one report may carry. */
export const MAX_BATCH_LENGTH = 300;

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address")
  .refine((a) => !/^0x0{40}$/.test(a), "is the zero address: write it with `npx hardhat gridmarket:cre-config`");
const gasLimit = z.string().regex(/^[1-9]\d*$/, "must be a positive integer (decimal string)");

export const configSchema = z.object({
  /** CRE cron schedule (six fields, seconds first): when the workflow runs. */
  schedule: z.string().min(1),
  /** The CRE chain selector name of the chain the market lives on ("ethereum-testnet-sepolia"). */
  chainSelectorName: z.string().min(1),
  /** The OracleClient of the Ignition deployment (`GridMarket#OracleClient`): the receiver of every report. */
  oracleClient: address,
  /**
   * The forwarder the OracleClient accepts reports from (`creForwarder()`): the network's KeystoneForwarder, or the
   * simulator's MockForwarder. Checked on every run; nothing is written when the OracleClient names another one.
   */
  forwarder: address,
  headEnd: z.object({
    /** Base URL of the AMI head-end's HTTP API (the API scripts/ami mocks). */
    url: z.string().url(),
    /** Length of a metering interval in seconds (the head-end's `intervalSeconds`). */
    intervalSeconds: z.number().int().positive().default(900),
    /** How many past intervals each run asks for, so that a missed run is caught up (already applied ones are
     * rejected on-chain as stale, never applied twice). */
    lookbackIntervals: z.number().int().positive().max(96).default(2),
    /** Most `/readings` pages one run follows. */
    maxPages: z.number().int().positive().max(20).default(5),
    /** Name of the CRE secret sent as `Authorization: Bearer <secret>`; omit for a head-end without a key. */
    apiKeySecret: z.string().min(1).optional(),
  }),
  /**
   * Readings per report (at most `MAX_BATCH_LENGTH`); a larger window is written in several reports. Size it with
   * `gasLimit.readings`: a reading that mints and burns for an owner who held no GRID is the costliest (measured in
   * test/cre/workflowReports.test.ts for the committed configs).
   */
  maxReadingsPerReport: z.number().int().positive().max(MAX_BATCH_LENGTH).default(60),
  /** Gas limit of the forwarder transaction of a readings report and of a clearing report (the OracleClient keeps
   * one clearing slice under 4,500,000 gas). */
  gasLimit: z.object({ readings: gasLimit, clearing: gasLimit }),
  /** The block the EVM reads look at: the latest (clearing sees work at once) or the last finalized one. */
  blockConfidence: z.enum(["latest", "finalized"]).default("latest"),
});

export type Config = z.infer<typeof configSchema>;
