// Browser tests of the web app (npm run app:e2e): a hardhat node of our own, a fresh GridMarket deployment with a
// consumer and a prosumer's offer, the built app served on 127.0.0.1, and Debian's Chromium driven by
// playwright-core. Flows: connect the development account, deposit, place a buy order (and see the form refuse a
// price off the tick), see it in the depth, let the keeper clear, see the fill and the balances change, a revert
// in words, a batch of two orders cancelled before gate closure, withdraw, the prosumer's fill, meter and minted
// GRID, the operator page, a browser wallet announced through EIP-6963, a phone-size layout. Screenshots of the
// main pages go to docs/app/.
//
//   npm run app:build && npm run app:e2e      (CHROMIUM=/path/to/chromium to use another binary)
//   APP_E2E_NODE=anvil npm run app:e2e         (the same flows against anvil instead of a hardhat node)
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

import { chromium, type Locator, type Page } from "playwright-core";

import { type NodeKind, startLocalNode } from "./node";
import { serveApp } from "./server";

const ROOT = path.resolve(__dirname, "../..");
const SHOTS = path.join(ROOT, "docs", "app");
const STARTED = Date.now();
const TIMEOUT_MS = 20_000;

const log = (message: string) => console.log(`[app:e2e +${((Date.now() - STARTED) / 1000).toFixed(1)}s] ${message}`);

