// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PriceBitmap} from "./PriceBitmap.sol";

/// @title Auction
/// @notice The storage of one epoch's book and the resumable price-discovery walk of the clearing rule.
/// @dev Amounts are watt-hours, prices are level indexes (price = level * tick). Level 0 is never used, so
/// 0 doubles as "no level".
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

    /// @notice Everything Trading keeps per epoch. Slots are grouped by the code path that reads them.
    struct Book {
        // Slot 1, written by every order: sequence counter and the epoch's snapshot of tick and fee.
        uint32 orderCount;
        uint64 tickSize;
        uint16 feeBps;
        Phase phase;
        // Slot 2, the walk: current levels and what is left at them, the last matched levels, the volume.
        uint16 bidLevel;
        uint16 askLevel;
        uint16 bidStar;
        uint16 askStar;
        uint64 bidLeft;
        uint64 askLeft;
        uint64 volume;
        // Slot 3, settlement: progress, margin quantities still to allocate, the clearing price.
        uint32 settled;
        uint64 bidMarginLeft;
        uint64 askMarginLeft;
        uint64 clearingPrice;
        // Slot 4, settlement money flows: paid in by buyers, paid out to sellers.
        uint128 paidIn;
        uint128 paidOut;
        // Depth (Wh) per price level, keyed by side << 16 | level, and the bitmaps of used levels.
        mapping(uint256 key => uint256 wh) depth;
        PriceBitmap.Bitmap bids;
        PriceBitmap.Bitmap asks;
    }

    /// @notice The depth key of `level` on `side` (0 buy, 1 sell).
    function key(uint256 side, uint256 level) internal pure returns (uint256) {
        return (side << 16) | level;
    }

    /// @notice Adds `wh` at `level` on `side`, marking the level in the bitmap when it was empty.
    function addDepth(Book storage self, uint256 side, uint256 level, uint256 wh) internal {
        uint256 k = key(side, level);
        uint256 before = self.depth[k];
        if (before == 0) (side == 0 ? self.bids : self.asks).set(level);
        self.depth[k] = before + wh;
    }

    /// @notice Starts the walk: the highest bid level and the lowest ask level.
    function start(Book storage self) internal {
        uint256 bid = self.bids.highestAtOrBelow(type(uint16).max);
        uint256 ask = self.asks.lowestAtOrAbove(1);
        self.bidLevel = uint16(bid);
        self.askLevel = uint16(ask);
        // Depth per level is below 2^64: at most 2^32 orders of at most 2^32 Wh each.
        self.bidLeft = uint64(self.depth[key(0, bid)]);
        self.askLeft = uint64(self.depth[key(1, ask)]);
        self.phase = Phase.Matching;
    }

    /// @notice Walks at most `maxSteps` price levels of the clearing rule, from the stored cursor.
    /// @return done whether the walk has ended (the sides no longer cross, or one side ran out).
    /// @return steps the number of levels stepped past, at most `maxSteps`.
    function walk(Book storage self, uint256 maxSteps) internal returns (bool done, uint256 steps) {
        uint256 bid = self.bidLevel;
        uint256 ask = self.askLevel;
        uint256 bidLeft = self.bidLeft;
        uint256 askLeft = self.askLeft;
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
                bid = self.bids.highestAtOrBelow(bid - 1);
                bidLeft = self.depth[key(0, bid)];
                ++steps;
            }
            // An exhausted ask level left for the next call (step budget spent) is stepped past then.
            if (askLeft == 0 && steps < maxSteps) {
                ask = self.asks.lowestAtOrAbove(ask + 1);
                askLeft = self.depth[key(1, ask)];
                ++steps;
            }
        }
        // Levels fit 16 bits and quantities 64 bits (see {start}); the writes share one slot.
        self.bidLevel = uint16(bid);
        self.askLevel = uint16(ask);
        self.bidStar = uint16(bidStar);
        self.askStar = uint16(askStar);
        self.bidLeft = uint64(bidLeft);
        self.askLeft = uint64(askLeft);
        self.volume = uint64(volume);
    }

    /// @notice Ends price discovery: fixes the clearing price and the quantities matched at the margins.
    /// @return price the clearing price (0 when nothing crossed).
    function finish(Book storage self) internal returns (uint256 price) {
        uint256 tick = self.tickSize;
        uint256 bidStar = self.bidStar;
        uint256 askStar = self.askStar;
        if (self.volume != 0) {
            price = ((bidStar + askStar) * tick) / 2;
            // At b* the matched quantity is the level's depth minus what the walk left there (if it stopped
            // there); likewise at a*. Everything better than the margins matched in full.
            uint256 bidMargin = self.depth[key(0, bidStar)] - (self.bidLevel == bidStar ? self.bidLeft : 0);
            uint256 askMargin = self.depth[key(1, askStar)] - (self.askLevel == askStar ? self.askLeft : 0);
            (self.bidMarginLeft, self.askMarginLeft, self.clearingPrice) = (
                uint64(bidMargin),
                uint64(askMargin),
                uint64(price)
            );
        }
        self.phase = Phase.Settling;
    }
}
