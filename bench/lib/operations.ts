// The descriptions of the benchmark's single-operation metrics, as the generated docs/PERFORMANCE.md lists them.
// Families of metrics that differ only by the order side, the token or the batch size are written once and
// expanded by the small builders below.

/** One metric: its key in the snapshot, the operation and the conditions it is measured under. */
type Row = [key: string, operation: string, conditions: string];

const AS_ABOVE = "as above";
const COSTLIEST = "the costliest of those 12";

/** `text` as Markdown inline code. */
const code = (text: string): string => `\`${text}\``;

/**
 * The rows `rows(method, first)` of the sells' method (`create<Side>Order<suffix>`), then the buys'; `first` is
 * true for the sells, whose conditions the buys' rows may refer to (`as above`).
 */
function perSide(suffix: string, rows: (method: string, first: boolean) => Row[]): Row[] {
  return (["Sell", "Buy"] as const).flatMap((side, i) => rows(`create${side}Order${suffix}`, i === 0));
}

/** A steady-state mean over consecutive orders (`key`) and the costliest of them (`<key>Max`). */
function steady(key: string, mean: string, costliest: string, conditions: string): Row[] {
  return [
    [key, mean, conditions],
    [`${key}Max`, costliest, COSTLIEST],
  ];
}

/** The per-reading cost (`oracle.<method>.<batch>.perReading`) of a batch of `size` readings. */
function perReading(method: string, batch: string, size: number, conditions: string): Row {
  return [`oracle.${method}.${batch}.perReading`, `${code(method)}, batch of ${size}, per reading`, conditions];
}

/** `rows` whose keys are written without their common `prefix` (`<prefix>.<key>`). */
function prefixed(prefix: string, rows: Row[]): Row[] {
  return rows.map(([key, operation, conditions]) => [`${prefix}.${key}`, operation, conditions]);
}

/** The two rows of a market-account operation: GRID, then the payment token. */
function perToken(method: string, grid: string, payment: string): Row[] {
  return [
    [`trading.${method}.grid`, `${code(method)}, GRID`, grid],
    [`trading.${method}.payment`, `${code(method)}, payment token`, payment],
  ];
}

const ORDERS: Row[] = [
  [
    "trading.createSellOrder.epochFirst",
    code("createSellOrder"),
    "first order of the epoch: opens and queues it, first ask level",
  ],
  ["trading.createBuyOrder.sideFirst", code("createBuyOrder"), "first bid of the epoch"],
  ...perSide("", (m) => [[`trading.${m}.newLevel`, code(m), "a price level not yet used in the epoch"]]),
  ...perSide("", (m) => [[`trading.${m}.userFirstEver`, code(m), "the user's first order ever (level used)"]]),
  ...perSide("", (m, first) =>
    steady(
      `trading.${m}.steady`,
      `${code(m)} from the account, **steady state**`,
      `${code(m)} from the account, steady state, most expensive`,
      first
        ? "deposited first; mean of 12 consecutive orders: existing holder, level used, user already has an order in the epoch, slot of a settled order reused"
        : "mean of 12 consecutive orders, as above",
    ),
  ),
  ...perSide("", (m, first) =>
    steady(
      `trading.${m}.steadyFromWallet`,
      `${code(m)} from the wallet, steady state`,
      `${code(m)} from the wallet, most expensive`,
      first
        ? "a user who never deposited: the whole escrow pulled with `transferFrom`; mean of 12 consecutive orders"
        : AS_ABOVE,
    ),
  ),
  [
    "trading.createOrders.sell5.perOrder",
    "`createOrders`, 5 sells, per order",
    "from the account, level used, after the user's first order in the epoch; mean of 3 batches",
  ],
  ["trading.createOrders.buy5.perOrder", "`createOrders`, 5 buys, per order", AS_ABOVE],
  ...perSide("WithPermit", (m) => [
    [`trading.${m}.userFirstEver`, code(m), "the user's first order and first permit"],
    ...steady(
      `trading.${m}.steady`,
      `${code(m)}, steady state`,
      `${code(m)}, steady state, most expensive`,
      "mean of 12 consecutive orders, permit of exactly the escrow",
    ),
  ]),
  ["trading.cancelOrder.buy", "`cancelOrder`, buy", "level keeps other orders, escrow back to the account"],
  ["trading.cancelOrder.sell", "`cancelOrder`, sell", AS_ABOVE],
  ["trading.cancelOrders.sell5.perOrder", "`cancelOrders`, 5 sells, per order", "escrow back to the account"],
];

