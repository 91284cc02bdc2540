/**
 * The access-control matrix: every external state-changing function of the four contracts, with the roles
 * allowed to call it. Each function is called by every role of SPEC 4 that is not allowed (admin, regulator,
 * oracle operator, Automation forwarder, prosumer, consumer, market maker) and by an outsider, and must revert
 * with that contract's exact custom error; each allowed role's call goes through (as a static call from the
 * same state). The table is checked against the ABIs: a function without a row, or a row without a function,
 * fails the suite.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { BaseContract, InterfaceAbi } from "ethers";
import { ethers } from "hardhat";

import { GridToken__factory, OracleClient__factory, Registry__factory, Trading__factory } from "../../typechain-types";
import type { GridToken, MockUSDC, OracleClient, Registry, Trading } from "../../typechain-types";
import { ADMIN_DELAY, type System, deploySystem, mintByReadings } from "./system";

const ROLES = [
  "admin",
  "regulator",
  "operator",
  "forwarder",
  "prosumer",
  "consumer",
  "marketMaker",
  "outsider",
] as const;
type Role = (typeof ROLES)[number];

const ADMIN_ROLE = ethers.ZeroHash;
const SOME_ROLE = ethers.id("SOME_ROLE");
const METER_FREE = ethers.encodeBytes32String("MTR-FREE");
const METER_TAKEN = ethers.encodeBytes32String("MTR-TAKEN");
const NO_PERMIT = [ethers.MaxUint256, 27, ethers.ZeroHash, ethers.ZeroHash] as const;

interface Ctx extends System {
  usdc: MockUSDC;
  /** A reading of the prosumer's meter that any path would accept. */
  freshReading: { meterId: string; exportWh: bigint; importWh: bigint; readAt: bigint };
  pendingRequestId: bigint;
  signer: Record<Role, HardhatEthersSigner>;
  minter: HardhatEthersSigner;
  newcomer: HardhatEthersSigner;
  successor: HardhatEthersSigner;
  openOrderId: bigint;
  openEpoch: bigint;
  openEpochEnd: bigint;
}

/** One row: a function, who may call it, and what everybody else gets. */
interface Row {
  sig: string;
  /**
   * Roles allowed to call it; or "anyone", with the reason it needs no role and the outcome every caller gets
   * from the fixture's state (the same error, or success: `null`), which shows that the caller does not matter.
   */
  allowed: Role[] | { anyone: string; outcome: (caller: string, ctx: Ctx) => [string, unknown[]] | null };
  args: (ctx: Ctx) => unknown[];
  /** The custom error (name and arguments) a caller that is not allowed gets. */
  denied?: (caller: string, ctx: Ctx) => [string, unknown[]];
  /** State the row needs on top of the fixture (e.g. a paused contract to test `unpause`). */
  setup?: (ctx: Ctx) => Promise<void>;
  /** An account outside the role list that is also allowed (the GRID minter, the pending admin). */
  extra?: (ctx: Ctx) => HardhatEthersSigner;
}

// ─────────────────────────────────────────── DENIALS ───────────────────────────────────────────

const notAdmin = (caller: string): [string, unknown[]] => ["AccessControlUnauthorizedAccount", [caller, ADMIN_ROLE]];
const err =
  (name: string) =>
  (caller: string): [string, unknown[]] => [name, [caller]];

const ADMIN: Role[] = ["admin"];
/** The admin is also the first REC regulator (SPEC 9.1). */
const REGULATORS: Role[] = ["admin", "regulator"];

/** A function only the REC regulators (the admin among them) may call; others get `name(caller)`. */
function byRegulators(sig: string, args: Row["args"], name = "NotRecRegulator"): Row {
  return { sig, allowed: REGULATORS, args, denied: err(name) };
}

/** `pause()` and `unpause()` (from a paused state): the admin's alone. */
function pauseRows(contract: (ctx: Ctx) => { connect(s: HardhatEthersSigner): { pause(): Promise<unknown> } }): Row[] {
  return [
    { sig: "pause()", allowed: ADMIN, args: () => [], denied: notAdmin },
    {
      sig: "unpause()",
      allowed: ADMIN,
      args: () => [],
      denied: notAdmin,
      setup: async (c) => void (await contract(c).connect(c.signer.admin).pause()),
    },
  ];
}

