import {
  CONTRACT_SIZE_LIMIT,
  INITCODE_SIZE_LIMIT,
  readFirstRelease,
  TOLERANCE,
  type Snapshot,
  type SnapshotScalingRow,
} from "./snapshot";

/** What each single-operation metric is, in the order the report lists them. Scaling and bytecode rows are generated. */
export const OPERATIONS: { section: string; rows: [key: string, operation: string, conditions: string][] }[] = [
  {
    section: "Registry (REC regulator)",
    rows: [
      ["registry.registerUser", "`registerUser`", "new prosumer, 20-byte location"],
      ["registry.assignMeter.first", "`assignMeter`", "the user's first meter"],
      ["registry.assignMeter.next", "`assignMeter`", "a further meter of the same user"],
      ["registry.setMeterSigner", "`setMeterSigner`", "a meter's first signing key"],
    ],
  },
  {
    section: "Meter readings (OracleClient)",
    rows: [
      [
        "oracle.submitReadings.baseline",
        "`submitReadings`, 1 reading",
        "a meter's first reading: baseline only, nothing minted",
      ],
      ["oracle.submitReadings.firstMint", "`submitReadings`, 1 reading", "mints to an owner holding no GRID yet"],
      ["oracle.submitReadings.batch1", "`submitReadings`, batch of 1", "mint to an existing holder"],
      [
        "oracle.submitReadings.batch10.perReading",
        "`submitReadings`, batch of 10, per reading",
        "10 meters, mint to existing holders",
      ],
      [
        "oracle.submitReadings.batch100.perReading",
        "`submitReadings`, batch of 100, per reading",
        "100 meters, mint to existing holders",
      ],
      ["oracle.submitReadings.batch100.total", "`submitReadings`, batch of 100, whole transaction", "as above"],
      [
        "oracle.submitReadings.batch100MintAndBurn.perReading",
        "`submitReadings`, batch of 100, per reading",
        "export and import both grew: a mint and a burn each",
      ],
      [
        "oracle.submitSignedReadings.batch1",
        "`submitSignedReadings`, batch of 1",
        "EIP-712 signature by the meter's key, relayed by a non-operator",
      ],
      [
        "oracle.submitSignedReadings.batch100.perReading",
        "`submitSignedReadings`, batch of 100, per reading",
        "as above, 100 meters with 100 keys",
      ],
      ["oracle.requestEnergyData", "`requestEnergyData`", "by the meter's owner"],
      ["oracle.fulfillEnergyData", "`fulfillEnergyData`", "by an oracle operator, mint to an existing holder"],
    ],
  },
  {
    section: "Orders (Trading)",
    rows: [
      [
        "trading.createSellOrder.epochFirst",
        "`createSellOrder`",
        "first order of the epoch: opens and queues it, first ask level",
      ],
      ["trading.createBuyOrder.sideFirst", "`createBuyOrder`", "first bid of the epoch"],
      ["trading.createSellOrder.newLevel", "`createSellOrder`", "a price level not yet used in the epoch"],
      ["trading.createBuyOrder.newLevel", "`createBuyOrder`", "a price level not yet used in the epoch"],
      ["trading.createSellOrder.userFirstEver", "`createSellOrder`", "the user's first order ever (level used)"],
      ["trading.createBuyOrder.userFirstEver", "`createBuyOrder`", "the user's first order ever (level used)"],
      [
        "trading.createSellOrder.steady",
        "`createSellOrder` from the account, **steady state**",
        "deposited first; mean of 12 consecutive orders: existing holder, level used, user already has an order in the epoch, slot of a settled order reused",
      ],
      [
        "trading.createSellOrder.steadyMax",
        "`createSellOrder` from the account, steady state, most expensive",
        "the costliest of those 12",
      ],
      [
        "trading.createBuyOrder.steady",
        "`createBuyOrder` from the account, **steady state**",
        "mean of 12 consecutive orders, as above",
      ],
      [
        "trading.createBuyOrder.steadyMax",
        "`createBuyOrder` from the account, steady state, most expensive",
        "the costliest of those 12",
      ],
      [
        "trading.createSellOrder.steadyFromWallet",
        "`createSellOrder` from the wallet, steady state",
        "a user who never deposited: the whole escrow pulled with `transferFrom`; mean of 12 consecutive orders",
      ],
      [
        "trading.createSellOrder.steadyFromWalletMax",
        "`createSellOrder` from the wallet, most expensive",
        "the costliest of those 12",
      ],
      ["trading.createBuyOrder.steadyFromWallet", "`createBuyOrder` from the wallet, steady state", "as above"],
      [
        "trading.createBuyOrder.steadyFromWalletMax",
        "`createBuyOrder` from the wallet, most expensive",
        "the costliest of those 12",
      ],
      [
        "trading.createOrders.sell5.perOrder",
        "`createOrders`, 5 sells, per order",
        "from the account, level used, after the user's first order in the epoch; mean of 3 batches",
      ],
      ["trading.createOrders.buy5.perOrder", "`createOrders`, 5 buys, per order", "as above"],
      [
        "trading.createSellOrderWithPermit.userFirstEver",
        "`createSellOrderWithPermit`",
        "the user's first order and first permit",
      ],
      [
        "trading.createSellOrderWithPermit.steady",
        "`createSellOrderWithPermit`, steady state",
        "mean of 12 consecutive orders, permit of exactly the escrow",
      ],
      [
        "trading.createSellOrderWithPermit.steadyMax",
        "`createSellOrderWithPermit`, steady state, most expensive",
        "the costliest of those 12",
      ],
      [
        "trading.createBuyOrderWithPermit.userFirstEver",
        "`createBuyOrderWithPermit`",
        "the user's first order and first permit",
      ],
      [
        "trading.createBuyOrderWithPermit.steady",
        "`createBuyOrderWithPermit`, steady state",
        "mean of 12 consecutive orders, permit of exactly the escrow",
      ],
      [
        "trading.createBuyOrderWithPermit.steadyMax",
        "`createBuyOrderWithPermit`, steady state, most expensive",
        "the costliest of those 12",
      ],
      ["trading.cancelOrder.buy", "`cancelOrder`, buy", "level keeps other orders, escrow back to the account"],
      ["trading.cancelOrder.sell", "`cancelOrder`, sell", "as above"],
      ["trading.cancelOrders.sell5.perOrder", "`cancelOrders`, 5 sells, per order", "escrow back to the account"],
    ],
  },
  {
    section: "Clearing: price discovery",
    rows: [
      [
        "trading.matchOrders.dense1",
        "`matchOrders`, 1 + 1 levels",
        "one call by a keeper account, fully crossing book",
      ],
      ["trading.matchOrders.dense10", "`matchOrders`, 10 + 10 levels", "adjacent levels"],
      ["trading.matchOrders.dense100", "`matchOrders`, 100 + 100 levels", "adjacent levels"],
      [
        "trading.matchOrders.spread100",
        "`matchOrders`, 100 + 100 levels",
        "levels 50 ticks apart over the whole price range",
      ],
      [
        "trading.matchOrders.fixed",
        "`matchOrders`, fixed part",
        "least-squares intercept over the adjacent-level walks (21,000 intrinsic included)",
      ],
      [
        "trading.matchOrders.fixedInCall",
        "`matchOrders`, fixed part inside `performUpkeep`",
        "the intercept without the transaction's intrinsic gas (21,000 plus calldata)",
      ],
      ["trading.matchOrders.perLevel", "`matchOrders`, per level walked", "least-squares slope, adjacent levels"],
      [
        "trading.matchOrders.perLevelSpread",
        "`matchOrders`, per level walked",
        "spread levels, over the fitted fixed part",
      ],
    ],
  },
  {
    section: "Clearing: settlement (marginal cost per order in an `executeTrades` batch)",
    rows: [
      [
        "trading.executeTrades.fixed",
        "`executeTrades`, fixed part of a call",
        "what a 1-order call costs beyond its order (intrinsic included)",
      ],
      [
        "trading.executeTrades.fullFillBuy",
        "full fill, buy",
        "buyer above the clearing price: GRID delivered to the wallet (existing holder), price difference to the account",
      ],
      [
        "trading.executeTrades.fullFillBuyKeeps",
        "full fill, buy, GRID kept in the account",
        "the buyer chose `setKeepsBoughtGrid(true)`: GRID and refund credited to the account",
      ],
      ["trading.executeTrades.fullFillSell", "full fill, sell", "proceeds credited to the account"],
      [
        "trading.executeTrades.partialFillBuy",
        "partial fill, buy",
        "at the margin: GRID delivered to the wallet, unfilled escrow to the account",
      ],
      [
        "trading.executeTrades.partialFillSell",
        "partial fill, sell",
        "at the margin: proceeds and unfilled GRID credited to the account",
      ],
      ["trading.executeTrades.unfilledBuy", "unfilled, buy", "whole escrow back to the account"],
      ["trading.executeTrades.unfilledSell", "unfilled, sell", "whole GRID back to the account"],
      [
        "trading.executeTrades.fullFillBuy.firstTimeHolder",
        "full fill, buy, first-time GRID holder",
        "GRID delivered to a wallet whose GRID balance was zero",
      ],
      ["trading.executeTrades.epochClose", "closing the epoch", "extra cost of the call that settles the last order"],
    ],
  },
  {
    section: "Keeper (`OracleClient.performUpkeep`, default batch sizes, 1,000 orders over 100 levels)",
    rows: [
      [
        "oracle.performUpkeep.matchThenSettle",
        "first call",
        "whole price discovery, then settlement with the gas left",
      ],
      ["oracle.performUpkeep.settle100", "a settlement call", "100 orders"],
      ["oracle.performUpkeep.settleLast", "the last call", "the remaining orders and the epoch close"],
    ],
  },
  {
    section: "Market accounts",
    rows: [
      ["trading.deposit.grid", "`deposit`, GRID", "1 kWh into an account that holds GRID, existing holder"],
      ["trading.deposit.payment", "`deposit`, payment token", "100 USDC into an account that holds USDC"],
      ["trading.withdraw.grid", "`withdraw`, GRID", "1 kWh of a larger free balance, to an existing holder"],
      ["trading.withdraw.payment", "`withdraw`, payment token", "100 USDC of a larger free balance"],
      [
        "trading.withdraw.feeRecipient",
        "`withdraw`, payment token, whole balance",
        "the fee recipient withdraws the rounding remainders the epochs credited it",
      ],
      [
        "trading.setKeepsBoughtGrid",
        "`setKeepsBoughtGrid(true)`",
        "a consumer chooses to keep bought GRID in its account",
      ],
    ],
  },
];

