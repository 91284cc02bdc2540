// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRegistry} from "../interfaces/IRegistry.sol";
import {RegulatorGated} from "./RegulatorGated.sol";

/// @title RegistryGated
/// @notice The campus Registry as a contract other than the Registry sees it: an immutable reference, and the
/// regulator check of {RegulatorGated} answered by `Registry.isRecRegulator`.
/// @dev Deliberately not checked: a zero `registry_` (each contract refuses it with its own `*ZeroAddress`
/// error). Holds no storage.
abstract contract RegistryGated is RegulatorGated {
    // ────────────────────────────────────────── STORAGE ──────────────────────────────────────────

    /// @dev The campus Registry: users, meters, signers and REC regulators.
    IRegistry internal immutable REGISTRY;

    // ──────────────────────────────────────── CONSTRUCTOR ────────────────────────────────────────

    /// @param registry_ the campus Registry.
    constructor(IRegistry registry_) {
        REGISTRY = registry_;
    }

    // ───────────────────────────────────────── INTERNAL ──────────────────────────────────────────

    /// @dev Asks the Registry, so that removing a regulator there takes effect everywhere at once.
    function _isRecRegulator(address account) internal view override returns (bool) {
        return REGISTRY.isRecRegulator(account);
    }
}