/** The rows AccessControlDefaultAdminRules brings to every contract. */
function adminRulesRows(roleForGrant: (ctx: Ctx) => string): Row[] {
  return [
    {
      sig: "grantRole(bytes32,address)",
      allowed: ADMIN,
      args: (c) => [roleForGrant(c), c.newcomer.address],
      denied: notAdmin,
    },
    {
      sig: "revokeRole(bytes32,address)",
      allowed: ADMIN,
      args: (c) => [roleForGrant(c), c.signer.regulator.address],
      denied: notAdmin,
    },
    {
      sig: "renounceRole(bytes32,address)",
      allowed: ["regulator"],
      args: (c) => [roleForGrant(c), c.signer.regulator.address],
      denied: () => ["AccessControlBadConfirmation", []],
    },
    { sig: "beginDefaultAdminTransfer(address)", allowed: ADMIN, args: (c) => [c.successor.address], denied: notAdmin },
    { sig: "cancelDefaultAdminTransfer()", allowed: ADMIN, args: () => [], denied: notAdmin },
    {
      sig: "acceptDefaultAdminTransfer()",
      allowed: [],
      args: () => [],
      denied: (caller) => ["AccessControlInvalidDefaultAdmin", [caller]],
      extra: (c) => c.successor,
      setup: async (c) => {
        for (const contract of [c.registry, c.gridToken, c.trading, c.oracle]) {
          await contract.connect(c.signer.admin).beginDefaultAdminTransfer(c.successor.address);
        }
        await time.increase(ADMIN_DELAY + 1n);
      },
    },
    { sig: "changeDefaultAdminDelay(uint48)", allowed: ADMIN, args: () => [3_600], denied: notAdmin },
    { sig: "rollbackDefaultAdminDelay()", allowed: ADMIN, args: () => [], denied: notAdmin },
  ];
}

// ─────────────────────────────────────────── TABLES ────────────────────────────────────────────

const REGISTRY_ROWS: Row[] = [
  byRegulators("addRecRegulator(address)", (c) => [c.newcomer.address], "RegistryNotAdminOrRegulator"),
  byRegulators("removeRecRegulator(address)", (c) => [c.signer.regulator.address], "RegistryNotAdminOrRegulator"),
  byRegulators("setMaxMetersPerUser(uint32)", () => [5]),
  byRegulators("registerUser(address,uint8,string)", (c) => [c.newcomer.address, 2, "Library"]),
  byRegulators("updateUserStatus(address,uint8)", (c) => [c.signer.prosumer.address, 2]),
  byRegulators("assignMeter(bytes32,address)", (c) => [METER_FREE, c.signer.prosumer.address]),
  byRegulators("unassignMeter(bytes32)", () => [METER_TAKEN]),
  byRegulators("setMeterSigner(bytes32,address)", (c) => [METER_TAKEN, c.newcomer.address]),
  ...pauseRows((c) => c.registry),
  // (The REC regulator role itself is refused by grantRole/revokeRole/renounceRole: RegistryUseRegulatorFunctions.)
  ...adminRulesRows(() => SOME_ROLE),
];

const GRID_TOKEN_ROWS: Row[] = [
  ...(["addMinter", "addBurner"] as const).map((name): Row => ({
    sig: `${name}(address)`,
    allowed: REGULATORS,
    args: (c) => [c.newcomer.address],
    denied: err("NotRecRegulator"),
  })),
  ...(["removeMinter", "removeBurner"] as const).map((name): Row => ({
    sig: `${name}(address)`,
    allowed: REGULATORS,
    args: (c) => [c.minter.address],
    denied: err("NotRecRegulator"),
  })),
  { sig: "lockEscrowAccount(address)", allowed: ADMIN, args: (c) => [c.newcomer.address], denied: notAdmin },
  ...pauseRows((c) => c.gridToken),
  {
    sig: "mint(address,uint256,bytes32)",
    allowed: [],
    args: (c) => [c.signer.prosumer.address, 10n ** 15n, METER_TAKEN],
    denied: err("GridTokenNotMinter"),
    extra: (c) => c.minter,
  },
  {
    sig: "burn(address,uint256,bytes32)",
    allowed: [],
    args: (c) => [c.signer.prosumer.address, 10n ** 15n, METER_TAKEN],
    denied: err("GridTokenNotBurner"),
    extra: (c) => c.minter,
  },
  {
    sig: "transfer(address,uint256)",
    allowed: { anyone: "ERC-20: moves the caller's own balance", outcome: () => null },
    args: (c) => [c.newcomer.address, 0n],
  },
  {
    sig: "transferMany(address[],uint256[])",
    allowed: { anyone: "moves the caller's own balance, as transfer does", outcome: () => null },
    args: (c) => [[c.newcomer.address], [0n]],
  },
  {
    sig: "approve(address,uint256)",
    allowed: { anyone: "ERC-20: sets the caller's own allowance", outcome: () => null },
    args: (c) => [c.newcomer.address, 1n],
  },
  {
    sig: "transferFrom(address,address,uint256)",
    allowed: { anyone: "ERC-20: bounded by the owner's allowance to the caller", outcome: () => null },
    args: (c) => [c.newcomer.address, c.newcomer.address, 0n],
  },
  {
    sig: "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
    allowed: {
      anyone: "EIP-2612: authorised by the owner's signature, not the caller",
      outcome: () => ["ECDSAInvalidSignature", []],
    },
    args: (c) => [c.signer.prosumer.address, c.newcomer.address, 1n, ...NO_PERMIT],
  },
  ...adminRulesRows(() => SOME_ROLE),
];