const n = (x: number) => x.toLocaleString("en-US");
/** A number with a typographic minus; `digits` fixes the decimals. */
const signed = (x: number, digits?: number) => {
  const text = digits === undefined ? n(Math.abs(x)) : Math.abs(x).toFixed(digits);
  return x < 0 ? `−${text}` : text;
};

/** The whole docs/PERFORMANCE.md, generated from a snapshot only (so the page always matches the JSON). */
export function renderReport(s: Snapshot): string {
  const out: string[] = [];
  const line = (text = "") => out.push(text);
  const table = (header: string[], rows: (string | number)[][], align?: string[]) => {
    line(`| ${header.join(" | ")} |`);
    line(`|${(align ?? header.map(() => "---")).map((a) => ` ${a} `).join("|")}|`);
    for (const row of rows) line(`| ${row.map((c) => (typeof c === "number" ? n(c) : c)).join(" | ")} |`);
    line();
  };
  const env = s.environment;

  line("# Performance");
  line();
  line(
    "<!-- Generated by `npm run bench` from bench/gas-snapshot.json. Do not edit by hand: `npm run bench:check` fails when this page and the snapshot disagree. -->",
  );
  line();
  line(
    `Gas of every user-facing operation, measured by the project's benchmark (\`bench/run.ts\`) on Hardhat's in-process network ` +
      `(hardfork ${env.hardfork}, Hardhat ${env.hardhat}, solc ${env.solc} with ${env.optimizerRuns} optimizer runs, EVM ${env.evmVersion}). ` +
      `The figures are committed in \`bench/gas-snapshot.json\`; CI re-measures and fails when any figure is more than ${TOLERANCE * 100}% worse.`,
  );
  line();
  line("## How it is measured");
  line();
  for (const item of [
    "Every figure is a receipt's `gasUsed`: the 21,000 intrinsic gas and the calldata are included, refunds deducted.",
    "Every transaction is a real one from the real account: users, the regulator, the oracle operator and a keeper are distinct externally owned accounts (deterministic keys, funded with `hardhat_setBalance`, sent with `eth_sendTransaction` from the unlocked account; a signature does not change `gasUsed`). No helper contract stands in for a user.",
    "1,016 users are onboarded the way the live system does it: the regulator registers each one and assigns a meter, the oracle operator submits a baseline and a generation reading (GRID is minted by the OracleClient), users mint mock USDC and approve Trading for both tokens with the maximum allowance (the permit rows use users who never approved). Everyone is an existing holder of both tokens unless a row says otherwise.",
    '**The accounts path** (SPEC 11): the 1,000 pool users deposit before they trade (prosumers 100 kWh of GRID, consumers 500,000 USDC), so their orders reserve from their market accounts and pull nothing from the wallet; settlement credits their accounts, and delivers bought GRID to the buyer\'s wallet unless the buyer keeps it in the account. The "from the wallet" rows use two users who never deposited, the permit rows two who never approved.',
    "The benchmark mines every block itself at timestamps of its own clock, from a fixed start: the run does not depend on the wall clock and reproduces to the unit.",
    "**Steady state** (SPEC 10): existing holders, a price level already used in the epoch, a user who already has an order in the epoch and has traded in earlier epochs, and order slots reused: the order epoch comes after six epochs of traffic, and the benchmark checks that every order of it rewrote a slot a settled order of the bank's previous epoch left behind. Because per-user storage may fill up in words, the steady figure is the mean over 12 consecutive orders of one user, and the most expensive of them is listed too.",
    "Price discovery is measured on fully crossing books (every bid above every ask, one order of 1 kWh per level), so the walk visits every level; the fixed and per-level parts are a least-squares fit over walks of 1 + 1, 10 + 10 and 100 + 100 levels.",
    "Settlement is measured per kind of order: each kind occupies a run of consecutive order ids and is settled by an `executeTrades` call of 1 order and one of 10; the per-order cost is the difference over the 9 extra orders, the fixed part what remains of the 1-order call.",
    "The scaling books are cleared through the keeper path (`checkUpkeep`, then `performUpkeep` by an oracle operator) with the default batch sizes and a 5,000,000 gas limit per call (Chainlink's `maxPerformGas`). Their orders alternate sell and buy, each from a distinct existing holder trading from its market account; asks lie on the lower half of the levels and bids on the upper half, so the book crosses at every level and nearly every order fills (the worst case for clearing). Each of these epochs takes the bank of order slots of an earlier epoch with at least as many orders (an unmeasured history epoch of 2,298 orders, then the books largest first), as under steady traffic: its orders rewrite slots settled orders left behind. The end-to-end book is measured twice: buyers with the default delivery of bought GRID to their wallets, and buyers who chose to keep it in their accounts.",
  ]) {
    line(`- ${item}`);
  }
  line();

  line("## SPEC 10 budgets");
  line();
  line(
    "The accounts release's budgets (SPEC 10, second column), each with the first release's figure and budget for the row it follows (from `bench/first-release.json`, the first release's snapshot; — where the row is new). A figure over its budget is a **FAIL**, with the reason in the conditions.",
  );
  line();
  const withUnit = (x: number, unit: string) => `${signed(x)}${unit === "gas" ? "" : unit === "%" ? "%" : ` ${unit}`}`;
  table(
    ["Requirement", "First release", "Accounts release", "Budget", "Margin", "Result", "Conditions"],
    s.budgets.map((b) => {
      const margin = Math.round((b.budget - b.figure) * 100) / 100;
      const pct = b.unit === "%" || b.budget === 0 ? "" : ` (${signed((margin / b.budget) * 100, 1)}%)`;
      const before =
        b.before === undefined
          ? "—"
          : `${withUnit(b.before.figure, b.unit)} (≤ ${withUnit(b.before.budget, b.unit)}${b.before.pass ? "" : ", FAIL"})`;
      return [
        b.requirement,
        before,
        withUnit(b.figure, b.unit),
        `≤ ${withUnit(b.budget, b.unit)}`,
        `${withUnit(margin, b.unit)}${pct}`,
        b.pass ? "PASS" : "**FAIL**",
        b.note,
      ];
    }),
    ["---", "---:", "---:", "---:", "---:", ":---:", "---"],
  );
  const first = readFirstRelease();
  const followed = new Set(s.budgets.flatMap((b) => (b.before ? [b.before.id] : [])));
  const dropped = Object.entries(first.budgets).filter(([id]) => !followed.has(id));
  if (dropped.length > 0) {
    line("First-release rows the accounts release does not budget any more (SPEC 10 replaced them):");
    line();
    for (const [id, b] of dropped) {
      line(
        `- ${b.requirement}: ${withUnit(b.figure, b.unit)} against ≤ ${withUnit(b.budget, b.unit)} (${b.pass ? "PASS" : "FAIL"}; \`${id}\`)`,
      );
    }
    line();
  }

  line("## Operations");
  line();
  for (const section of OPERATIONS) {
    line(`### ${section.section}`);
    line();
    table(
      ["Operation", "Gas", "Conditions"],
      section.rows.map(([key, operation, conditions]) => [operation, metric(s, key), conditions]),
      ["---", "---:", "---"],
    );
  }

  line("### Price-discovery walks");
  line();
  table(
    ["Layout", "Levels per side", "Levels walked", "Gas"],
    s.matchPoints.map((p) => [p.layout, p.levelsPerSide, p.levelsWalked, p.gasUsed]),
    ["---", "---:", "---:", "---:"],
  );

  line("## Scaling");
  line();
  line(
    "One epoch per row, from the first order to the last settlement. Gas per order = (all order transactions + all `performUpkeep` calls) / orders. " +
      "10 orders cannot span 100 levels, so that row is absent.",
  );
  line();
  const scalingRow = (r: SnapshotScalingRow, label?: string): (string | number)[] => [
    label ?? n(r.orders),
    r.levels,
    r.totalGas,
    r.gasPerOrder,
    r.createPerOrder,
    r.clearingPerOrder,
    r.upkeepCalls,
    r.largestUpkeep,
  ];
  table(
    [
      "Orders",
      "Levels",
      "Total gas",
      "Gas per order",
      "Create per order",
      "Clearing per order",
      "`performUpkeep` calls",
      "Largest call",
    ],
    [
      ...s.scaling.map((r) => scalingRow(r)),
      scalingRow(s.endToEnd, `${n(s.endToEnd.orders)} (end to end, GRID to wallets)`),
      scalingRow(s.endToEndKeep, `${n(s.endToEndKeep.orders)} (end to end, GRID kept in accounts)`),
    ],
    ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:"],
  );
  line("`performUpkeep` calls, in order (gas):");
  line();
  for (const r of [...s.scaling, s.endToEnd, s.endToEndKeep]) {
    const which =
      r === s.endToEnd ? " (end to end, GRID to wallets)" : r === s.endToEndKeep ? " (end to end, GRID kept)" : "";
    line(`- ${n(r.orders)} orders over ${r.levels} levels${which}: ${r.upkeepGas.map(n).join(", ")}`);
  }
  line();
  line("### Flatness");
  line();
  line(
    "Spread = most / least expensive gas per order − 1 across the book sizes; growth = largest book / smallest book − 1 (negative: the per-order cost falls as fixed per-epoch costs are shared by more orders).",
  );
  line();
  table(
    ["Levels", "Orders", "Gas per order", "Spread", "Growth"],
    s.flatness.map((f) => [
      f.levels,
      f.orders.map(n).join(" / "),
      f.gasPerOrder.map(n).join(" / "),
      `${signed(f.spread * 100, 2)}%`,
      `${signed(f.growth * 100, 2)}%`,
    ]),
    ["---:", "---", "---", "---:", "---:"],
  );

  line("## Bytecode sizes");
  line();
  table(
    ["Contract", "Deployed bytes", "Headroom to 24,576", "Initcode bytes", "Headroom to 49,152"],
    ["Registry", "GridToken", "OracleClient", "Trading"].map((c) => {
      const deployed = s.metrics[`bytecode.${c}.deployed`];
      const init = s.metrics[`bytecode.${c}.initcode`];
      return [`\`${c}\``, deployed, CONTRACT_SIZE_LIMIT - deployed, init, INITCODE_SIZE_LIMIT - init];
    }),
    ["---", "---:", "---:", "---:", "---:"],
  );

  line("## Reproducing");
  line();
  line(
    "- `npm run bench` re-measures everything (about a minute on two cores) and rewrites `bench/gas-snapshot.json` and this page.",
  );
  line(
    `- \`npm run bench:check\` re-measures and compares with the committed snapshot: any figure more than ${TOLERANCE * 100}% worse fails, improvements pass with a reminder to commit a new snapshot.`,
  );
  line(
    "- `npm run bench:breakdown` runs the benchmark and prints, for the transactions behind the budgeted figures, where the gas goes opcode by opcode (cold/warm storage reads, new-slot and update writes, calls, logs) per contract; `npm run bench:breakdown -- --metrics key1,key2` picks other metrics.",
  );
  return out.join("\n").replace(/\n+$/, "\n");
}

function metric(s: Snapshot, key: string): number {
  const value = s.metrics[key];
  if (value === undefined) throw new Error(`the report lists ${key}, which the snapshot lacks`);
  return value;
}

/** Metric keys that the report's operation tables do not describe (they must be scaling or bytecode rows). */
export function undescribedMetrics(s: Snapshot): string[] {
  const described = new Set(OPERATIONS.flatMap((sec) => sec.rows.map(([key]) => key)));
  return Object.keys(s.metrics).filter(
    (k) => !described.has(k) && !k.startsWith("scaling.") && !k.startsWith("endToEnd.") && !k.startsWith("bytecode."),
  );
}
