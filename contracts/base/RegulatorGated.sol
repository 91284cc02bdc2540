// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRegulatorGated} from "../interfaces/IRegulatorGated.sol";

/// @title RegulatorGated
/// @notice The one `onlyRecRegulator` modifier of the suite. `Registry` answers {_isRecRegulator} from its own
/// role; the other contracts inherit {RegistryGated}, which asks the Registry.
/// @dev Holds no storage, so it never moves a state variable of the contracts that inherit it.
abstract contract RegulatorGated is IRegulatorGated {
    // ───────────────────────────────────────── MODIFIERS ─────────────────────────────────────────

    /// @dev Reverts with {NotRecRegulator} unless the caller is a REC regulator.
    modifier onlyRecRegulator() {
        require(_isRecRegulator(msg.sender), NotRecRegulator(msg.sender));
        _;
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    /// @dev Whether `account` holds the Registry's REC regulator role.
    function _isRecRegulator(address account) internal view virtual returns (bool);
}
