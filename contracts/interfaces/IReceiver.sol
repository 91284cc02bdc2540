// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title IReceiver
/// @notice The consumer interface of the Chainlink Runtime Environment (CRE): the KeystoneForwarder delivers a
/// workflow's verified report to a receiver by calling {onReport}, after checking through ERC-165 that the
/// receiver supports this interface.
/// @dev Declared locally with the same selector as Chainlink's `keystone/interfaces/IReceiver.sol`
/// (`onReport(bytes,bytes)`, interface id `0x805f2132`), because the published package pins an older pragma.
///
/// The `metadata` the forwarder passes is 64 bytes,
/// `abi.encodePacked(bytes32 workflowId, bytes10 workflowName, address workflowOwner, bytes2 reportName)`.
interface IReceiver is IERC165 {
    /// @notice Handles a report delivered by a CRE forwarder.
    /// @param metadata the workflow metadata (see the interface documentation).
    /// @param report the workflow's report payload, encoded as the receiver defines.
    function onReport(bytes calldata metadata, bytes calldata report) external;
}