const TRADING_ROWS: Row[] = [
  byRegulators("addMarketMaker(address)", (c) => [c.newcomer.address]),
  byRegulators("removeMarketMaker(address)", (c) => [c.signer.marketMaker.address]),
  byRegulators("setPriceRules(uint256,uint256)", () => [200n, 1_000_000n]),
  byRegulators("setMinOrderAmount(uint256)", () => [2n * 10n ** 16n]),
  byRegulators("setMaxOrdersPerUser(uint256)", () => [50n]),
  byRegulators("setFee(uint256,address)", (c) => [10n, c.actors.treasury.address]),
  ...pauseRows((c) => c.trading),
  {
    sig: "createSellOrder(uint256,uint256)",
    allowed: ["prosumer", "marketMaker"],
    args: () => [10n ** 16n, 1_000n],
    denied: (caller) => ["TradingNotEligible", [caller, 1]],
  },
  {
    sig: "createSellOrderWithPermit(uint256,uint256,uint256,uint8,bytes32,bytes32)",
    allowed: ["prosumer", "marketMaker"],
    args: () => [10n ** 16n, 1_000n, ...NO_PERMIT],
    denied: (caller) => ["TradingNotEligible", [caller, 1]],
  },
  {
    sig: "createBuyOrder(uint256,uint256)",
    allowed: ["prosumer", "consumer", "marketMaker"],
    args: () => [10n ** 16n, 1_000n],
    denied: (caller) => ["TradingNotEligible", [caller, 0]],
  },
  {
    sig: "createBuyOrderWithPermit(uint256,uint256,uint256,uint8,bytes32,bytes32)",
    allowed: ["prosumer", "consumer", "marketMaker"],
    args: () => [10n ** 16n, 1_000n, ...NO_PERMIT],
    denied: (caller) => ["TradingNotEligible", [caller, 0]],
  },
  {
    sig: "cancelOrder(uint256)",
    allowed: ["prosumer"],
    args: (c) => [c.openOrderId],
    denied: (caller, c) => ["TradingNotOrderOwner", [c.openOrderId, caller]],
  },
  {
    sig: "matchOrders(uint256,uint256)",
    allowed: {
      anyone: "permissionless once the epoch ended; the outcome does not depend on the caller",
      outcome: (_, c) => ["TradingEpochNotEnded", [c.openEpoch, c.openEpochEnd]],
    },
    args: (c) => [c.openEpoch, 10n],
  },
  {
    sig: "executeTrades(uint256,uint256)",
    allowed: {
      anyone: "permissionless; settles by the clearing rule only",
      outcome: (_, c) => ["TradingInvalidEpochStatus", [c.openEpoch, 1]],
    },
    args: (c) => [c.openEpoch, 10n],
  },
  {
    sig: "createOrders((uint8,uint256,uint256)[])",
    // A sell then a buy: whoever may not sell is refused at the first request.
    allowed: ["prosumer", "marketMaker"],
    args: () => [
      [
        { side: 1, amount: 10n ** 16n, price: 1_000n },
        { side: 0, amount: 10n ** 16n, price: 1_000n },
      ],
    ],
    denied: (caller) => ["TradingNotEligible", [caller, 1]],
  },
  {
    sig: "cancelOrders(uint256[])",
    allowed: ["prosumer"],
    args: (c) => [[c.openOrderId]],
    denied: (caller, c) => ["TradingNotOrderOwner", [c.openOrderId, caller]],
  },
  {
    sig: "deposit(address,uint256)",
    allowed: {
      anyone: "moves only the caller's own tokens into the caller's own account",
      outcome: () => null,
    },
    args: (c) => [c.paymentAddress, 1_000n],
  },
  {
    sig: "depositWithPermit(address,uint256,uint256,uint8,bytes32,bytes32)",
    allowed: {
      anyone: "moves only the signer's own tokens into the signer's own account",
      outcome: () => null,
    },
    args: (c) => [c.paymentAddress, 1_000n, ...NO_PERMIT],
  },
  {
    sig: "withdraw(address,uint256)",
    allowed: {
      anyone: "pays only from the caller's own account (see NonCustodial.test.ts)",
      outcome: (caller, c) => ["TradingInsufficientBalance", [caller, c.paymentAddress, 0n, 1_000n]],
    },
    args: (c) => [c.paymentAddress, 1_000n],
  },
  {
    sig: "setKeepsBoughtGrid(bool)",
    allowed: {
      anyone: "sets only where the caller's own bought GRID goes",
      outcome: () => null,
    },
    args: () => [true],
  },
  ...adminRulesRows(() => SOME_ROLE),
];

