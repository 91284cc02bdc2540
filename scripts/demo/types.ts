// What a demo run records: the raw facts the report is computed from (all amounts as on-chain integers).
import { type GasEconomics, GAS_PRESETS } from "../../lib/economics";

export type Role = "prosumer" | "consumer" | "utility";

export interface DemoOptions {
  prosumers: number;
  consumers: number;
  epochs: number;
  seed: number;
  /** Report directory. */
  out: string;
  latitude: number;
  dayOfYear: number;
  /** Feed-in tariff in payment-token units per kWh (e.g. 0.08). */
  feedIn: number;
  /** Retail tariff in payment-token units per kWh (e.g. 0.30). */
  retail: number;
  /** Force the weather ("clear" | "mixed" | "overcast"); drawn from the seed when absent. */
  weather?: "clear" | "mixed" | "overcast";
  /** Hour of the campus day at which the first epoch starts (0 = midnight). */
  startHour: number;
  /** Meters sign their readings (EIP-712) and the bridge relays them with `submitSignedReadings`. */
  signed: boolean;
  /** No progress bar. */
  quiet: boolean;
  /** Gas price and native-token price the report prices gas at (a preset of lib/economics.ts or given). */
  economics: GasEconomics;
}

export const DEFAULT_OPTIONS: DemoOptions = {
  prosumers: 12,
  consumers: 24,
  epochs: 96,
  seed: 7,
  out: "reports",
  latitude: 47.4,
  dayOfYear: 135,
  feedIn: 0.08,
  retail: 0.3,
  startHour: 0,
  signed: false,
  quiet: false,
  economics: { ...GAS_PRESETS.l2 },
};

export interface Participant {
  address: string;
  role: Role;
  label: string;
  serial?: string;
  meterId?: string;
  building?: string;
  pvKwp?: number;
}

export interface FillRecord {
  orderId: string;
  epoch: number;
  owner: string;
  side: "buy" | "sell";
  amount: bigint;
  limitPrice: bigint;
  filled: bigint;
  clearingPrice: bigint;
  payment: bigint;
  fee: bigint;
  refund: bigint;
}

export interface EpochRecord {
  /** 0-based index within the demo. */
  index: number;
  /** The Trading epoch number. */
  epoch: number;
  /** Unix start of the epoch (= start of the metered interval). */
  start: number;
  /** Campus generation and consumption in the interval (behind the meters, Wh). */
  generationWh: number;
  consumptionWh: number;
  /** Net-metered export and import of all meters in the interval (Wh). */
  exportWh: number;
  importWh: number;
  /** GRID minted and burned for the interval's readings (base units). */
  minted: bigint;
  burned: bigint;
  readingsAccepted: number;
  readingsRejected: number;
  buyOrders: number;
  sellOrders: number;
  bidVolume: bigint;
  askVolume: bigint;
  /** The epoch's outcome from `EpochMatched`. */
  clearingPrice: bigint;
  volume: bigint;
  status: number;
  /**
   * Gas of the epoch: the agents' order transactions, the bridge's readings, the keeper's upkeeps, and the
   * prosumers' account withdrawals that top their wallets up for the interval's import (see `coverWithdrawals`).
   */
  gas: { orders: bigint; readings: bigint; keeper: bigint; accounts: bigint };
  upkeeps: number;
  /** Order transactions and the most gas one order cost (a batch's gas split over its orders). */
  orderTransactions: number;
  maxOrderGas: bigint;
  /** Sell orders that pulled a GRID shortfall from the wallet, and their gas. */
  pullingOrders: number;
  pullingGas: bigint;
  /** Orders reserved wholly from the account (no pull), and their gas (single-order transactions only). */
  accountOrders: number;
  accountGas: bigint;
  /** Prosumer withdrawals before the interval's readings, and the GRID they moved to the wallets. */
  coverWithdrawals: number;
  coverWithdrawn: bigint;
}

export interface BalanceSheet {
  grid: bigint;
  payment: bigint;
}

/** What a participant moved between its wallet and its market account over the day. */
export interface AccountFlows {
  /** Deposited at the start of the day (payment token). */
  deposited: bigint;
  /** Pulled from the wallet by orders (shortfalls, per token). */
  pulled: BalanceSheet;
  /** Withdrawn during the day to cover metered import (GRID). */
  coverWithdrawn: bigint;
  /** Withdrawn at the end of the day (the free balances). */
  withdrawn: BalanceSheet;
  /** Gas of the transactions the participant sent itself (approvals, deposits, orders, withdrawals). */
  gas: bigint;
}

export interface DemoResult {
  options: DemoOptions;
  addresses: { registry: string; gridToken: string; oracleClient: string; trading: string; paymentToken: string };
  paymentDecimals: number;
  tickSize: bigint;
  feedIn: bigint;
  retail: bigint;
  /** Unix time of the campus day's midnight (the first epoch starts `options.startHour` later). */
  start: number;
  sunrise: number;
  sunset: number;
  weather: string;
  participants: Participant[];
  epochs: EpochRecord[];
  fills: FillRecord[];
  /** GRID minted and burned for each participant's meter over the day (base units). */
  metered: Record<string, { minted: bigint; burned: bigint }>;
  initial: Record<string, BalanceSheet>;
  final: Record<string, BalanceSheet>;
  /** GRID still escrowed / payment escrowed in Trading at the end (should be 0 once all epochs settle). */
  escrow: BalanceSheet;
  setupGas: bigint;
  /** Of the set-up gas: what the participants sent themselves (approvals, deposits, bought-GRID destination). */
  participantSetupGas: bigint;
  /** The end-of-day withdrawals' gas, and what the fee recipient withdrew. */
  closeGas: bigint;
  feeRecipient: { address: string; withdrawn: BalanceSheet };
  accounts: Record<string, AccountFlows>;
  transactions: number;
  blocks: { first: number; last: number };
  timings: { deployMs: number; setupMs: number; simulateMs: number };
}
