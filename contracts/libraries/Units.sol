// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Units
/// @notice The energy unit of the suite: 1 GRID (1e18 base units) = 1 kWh, so one watt-hour is 1e15 GRID base
/// units. The OracleClient mints and burns whole watt-hours of metered energy; Trading stores order amounts
/// in watt-hours.
library Units {
    /// @notice GRID base units per watt-hour.
    uint256 internal constant WH = 1e15;
}
