// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PriceBitmap} from "./PriceBitmap.sol";

/// @title Auction
/// @notice The storage of one epoch's book and the resumable price-discovery walk of the clearing rule.
/// @dev Amounts are watt-hours, prices are level indexes (price = level * tick). Level 0 is never used, so
/// 0 doubles as "no level". Epochs clear strictly one after another, so the working state of clearing lives
/// in one {Cursor} that every epoch reuses: its slots stay non-zero, and each epoch's clearing updates them
/// instead of paying for fresh storage. What an epoch must remember for good fits the first slot of its book.
/// The depth per price level and the bitmaps of used levels live in a depth room ({Levels}) that epochs take in
/// turn once the previous holder's matching is over (see {Rooms}): each slot carries the tag of the epoch that
/// wrote it, so a level first used in an epoch rewrites a slot an earlier epoch left behind (5,000 gas) instead
/// of a fresh one (22,100), and a stale slot reads as empty.
library Auction {
    using PriceBitmap for PriceBitmap.Bitmap;

    /// @notice Stored phase of an epoch; `Open` covers both taking orders and waiting for matching.
    enum Phase {
        None,
        Open,
        Matching,
        Settling,
        Settled
    }

    /// @notice Everything Trading keeps per epoch.
    struct Book {
        // One slot: the order counter, the epoch's snapshot of tick and fee, and the clearing outcome.
        uint32 orderCount;
        uint64 tickSize;
        uint16 feeBps;
        Phase phase;
        uint16 bidStar;
        uint16 askStar;
        uint64 volume;
        uint32 settled;
        // Where the epoch lives ({Rooms}): its bank of order slots and cuts (low four bits; 0: slots keyed by
        // order id) and its depth room (high four bits; 0: a room of its own).
        uint8 rooms;
    }

    /// @notice A room, in two parts that {Rooms} hands out apart. As a bank's room, its first slot: `tag` is 1 + the
    /// epoch holding the bank, with that epoch's time-priority cuts (below). As a depth room, the rest: depth (Wh)
    /// per price level and the bitmaps of used levels, of one epoch at a time until its matching ends.
    /// {LEVELS_PER_SLOT} neighbouring levels of one side share a depth slot, keyed by
    /// side << 16 | level / {LEVELS_PER_SLOT}: the slot's top 32 bits
    /// are the tag of the epoch that wrote it, and level `level % LEVELS_PER_SLOT` takes the 32 bits at
    /// 32 × (level % LEVELS_PER_SLOT). A stale slot (another epoch's tag) reads as 0 at every level, and the
    /// first level an epoch uses in it rewrites the whole slot with the epoch's tag.
    /// The bank's first slot holds the time-priority cut at each margin of the holding epoch, copied from the
    /// {Cursor} when its settlement closes: the first order at the marginal level that did not fill completely
    /// (0: none) and its fill in Wh. Taking the bank for a new epoch zeroes them with the new tag, in one write.
    struct Levels {
        uint32 tag;
        uint32 bidCutSeq;
        uint32 bidCutWh;
        uint32 askCutSeq;
        uint32 askCutWh;
        mapping(uint256 key => uint256 taggedDepths) wh;
        // The holding epoch's bitmaps of used levels, tagged likewise (see {PriceBitmap}).
        PriceBitmap.Bitmap bids;
        PriceBitmap.Bitmap asks;
    }

    /// @notice The working state of the epoch being cleared, shared by all epochs.
    /// @dev Both slots stay non-zero for good, so that clearing only ever rewrites them (2,900 gas) and never
    /// pays for fresh storage (22,100): {initCursor} sets them once. `bidLeft`/`askLeft` hold what the walk
    /// left at its current levels while matching, then the quantities still to allocate at the margins while
    /// settling (a margin whose time-priority cut is recorded keeps its last stored quantity, read as 0: see
    /// {Clearing}); {start} rewrites them and the levels for the next epoch, and `sentinel` keeps the slot
    /// non-zero when they are all zero. The second slot is settlement's, written once per batch: `net` is
    /// paid in by buyers minus paid out to sellers so far, offset by {NET_ZERO} for the same reason, and the
    /// time-priority cuts of the epoch being settled (see {Levels}) live beside it until the epoch closes and
    /// copies them to its room, so that the partial fill at a margin writes no slot of its own.
    struct Cursor {
        /// @dev Not data: always {CURSOR_SENTINEL}, never read, never rewritten; it keeps the first slot non-zero.
        uint32 sentinel;
        uint16 bidLevel;
        uint16 askLevel;
        uint64 bidLeft;
        uint64 askLeft;
        uint128 net;
        uint32 bidCutSeq;
        uint32 bidCutWh;
        uint32 askCutSeq;
        uint32 askCutWh;
    }

    /// @notice The stored value of `Cursor.net` when nothing has been paid: `net` stays within
    /// ±2^118 (at most 2^32 orders paying below 2^86 each), far inside its 128 bits.
    uint256 internal constant NET_ZERO = 1 << 127;
    /// @notice Price levels per depth slot (see {Levels}).
    uint256 internal constant LEVELS_PER_SLOT = 7;
    /// @notice The most one level of one side may hold in one epoch, in Wh (about 4.29 GWh).
    uint256 internal constant MAX_LEVEL_WH = type(uint32).max;
    /// @dev Where a depth slot keeps the tag of the epoch that wrote it.
    uint256 private constant TAG_SHIFT = 224;
    /// @notice The constant value of `Cursor.sentinel`.
    uint32 internal constant CURSOR_SENTINEL = type(uint32).max;

    /// @notice The depth slot key of `level` on `side` (0 buy, 1 sell).
    function key(uint256 side, uint256 level) internal pure returns (uint256) {
        return (side << 16) | (level / LEVELS_PER_SLOT);
    }

    /// @notice The depth of `level` on `side` for the epoch holding `levels` (0 when another epoch wrote it).
    /// @param tag 1 + the epoch asking (its caller knows it, which saves reading `levels.tag`).
    function depthOf(Levels storage levels, uint256 tag, uint256 side, uint256 level) internal view returns (uint256) {
        uint256 value = levels.wh[key(side, level)];
        return value >> TAG_SHIFT == tag ? uint32(value >> _shift(level)) : 0;
    }

    /// @notice Takes back `wh` that an order of the epoch holding `levels` added at `level` on `side`.
    function subDepth(Levels storage levels, uint256 side, uint256 level, uint256 wh) internal {
        mapping(uint256 => uint256) storage depths = levels.wh;
        uint256 k = key(side, level);
        // The order's epoch wrote the slot (its tag stays) and the level's depth includes `wh`: the subtraction
        // stays inside the level's 32 bits.
        unchecked {
            depths[k] -= wh << _shift(level);
        }
    }

    /// @notice Hands the bank whose room is `levels` to `epoch`: its tag, and no cut yet, in one write of the
    /// room's first slot.
    /// @dev Epochs stay below 2^32 for thousands of years at the shortest epoch length.
    function takeRoom(Levels storage levels, uint256 epoch) internal {
        (levels.tag, levels.bidCutSeq, levels.bidCutWh, levels.askCutSeq, levels.askCutWh) = (
            uint32(epoch + 1),
            0,
            0,
            0,
            0
        );
    }

    /// @notice Adds `wh` at `level` on `side`, marking the level in the bitmap when it was empty.
    /// @return ok false, changing nothing, when the level's depth would pass {MAX_LEVEL_WH}.
    function addDepth(
        Levels storage levels,
        uint256 tag,
        uint256 side,
        uint256 level,
        uint256 wh
    ) internal returns (bool ok) {
        mapping(uint256 => uint256) storage depths = levels.wh;
        uint256 k = key(side, level);
        uint256 value = depths[k];
        // A slot another epoch wrote starts over: this epoch's tag, every level empty.
        if (value >> TAG_SHIFT != tag) value = tag << TAG_SHIFT;
        uint256 shift = _shift(level);
        uint256 before = uint32(value >> shift);
        // Cannot overflow: before < 2^32 and wh < 2^32.
        unchecked {
            if (before + wh > MAX_LEVEL_WH) return false;
            depths[k] = value + (wh << shift);
        }
        if (before == 0) {
            if (side == 0) levels.bids.set(tag, level);
            else levels.asks.set(tag, level);
        }
        return true;
    }

    /// @notice The clearing price of a matched book: `floor((b* + a*) / 2)`, or 0 when nothing crossed.
    function clearingPrice(Book storage self) internal view returns (uint256) {
        if (self.phase < Phase.Settling || self.volume == 0) return 0;
        return ((uint256(self.bidStar) + self.askStar) * self.tickSize) / 2;
    }

    /// @notice Makes both slots of `cursor` non-zero, once, before the first epoch clears.
    function initCursor(Cursor storage cursor) internal {
        (cursor.sentinel, cursor.net) = (CURSOR_SENTINEL, uint128(NET_ZERO));
    }

    /// @notice Writes settlement's slot of `cursor` (see {Cursor}) in one storage write: `net` (offset by
    /// {NET_ZERO}) and the cuts, whose sequences and fills fit 32 bits.
    function storeSettling(
        Cursor storage cursor,
        uint256 net,
        uint256 bidCutSeq,
        uint256 bidCutWh,
        uint256 askCutSeq,
        uint256 askCutWh
    ) internal {
        uint256 word =
            uint256(uint128(net)) |
                (uint256(uint32(bidCutSeq)) << 128) |
                (uint256(uint32(bidCutWh)) << 160) |
                (uint256(uint32(askCutSeq)) << 192) |
                (uint256(uint32(askCutWh)) << 224);
        // One write of the whole packed slot (its layout is pinned by test/StorageLayout.test.ts).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(add(cursor.slot, 1), word)
        }
    }

    /// @notice Starts the walk of the book: the highest bid level and the lowest ask level.
    /// @param tag 1 + the epoch being cleared, the holder of `levels` (its caller knows it).
    function start(Book storage self, Levels storage levels, Cursor storage cursor, uint256 tag) internal {
        uint256 bid = levels.bids.highest(tag);
        uint256 ask = levels.asks.lowest(tag);
        // Depth per level is below 2^32 ({MAX_LEVEL_WH}). The Cursor write keeps
        // `sentinel` and `net` untouched: `net` is NET_ZERO between epochs.
        (cursor.bidLevel, cursor.askLevel) = (uint16(bid), uint16(ask));
        (cursor.bidLeft, cursor.askLeft) = (
            uint64(_depthAt(levels, tag, 0, bid)),
            uint64(_depthAt(levels, tag, 1, ask))
        );
        self.phase = Phase.Matching;
    }

    /// @notice Walks at most `maxSteps` price levels of the clearing rule, from the stored cursor.
    /// @param tag 1 + the epoch being cleared, the holder of `levels`.
    /// @return done whether the walk has ended (the sides no longer cross, or one side ran out).
    /// @return steps the number of levels stepped past, at most `maxSteps`.
    function walk(
        Book storage self,
        Levels storage levels,
        Cursor storage cursor,
        uint256 maxSteps,
        uint256 tag
    ) internal returns (bool done, uint256 steps) {
        uint256 bid = cursor.bidLevel;
        uint256 ask = cursor.askLevel;
        uint256 bidLeft = cursor.bidLeft;
        uint256 askLeft = cursor.askLeft;
        uint256 volume = self.volume;
        uint256 bidStar = self.bidStar;
        uint256 askStar = self.askStar;
        while (true) {
            if (bid == 0 || ask == 0 || bid < ask) {
                done = true;
                break;
            }
            if (steps >= maxSteps) break;
            uint256 q = bidLeft < askLeft ? bidLeft : askLeft;
            if (q != 0) {
                // Cannot overflow: the volume is at most the total ordered, below 2^64; q <= both lefts.
                unchecked {
                    volume += q;
                    bidLeft -= q;
                    askLeft -= q;
                }
                bidStar = bid;
                askStar = ask;
            }
            if (bidLeft == 0) {
                bid = levels.bids.highestAtOrBelow(tag, bid - 1);
                bidLeft = _depthAt(levels, tag, 0, bid);
                ++steps;
            }
            // An exhausted ask level left for the next call (step budget spent) is stepped past then.
            if (askLeft == 0 && steps < maxSteps) {
                ask = levels.asks.lowestAtOrAbove(tag, ask + 1);
                askLeft = _depthAt(levels, tag, 1, ask);
                ++steps;
            }
        }
        // Levels fit 16 bits and quantities 64 bits (see {start}); each group of writes shares one slot.
        cursor.bidLevel = uint16(bid);
        cursor.askLevel = uint16(ask);
        cursor.bidLeft = uint64(bidLeft);
        cursor.askLeft = uint64(askLeft);
        self.bidStar = uint16(bidStar);
        self.askStar = uint16(askStar);
        self.volume = uint64(volume);
    }

    /// @notice Ends price discovery: turns the cursor's leftovers into the quantities matched at the margins.
    /// @param tag 1 + the epoch being cleared, the holder of `levels`.
    /// @return price the clearing price (0 when nothing crossed).
    function finish(
        Book storage self,
        Levels storage levels,
        Cursor storage cursor,
        uint256 tag
    ) internal returns (uint256 price) {
        self.phase = Phase.Settling;
        if (self.volume == 0) return 0;
        uint256 bidStar = self.bidStar;
        uint256 askStar = self.askStar;
        // At b* the matched quantity is the level's depth minus what the walk left there (if it stopped
        // there); likewise at a*. Everything better than the margins matched in full.
        uint256 bidMargin = depthOf(levels, tag, 0, bidStar) - (cursor.bidLevel == bidStar ? cursor.bidLeft : 0);
        uint256 askMargin = depthOf(levels, tag, 1, askStar) - (cursor.askLevel == askStar ? cursor.askLeft : 0);
        (cursor.bidLeft, cursor.askLeft) = (uint64(bidMargin), uint64(askMargin));
        return clearingPrice(self);
    }

    /// @dev Where `level`'s 32 bits sit in its depth slot.
    function _shift(uint256 level) private pure returns (uint256) {
        return (level % LEVELS_PER_SLOT) * 32;
    }

    /// @dev The depth at `level`, without reading storage for "no level" (0).
    function _depthAt(Levels storage levels, uint256 tag, uint256 side, uint256 level) private view returns (uint256) {
        return level == 0 ? 0 : depthOf(levels, tag, side, level);
    }
}
