// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracleClient} from "../interfaces/IOracleClient.sol";

/// @title ReadingValidation
/// @notice The pure part of the meter-reading rules (SPEC 7.1, rules 2 to 5): given what the oracle remembers of
/// a meter, the reading and the time, decide whether the reading is acceptable and how much energy it adds.
/// @dev Ownership (rule 1) needs the Registry and is checked by the caller. Registers are uint64 Wh and the rated
/// power fits a uint56, so every product below stays far inside uint256.
library ReadingValidation {
    /// @notice The all-ones register value some meters report when a register is unreadable.
    uint64 internal constant SENTINEL = type(uint64).max;

    /// @notice Seconds per hour: Wh = W * s / 3600.
    uint256 internal constant SECONDS_PER_HOUR = 3600;

    /// @notice Checks `reading` against `state` at time `timestamp` for a meter of `ratedPowerW` watts.
    /// @return reason `None` when acceptable, otherwise why not.
    /// @return exportDelta Wh exported since the last reading (0 for a baseline reading).
    /// @return importDelta Wh imported since the last reading (0 for a baseline reading).
    function check(
        IOracleClient.MeterState memory state,
        IOracleClient.MeterReading memory reading,
        uint256 timestamp,
        uint256 ratedPowerW
    ) internal pure returns (IOracleClient.RejectReason reason, uint256 exportDelta, uint256 importDelta) {
        if (reading.readAt <= state.lastReadAt) return (IOracleClient.RejectReason.StaleReading, 0, 0);
        if (reading.readAt > timestamp) return (IOracleClient.RejectReason.FutureReading, 0, 0);
        if (reading.exportWh == SENTINEL || reading.importWh == SENTINEL) {
            return (IOracleClient.RejectReason.SentinelValue, 0, 0);
        }
        if (!state.hasBaseline) return (IOracleClient.RejectReason.None, 0, 0);
        if (reading.exportWh < state.lastExportWh || reading.importWh < state.lastImportWh) {
            return (IOracleClient.RejectReason.RegisterRollback, 0, 0);
        }
        // Registers only grew (checked just above), so the subtractions cannot underflow.
        unchecked {
            exportDelta = reading.exportWh - state.lastExportWh;
            importDelta = reading.importWh - state.lastImportWh;
        }
        if (!isPlausible(exportDelta + importDelta, ratedPowerW, reading.readAt - state.lastReadAt)) {
            return (IOracleClient.RejectReason.ImplausibleDelta, 0, 0);
        }
        return (IOracleClient.RejectReason.None, exportDelta, importDelta);
    }

    /// @notice Whether a meter of `ratedPowerW` watts can move `deltaWh` in `elapsed` seconds. A bidirectional
    /// meter flows one way at a time, so exported and imported energy share the same capacity.
    function isPlausible(uint256 deltaWh, uint256 ratedPowerW, uint256 elapsed) internal pure returns (bool) {
        return deltaWh * SECONDS_PER_HOUR <= ratedPowerW * elapsed;
    }
}