/** What each single-operation metric is, in the order the report lists them. Scaling and bytecode rows are generated. */
export const OPERATIONS: { section: string; rows: Row[] }[] = [
  {
    section: "Registry (REC regulator)",
    rows: [
      ["registry.registerUser", code("registerUser"), "new prosumer, 20-byte location"],
      ["registry.assignMeter.first", code("assignMeter"), "the user's first meter"],
      ["registry.assignMeter.next", code("assignMeter"), "a further meter of the same user"],
      ["registry.setMeterSigner", code("setMeterSigner"), "a meter's first signing key"],
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
      perReading("submitReadings", "batch10", 10, "10 meters, mint to existing holders"),
      perReading("submitReadings", "batch100", 100, "100 meters, mint to existing holders"),
      ["oracle.submitReadings.batch100.total", "`submitReadings`, batch of 100, whole transaction", AS_ABOVE],
      perReading("submitReadings", "batch100MintAndBurn", 100, "export and import both grew: a mint and a burn each"),
      [
        "oracle.submitSignedReadings.batch1",
        "`submitSignedReadings`, batch of 1",
        "EIP-712 signature by the meter's key, relayed by a non-operator",
      ],
      perReading("submitSignedReadings", "batch100", 100, "as above, 100 meters with 100 keys"),
      ["oracle.requestEnergyData", code("requestEnergyData"), "by the meter's owner"],
      ["oracle.fulfillEnergyData", code("fulfillEnergyData"), "by an oracle operator, mint to an existing holder"],
    ],
  },
  { section: "Orders (Trading)", rows: ORDERS },
  {
    section: "Clearing: price discovery",
    rows: prefixed("trading.matchOrders", [
      ["dense1", "`matchOrders`, 1 + 1 levels", "one call by a keeper account, fully crossing book"],
      ...[10, 100].map((n): Row => [`dense${n}`, `\`matchOrders\`, ${n} + ${n} levels`, "adjacent levels"]),
      ["spread100", "`matchOrders`, 100 + 100 levels", "levels 50 ticks apart over the whole price range"],
      [
        "fixed",
        "`matchOrders`, fixed part",
        "the 1 + 1-level walk less its two levels at the spread per-level cost (21,000 intrinsic included)",
      ],
      [
        "fixedInCall",
        "`matchOrders`, fixed part inside `performUpkeep`",
        "the intercept without the transaction's intrinsic gas (21,000 plus calldata)",
      ],
      ["perLevel", "`matchOrders`, per level walked", "least-squares slope, adjacent levels"],
      [
        "perLevelSpread",
        "`matchOrders`, per level walked",
        "spread levels (a depth slot each): slope from the 1 + 1-level walk to the spread walk",
      ],
    ]),
  },
  {
    section: "Clearing: settlement (marginal cost per order in an `executeTrades` batch)",
    rows: prefixed("trading.executeTrades", [
      [
        "fixed",
        "`executeTrades`, fixed part of a call",
        "what a 1-order call costs beyond its order (intrinsic included)",
      ],
      [
        "fullFillBuy",
        "full fill, buy",
        "buyer above the clearing price: GRID delivered to the wallet (existing holder), price difference to the account",
      ],
      [
        "fullFillBuyKeeps",
        "full fill, buy, GRID kept in the account",
        "the buyer chose `setKeepsBoughtGrid(true)`: GRID and refund credited to the account",
      ],
      ["fullFillSell", "full fill, sell", "proceeds credited to the account"],
      [
        "partialFillBuy",
        "partial fill, buy",
        "at the margin: GRID delivered to the wallet, unfilled escrow to the account",
      ],
      ["partialFillSell", "partial fill, sell", "at the margin: proceeds and unfilled GRID credited to the account"],
      ["unfilledBuy", "unfilled, buy", "whole escrow back to the account"],
      ["unfilledSell", "unfilled, sell", "whole GRID back to the account"],
      [
        "fullFillBuy.firstTimeHolder",
        "full fill, buy, first-time GRID holder",
        "GRID delivered to a wallet whose GRID balance was zero",
      ],
      ["epochClose", "closing the epoch", "extra cost of the call that settles the last order"],
    ]),
  },
  {
    section: "Keeper (`OracleClient.performUpkeep`, default batch sizes, 1,000 orders over 100 levels)",
    rows: prefixed("oracle.performUpkeep", [
      ["matchThenSettle", "first call", "whole price discovery, then settlement with the gas left"],
      ["settle100", "a settlement call", "100 orders"],
      ["settleLast", "the last call", "the remaining orders and the epoch close"],
    ]),
  },
  {
    section: "Market accounts",
    rows: [
      ...perToken(
        "deposit",
        "1 kWh into an account that holds GRID, existing holder",
        "100 USDC into an account that holds USDC",
      ),
      ...perToken(
        "withdraw",
        "1 kWh of a larger free balance, to an existing holder",
        "100 USDC of a larger free balance",
      ),
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
