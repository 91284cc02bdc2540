// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PriceBitmap
/// @notice A two-level bitmap over the 65,536 price levels of one side of one epoch's book. A level's bit
/// marks that some order was placed there; a summary word marks which of the 256 words hold any bit, so the
/// next used level above or below any level is found with at most three storage reads — no sorting, no
/// loop over orders.
/// @dev Bits are never cleared: a level emptied by cancellations keeps its bit and the clearing walk steps
/// over it as a level with zero quantity. That keeps cancellations cheap and costs the walk one step.
library PriceBitmap {
    struct Bitmap {
        uint256 summary;
        mapping(uint256 word => uint256 bits) words;
    }

    /// @notice Marks `level` as used.
    function set(Bitmap storage self, uint256 level) internal {
        uint256 word = level >> 8;
        uint256 bits = self.words[word];
        uint256 updated = bits | (1 << (level & 0xff));
        if (updated != bits) {
            if (bits == 0) self.summary |= 1 << word;
            self.words[word] = updated;
        }
    }

    /// @notice The highest used level, or 0 when there is none: the summary word first, then one word.
    function highest(Bitmap storage self) internal view returns (uint256) {
        uint256 summary = self.summary;
        if (summary == 0) return 0;
        uint256 word = Math.log2(summary);
        return (word << 8) | Math.log2(self.words[word]);
    }

    /// @notice The lowest used level, or 0 when there is none: the summary word first, then one word.
    function lowest(Bitmap storage self) internal view returns (uint256) {
        uint256 summary = self.summary;
        if (summary == 0) return 0;
        uint256 word = _lowestBit(summary);
        return (word << 8) | _lowestBit(self.words[word]);
    }

    /// @notice The highest used level at or below `level`, or 0 when there is none (level 0 is never used).
    function highestAtOrBelow(Bitmap storage self, uint256 level) internal view returns (uint256) {
        uint256 word = level >> 8;
        uint256 bit = level & 0xff;
        // Keep bits 0..bit. Cannot overflow: bit < 256, and for bit == 255 the mask is all ones.
        uint256 mask = bit == 0xff ? type(uint256).max : (uint256(1) << (bit + 1)) - 1;
        uint256 bits = self.words[word] & mask;
        if (bits != 0) return (word << 8) | Math.log2(bits);
        uint256 below = self.summary & ((uint256(1) << word) - 1);
        if (below == 0) return 0;
        word = Math.log2(below);
        return (word << 8) | Math.log2(self.words[word]);
    }

    /// @notice The lowest used level at or above `level`, or 0 when there is none.
    function lowestAtOrAbove(Bitmap storage self, uint256 level) internal view returns (uint256) {
        if (level > type(uint16).max) return 0;
        uint256 word = level >> 8;
        uint256 bits = self.words[word] & (type(uint256).max << (level & 0xff));
        if (bits != 0) return (word << 8) | _lowestBit(bits);
        // Words strictly above `word`; for word 255 the shift yields 0, i.e. none.
        uint256 above = word == 0xff ? 0 : self.summary & (type(uint256).max << (word + 1));
        if (above == 0) return 0;
        word = _lowestBit(above);
        return (word << 8) | _lowestBit(self.words[word]);
    }

    function _lowestBit(uint256 x) private pure returns (uint256) {
        // Isolates the lowest set bit. Cannot overflow in intent: two's complement negation of a non-zero x.
        unchecked {
            return Math.log2(x & (0 - x));
        }
    }
}
