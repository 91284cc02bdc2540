// The connected participant's data: holdings and orders, polled.
import { useConnection, usePublicClient } from "wagmi";

import { useChainQuery, useMarket } from "./market";
import { readHoldings, readOwnOrders } from "./reads";

export function useHoldings() {
  const { config, info } = useMarket();
  const client = usePublicClient();
  const { address } = useConnection();
  return useChainQuery(
    ["holdings", address],
    () => readHoldings(client!, config, info, address!),
    address !== undefined,
  );
}

export function useOwnOrders() {
  const { config } = useMarket();
  const client = usePublicClient();
  const { address } = useConnection();
  return useChainQuery(["orders", address], () => readOwnOrders(client!, config, address!), address !== undefined);
}
