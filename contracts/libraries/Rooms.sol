// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Auction} from "./Auction.sol";
import {OrderSlots} from "./OrderSlots.sol";

/// @title Rooms
/// @notice Which storage a new epoch takes: a bank for its orders and cuts, and a depth room for its depth and
/// price bitmaps. The two are chosen apart because they are needed for different lengths of time.
/// @dev A bank holds the epoch's orders and time-priority cuts, which {ITrading-getOrder} reads until the bank
/// passes on: a new epoch takes the lowest-numbered bank whose holder is settled, except the bank of the epoch
/// opened just before it (see {OrderSlots}). Depth and bitmaps are needed only until matching ends: a new epoch
/// takes the lowest-numbered depth room whose holder has finished matching, the previous epoch's included, so a
/// market whose keeper matches an epoch before the next one's first order writes every epoch's depth into the
/// same, already written, slots (5,000 gas instead of 22,100 for each group of seven levels the room never held).
/// Depth slots and bitmap words carry the tag of the epoch that wrote them, so a later holder never reads an
/// earlier one's levels. Bank `b` is the first slot (tag and cuts) of room `b` of `Trading._levels`; depth room
/// `d` is the depth mapping and the bitmaps of room `d`: the two parts never share a slot. An epoch that finds no
/// bank (or no depth room) free, because clearing is more than three epochs behind, uses a room of its own
/// ({OrderSlots.room} with 0).
library Rooms {
    /// @notice The holder of each depth room 1..{OrderSlots.BANKS}: 1 + the epoch, in the 32 bits at
    /// 32 × room (0: never held).
    struct DepthHolders {
        uint256 word;
    }

    uint256 private constant LANE = 32;
    uint256 private constant LANE_MASK = type(uint32).max;
    uint256 private constant BANK_MASK = 0x0f;
    uint256 private constant DEPTH_SHIFT = 4;

    /// @notice A book's `rooms` byte: its bank in the low four bits, its depth room in the high four.
    function pack(uint256 bank, uint256 depthRoom) internal pure returns (uint8) {
        return uint8(bank | (depthRoom << DEPTH_SHIFT));
    }

    /// @notice The bank of order slots and cuts in a book's `rooms` (0: none, orders keyed by id).
    function bankOf(uint256 rooms) internal pure returns (uint256) {
        return rooms & BANK_MASK;
    }

    /// @notice The depth room in a book's `rooms` (0: one of the epoch's own).
    function depthRoomOf(uint256 rooms) internal pure returns (uint256) {
        return rooms >> DEPTH_SHIFT;
    }

    /// @notice The lowest-numbered bank whose holder is settled and is not the epoch opened last (tag
    /// `lastTag`, 1 + that epoch); 0 when none is. A bank's holder tag is the first slot of its room.
    function freeBank(
        mapping(uint256 room => Auction.Levels) storage levels,
        mapping(uint256 epoch => Auction.Book) storage books,
        uint256 lastTag
    ) internal view returns (uint256) {
        for (uint256 bank = 1; bank <= OrderSlots.BANKS; ++bank) {
            uint256 holder = levels[bank].tag;
            if (holder == 0 || (holder != lastTag && books[holder - 1].phase == Auction.Phase.Settled)) return bank;
        }
        return 0;
    }

    /// @notice Hands `epoch` the lowest-numbered depth room that was never held or whose holder has finished
    /// matching, recording `epoch` as its holder; 0 when every depth room is held by an epoch still open or matching.
    function takeDepthRoom(
        DepthHolders storage holders,
        mapping(uint256 epoch => Auction.Book) storage books,
        uint256 epoch
    ) internal returns (uint256) {
        uint256 word = holders.word;
        for (uint256 room = 1; room <= OrderSlots.BANKS; ++room) {
            uint256 shift = LANE * room;
            uint256 holder = (word >> shift) & LANE_MASK;
            if (holder == 0 || books[holder - 1].phase >= Auction.Phase.Settling) {
                // Epochs stay below 2^32 (see {Auction.takeRoom}).
                holders.word = (word & ~(LANE_MASK << shift)) | ((epoch + 1) << shift);
                return room;
            }
        }
        return 0;
    }
}
