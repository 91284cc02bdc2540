// What the app reads from the chain, as plain async functions over a viem public client (the screens call them
// through react-query). Event scans start at the deployment block of config.json.
import type { Address, PublicClient } from "viem";

import { EpochStatus, OrderStatus, Side, Work } from "../../lib/enums";
import type { AppConfig } from "./config";
import { erc20Abi, gridTokenAbi, oracleClientAbi, registryAbi, tradingAbi } from "./generated/abis";

/** The market's fixed facts: payment token and rules. */
export interface MarketInfo {
  payment: { address: Address; symbol: string; decimals: number };
  tickSize: bigint;
  maxPrice: bigint;
  minOrderAmount: bigint;
  maxOrdersPerUser: bigint;
  feeBps: bigint;
  genesis: bigint;
  epochLength: bigint;
}

/** The market as of the latest block. */
export interface MarketState {
  /** The latest block's number and timestamp: the chain's clock. */
  block: bigint;
  now: bigint;
  epoch: bigint;
  gateClosesAt: bigint;
  paused: boolean;
}

const addr = (a: string) => a as Address;

/** Blocks per eth_getLogs request: public RPC endpoints cap the range (10,000 is the common limit). */
export const LOG_CHUNK = 10_000n;

/** Runs `read` over the blocks from the deployment to the latest, `LOG_CHUNK` blocks at a time, in order. */
export async function scanLogs<T>(
  client: PublicClient,
  config: AppConfig,
  read: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<T[]>,
): Promise<T[]> {
  const latest = await client.getBlockNumber();
  const out: T[] = [];
  for (let fromBlock = BigInt(config.deploymentBlock); fromBlock <= latest; fromBlock += LOG_CHUNK) {
    const toBlock = fromBlock + LOG_CHUNK - 1n < latest ? fromBlock + LOG_CHUNK - 1n : latest;
    out.push(...(await read({ fromBlock, toBlock })));
  }
  return out;
}

/** The distinct values `pick` takes over the events `read` finds, in order of first appearance. */
async function distinct<E, K>(
  client: PublicClient,
  config: AppConfig,
  read: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<E[]>,
  pick: (event: E) => K,
): Promise<K[]> {
  return [...new Set((await scanLogs(client, config, read)).map(pick))];
}

/**
 * The market's fixed facts. Checks first that the endpoint serves config.json's chain and that Trading is deployed
 * there (a restarted local node forgets its deployments), so a stale config fails with words, not a decode error.
 */
export async function readMarketInfo(client: PublicClient, config: AppConfig): Promise<MarketInfo> {
  const [chainId, code] = await Promise.all([
    client.getChainId(),
    client.getCode({ address: addr(config.contracts.trading) }),
  ]);
  if (chainId !== config.chainId) {
    throw new Error(`${config.rpcUrl} serves chain ${chainId}, but config.json describes chain ${config.chainId}.`);
  }
  if (code === undefined || code === "0x") {
    throw new Error(
      `no contract at ${config.contracts.trading} on chain ${chainId}: was the node restarted since the deployment? ` +
        "Deploy again and rewrite config.json (npm run app:config).",
    );
  }
  const trading = { address: addr(config.contracts.trading), abi: tradingAbi } as const;
  const [payment, tickSize, maxPrice, minOrderAmount, maxOrdersPerUser, feeBps, genesis, epochLength] =
    await Promise.all([
      client.readContract({ ...trading, functionName: "paymentToken" }),
      client.readContract({ ...trading, functionName: "tickSize" }),
      client.readContract({ ...trading, functionName: "maxPrice" }),
      client.readContract({ ...trading, functionName: "minOrderAmount" }),
      client.readContract({ ...trading, functionName: "maxOrdersPerUser" }),
      client.readContract({ ...trading, functionName: "feeBps" }),
      client.readContract({ ...trading, functionName: "genesis" }),
      client.readContract({ ...trading, functionName: "epochLength" }),
    ]);
  const [symbol, decimals] = await Promise.all([
    client.readContract({ address: payment, abi: erc20Abi, functionName: "symbol" }),
    client.readContract({ address: payment, abi: erc20Abi, functionName: "decimals" }),
  ]);
  return {
    payment: { address: payment, symbol, decimals },
    tickSize,
    maxPrice,
    minOrderAmount,
    maxOrdersPerUser,
    feeBps,
    genesis,
    epochLength,
  };
}

