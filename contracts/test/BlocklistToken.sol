// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title BlocklistToken
/// @notice A 6-decimals stablecoin stand-in that, like USDC, can block an address: transfers from or to it
/// revert. One address at a time. Tests only.
contract BlocklistToken is ERC20 {
    /// @notice `account` is blocked.
    error BlocklistTokenBlocked(address account);

    address public blocked;

    constructor() ERC20("Blocklist USD", "bUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to`; open to anyone on purpose.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Blocks `account` (the zero address unblocks everyone).
    function setBlocked(address account) external {
        blocked = account;
    }

    function _update(address from, address to, uint256 value) internal override {
        address b = blocked;
        if (b != address(0)) {
            if (from == b) revert BlocklistTokenBlocked(from);
            if (to == b) revert BlocklistTokenBlocked(to);
        }
        super._update(from, to, value);
    }
}
