// The descriptions of the benchmark's single-operation metrics, as the generated docs/PERFORMANCE.md lists them.

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