export async function readMarketState(client: PublicClient, config: AppConfig, info: MarketInfo): Promise<MarketState> {
  const [block, paused] = await Promise.all([
    client.getBlock({ blockTag: "latest" }),
    client.readContract({ address: addr(config.contracts.trading), abi: tradingAbi, functionName: "paused" }),
  ]);
  const epoch = (block.timestamp - info.genesis) / info.epochLength;
  const gateClosesAt = info.genesis + (epoch + 1n) * info.epochLength;
  return { block: block.number, now: block.timestamp, epoch, gateClosesAt, paused };
}

/** One price level of an epoch's book: what is bid and offered there (GRID base units). */
export interface DepthLevel {
  price: bigint;
  bid: bigint;
  ask: bigint;
}

/** The depth of `epoch` by price, highest price first: the levels its orders used, read through `depthAt`. */
export async function readDepth(client: PublicClient, config: AppConfig, epoch: bigint): Promise<DepthLevel[]> {
  const trading = { address: addr(config.contracts.trading), abi: tradingAbi } as const;
  const prices = await distinct(
    client,
    config,
    (range) => client.getContractEvents({ ...trading, ...range, eventName: "OrderCreated", args: { epoch } }),
    (ev) => ev.args.price!,
  );
  prices.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const depth = (side: Side, price: bigint) =>
    client.readContract({ ...trading, functionName: "depthAt", args: [epoch, side, price] });
  const levels = await Promise.all(
    prices.map(async (price) => ({ price, bid: await depth(Side.Buy, price), ask: await depth(Side.Sell, price) })),
  );
  return levels.filter((l) => l.bid > 0n || l.ask > 0n);
}

/** A cleared epoch: its price, volume and orders. */
export interface EpochOutcome {
  epoch: bigint;
  clearingPrice: bigint;
  volume: bigint;
  orders?: bigint;
  status?: EpochStatus;
}

/** The epochs matched since `sinceEpoch` (from `EpochMatched`), oldest first. */
export async function readClearingHistory(
  client: PublicClient,
  config: AppConfig,
  sinceEpoch: bigint,
): Promise<EpochOutcome[]> {
  const events = await scanLogs(client, config, (range) =>
    client.getContractEvents({
      address: addr(config.contracts.trading),
      abi: tradingAbi,
      eventName: "EpochMatched",
      ...range,
    }),
  );
  return events
    .map((ev) => ({ epoch: ev.args.epoch!, clearingPrice: ev.args.clearingPrice!, volume: ev.args.volume! }))
    .filter((e) => e.epoch >= sinceEpoch)
    .sort((a, b) => (a.epoch < b.epoch ? -1 : 1));
}

/** Who an account is to the market, and what it holds in its wallet and its market account. */
export interface Holdings {
  userType: number;
  userStatus: number;
  location: string;
  marketMaker: boolean;
  wallet: { grid: bigint; payment: bigint; native: bigint };
  account: { grid: bigint; payment: bigint };
  allowance: { grid: bigint; payment: bigint };
}

export async function readHoldings(
  client: PublicClient,
  config: AppConfig,
  info: MarketInfo,
  account: Address,
): Promise<Holdings> {
  const { trading, gridToken, registry } = config.contracts;
  const t = { address: addr(trading), abi: tradingAbi } as const;
  const grid = { address: addr(gridToken), abi: gridTokenAbi } as const;
  const pay = { address: info.payment.address, abi: erc20Abi } as const;
  const [user, marketMaker, walletGrid, walletPay, accGrid, accPay, allowGrid, allowPay, native] = await Promise.all([
    client.readContract({ address: addr(registry), abi: registryAbi, functionName: "getUser", args: [account] }),
    client.readContract({ ...t, functionName: "isMarketMaker", args: [account] }),
    client.readContract({ ...grid, functionName: "balanceOf", args: [account] }),
    client.readContract({ ...pay, functionName: "balanceOf", args: [account] }),
    client.readContract({ ...t, functionName: "accountBalance", args: [account, addr(gridToken)] }),
    client.readContract({ ...t, functionName: "accountBalance", args: [account, info.payment.address] }),
    client.readContract({ ...grid, functionName: "allowance", args: [account, addr(trading)] }),
    client.readContract({ ...pay, functionName: "allowance", args: [account, addr(trading)] }),
    client.getBalance({ address: account }),
  ]);
  return {
    userType: user.userType,
    userStatus: user.status,
    location: user.location,
    marketMaker,
    wallet: { grid: walletGrid, payment: walletPay, native },
    account: { grid: accGrid, payment: accPay },
    allowance: { grid: allowGrid, payment: allowPay },
  };
}

