// Pins the storage packing the gas budgets rely on (bench/gas-snapshot.json), by reading raw slots of a deployed
// system. Slot numbers, offsets and sizes come from the compiler's storage layout in the build info
// (hardhat.config.ts asks solc for `storageLayout`), so the test follows a moved variable and fails only when
// the packing itself changes.
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import hre, { ethers, ignition } from "hardhat";

import GridMarketModule from "../deploy/modules/GridMarket";
import {
  GridToken__factory,
  MockUSDC__factory,
  OracleClient__factory,
  Registry__factory,
  Trading__factory,
} from "../typechain-types";

// ────────────────────────────────────── STORAGE LAYOUT ──────────────────────────────────────

interface StorageEntry {
  label: string;
  slot: string;
  offset: number;
  type: string;
}

interface StorageType {
  label: string;
  numberOfBytes: string;
  members?: StorageEntry[];
}

interface StorageLayout {
  storage: StorageEntry[];
  types: Record<string, StorageType>;
}

/** A variable (or struct member) placed by the compiler: its slot, byte offset in the slot and size in bytes. */
interface Placement {
  slot: bigint;
  offset: number;
  bytes: number;
  type: string;
}

class Layout {
  constructor(private readonly layout: StorageLayout) {}

  static async of(fullyQualifiedName: string): Promise<Layout> {
    const [source, name] = fullyQualifiedName.split(":");
    const buildInfo = await hre.artifacts.getBuildInfo(fullyQualifiedName);
    const contract = buildInfo?.output.contracts[source]?.[name] as { storageLayout?: StorageLayout } | undefined;
    if (!contract?.storageLayout) throw new Error(`no storage layout for ${fullyQualifiedName} in its build info`);
    return new Layout(contract.storageLayout);
  }

  /** A state variable of the contract. */
  variable(label: string): Placement {
    return this.place(this.layout.storage, label, 0n);
  }

  /** A member of the struct type `type`, relative to the struct's first slot. */
  member(type: string, label: string): Placement {
    return this.place(this.struct(type).members ?? [], label, 0n);
  }

  /** The size in bytes of a type. */
  size(type: string): number {
    return Number(this.layout.types[type].numberOfBytes);
  }

  /** The value type of a mapping type. */
  mappingValue(type: string): string {
    const match = /^t_mapping\(t_\w+?,(.+)\)$/.exec(type);
    if (!match) throw new Error(`${type} is not a mapping`);
    return match[1];
  }

  private struct(type: string): StorageType {
    const t = this.layout.types[type];
    if (!t?.members) throw new Error(`${type} is not a struct`);
    return t;
  }

  private place(entries: StorageEntry[], label: string, base: bigint): Placement {
    const entry = entries.find((e) => e.label === label);
    if (!entry) throw new Error(`no ${label} in the layout`);
    return { slot: base + BigInt(entry.slot), offset: entry.offset, bytes: this.size(entry.type), type: entry.type };
  }
}

/** The field at `p` (offset and size) of a storage word. */
function field(word: bigint, p: Placement): bigint {
  return (word >> BigInt(8 * p.offset)) & ((1n << BigInt(8 * p.bytes)) - 1n);
}

/** `value` placed at `p` in a word. */
function put(value: bigint, p: Placement): bigint {
  expect(value < 1n << BigInt(8 * p.bytes), `value fits ${p.bytes} bytes`).to.equal(true);
  return value << BigInt(8 * p.offset);
}

/** The first slot of `mapping[key]` for a mapping at `slot` with a value-type key. */
function mappingSlot(key: bigint | string, slot: bigint, keyType: "uint256" | "bytes32" = "uint256"): bigint {
  return BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode([keyType, "uint256"], [key, slot])));
}

async function word(address: string, slot: bigint): Promise<bigint> {
  return BigInt(await ethers.provider.getStorage(address, slot));
}

// ─────────────────────────────────────────── FIXTURE ──────────────────────────────────────────

