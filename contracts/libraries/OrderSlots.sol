// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITrading} from "../interfaces/ITrading.sol";

/// @title OrderSlots
/// @notice Where an order lives in storage and what it filled, without a write at settlement.
/// @dev An epoch's orders live in one of {BANKS} banks of slots, keyed by their sequence in the epoch, and a
/// bank is handed to a new epoch once the epoch that held it is settled: a new order then rewrites a slot a
/// settled order left behind (5,000 gas) instead of a fresh one (22,100). A new epoch takes the lowest-numbered
/// bank whose holder is settled, except the bank of the epoch opened just before it (whose orders stay readable
/// through the new epoch), so a market whose keeper keeps up alternates between two banks whose slots are already
/// written; an epoch that finds no bank free (clearing more than three epochs behind) keys its orders by id instead
/// ({Rooms} chooses banks, and depth rooms apart from them).
/// Settlement writes nothing per order: an order's fill follows from its level, the epoch's margins and the
/// time-priority cut at each margin (the first order there that did not fill completely).
library OrderSlots {
    /// @notice The number of banks of reused order slots.
    uint256 internal constant BANKS = 4;

    // The slot as the compiler lays it out (pinned by test/StorageLayout.test.ts).
    uint256 private constant SIDE_SHIFT = 160;
    uint256 private constant CANCELLED_SHIFT = 168;
    uint256 private constant LEVEL_SHIFT = 176;
    uint256 private constant AMOUNT_SHIFT = 192;
    uint256 private constant PREV_SHIFT = 224;

    /// @notice One order, one slot. Amounts in Wh, price as a level of the epoch's tick; `prevSeq` is the
    /// sequence of the owner's previous order in the same epoch (0: none), which links its order list.
    struct Order {
        address owner;
        ITrading.Side side;
        bool cancelled;
        uint16 level;
        uint32 amountWh;
        uint32 prevSeq;
    }

    /// @notice Reads `stored` into `order` with one storage read (the compiler would read the packed slot once per
    /// field), reusing `order`'s memory so that a loop allocates none.
    /// @dev The slot as the compiler lays it out (pinned by test/StorageLayout.test.ts): owner in bits 0..159,
    /// then side, cancelled, level, amountWh and prevSeq.
    function loadInto(Order memory order, Order storage stored) internal view {
        uint256 word;
        // One read or write of the whole packed slot (its layout is pinned by a test).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(stored.slot)
        }
        order.owner = address(uint160(word));
        order.side = uint8(word >> SIDE_SHIFT) == 0 ? ITrading.Side.Buy : ITrading.Side.Sell;
        order.cancelled = uint8(word >> CANCELLED_SHIFT) != 0;
        order.level = uint16(word >> LEVEL_SHIFT);
        order.amountWh = uint32(word >> AMOUNT_SHIFT);
        order.prevSeq = uint32(word >> PREV_SHIFT);
    }

    /// @notice Writes a new, not cancelled order into `stored` with one storage write (the compiler would write the
    /// packed slot once per field). Levels fit 16 bits, amounts and sequences 32 (checked by the caller).
    function store(
        Order storage stored,
        address owner,
        ITrading.Side side,
        uint256 level,
        uint256 amountWh,
        uint256 prevSeq
    ) internal {
        uint256 word =
            uint256(uint160(owner)) |
                (uint256(side) << SIDE_SHIFT) |
                (uint256(uint16(level)) << LEVEL_SHIFT) |
                (uint256(uint32(amountWh)) << AMOUNT_SHIFT) |
                (uint256(uint32(prevSeq)) << PREV_SHIFT);
        // One read or write of the whole packed slot (its layout is pinned by a test).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(stored.slot, word)
        }
    }

    /// @notice Marks `stored` cancelled, leaving the rest of its slot as it is.
    function markCancelled(Order storage stored) internal {
        // One read or write of the whole packed slot (its layout is pinned by a test).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let slot := stored.slot
            sstore(slot, or(sload(slot), shl(CANCELLED_SHIFT, 1)))
        }
    }

    /// @notice The storage key of order `seq` of `epoch` held in `bank` (0: keyed by its id).
    /// @dev Bank keys carry bit 128, above every order id (epochs stay below 2^32), so the two never meet.
    function key(uint256 epoch, uint256 bank, uint256 seq) internal pure returns (uint256) {
        return bank == 0 ? (epoch << 32) | seq : (1 << 128) | (bank << 32) | seq;
    }

    /// @notice The room (see {Auction.Levels}) of an epoch with bank (or depth room, see {Rooms}) `bank`: that
    /// room, or, with none (0), one of the epoch's own above the banks', so that the two never meet.
    function room(uint256 epoch, uint256 bank) internal pure returns (uint256) {
        return bank != 0 ? bank : BANKS + 1 + epoch;
    }

    /// @notice The fill of order `seq` once its epoch's settlement has passed it.
    /// @param price the clearing price (0: nothing crossed).
    /// @param star the marginal level of the order's side (`b*` for bids, `a*` for asks).
    /// @param cutSeq the time-priority cut at that margin (0: every order there filled completely).
    /// @param cutWh the fill of the order at the cut.
    function fill(
        Order memory order,
        uint256 seq,
        uint256 price,
        uint256 star,
        uint256 cutSeq,
        uint256 cutWh
    ) internal pure returns (uint256) {
        if (price == 0 || order.cancelled) return 0;
        uint256 level = order.level;
        if (level != star) {
            bool better = order.side == ITrading.Side.Buy ? level > star : level < star;
            return better ? order.amountWh : 0;
        }
        if (cutSeq == 0 || seq < cutSeq) return order.amountWh;
        return seq == cutSeq ? cutWh : 0;
    }
}
