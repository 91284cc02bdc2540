// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracleClient} from "../interfaces/IOracleClient.sol";

/// @title MeterSlots
/// @notice What the oracle remembers of a meter, read and written as one storage word: the compiler would read
/// the packed slot once per field and write it once per field.
/// @dev The slot as the compiler lays out {IOracleClient-MeterState} (pinned by test/StorageLayout.test.ts):
/// lastReadAt in bits 0..63, then lastExportWh, lastImportWh, ratedPowerW (56 bits) and hasBaseline.
library MeterSlots {
    uint256 private constant EXPORT_SHIFT = 64;
    uint256 private constant IMPORT_SHIFT = 128;
    uint256 private constant POWER_SHIFT = 192;
    uint256 private constant BASELINE_SHIFT = 248;

    /// @notice The state in `stored`, with one storage read.
    function load(
        IOracleClient.MeterState storage stored
    ) internal view returns (IOracleClient.MeterState memory state) {
        uint256 word;
        // One read of the whole packed slot (its layout is pinned by a test).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(stored.slot)
        }
        state.lastReadAt = uint64(word);
        state.lastExportWh = uint64(word >> EXPORT_SHIFT);
        state.lastImportWh = uint64(word >> IMPORT_SHIFT);
        state.ratedPowerW = uint56(word >> POWER_SHIFT);
        state.hasBaseline = uint8(word >> BASELINE_SHIFT) != 0;
    }

    /// @notice Records an accepted reading in `stored` with one storage write: its time and registers, the
    /// meter's own rated power (0: the default), and the baseline flag set.
    function record(
        IOracleClient.MeterState storage stored,
        uint64 readAt,
        uint64 exportWh,
        uint64 importWh,
        uint56 ratedPowerW
    ) internal {
        uint256 word =
            uint256(readAt) |
                (uint256(exportWh) << EXPORT_SHIFT) |
                (uint256(importWh) << IMPORT_SHIFT) |
                (uint256(ratedPowerW) << POWER_SHIFT) |
                (uint256(1) << BASELINE_SHIFT);
        // One write of the whole packed slot (its layout is pinned by a test).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(stored.slot, word)
        }
    }
}
