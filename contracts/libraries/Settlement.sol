// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Settlement
/// @notice The arithmetic of the clearing rule, on amounts in watt-hours (1 Wh = {Units.WH} GRID base units) and
/// prices in payment-token base units per kWh (per 1e18 GRID base units), so `value = Wh * price / 1000`.
/// @dev Every product below is at most 2^32 * 2^64 = 2^96, far from overflowing.
library Settlement {
    /// @notice What a buyer escrows or pays for `wh` at `price`: rounded up.
    function buyerCost(uint256 wh, uint256 price) internal pure returns (uint256) {
        return (wh * price + 999) / 1000;
    }

    /// @notice What a seller is owed for `wh` at `price` before the fee: rounded down.
    function sellerProceeds(uint256 wh, uint256 price) internal pure returns (uint256) {
        return (wh * price) / 1000;
    }

    /// @notice The fee on `proceeds` at `feeBps` basis points, rounded down.
    function fee(uint256 proceeds, uint256 feeBps) internal pure returns (uint256) {
        return (proceeds * feeBps) / 10_000;
    }

    /// @notice The fill of an order at `level` for `amount` Wh on a side whose marginal level is `marginal`:
    /// full on the better side of the margin, by time priority from `marginLeft` at the margin, none beyond.
    /// @param better whether `level` is strictly better than the margin (above it for bids, below it for asks).
    /// @return filled the order's fill; @return marginLeftAfter what remains to allocate at the margin.
    function allocate(
        bool better,
        bool atMargin,
        uint256 amount,
        uint256 marginLeft
    ) internal pure returns (uint256 filled, uint256 marginLeftAfter) {
        if (better) return (amount, marginLeft);
        if (!atMargin) return (0, marginLeft);
        filled = amount < marginLeft ? amount : marginLeft;
        // Cannot underflow: filled <= marginLeft.
        unchecked {
            marginLeftAfter = marginLeft - filled;
        }
    }
}