/** Waits until `locator`'s text contains `expected` (exact substring); fails with what it saw. */
async function expectText(locator: Locator, expected: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  let seen = "";
  while (Date.now() < deadline) {
    seen = ((await locator.count()) > 0 ? await locator.first().textContent() : null) ?? "";
    if (seen.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`expected "${expected}" in ${String(locator)}, saw "${seen}"`);
}

/**
 * A browser wallet as EIP-6963 announces one, for `account`: it answers the account requests itself (and shares the
 * account only once the site asks for it) and passes every other request to the node (which signs, as the account is one of its own). It stands in for a wallet extension,
 * which a test browser cannot install.
 */
function announcedWallet(rpcUrl: string, account: string): string {
  return `(() => {
    let authorized = false; // until the site asks, as a wallet that has not met the site yet
    const provider = {
      async request({ method, params }) {
        if (method === "eth_requestAccounts") authorized = true;
        if (method === "eth_requestAccounts" || method === "eth_accounts") {
          return authorized ? [${JSON.stringify(account)}] : [];
        }
        if (method === "wallet_requestPermissions") return [{ parentCapability: "eth_accounts" }];
        const answer = await fetch(${JSON.stringify(rpcUrl)}, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: params ?? [] }),
        });
        const body = await answer.json();
        if (body.error) throw Object.assign(new Error(body.error.message), body.error);
        return body.result;
      },
      on() {},
      removeListener() {},
    };
    const info = {
      uuid: "5f0c2b64-7d1e-4c1b-9a57-3f6b1c0e9d21",
      name: "Test Wallet",
      icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='16' height='16'/%3E",
      rdns: "org.gridmarket.testwallet",
    };
    const announce = () =>
      window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  })();`;
}

/** Waits for the status line of the action `text` names ("Deposit: done.") to say `text`. */
async function expectStatus(page: Page, text: string): Promise<void> {
  await expectText(page.getByRole("status").filter({ hasText: text.split(":")[0] }), text);
}

/** Waits for each `[testId, text]` pair in turn: the element's text contains the text. */
async function expectTexts(page: Page, expected: [string, string][]): Promise<void> {
  for (const [testId, text] of expected) await expectText(page.getByTestId(testId), text);
}

/** Connects the development connector as `address`. */
async function connectAs(page: Page, address: string): Promise<void> {
  await page.getByLabel("Development account").selectOption(address);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
}

/** Types one order into the form (the first row). */
async function fillOrder(page: Page, order: { side?: "Buy" | "Sell"; kwh: string; price: string }): Promise<void> {
  if (order.side !== undefined) await page.getByLabel("Side").selectOption({ label: order.side });
  await page.getByLabel("Amount (kWh)").fill(order.kwh);
  await page.getByLabel("Price (USDC/kWh)").fill(order.price);
}

/** Deposits or withdraws `amount` of the payment token through the account panel and waits for the block. */
async function transfer(page: Page, action: "Deposit" | "Withdraw", amount: string): Promise<void> {
  await page.getByLabel("Amount (USDC)").fill(amount);
  await page.getByRole("button", { name: action }).click();
  await expectStatus(page, `${action}: done.`);
}

const step = async (name: string, body: () => Promise<void>) => {
  await body();
  log(`ok: ${name}`);
};

async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function main(): Promise<void> {
  const kind = (process.env.APP_E2E_NODE ?? "hardhat") as NodeKind;
  if (kind !== "hardhat" && kind !== "anvil") throw new Error(`APP_E2E_NODE is hardhat or anvil, not ${kind}`);
  const node = await startLocalNode(kind);
  log(`${kind} on ${node.url}`);
  process.env.HARDHAT_NETWORK = "localhost";
  process.env.LOCALHOST_RPC_URL = node.url;
  const hre = (await import("hardhat")).default;
  const { deployAppMarket } = await import("./fixture");
  const market = await deployAppMarket(hre, node.url, "app-e2e");
  const server = await serveApp(market.config);
  log(`market deployed, app on ${server.url}`);
  // playwright-core starts Chromium with a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(TIMEOUT_MS);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    const byTest = (id: string) => page.getByTestId(id);

    await step("connect the development account", async () => {
      await connectAs(page, market.consumer);
      await expectTexts(page, [
        ["connected-account", "development account — local chains only"],
        ["role", "Consumer"],
        ["wallet-payment", "50 USDC"],
      ]);
    });

    await step("deposit 10 USDC into the market account", async () => {
      await transfer(page, "Deposit", "10");
      await expectTexts(page, [
        ["account-payment", "10 USDC"],
        ["wallet-payment", "40 USDC"],
      ]);
    });

    await step("the order form refuses a price off the tick before sending", async () => {
      await fillOrder(page, { kwh: "1", price: "0.25005" });
      await expectText(
        page.locator(".field-error"),
        "0.25005 USDC/kWh is not a multiple of the tick size 0.0001 USDC/kWh",
      );
    });

    await step("place a buy order of 1 kWh at 0.25 and see it in the depth", async () => {
      await fillOrder(page, { kwh: "1", price: "0.25" });
      await expectText(byTest("escrow"), "Reserves 0.25 USDC and 0 kWh; all from your market account.");
      await page.getByRole("button", { name: "Place order" }).click();
      await expectStatus(page, "Place order: done.");
      await expectTexts(page, [
        ["depth", "1 kWh0.25 USDC/kWh"],
        ["depth", "0.2 USDC/kWh2 kWh"],
        ["own-orders", "Buy1 kWh0.25 USDC/kWhOpen"],
        ["account-payment", "9.75 USDC"],
      ]);
      await shoot(page, "trade");
    });

    await step("the keeper clears: the fill, its price and the balances", async () => {
      const upkeeps = await market.clearOpenEpoch();
      assert.ok(upkeeps >= 1, "the keeper found no work after gate closure");
      // Clearing price floor((0.25 + 0.20) / 2) = 0.225; the buyer pays 0.225 and gets 0.025 of its escrow back.
      await expectTexts(page, [
        ["own-orders", "Buy1 kWh0.25 USDC/kWhSettled1 kWh0.225 USDC/kWh (0.225 USDC)"],
        ["account-payment", "9.775 USDC"],
        ["wallet-grid", "1 kWh"],
      ]);
      await shoot(page, "trade-filled");
    });

    await step("a revert in words: a consumer may not sell", async () => {
      await fillOrder(page, { side: "Sell", kwh: "0.5", price: "0.3" });
      await page.getByRole("button", { name: "Place order" }).click();
      await expectText(
        page.getByRole("alert"),
        "Place order refused: This account may not sell: selling takes a registered, active prosumer or a market maker. (TradingNotEligible)",
      );
    });

    await step("a batch of two orders in one transaction, then both cancelled before gate closure", async () => {
      await fillOrder(page, { side: "Buy", kwh: "1", price: "0.1" });
      await page.getByRole("button", { name: "Add another order" }).click();
      await page.getByLabel("Amount (kWh)").nth(1).fill("2");
      await page.getByLabel("Price (USDC/kWh)").nth(1).fill("0.15");
      await expectText(byTest("escrow"), "Reserves 0.4 USDC and 0 kWh; all from your market account.");
      await page.getByRole("button", { name: "Place 2 orders" }).click();
      await expectStatus(page, "Place 2 orders: done.");
      await expectTexts(page, [
        ["account-payment", "9.375 USDC"],
        ["depth", "2 kWh0.15 USDC/kWh"],
        ["depth", "1 kWh0.1 USDC/kWh"],
      ]);
      await page.getByRole("button", { name: "Cancel all 2 open orders" }).click();
      await expectStatus(page, "Cancel 2 orders: done.");
      await expectTexts(page, [
        ["account-payment", "9.775 USDC"],
        ["own-orders", "Buy2 kWh0.15 USDC/kWhCancelled"],
      ]);
    });

    await step("withdraw the market account's USDC", async () => {
      await transfer(page, "Withdraw", "9.775");
      await expectTexts(page, [
        ["account-payment", "0 USDC"],
        ["wallet-payment", "49.775 USDC"],
      ]);
    });

    await step("the prosumer: its sale's fill, its meter and the GRID minted for it", async () => {
      await page.getByRole("button", { name: "Disconnect" }).click();
      await connectAs(page, market.prosumer);
      // 5 kWh minted; 2 kWh pulled into the sell order, of which 1 kWh sold at 0.225 and 1 kWh back in the account.
      await expectTexts(page, [
        ["role", "Prosumer"],
        ["own-orders", "Sell2 kWh0.2 USDC/kWhSettled1 kWh0.225 USDC/kWh"],
        ["account-payment", "0.225 USDC"],
        ["account-grid", "1 kWh"],
        ["wallet-grid", "3 kWh"],
        ["meters", "SOLAR-LAB-1"],
        ["meters", "UTC15 kWh / 0 kWh5 kWh0 kWh"],
      ]);
    });

    await step("the operator page", async () => {
      await page.getByRole("link", { name: "Operators" }).click();
      await expectTexts(page, [
        ["pending-work", "None"],
        ["last-upkeep", "Settle epoch"],
        ["recent-epochs", "Settled20.225 USDC/kWh1 kWh"],
        ["users", "ConsumerActiveLibrary0"],
        ["assigned-meters", "SOLAR-LAB-1"],
      ]);
      await shoot(page, "operator");
    });

    await step("a browser wallet announced through EIP-6963", async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const walletPage = await context.newPage();
      await walletPage.addInitScript({ content: announcedWallet(node.url, market.prosumer) });
      await walletPage.goto(server.url);
      await walletPage.getByRole("button", { name: "Test Wallet" }).click();
      await expectTexts(walletPage, [
        ["connected-account", "0x3C44…93BC"],
        ["role", "Prosumer"],
      ]);
      const badge = await walletPage.getByTestId("connected-account").textContent();
      assert.ok(!badge?.includes("development account"), "a browser wallet is not marked as a development account");
      await context.close();
    });

    await step("a phone-size layout", async () => {
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
      await phone.goto(server.url);
      await connectAs(phone, market.consumer);
      await expectTexts(phone, [
        ["role", "Consumer"],
        ["own-orders", "Buy1 kWh0.25 USDC/kWhSettled1 kWh0.225 USDC/kWh"],
      ]);
      const width = Number(await phone.evaluate("document.documentElement.scrollWidth"));
      assert.ok(width <= 390, `the page is ${width}px wide on a 390px screen`);
      await shoot(phone, "trade-phone");
    });

    assert.deepEqual(errors, [], "uncaught errors in the page");
    log("all browser flows passed");
  } finally {
    await browser.close();
    await server.close();
    await node.stop();
    fs.rmSync(market.deploymentDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