/** One of the account's orders, with its outcome from the events. */
export interface OwnOrder {
  orderId: bigint;
  epoch: bigint;
  side: Side;
  amount: bigint;
  price: bigint;
  status: OrderStatus;
  filled: bigint;
  /** The price the order filled at (the epoch's clearing price), once settled. */
  clearingPrice?: bigint;
  /** Paid (buy) or received before fees (sell), payment-token base units, once settled. */
  payment?: bigint;
}

export async function readOwnOrders(client: PublicClient, config: AppConfig, owner: Address): Promise<OwnOrder[]> {
  const base = { address: addr(config.contracts.trading), abi: tradingAbi } as const;
  const [created, cancelled, filled, matched] = await Promise.all([
    scanLogs(client, config, (range) =>
      client.getContractEvents({ ...base, ...range, eventName: "OrderCreated", args: { owner } }),
    ),
    scanLogs(client, config, (range) =>
      client.getContractEvents({ ...base, ...range, eventName: "OrderCancelled", args: { owner } }),
    ),
    scanLogs(client, config, (range) =>
      client.getContractEvents({ ...base, ...range, eventName: "OrderFilled", args: { owner } }),
    ),
    // OrderFilled leaves the price to the epoch's EpochMatched.
    readClearingHistory(client, config, 0n),
  ]);
  const prices = new Map(matched.map((e) => [e.epoch, e.clearingPrice]));
  const cancelledIds = new Set(cancelled.map((ev) => ev.args.orderId!));
  const fills = new Map(filled.map((ev) => [ev.args.orderId!, ev.args]));
  return created
    .map((ev): OwnOrder => {
      const id = ev.args.orderId!;
      const fill = fills.get(id);
      return {
        orderId: id,
        epoch: ev.args.epoch!,
        side: ev.args.side! as Side,
        amount: ev.args.amount!,
        price: ev.args.price!,
        status: cancelledIds.has(id) ? OrderStatus.Cancelled : fill ? OrderStatus.Settled : OrderStatus.Open,
        filled: fill?.filled ?? 0n,
        clearingPrice: fill ? prices.get(id >> 32n) : undefined,
        payment: fill?.payment,
      };
    })
    .sort((a, b) => (a.orderId > b.orderId ? -1 : 1));
}

/** A prosumer's meter: its latest accepted reading and the GRID minted and burned for it. */
export interface MeterView {
  meterId: `0x${string}`;
  lastReadAt: bigint;
  exportWh: bigint;
  importWh: bigint;
  minted: bigint;
  burned: bigint;
}

export async function readMeters(client: PublicClient, config: AppConfig, owner: Address): Promise<MeterView[]> {
  const ids = await client.readContract({
    address: addr(config.contracts.registry),
    abi: registryAbi,
    functionName: "getUserMeters",
    args: [owner],
  });
  const grid = { address: addr(config.contracts.gridToken), abi: gridTokenAbi } as const;
  const [minted, burned] = await Promise.all([
    scanLogs(client, config, (range) =>
      client.getContractEvents({ ...grid, ...range, eventName: "Minted", args: { to: owner } }),
    ),
    scanLogs(client, config, (range) =>
      client.getContractEvents({ ...grid, ...range, eventName: "Burned", args: { from: owner } }),
    ),
  ]);
  const sum = (events: { args: { meterId?: `0x${string}`; amount?: bigint } }[], id: string) =>
    events.filter((ev) => ev.args.meterId === id).reduce((s, ev) => s + ev.args.amount!, 0n);
  return Promise.all(
    ids.map(async (meterId) => {
      const state = await client.readContract({
        address: addr(config.contracts.oracleClient),
        abi: oracleClientAbi,
        functionName: "getMeterState",
        args: [meterId],
      });
      return {
        meterId,
        lastReadAt: state.lastReadAt,
        exportWh: state.lastExportWh,
        importWh: state.lastImportWh,
        minted: sum(minted, meterId),
        burned: sum(burned, meterId),
      };
    }),
  );
}

/** The operators' view: clearing work, the keeper's last upkeep, the oracle's funds, pauses. */
export interface OperatorState {
  work: Work;
  workEpoch: bigint;
  autoMarketClearing: boolean;
  lastMarketCheck: bigint;
  lastUpkeep?: { work: Work; epoch: bigint; by: Address; block: bigint };
  oracleBalance: bigint;
  totalAccruedRewards: bigint;
  rewardPerReading: bigint;
  paused: { registry: boolean; gridToken: boolean; oracleClient: boolean; trading: boolean };
}

