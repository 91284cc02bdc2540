// SPDX-License-Identifier: MIT
// Chainlink pins the forwarder to 0.8.24, so this file must be compiled with it (hardhat.config.ts overrides).
// solhint-disable-next-line compiler-version
pragma solidity 0.8.24;

// Compiles Chainlink's own CRE forwarder (`KeystoneForwarder`, `pragma solidity 0.8.24`, solc 0.8.24 from npm) so that
// test/cre/ delivers the workflow's reports exactly as the network does: DON signatures checked over the raw report,
// then `onReport(rawReport[45:109], rawReport[109:])`. Tests only.
// solhint-disable-next-line no-unused-import
import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