const OPERATORS: Role[] = ["admin", "operator"];
const READING_TUPLE = "tuple(bytes32 meterId,uint64 exportWh,uint64 importWh,uint64 readAt)[]";
const CRE_METADATA = ethers.solidityPacked(
  ["bytes32", "bytes10", "address", "bytes2"],
  [ethers.id("workflow"), ethers.zeroPadBytes("0x01", 10), ethers.ZeroAddress, "0x0001"],
);

const ORACLE_ROWS: Row[] = [
  byRegulators("addOracleOperator(address)", (c) => [c.newcomer.address]),
  byRegulators("removeOracleOperator(address)", (c) => [c.signer.operator.address]),
  byRegulators("setRewardPerReading(uint256)", () => [1n]),
  byRegulators("setRequestTtl(uint256)", () => [7_200n]),
  byRegulators("setDefaultRatedPower(uint256)", () => [50_000n]),
  byRegulators("setMeterRatedPower(bytes32,uint256)", (c) => [c.meters[0], 5_000n]),
  byRegulators("resetMeterBaseline(bytes32)", (c) => [c.meters[0]]),
  byRegulators("setAutoMarketClearing(bool)", () => [false]),
  byRegulators("setUpkeepBatchSizes(uint256,uint256)", () => [10n, 10n]),
  {
    sig: "withdrawOracleFunds(address,uint256)",
    allowed: ADMIN,
    args: (c) => [c.newcomer.address, 1n],
    denied: notAdmin,
  },
  { sig: "setForwarder(address)", allowed: ADMIN, args: (c) => [c.newcomer.address], denied: notAdmin },
  { sig: "setCreForwarder(address)", allowed: ADMIN, args: (c) => [c.newcomer.address], denied: notAdmin },
  {
    sig: "setCreWorkflow(bytes32,address)",
    allowed: ADMIN,
    args: (c) => [ethers.id("workflow"), c.newcomer.address],
    denied: notAdmin,
  },
  ...pauseRows((c) => c.oracle),
  {
    sig: "requestEnergyData(bytes32)",
    // The meter's owner, oracle operators (the admin is one) and regulators.
    allowed: ["admin", "regulator", "operator", "prosumer"],
    args: (c) => [c.meters[0]],
    denied: (caller, c) => ["OracleClientNotAuthorizedRequester", [caller, c.meters[0]]],
  },
  {
    sig: "fulfillEnergyData(uint256,(bytes32,uint64,uint64,uint64))",
    allowed: OPERATORS,
    args: (c) => [c.pendingRequestId, c.freshReading],
    denied: err("OracleClientNotOracleOperator"),
  },
  {
    sig: "submitReadings((bytes32,uint64,uint64,uint64)[])",
    allowed: OPERATORS,
    args: (c) => [[c.freshReading]],
    denied: err("OracleClientNotOracleOperator"),
  },
  {
    sig: "performUpkeep(bytes)",
    allowed: ["admin", "operator", "forwarder"],
    args: () => [ethers.AbiCoder.defaultAbiCoder().encode(["uint8", "uint256"], [2, 12_345])],
    denied: err("OracleClientNotUpkeepCaller"),
    // The fixture's order book has ended, so there is clearing work for the allowed callers.
    setup: async (c) => void (await time.increaseTo(c.openEpochEnd)),
  },
  {
    sig: "onReport(bytes,bytes)",
    allowed: [],
    args: (c) => [
      CRE_METADATA,
      ethers.AbiCoder.defaultAbiCoder().encode(
        ["uint8", "bytes"],
        [1, ethers.AbiCoder.defaultAbiCoder().encode([READING_TUPLE], [[c.freshReading]])],
      ),
    ],
    denied: err("OracleClientNotCreForwarder"),
    extra: (c) => c.actors.creForwarder,
  },
  {
    sig: "submitSignedReadings((bytes32,uint64,uint64,uint64)[],bytes[])",
    allowed: {
      anyone: "each reading is authorised by its meter's signing key, not by the relayer",
      outcome: () => null,
    },
    args: (c) => [[c.freshReading], ["0x"]],
  },
  {
    sig: "fundOracle()",
    allowed: { anyone: "adds the caller's own money to the reward pool", outcome: () => null },
    args: () => [{ value: 1n }],
  },
  {
    sig: "withdrawRewards()",
    allowed: {
      anyone: "pays only the caller's own accrued rewards",
      outcome: (caller) => ["OracleClientNothingToWithdraw", [caller]],
    },
    args: () => [],
  },
  ...adminRulesRows(() => SOME_ROLE),
];

