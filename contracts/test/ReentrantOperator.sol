// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracleClient} from "../interfaces/IOracleClient.sol";

/// @title ReentrantOperator
/// @notice An oracle operator contract that re-enters {IOracleClient.withdrawRewards} when it is paid, to prove
/// the reentrancy guard. Tests only.
contract ReentrantOperator {
    IOracleClient public immutable ORACLE;

    constructor(IOracleClient oracle) {
        ORACLE = oracle;
    }

    function submit(IOracleClient.MeterReading[] calldata readings) external {
        ORACLE.submitReadings(readings);
    }

    function withdraw() external {
        ORACLE.withdrawRewards();
    }

    receive() external payable {
        ORACLE.withdrawRewards();
    }
}
