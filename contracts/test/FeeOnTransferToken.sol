// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferToken
/// @notice A 6-decimals token that burns `FEE_BPS` of every transfer, so the receiver gets less than was sent.
/// Tests only.
contract FeeOnTransferToken is ERC20 {
    /// @notice The share of each transfer that is burned, in basis points (1%).
    uint256 public constant FEE_BPS = 100;

    constructor() ERC20("Fee USD", "fUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to`; open to anyone on purpose.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = (value * FEE_BPS) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