// ─────────────────────────────────────────── FIXTURE ───────────────────────────────────────────

async function matrixFixture(): Promise<Ctx> {
  const sys = await deploySystem();
  const a = sys.actors;
  const s = await ethers.getSigners();
  const successor = s[15];
  const minter = await ethers.getImpersonatedSigner(await sys.oracle.getAddress());
  const usdc = await ethers.getContractAt("MockUSDC", sys.paymentAddress);
  const trading = await sys.trading.getAddress();
  const signer: Record<Role, HardhatEthersSigner> = {
    admin: a.admin,
    regulator: a.regulator,
    operator: a.operator,
    forwarder: a.forwarder,
    prosumer: a.prosumers[0],
    consumer: a.consumers[0],
    marketMaker: a.marketMaker,
    outsider: a.outsider,
  };
  // GRID's minter and burner is the OracleClient (impersonated for the static calls of the matrix).
  await sys.registry.connect(a.regulator).assignMeter(METER_TAKEN, a.consumers[0].address);
  // Everyone can pay: GRID for the prosumer and the market maker, USDC for all, allowances to Trading.
  const lastReadAt = await mintByReadings(sys, 0, 1_000n);
  await sys.gridToken.connect(a.prosumers[0]).transfer(a.marketMaker.address, 10n ** 17n);
  for (const who of Object.values(signer)) {
    await usdc.mint(who.address, 10n ** 9n);
    await usdc.connect(who).approve(trading, ethers.MaxUint256);
    await sys.gridToken.connect(who).approve(trading, ethers.MaxUint256);
  }
  const openOrderId = await sys.trading.connect(a.prosumers[0]).createSellOrder.staticCall(10n ** 16n, 1_000n);
  await sys.trading.connect(a.prosumers[0]).createSellOrder(10n ** 16n, 1_000n);
  await sys.oracle.fundOracle({ value: 10n ** 18n });
  const pendingRequestId = await sys.oracle.connect(a.prosumers[0]).requestEnergyData.staticCall(sys.meters[0]);
  await sys.oracle.connect(a.prosumers[0]).requestEnergyData(sys.meters[0]);
  const freshReading = { meterId: sys.meters[0], exportWh: 1_010n, importWh: 0n, readAt: lastReadAt + 1n };
  const openEpoch = openOrderId >> 32n;
  const openEpochEnd = await sys.trading.epochEnd(openEpoch);
  return {
    ...sys,
    usdc,
    signer,
    minter,
    newcomer: a.newcomers[0],
    successor,
    openOrderId,
    openEpoch,
    openEpochEnd,
    freshReading,
    pendingRequestId,
  };
}

// ─────────────────────────────────────────── THE TEST ──────────────────────────────────────────

function stateChangingSignatures(abi: readonly unknown[]): string[] {
  const iface = new ethers.Interface(abi as InterfaceAbi);
  const out: string[] = [];
  iface.forEachFunction((f) => {
    if (f.stateMutability !== "view" && f.stateMutability !== "pure") out.push(f.format("sighash"));
  });
  return out.sort();
}

