// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PriceBitmap
/// @notice A two-level bitmap over the 65,536 price levels of one side of one epoch's book, whose slots are
/// reused by later epochs. A level's bit marks that some order was placed there; a summary marks which words
/// hold any bit, so the next used level above or below any level is found with at most four storage reads — no
/// sorting, no loop over orders.
/// @dev Every slot holds {WORD_LEVELS} bits in its low 224 bits and, in its top 32 bits, the tag (1 + the epoch)
/// of the epoch that wrote it; a slot with another epoch's tag reads as empty, and the first bit an epoch sets in
/// it rewrites it whole under its tag. A word holds 224 levels (words 0..292); the summary is two slots, for words
/// 0..222 (with a flag for the rest) and 223..292, and the second is read only when the flag says it is in use.
/// The bitmaps live in the epoch's depth room (see {Auction.Levels} and {Rooms}), so an epoch rewrites slots an
/// earlier holder of the room left (5,000 gas) instead of fresh ones (22,100).
/// Bits are never cleared: a level emptied by cancellations keeps its bit and the clearing walk steps over it
/// as a level with zero quantity. That keeps cancellations cheap and costs the walk one step.
library PriceBitmap {
    /// @notice One side's bitmap: bit w of `summary[0]` (w < 223) or bit w - 223 of `summary[1]` marks word w as
    /// used, and bit 223 of `summary[0]` that `summary[1]` marks any; both tagged.
    struct Bitmap {
        uint256[2] summary;
        mapping(uint256 word => uint256 taggedBits) words;
    }

    /// @notice Price levels per word.
    uint256 internal constant WORD_LEVELS = 224;
    /// @notice Words per side: 65,536 levels in words of 224.
    uint256 internal constant WORDS = 293;
    /// @dev The first summary slot marks words 0..222 and, with bit 223, that the second (words 223..292) marks any.
    uint256 private constant LOW_WORDS = 223;
    uint256 private constant HIGH_WORDS_USED = 1 << LOW_WORDS;
    /// @dev Where a slot keeps the tag of the epoch that wrote it, and the mask of its bits.
    uint256 private constant TAG_SHIFT = 224;
    uint256 private constant LEVEL_BITS = (1 << TAG_SHIFT) - 1;

    /// @notice Marks `level` as used by the epoch tagged `tag`.
    function set(Bitmap storage self, uint256 tag, uint256 level) internal {
        uint256 word = level / WORD_LEVELS;
        uint256 bit = 1 << (level % WORD_LEVELS);
        uint256 value = self.words[word];
        if (value >> TAG_SHIFT == tag) {
            if (value & bit == 0) self.words[word] = value | bit;
            return;
        }
        // First level of this word in the epoch: the word starts over under its tag, and joins the summary.
        self.words[word] = (tag << TAG_SHIFT) | bit;
        uint256 low = _bits(self.summary[0], tag);
        if (word < LOW_WORDS) {
            self.summary[0] = (tag << TAG_SHIFT) | low | (1 << word);
        } else {
            self.summary[1] = (tag << TAG_SHIFT) | _bits(self.summary[1], tag) | (1 << (word - LOW_WORDS));
            if (low & HIGH_WORDS_USED == 0) self.summary[0] = (tag << TAG_SHIFT) | low | HIGH_WORDS_USED;
        }
    }

    /// @notice The highest level the epoch tagged `tag` used, or 0 when there is none.
    function highest(Bitmap storage self, uint256 tag) internal view returns (uint256) {
        return _highestBelow(self, tag, WORDS);
    }

    /// @notice The lowest level the epoch tagged `tag` used, or 0 when there is none.
    function lowest(Bitmap storage self, uint256 tag) internal view returns (uint256) {
        return _lowestFrom(self, tag, 0);
    }

    /// @notice The highest used level at or below `level`, or 0 when there is none (level 0 is never used).
    function highestAtOrBelow(Bitmap storage self, uint256 tag, uint256 level) internal view returns (uint256) {
        uint256 word = level / WORD_LEVELS;
        uint256 bit = level % WORD_LEVELS;
        // Keep bits 0..bit: bit < 224, so the shift never overflows.
        uint256 bits = _bits(self.words[word], tag) & ((uint256(1) << (bit + 1)) - 1);
        if (bits != 0) return _level(word, Math.log2(bits));
        return _highestBelow(self, tag, word);
    }

    /// @notice The lowest used level at or above `level`, or 0 when there is none.
    function lowestAtOrAbove(Bitmap storage self, uint256 tag, uint256 level) internal view returns (uint256) {
        if (level > type(uint16).max) return 0;
        uint256 word = level / WORD_LEVELS;
        uint256 bits = _bits(self.words[word], tag) & (LEVEL_BITS << (level % WORD_LEVELS));
        if (bits != 0) return _level(word, _lowestBit(bits));
        return _lowestFrom(self, tag, word + 1);
    }

    /// @dev The highest used level in the words below `word` (at most {WORDS}), or 0. The second summary slot is
    /// read only when the first says it holds any word.
    function _highestBelow(Bitmap storage self, uint256 tag, uint256 word) private view returns (uint256) {
        uint256 low = _bits(self.summary[0], tag);
        if (word > LOW_WORDS) {
            if (low & HIGH_WORDS_USED != 0) {
                uint256 high = _bits(self.summary[1], tag) & ((uint256(1) << (word - LOW_WORDS)) - 1);
                if (high != 0) return _highestIn(self, LOW_WORDS + Math.log2(high));
            }
            word = LOW_WORDS;
        }
        // Words below `word` (at most 223): the flag bit 223 is masked off.
        low &= (uint256(1) << word) - 1;
        return low == 0 ? 0 : _highestIn(self, Math.log2(low));
    }

    /// @dev The lowest used level in the words from `word` (at most {WORDS}) up, or 0. The second summary slot is
    /// read only when the first says it holds any word.
    function _lowestFrom(Bitmap storage self, uint256 tag, uint256 word) private view returns (uint256) {
        uint256 low = _bits(self.summary[0], tag);
        if (word < LOW_WORDS) {
            uint256 from = low & (HIGH_WORDS_USED - 1) & (type(uint256).max << word);
            if (from != 0) return _lowestIn(self, _lowestBit(from));
            word = LOW_WORDS;
        }
        if (low & HIGH_WORDS_USED == 0) return 0;
        uint256 high = _bits(self.summary[1], tag) & (type(uint256).max << (word - LOW_WORDS));
        return high == 0 ? 0 : _lowestIn(self, LOW_WORDS + _lowestBit(high));
    }

    /// @dev The highest level in `word`, which the summary marks as used (so it carries the epoch's tag).
    function _highestIn(Bitmap storage self, uint256 word) private view returns (uint256) {
        return _level(word, Math.log2(self.words[word] & LEVEL_BITS));
    }

    /// @dev The lowest level in `word`, which the summary marks as used.
    function _lowestIn(Bitmap storage self, uint256 word) private view returns (uint256) {
        return _level(word, _lowestBit(self.words[word] & LEVEL_BITS));
    }

    /// @dev The bits of a slot read for the epoch tagged `tag` (none when another epoch wrote it).
    function _bits(uint256 value, uint256 tag) private pure returns (uint256) {
        return value >> TAG_SHIFT == tag ? value & LEVEL_BITS : 0;
    }

    function _level(uint256 word, uint256 bit) private pure returns (uint256) {
        return word * WORD_LEVELS + bit;
    }

    function _lowestBit(uint256 x) private pure returns (uint256) {
        // Isolates the lowest set bit. Cannot overflow in intent: two's complement negation of a non-zero x.
        unchecked {
            return Math.log2(x & (0 - x));
        }
    }
}