const Prosumer = 1;
const Consumer = 2;
const Side = { Buy: 0n, Sell: 1n } as const;
const OrderStatus = { Open: 1n } as const;
const Phase = { Settled: 4n } as const;
const WH = 10n ** 15n;
const METER = ethers.encodeBytes32String("MTR-LAYOUT-1");
const PRICE = 500_000n;
const AMOUNT = 5_000n * WH;

/** A deployed system with one prosumer holding GRID, one consumer holding USDC, and regulators as deployed. */
async function deployedSystem() {
  const [admin, seller, buyer, feeRecipient] = await ethers.getSigners();
  const deployed = await ignition.deploy(GridMarketModule, { parameters: { GridMarket: { admin: admin.address } } });
  const registry = Registry__factory.connect(await deployed.registry.getAddress(), admin);
  const gridToken = GridToken__factory.connect(await deployed.gridToken.getAddress(), admin);
  const trading = Trading__factory.connect(await deployed.trading.getAddress(), admin);
  const oracleClient = OracleClient__factory.connect(await deployed.oracleClient.getAddress(), admin);
  const paymentToken = MockUSDC__factory.connect(await deployed.paymentToken.getAddress(), admin);

  await registry.registerUser(seller.address, Prosumer, "Hall A");
  await registry.registerUser(buyer.address, Consumer, "Library");
  await registry.assignMeter(METER, seller.address);
  const now = BigInt(await time.latest());
  await oracleClient.submitReadings([{ meterId: METER, exportWh: 0n, importWh: 0n, readAt: now - 1_000n }]);
  await oracleClient.submitReadings([{ meterId: METER, exportWh: 10_000n, importWh: 0n, readAt: now }]);
  await paymentToken.mint(buyer.address, 10_000_000n);
  await gridToken.connect(seller).approve(await trading.getAddress(), ethers.MaxUint256);
  await paymentToken.connect(buyer).approve(await trading.getAddress(), ethers.MaxUint256);
  return { admin, seller, buyer, feeRecipient, registry, gridToken, trading, oracleClient, paymentToken };
}

/** Moves to the first second of the next epoch and returns it, so that the orders a test places next cannot
 * straddle an epoch boundary however long the run before took. */
async function freshEpoch(market: { currentEpoch(): Promise<bigint>; epochStart(e: bigint): Promise<bigint> }) {
  const epoch = (await market.currentEpoch()) + 1n;
  await time.increaseTo(await market.epochStart(epoch));
  return epoch;
}

/** {@link deployedSystem} with one sell and one buy order that crossed, matched and settled. */
async function settledEpoch() {
  const f = await deployedSystem();
  const { trading, seller, buyer } = f;
  const epoch = await freshEpoch(trading);
  await trading.connect(seller).createSellOrder(AMOUNT, PRICE);
  await trading.connect(buyer).createBuyOrder(AMOUNT, PRICE);
  await time.increaseTo(await trading.epochEnd(epoch));
  await trading.matchOrders(epoch, 10);
  await trading.executeTrades(epoch, 10);
  return { ...f, epoch };
}

// ──────────────────────────────────────────── TESTS ───────────────────────────────────────────

