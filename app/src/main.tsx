// Entry point: read config.json, then start wagmi and react-query over its chain.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";

import { App } from "./App";
import { loadConfig } from "./config";
import "./styles.css";
import { wagmiConfig } from "./wagmi";

const root = createRoot(document.getElementById("root")!);

loadConfig()
  .then((config) => {
    const queries = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } });
    root.render(
      <StrictMode>
        <WagmiProvider config={wagmiConfig(config)}>
          <QueryClientProvider client={queries}>
            <App config={config} />
          </QueryClientProvider>
        </WagmiProvider>
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(
      <p role="alert" className="notice error">
        {error instanceof Error ? error.message : String(error)}
      </p>,
    );
  });
