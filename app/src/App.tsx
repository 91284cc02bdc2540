// The app's frame: header with the chain and the wallet, two pages (participants, operators) chosen by the URL hash.
import { useEffect, useState } from "react";
import { useConnection } from "wagmi";

import { AccountPanel } from "./components/AccountPanel";
import { Connect } from "./components/Connect";
import { EpochPanel } from "./components/EpochPanel";
import { MetersPanel } from "./components/MetersPanel";
import { OperatorPage } from "./components/OperatorPage";
import { OrderForm } from "./components/OrderForm";
import { OrdersPanel } from "./components/OrdersPanel";
import { PriceChart } from "./components/PriceChart";
import type { AppConfig } from "./config";
import { MarketProvider } from "./market";

type Page = "trade" | "operator";
const pageOf = (hash: string): Page => (hash === "#/operator" ? "operator" : "trade");

export function App({ config }: { config: AppConfig }) {
  const [page, setPage] = useState<Page>(pageOf(window.location.hash));
  useEffect(() => {
    const onHash = () => setPage(pageOf(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const { isConnected } = useConnection();
  return (
    <>
      <header>
        <div className="brand">
          <h1>GridMarket</h1>
          <span className="muted">
            {config.chainName} (chain {config.chainId})
          </span>
        </div>
        <nav aria-label="Pages">
          <a href="#/" aria-current={page === "trade" ? "page" : undefined}>
            Trade
          </a>
          <a href="#/operator" aria-current={page === "operator" ? "page" : undefined}>
            Operators
          </a>
        </nav>
        <Connect config={config} />
      </header>
      <main>
        <MarketProvider config={config}>
          {page === "operator" ? (
            <OperatorPage />
          ) : (
            <div className="grid">
              <EpochPanel />
              <PriceChart />
              {isConnected ? (
                <>
                  <OrderForm />
                  <AccountPanel />
                  <OrdersPanel />
                  <MetersPanel />
                </>
              ) : (
                <section className="card wide">
                  <h2>Trade</h2>
                  <p>Connect a wallet to deposit, place and cancel orders and see your fills.</p>
                </section>
              )}
            </div>
          )}
        </MarketProvider>
      </main>
    </>
  );
}
