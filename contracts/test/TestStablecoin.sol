// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestStablecoin
/// @notice What the hostile test tokens share: a 6-decimals ERC-20, like USDC, that anyone may mint. Each token adds
/// its one misbehaviour on top. Tests only.
abstract contract TestStablecoin is ERC20 {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to`; open to anyone on purpose.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
