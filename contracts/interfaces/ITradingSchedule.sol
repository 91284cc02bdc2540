// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ITradingSchedule
/// @notice The epoch schedule of {ITrading}: epoch `e` runs from `genesis + e * epochLength` for `epochLength`
/// seconds; its end is the gate closure. Both are fixed at deployment.
interface ITradingSchedule {
    /// @notice The start of epoch 0.
    function genesis() external view returns (uint256);

    /// @notice Epoch length in seconds (900 by default).
    function epochLength() external view returns (uint256);

    /// @notice The epoch containing the current block timestamp.
    function currentEpoch() external view returns (uint256);

    /// @notice The first second of `epoch`.
    function epochStart(uint256 epoch) external view returns (uint256);

    /// @notice The end of `epoch` (exclusive): its gate closure.
    function epochEnd(uint256 epoch) external view returns (uint256);
}