interface Table {
  name: string;
  abi: readonly unknown[];
  rows: Row[];
  contract: (ctx: Ctx) => BaseContract;
}

const TABLES: Table[] = [
  { name: "Registry", abi: Registry__factory.abi, rows: REGISTRY_ROWS, contract: (c) => c.registry as Registry },
  { name: "GridToken", abi: GridToken__factory.abi, rows: GRID_TOKEN_ROWS, contract: (c) => c.gridToken as GridToken },
  { name: "Trading", abi: Trading__factory.abi, rows: TRADING_ROWS, contract: (c) => c.trading as Trading },
  {
    name: "OracleClient",
    abi: OracleClient__factory.abi,
    rows: ORACLE_ROWS,
    contract: (c) => c.oracle as OracleClient,
  },
];

describe("Security: access-control matrix", function () {
  let cells = 0;

  it("the account views (accountBalance, keepsBoughtGrid) answer every caller alike", async function () {
    const ctx = await loadFixture(matrixFixture);
    const owner = ctx.signer.prosumer;
    const grid = await ctx.gridToken.getAddress();
    await ctx.trading.connect(owner).deposit(grid, 10n ** 15n);
    await ctx.trading.connect(owner).setKeepsBoughtGrid(true);
    for (const role of ROLES) {
      const t = ctx.trading.connect(ctx.signer[role]);
      cells += 3;
      expect(await t.accountBalance(owner.address, grid), `accountBalance by ${role}`).to.equal(10n ** 15n);
      expect(await t.keepsBoughtGrid(owner.address), `keepsBoughtGrid by ${role}`).to.equal(true);
      await expect(t.accountBalance(owner.address, ctx.signer[role].address))
        .to.be.revertedWithCustomError(ctx.trading, "TradingUnsupportedToken")
        .withArgs(ctx.signer[role].address);
    }
  });

  after(function () {
    const rows = TABLES.reduce((n, t) => n + t.rows.length, 0);
    console.log(`      access matrix: ${rows} functions × ${ROLES.length} callers, ${cells} calls checked`);
  });

  for (const table of TABLES) {
    describe(table.name, function () {
      it("has exactly one row per external state-changing function of the ABI", function () {
        const fromAbi = stateChangingSignatures(table.abi);
        const fromTable = table.rows.map((r) => r.sig).sort();
        expect(fromTable, `${table.name}: rows vs ABI`).to.deep.equal(fromAbi);
      });

      for (const row of table.rows) {
        const allowed = row.allowed;
        if (!Array.isArray(allowed)) {
          const open = allowed as Exclude<Row["allowed"], Role[]>;
          it(`${row.sig} is open to anyone (${open.anyone}): every caller gets the same outcome`, async function () {
            const ctx = await loadFixture(matrixFixture);
            const contract = table.contract(ctx);
            for (const role of ROLES) {
              const caller = ctx.signer[role];
              const call = (contract.connect(caller) as BaseContract).getFunction(row.sig).staticCall(...row.args(ctx));
              const outcome = open.outcome(caller.address, ctx);
              cells++;
              if (outcome === null) {
                await call;
              } else {
                await expect(call, `${row.sig} by ${role}`)
                  .to.be.revertedWithCustomError(contract, outcome[0])
                  .withArgs(...outcome[1]);
              }
            }
          });
          continue;
        }
        const label = allowed.length > 0 ? allowed.join(", ") : "no role of the matrix";
        it(`${row.sig}: ${label} allowed, every other caller reverts`, async function () {
          const ctx = await loadFixture(matrixFixture);
          if (row.setup !== undefined) await row.setup(ctx);
          const contract = table.contract(ctx);
          const args = row.args(ctx);
          for (const role of ROLES) {
            const caller = ctx.signer[role];
            const call = (contract.connect(caller) as BaseContract).getFunction(row.sig).staticCall(...args);
            cells++;
            if (allowed.includes(role)) {
              await call; // an allowed caller's call goes through
              continue;
            }
            const [name, errArgs] = row.denied!(caller.address, ctx);
            await expect(call, `${row.sig} by ${role}`)
              .to.be.revertedWithCustomError(contract, name)
              .withArgs(...errArgs);
          }
          if (row.extra !== undefined) {
            cells++;
            await (contract.connect(row.extra(ctx)) as BaseContract).getFunction(row.sig).staticCall(...args);
          }
        });
      }
    });
  }
});
