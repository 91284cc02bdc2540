// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Compiles Chainlink's own LINK (ERC-677, `pragma ^0.8.0`) so that tests of the upkeep registration pay with the
// real token contract: `ethers.getContractFactory("LinkToken")`. Tests only.
// solhint-disable-next-line no-unused-import
import {LinkToken} from "@chainlink/contracts/src/v0.8/shared/token/ERC677/LinkToken.sol";
