// The market context every screen shares: config.json, the market's fixed facts, its live state (polled), and
// sending a transaction with its revert explained in words.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import type { Abi, Address } from "viem";
import { useConfig, useConnection, usePublicClient } from "wagmi";
import { getConnection, simulateContract, switchChain, waitForTransactionReceipt, writeContract } from "wagmi/actions";

import type { AppConfig } from "./config";
import { errorsAbi } from "./generated/abis";
import { type MarketInfo, readMarketInfo, readMarketState } from "./reads";
import { explainError, type ExplainContext, findRevert } from "./revert";

interface Market {
  config: AppConfig;
  info: MarketInfo;
  explain: ExplainContext;
}

const MarketContext = createContext<Market | undefined>(undefined);

/** How often the screens re-read the chain, in milliseconds. */
export const POLL_MS = 1_000;

export function MarketProvider({ config, children }: { config: AppConfig; children: ReactNode }) {
  const client = usePublicClient();
  const info = useQuery({ queryKey: ["marketInfo"], queryFn: () => readMarketInfo(client!, config), retry: 2 });
  if (info.error) {
    return (
      <p role="alert" className="notice error">
        Cannot read the market on {config.rpcUrl}: {info.error.message}
      </p>
    );
  }
  if (!info.data) return <p className="notice">Reading the market…</p>;
  const explain = { gridToken: config.contracts.gridToken, payment: info.data.payment };
  return <MarketContext.Provider value={{ config, info: info.data, explain }}>{children}</MarketContext.Provider>;
}

export function useMarket(): Market {
  const market = useContext(MarketContext);
  if (market === undefined) throw new Error("useMarket outside MarketProvider");
  return market;
}

/** The latest block's time, the open epoch and its gate closure, the pause flag. */
export function useMarketState() {
  const { config, info } = useMarket();
  const client = usePublicClient();
  return useQuery({
    queryKey: ["marketState"],
    queryFn: () => readMarketState(client!, config, info),
    refetchInterval: POLL_MS,
  });
}

/** When this page first saw each block (wall-clock milliseconds). */
const firstSeen = new Map<bigint, number>();

/**
 * The chain's clock now, in seconds: the latest block's timestamp plus the real time since that block appeared.
 * A local node mines only when a transaction comes, so its latest block can be minutes old while its next block
 * would carry the current time; the countdown follows the clock, not the last block. Re-renders every second.
 */
export function useChainNow(): bigint | undefined {
  const state = useMarketState().data;
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((t) => t + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
  if (state === undefined) return undefined;
  if (!firstSeen.has(state.block)) firstSeen.set(state.block, Date.now());
  return state.now + BigInt(Math.floor((Date.now() - firstSeen.get(state.block)!) / 1000));
}

/** A query of the chain that follows new blocks. */
export function useChainQuery<T>(key: unknown[], read: () => Promise<T>, enabled = true) {
  return useQuery({ queryKey: key, queryFn: read, refetchInterval: POLL_MS, enabled });
}

/** One contract call to send. */
export interface Call {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

export type SendStatus = { kind: "idle" } | { kind: "pending" | "done" | "error"; text: string };

/** Sends calls one after the other (simulated first, so a revert is explained before anything is signed). */
export function useSend() {
  const wagmi = useConfig();
  const { address } = useConnection();
  const { explain, config } = useMarket();
  const queries = useQueryClient();
  const [status, setStatus] = useState<SendStatus>({ kind: "idle" });

  const send = useCallback(
    async (label: string, calls: Call[]): Promise<boolean> => {
      if (address === undefined) {
        setStatus({ kind: "error", text: "Connect a wallet first." });
        return false;
      }
      const simulate = (call: Call) =>
        simulateContract(wagmi, { ...call, abi: [...call.abi, ...errorsAbi] as Abi, account: address } as never);
      try {
        // A browser wallet on another chain is asked to switch to the market's first.
        if (getConnection(wagmi).chainId !== config.chainId) {
          setStatus({ kind: "pending", text: `${label}: switch your wallet to ${config.chainName}…` });
          await switchChain(wagmi, { chainId: config.chainId });
        }
        // The last call is what matters: check it before the approvals that precede it, so a refusal for another
        // reason than the missing allowance costs no approval.
        if (calls.length > 1) {
          await simulate(calls[calls.length - 1]).catch((error: unknown) => {
            if (findRevert(error)?.name !== "ERC20InsufficientAllowance") throw error;
          });
        }
        for (const [i, call] of calls.entries()) {
          const step = calls.length > 1 ? ` (${i + 1} of ${calls.length})` : "";
          setStatus({ kind: "pending", text: `${label}${step}: waiting for the wallet…` });
          const { request } = await simulate(call);
          const hash = await writeContract(wagmi, request as never);
          setStatus({ kind: "pending", text: `${label}${step}: sent ${hash.slice(0, 10)}…, waiting for the block…` });
          const receipt = await waitForTransactionReceipt(wagmi, { hash });
          if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
        }
        setStatus({ kind: "done", text: `${label}: done.` });
        return true;
      } catch (error) {
        setStatus({ kind: "error", text: `${label} refused: ${explainError(error, explain)}` });
        return false;
      } finally {
        await queries.invalidateQueries();
      }
    },
    [address, wagmi, explain, queries, config],
  );
  return { send, status };
}

/** The outcome of the last transaction, announced to screen readers. */
export function SendStatusLine({ status }: { status: SendStatus }) {
  if (status.kind === "idle") return null;
  return (
    <p role={status.kind === "error" ? "alert" : "status"} className={`notice ${status.kind}`}>
      {status.text}
    </p>
  );
}