describe("Storage layout (the packing the gas budgets rely on)", function () {
  let trading: Layout;
  let oracle: Layout;

  before(async function () {
    trading = await Layout.of("contracts/Trading.sol:Trading");
    oracle = await Layout.of("contracts/OracleClient.sol:OracleClient");
  });

  describe("Trading: the pause flag and the market parameters", function () {
    const PARAMETERS = ["_tickSize", "_maxPrice", "_minOrderWh", "_maxOrdersPerUser", "_feeBps"];

    it("share one slot, the Pausable flag first", function () {
      const paused = trading.variable("_paused");
      expect(paused.offset).to.equal(0);
      for (const label of PARAMETERS) expect(trading.variable(label).slot, label).to.equal(paused.slot);
    });

    it("hold exactly the packed bytes of known parameters, paused and unpaused", async function () {
      const { trading: market, admin, feeRecipient } = await loadFixture(deployedSystem);
      await market.setPriceRules(200n, 400_000n);
      await market.setMinOrderAmount(20n * WH);
      await market.setMaxOrdersPerUser(77n);
      await market.setFee(25n, feeRecipient.address);
      await market.connect(admin).pause();

      const address = await market.getAddress();
      const slot = trading.variable("_paused").slot;
      const expected =
        put(1n, trading.variable("_paused")) |
        put(200n, trading.variable("_tickSize")) |
        put(400_000n, trading.variable("_maxPrice")) |
        put(20n, trading.variable("_minOrderWh")) |
        put(77n, trading.variable("_maxOrdersPerUser")) |
        put(25n, trading.variable("_feeBps"));
      const raw = await ethers.provider.getStorage(address, slot);
      expect(BigInt(raw)).to.equal(expected);
      // The same word written out: paused at byte 0, then tick, max price, min order (Wh), order limit, fee.
      expect(raw).to.equal("0x000000000000000019004d000000140000000000061a8000000000000000c801");

      await market.connect(admin).unpause();
      expect(await word(address, slot)).to.equal(expected - 1n);
    });

    it("leave the fee recipient to the next slot", function () {
      expect(trading.variable("_feeRecipient").slot).to.equal(trading.variable("_paused").slot + 1n);
    });
  });

  describe("Trading: the Auction cursor", function () {
    function cursor() {
      const type = trading.variable("_cursor").type;
      return { base: trading.variable("_cursor").slot, type, size: trading.size(type) };
    }

    it("is two slots: the sentinel and the walk's position, then the net payment and the cuts", function () {
      const { type, size } = cursor();
      expect(size).to.equal(64);
      expect(trading.member(type, "sentinel").slot).to.equal(0n);
      for (const label of ["bidLevel", "askLevel", "bidLeft", "askLeft"]) {
        expect(trading.member(type, label).slot, label).to.equal(0n);
      }
      // Auction.storeSettling writes the second slot as one word: net in bits 0..127, then the four cut fields.
      const second = ["net", "bidCutSeq", "bidCutWh", "askCutSeq", "askCutWh"];
      expect(
        second.map((label) => [trading.member(type, label).slot, trading.member(type, label).offset]),
      ).to.deep.equal([
        [1n, 0],
        [1n, 16],
        [1n, 20],
        [1n, 24],
        [1n, 28],
      ]);
    });

    it("holds the time-priority cut of the epoch being settled beside the net payment", async function () {
      const { trading: market, seller, buyer } = await loadFixture(deployedSystem);
      const epoch = await freshEpoch(market);
      await market.connect(seller).createSellOrder(AMOUNT, PRICE);
      await market.connect(seller).createSellOrder(AMOUNT, PRICE);
      await market.connect(buyer).createBuyOrder((AMOUNT * 3n) / 5n, PRICE);
      await time.increaseTo(await market.epochEnd(epoch));
      await market.matchOrders(epoch, 10);
      await market.executeTrades(epoch, 1);

      const { base, type } = cursor();
      const raw = await word(await market.getAddress(), base + 1n);
      // The first 5 kWh ask filled 3 kWh: the cut; the seller was paid, so net is below NET_ZERO.
      expect(field(raw, trading.member(type, "askCutSeq"))).to.equal(1n);
      expect(field(raw, trading.member(type, "askCutWh"))).to.equal((AMOUNT * 3n) / 5n / WH);
      expect(field(raw, trading.member(type, "bidCutSeq"))).to.equal(0n);
      expect(field(raw, trading.member(type, "net")) < 2n ** 127n).to.equal(true);
      expect((await market.getOrder((epoch << 32n) | 1n)).filled).to.equal((AMOUNT * 3n) / 5n);
    });

    it("is non-zero from deployment on: the sentinel set, net at NET_ZERO", async function () {
      const { trading: market } = await loadFixture(deployedSystem);
      const { base, type } = cursor();
      const address = await market.getAddress();
      expect(await word(address, base)).to.equal(put(2n ** 32n - 1n, trading.member(type, "sentinel")));
      expect(await word(address, base + 1n)).to.equal(2n ** 127n);
    });

    it("stays non-zero between epochs, after an epoch matched and settled", async function () {
      const { trading: market } = await loadFixture(settledEpoch);
      const { base, type } = cursor();
      const address = await market.getAddress();
      const first = await word(address, base);
      expect(first).to.not.equal(0n);
      expect(field(first, trading.member(type, "sentinel"))).to.equal(2n ** 32n - 1n);
      expect(field(first, trading.member(type, "bidLeft"))).to.equal(0n);
      expect(field(first, trading.member(type, "askLeft"))).to.equal(0n);
      expect(await word(address, base + 1n)).to.equal(2n ** 127n);
    });
  });

  describe("Trading: orders, books and market accounts", function () {
    /** The storage key of order `seq` held in `bank` (OrderSlots.key): bit 128, the bank, the sequence. */
    const bankKey = (bank: bigint, seq: bigint) => (1n << 128n) | (bank << 32n) | seq;

    it("stores an order in one slot: owner, side, cancelled, level, amount (Wh), previous sequence", async function () {
      const { trading: market, seller } = await loadFixture(deployedSystem);
      const type = trading.mappingValue(trading.variable("_orders").type);
      expect(trading.size(type)).to.equal(32);
      for (const label of ["owner", "side", "cancelled", "level", "amountWh", "prevSeq"]) {
        expect(trading.member(type, label).slot, label).to.equal(0n);
      }

      const epoch = await freshEpoch(market);
      await market.connect(seller).createSellOrder(AMOUNT, PRICE);
      await market.connect(seller).createSellOrder(1_000n * WH, PRICE + 100n);
      const [first, second] = await market.getUserOrders(seller.address, epoch);
      await market.connect(seller).cancelOrder(second);
      const address = await market.getAddress();
      // The first epoch with orders takes the lowest free bank.
      const bank = 1n;
      const tick = await market.tickSize();
      const expected = (cancelled: bigint, price: bigint, wh: bigint, prevSeq: bigint) =>
        put(BigInt(seller.address), trading.member(type, "owner")) |
        put(Side.Sell, trading.member(type, "side")) |
        put(cancelled, trading.member(type, "cancelled")) |
        put(price / tick, trading.member(type, "level")) |
        put(wh, trading.member(type, "amountWh")) |
        put(prevSeq, trading.member(type, "prevSeq"));
      const slot = (seq: bigint) => mappingSlot(bankKey(bank, seq), trading.variable("_orders").slot);
      expect(first & 0xffffffffn).to.equal(1n);
      expect(await word(address, slot(1n))).to.equal(expected(0n, PRICE, AMOUNT / WH, 0n));
      expect(await word(address, slot(2n))).to.equal(expected(1n, PRICE + 100n, 1_000n, 1n));
      expect(await word(address, slot(1n) + 1n)).to.equal(0n);
      expect((await market.getOrder(first)).status).to.equal(OrderStatus.Open);
    });

    it("keeps what an epoch remembers for good, and its rooms, in the first slot of its book", async function () {
      const { trading: market, epoch } = await loadFixture(settledEpoch);
      const type = trading.mappingValue(trading.variable("_books").type);
      const members = ["orderCount", "tickSize", "feeBps", "phase", "bidStar", "askStar", "volume", "settled", "rooms"];
      for (const label of members) expect(trading.member(type, label).slot, label).to.equal(0n);

      const raw = await word(await market.getAddress(), mappingSlot(epoch, trading.variable("_books").slot));
      expect(field(raw, trading.member(type, "orderCount"))).to.equal(2n);
      expect(field(raw, trading.member(type, "phase"))).to.equal(Phase.Settled);
      expect(field(raw, trading.member(type, "volume"))).to.equal(AMOUNT / WH);
      expect(field(raw, trading.member(type, "settled"))).to.equal(2n);
      // Bank 1 in the low four bits, depth room 1 in the high four: the first epoch with orders takes both.
      expect(field(raw, trading.member(type, "rooms"))).to.equal(0x11n);
    });

    it("hands out depth rooms apart from banks: the previous epoch's once it is matched, another while it is not", async function () {
      const { trading: market, seller, buyer, epoch } = await loadFixture(settledEpoch);
      const books = trading.variable("_books");
      const roomsOf = async (e: bigint) =>
        field(
          await word(await market.getAddress(), mappingSlot(e, books.slot)),
          trading.member(trading.mappingValue(books.type), "rooms"),
        );
      const holders = trading.variable("_depthHolders");
      expect(holders.offset).to.equal(0);
      const holderOf = async (room: bigint) =>
        ((await word(await market.getAddress(), holders.slot)) >> (32n * room)) & 0xffffffffn;

      const enter = async (e: bigint) => {
        if ((await market.currentEpoch()) < e) await time.increaseTo(await market.epochStart(e));
      };
      // The settled epoch keeps bank 1 for its orders; its depth room, matched, goes to the next epoch at once.
      await enter(epoch + 1n);
      await market.connect(buyer).createBuyOrder(AMOUNT, PRICE);
      expect(await roomsOf(epoch + 1n)).to.equal(0x12n);
      expect(await holderOf(1n)).to.equal(epoch + 2n);
      // Not matched yet, epoch + 1 keeps depth room 1: epoch + 2 takes room 2, and the settled epoch's bank 1.
      await enter(epoch + 2n);
      await market.connect(seller).createSellOrder(AMOUNT, PRICE);
      expect(await roomsOf(epoch + 2n)).to.equal(0x21n);
      expect([await holderOf(1n), await holderOf(2n), await holderOf(3n)]).to.deep.equal([epoch + 2n, epoch + 3n, 0n]);
      // Matching epoch + 1 frees depth room 1 (its bank stays held until it is settled and two epochs opened).
      await market.matchOrders(epoch + 1n, 10);
      await enter(epoch + 3n);
      await market.connect(buyer).createBuyOrder(AMOUNT, PRICE);
      expect(await roomsOf(epoch + 3n)).to.equal(0x13n);
      expect(await holderOf(1n)).to.equal(epoch + 4n);
    });

    it("hands four stalled epochs banks and depth rooms 1 to 4 and the fifth rooms of its own", async function () {
      const { trading: market, buyer } = await loadFixture(deployedSystem);
      const books = trading.variable("_books");
      const type = trading.mappingValue(books.type);
      const first = await freshEpoch(market);
      const rooms: bigint[] = [];
      for (let e = first; e < first + 5n; e++) {
        if ((await market.currentEpoch()) < e) await time.increaseTo(await market.epochStart(e));
        await market.connect(buyer).createBuyOrder(AMOUNT / 5n, PRICE);
        rooms.push(
          field(await word(await market.getAddress(), mappingSlot(e, books.slot)), trading.member(type, "rooms")),
        );
      }
      // Nothing cleared: each epoch holds its bank and depth room until settled and matched.
      expect(rooms).to.deep.equal([0x11n, 0x22n, 0x33n, 0x44n, 0n]);
      const holders = await word(await market.getAddress(), trading.variable("_depthHolders").slot);
      for (let room = 1n; room <= 4n; room++) expect((holders >> (32n * room)) & 0xffffffffn).to.equal(first + room);
      expect(holders & 0xffffffffn, "lane 0 is never used").to.equal(0n);
    });

    it("keeps a room's holder tag and both time-priority cuts in one slot", async function () {
      const { trading: market, seller, buyer } = await loadFixture(deployedSystem);
      const epoch = await freshEpoch(market);
      await market.connect(seller).createSellOrder(AMOUNT, PRICE);
      await market.connect(buyer).createBuyOrder((AMOUNT * 3n) / 5n, PRICE);
      await time.increaseTo(await market.epochEnd(epoch));
      await market.matchOrders(epoch, 10);
      await market.executeTrades(epoch, 10);

      const type = trading.mappingValue(trading.variable("_levels").type);
      const members = ["tag", "bidCutSeq", "bidCutWh", "askCutSeq", "askCutWh"];
      for (const label of members) expect(trading.member(type, label).slot, label).to.equal(0n);
      const room = 1n; // the first epoch with orders takes bank 1 and its room
      const raw = await word(await market.getAddress(), mappingSlot(room, trading.variable("_levels").slot));
      expect(field(raw, trading.member(type, "tag"))).to.equal(epoch + 1n);
      // The 5 kWh ask filled 3 kWh: the first order at the ask margin that did not fill completely.
      expect(field(raw, trading.member(type, "askCutSeq"))).to.equal(1n);
      expect(field(raw, trading.member(type, "askCutWh"))).to.equal((AMOUNT * 3n) / 5n / WH);
      expect(field(raw, trading.member(type, "bidCutSeq"))).to.equal(0n);
      expect(field(raw, trading.member(type, "bidCutWh"))).to.equal(0n);
    });

    it("packs seven levels' depths (32 bits each) per slot under the tag of the epoch that wrote it", async function () {
      const { trading: market, seller } = await loadFixture(deployedSystem);
      const epoch = await freshEpoch(market);
      const tick = await market.tickSize();
      const base = (PRICE / tick / 7n) * 7n; // the first level of PRICE's slot
      await market.connect(seller).createSellOrder(AMOUNT, base * tick);
      await market.connect(seller).createSellOrder(1_000n * WH, (base + 3n) * tick);

      const type = trading.mappingValue(trading.variable("_levels").type);
      const room = mappingSlot(1n, trading.variable("_levels").slot);
      const depths = room + trading.member(type, "wh").slot;
      const raw = await word(await market.getAddress(), mappingSlot((1n << 16n) | (base / 7n), depths));
      const lane = (i: bigint) => (raw >> (32n * i)) & 0xffffffffn;
      expect(raw >> 224n).to.equal(epoch + 1n);
      expect(lane(0n)).to.equal(AMOUNT / WH);
      expect(lane(3n)).to.equal(1_000n);
      for (const i of [1n, 2n, 4n, 5n, 6n]) expect(lane(i)).to.equal(0n);
    });

    it("keeps each side's price bitmap in the room: 224 levels per word and a tagged summary", async function () {
      const { trading: market, seller } = await loadFixture(deployedSystem);
      const epoch = await freshEpoch(market);
      const tick = await market.tickSize();
      const level = PRICE / tick;
      await market.connect(seller).createSellOrder(AMOUNT, PRICE);

      const type = trading.mappingValue(trading.variable("_levels").type);
      const room = mappingSlot(1n, trading.variable("_levels").slot);
      const asks = trading.member(type, "asks");
      const summary = room + asks.slot + trading.member(asks.type, "summary").slot;
      const words = room + asks.slot + trading.member(asks.type, "words").slot;
      const address = await market.getAddress();
      const tag = (epoch + 1n) << 224n;
      const w = level / 224n;
      expect(await word(address, mappingSlot(w, words))).to.equal(tag | (1n << (level % 224n)));
      // Words 0..222 are marked in the first summary slot (bit 223 flags the second slot in use).
      expect(w < 223n).to.equal(true);
      expect(await word(address, summary)).to.equal(tag | (1n << w));
      expect(await word(address, summary + 1n)).to.equal(0n);
    });

    it("keeps a market account in one slot: payment, GRID (Wh), epoch, orders there, last sequence, GRID choice", async function () {
      const { trading: market, seller, paymentToken } = await loadFixture(deployedSystem);
      const type = trading.mappingValue(trading.variable("_accounts").type);
      expect(trading.size(type)).to.equal(32);
      const members = ["payment", "gridWh", "epoch", "inEpoch", "lastSeq", "keepsBoughtGrid"];
      for (const label of members) expect(trading.member(type, label).slot, label).to.equal(0n);
      expect(trading.member(type, "payment").bytes).to.equal(14);
      expect(trading.member(type, "gridWh").bytes).to.equal(7);

      await paymentToken.mint(seller.address, 777n);
      await paymentToken.connect(seller).approve(await market.getAddress(), 777n);
      await market.connect(seller).deposit(await paymentToken.getAddress(), 777n);
      await market.connect(seller).deposit(await market.gridToken(), 6_000n * WH);
      const epoch = await freshEpoch(market);
      await market.connect(seller).createSellOrder(1_000n * WH, PRICE);
      await market.connect(seller).createSellOrder(1_000n * WH, PRICE);
      await market.connect(seller).setKeepsBoughtGrid(true);

      const raw = await word(
        await market.getAddress(),
        mappingSlot(BigInt(seller.address), trading.variable("_accounts").slot),
      );
      expect(raw).to.equal(
        put(777n, trading.member(type, "payment")) |
          put(4_000n, trading.member(type, "gridWh")) |
          put(epoch, trading.member(type, "epoch")) |
          put(2n, trading.member(type, "inEpoch")) |
          put(2n, trading.member(type, "lastSeq")) |
          put(1n, trading.member(type, "keepsBoughtGrid")),
      );
    });
  });

  describe("Registry", function () {
    it("keeps a meter's owner and the copy of the owner's status in one slot: one read per meter reading", async function () {
      const { registry: deployed, seller } = await loadFixture(deployedSystem);
      const layout = await Layout.of("contracts/Registry.sol:Registry");
      const meters = layout.variable("_meters");
      const type = layout.mappingValue(meters.type);
      expect(layout.member(type, "owner").slot).to.equal(0n);
      expect(layout.member(type, "ownerActive").slot).to.equal(0n);
      const raw = await word(await deployed.getAddress(), mappingSlot(METER, meters.slot, "bytes32"));
      expect(raw).to.equal(
        put(BigInt(seller.address), layout.member(type, "owner")) | put(1n, layout.member(type, "ownerActive")),
      );
    });
  });

  describe("OracleClient", function () {
    it("keeps everything an upkeep reads or writes about itself, its caller check included, in one slot", async function () {
      const { oracleClient, admin } = await loadFixture(deployedSystem);
      const labels = ["_forwarder", "_lastMarketCheck", "_matchSteps", "_settleOrders", "_autoMarketClearing"];
      const slot = oracle.variable("_forwarder").slot;
      for (const label of labels) expect(oracle.variable(label).slot, label).to.equal(slot);

      const forwarder = ethers.Wallet.createRandom().address;
      await oracleClient.connect(admin).setForwarder(forwarder);
      const raw = await word(await oracleClient.getAddress(), slot);
      expect(field(raw, oracle.variable("_forwarder"))).to.equal(BigInt(forwarder));
      expect(field(raw, oracle.variable("_lastMarketCheck"))).to.equal(await oracleClient.lastMarketCheck());
      expect(field(raw, oracle.variable("_matchSteps"))).to.equal(await oracleClient.matchStepsPerUpkeep());
      expect(field(raw, oracle.variable("_settleOrders"))).to.equal(await oracleClient.settleOrdersPerUpkeep());
      expect(field(raw, oracle.variable("_autoMarketClearing"))).to.equal(1n);
    });

    it("stores a meter's state in one slot", async function () {
      const { oracleClient } = await loadFixture(deployedSystem);
      const type = oracle.mappingValue(oracle.variable("_meters").type);
      expect(oracle.size(type)).to.equal(32);

      const state = await oracleClient.getMeterState(METER);
      const raw = await word(
        await oracleClient.getAddress(),
        mappingSlot(METER, oracle.variable("_meters").slot, "bytes32"),
      );
      expect(field(raw, oracle.member(type, "lastReadAt"))).to.equal(state.lastReadAt);
      expect(field(raw, oracle.member(type, "lastExportWh"))).to.equal(10_000n);
      expect(field(raw, oracle.member(type, "hasBaseline"))).to.equal(1n);
    });
  });
});