export async function readOperator(client: PublicClient, config: AppConfig): Promise<OperatorState> {
  const c = config.contracts;
  const oracle = { address: addr(c.oracleClient), abi: oracleClientAbi } as const;
  const [[work, workEpoch], auto, lastCheck, balance, rewards, perReading, upkeeps] = await Promise.all([
    client.readContract({ address: addr(c.trading), abi: tradingAbi, functionName: "pendingEpochWork" }),
    client.readContract({ ...oracle, functionName: "autoMarketClearing" }),
    client.readContract({ ...oracle, functionName: "lastMarketCheck" }),
    client.readContract({ ...oracle, functionName: "oracleBalance" }),
    client.readContract({ ...oracle, functionName: "totalAccruedRewards" }),
    client.readContract({ ...oracle, functionName: "rewardPerReading" }),
    scanLogs(client, config, (range) =>
      client.getContractEvents({ ...oracle, ...range, eventName: "UpkeepPerformed" }),
    ),
  ]);
  const [registry, gridToken, oracleClient, trading] = await Promise.all([
    client.readContract({ address: addr(c.registry), abi: registryAbi, functionName: "paused" }),
    client.readContract({ address: addr(c.gridToken), abi: gridTokenAbi, functionName: "paused" }),
    client.readContract({ ...oracle, functionName: "paused" }),
    client.readContract({ address: addr(c.trading), abi: tradingAbi, functionName: "paused" }),
  ]);
  const last = upkeeps.at(-1);
  return {
    work: work as Work,
    workEpoch,
    autoMarketClearing: auto,
    lastMarketCheck: lastCheck,
    lastUpkeep: last && {
      work: last.args.work! as Work,
      epoch: last.args.epoch!,
      by: last.args.by!,
      block: last.blockNumber,
    },
    oracleBalance: balance,
    totalAccruedRewards: rewards,
    rewardPerReading: perReading,
    paused: { registry, gridToken, oracleClient, trading },
  };
}

/** The last `count` epochs that received orders, newest first, with price, volume and order count. */
export async function readRecentEpochs(
  client: PublicClient,
  config: AppConfig,
  count: number,
): Promise<EpochOutcome[]> {
  const trading = { address: addr(config.contracts.trading), abi: tradingAbi } as const;
  const epochs = await distinct(
    client,
    config,
    (range) => client.getContractEvents({ ...trading, ...range, eventName: "OrderCreated" }),
    (ev) => ev.args.epoch!,
  );
  epochs.sort((a, b) => (a > b ? -1 : 1));
  epochs.splice(count); // the newest `count`
  return Promise.all(
    epochs.map(async (epoch) => {
      const r = await client.readContract({ ...trading, functionName: "getEpochResult", args: [epoch] });
      const status = r.status as EpochStatus;
      return { epoch, clearingPrice: r.clearingPrice, volume: r.volume, orders: r.orderCount, status };
    }),
  );
}

/** A registered user and the meters assigned to it. */
export interface UserRow {
  account: Address;
  userType: number;
  status: number;
  location: string;
  meters: number;
}

export async function readUsers(client: PublicClient, config: AppConfig): Promise<UserRow[]> {
  const registry = { address: addr(config.contracts.registry), abi: registryAbi } as const;
  const accounts = await distinct(
    client,
    config,
    (range) => client.getContractEvents({ ...registry, ...range, eventName: "UserRegistered" }),
    (ev) => ev.args.account!,
  );
  return Promise.all(
    accounts.map(async (account) => {
      const u = await client.readContract({ ...registry, functionName: "getUser", args: [account] });
      return { account, userType: u.userType, status: u.status, location: u.location, meters: u.meterCount };
    }),
  );
}

/** A meter as the Registry assigns it, with the oracle's last accepted reading. */
export interface MeterRow {
  meterId: `0x${string}`;
  owner: Address;
  lastReadAt: bigint;
}

/** Every meter assigned since the deployment and still assigned, from `MeterAssigned` and the Registry. */
export async function readAssignedMeters(client: PublicClient, config: AppConfig): Promise<MeterRow[]> {
  const registry = { address: addr(config.contracts.registry), abi: registryAbi } as const;
  const ids = await distinct(
    client,
    config,
    (range) => client.getContractEvents({ ...registry, ...range, eventName: "MeterAssigned" }),
    (ev) => ev.args.meterId!,
  );
  const rows = await Promise.all(
    ids.map(async (meterId) => {
      const [owner, state] = await Promise.all([
        client.readContract({ ...registry, functionName: "getMeterOwner", args: [meterId] }),
        client.readContract({
          address: addr(config.contracts.oracleClient),
          abi: oracleClientAbi,
          functionName: "getMeterState",
          args: [meterId],
        }),
      ]);
      return { meterId, owner, lastReadAt: state.lastReadAt };
    }),
  );
  return rows.filter((r) => r.owner !== "0x0000000000000000000000000000000000000000");
}
