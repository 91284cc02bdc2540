// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRegulatorGated
/// @notice What every GridMarket contract shares about REC regulators: the Registry's `REC_REGULATOR_ROLE` is
/// the single source of truth for them (SPEC 4), and every regulator-only function of `Registry`, `GridToken`,
/// `OracleClient` and `Trading` refuses other callers with the same error.
/// @dev Inherited by `IRegistry`, `IGridToken`, `IOracleClient` and `ITrading`, so the error is in each of their
/// ABIs with one selector.
interface IRegulatorGated {
    /// @notice `caller` is not a REC regulator (as `Registry.isRecRegulator` answers at the time of the call).
    error NotRecRegulator(address caller);
}
