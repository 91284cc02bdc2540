// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ITrading} from "../interfaces/ITrading.sol";
import {ITradingAccounts} from "../interfaces/ITradingAccounts.sol";
import {Units} from "./Units.sol";

/// @title MarketAccounts
/// @notice The layout of a market account and the one write that credits it.
/// @dev One storage slot per account holds both free balances and the account's order log for its latest
/// epoch (the per-epoch order count and the newest order's sequence), so that placing an order reads and
/// writes one account slot and settling an order writes one. GRID is kept in whole watt-hours.
/// {withdraw} is external: a linked library keeps its code out of Trading's 24,576 bytes.
library MarketAccounts {
    using SafeCast for uint256;
    using SafeERC20 for IERC20;

    /// @notice An account: free balances; its latest epoch with orders, how many it placed there (the
    /// per-epoch limit) and the sequence of its newest one (the head of its order list); and where the GRID
    /// it buys goes (false: delivered to the wallet, the default; true: kept in the account).
    struct Account {
        uint112 payment;
        uint56 gridWh;
        uint32 epoch;
        uint16 inEpoch;
        uint32 lastSeq;
        bool keepsBoughtGrid;
    }

    /// @notice Moves `amount` of `token` (GRID or `payment`) from the caller's `account` to its wallet; see
    /// {ITrading-withdraw}. Emits an {ITradingAccounts-Withdrawn} event.
    function withdraw(Account storage account, IERC20 grid, IERC20 payment, address token, uint256 amount) external {
        require(amount != 0, ITradingAccounts.TradingZeroAmount());
        if (token == address(grid)) {
            require(amount % Units.WH == 0, ITrading.TradingInvalidAmount(amount));
            uint256 free = account.gridWh;
            require(
                amount / Units.WH <= free,
                ITradingAccounts.TradingInsufficientBalance(msg.sender, token, free * Units.WH, amount)
            );
            // Cannot underflow: checked just above.
            unchecked {
                account.gridWh = uint56(free - amount / Units.WH);
            }
        } else {
            require(token == address(payment), ITradingAccounts.TradingUnsupportedToken(token));
            uint256 free = account.payment;
            require(amount <= free, ITradingAccounts.TradingInsufficientBalance(msg.sender, token, free, amount));
            // Cannot underflow: checked just above.
            unchecked {
                account.payment = uint112(free - amount);
            }
        }
        emit ITradingAccounts.Withdrawn(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @notice Adds `payment` base units and `gridWh` watt-hours to `account`, in one write.
    /// @dev Reverts only beyond 2^112 payment base units or 2^56 Wh (72 PWh) in one account: more than any payment
    /// token's supply and than GRID a campus mints.
    function credit(Account storage account, uint256 payment, uint256 gridWh) internal {
        _write(account, _credited(_read(account), payment, gridWh));
    }

    /// @notice Credits a settled buy to `account`: the escrow `refund` and, when the account keeps bought GRID,
    /// the `filledWh` bought; one read and at most one write. Returns whether the GRID is to be delivered to the
    /// wallet instead.
    function creditBuy(Account storage account, uint256 refund, uint256 filledWh) internal returns (bool deliver) {
        uint256 word = _read(account);
        deliver = word >> KEEPS_SHIFT == 0;
        if (deliver) filledWh = 0;
        if (refund != 0 || filledWh != 0) _write(account, _credited(word, refund, filledWh));
    }

    /// @notice Reads `account` with one storage read (the compiler would read the packed slot once per field).
    function load(Account storage account) internal view returns (Account memory a) {
        uint256 word = _read(account);
        (a.payment, a.gridWh, a.epoch) = (uint112(word), uint56(word >> GRID_SHIFT), uint32(word >> EPOCH_SHIFT));
        (a.inEpoch, a.lastSeq, a.keepsBoughtGrid) = (
            uint16(word >> IN_EPOCH_SHIFT),
            uint32(word >> LAST_SEQ_SHIFT),
            word >> KEEPS_SHIFT != 0
        );
    }

    /// @notice Writes `a` to `account` with one storage write (the compiler would write the packed slot once per
    /// field).
    function store(Account storage account, Account memory a) internal {
        _write(
            account,
            uint256(a.payment) |
                (uint256(a.gridWh) << GRID_SHIFT) |
                (uint256(a.epoch) << EPOCH_SHIFT) |
                (uint256(a.inEpoch) << IN_EPOCH_SHIFT) |
                (uint256(a.lastSeq) << LAST_SEQ_SHIFT) |
                (a.keepsBoughtGrid ? 1 << KEEPS_SHIFT : 0)
        );
    }

    // The slot as the compiler lays it out (pinned by test/StorageLayout.test.ts): payment in bits 0..111,
    // gridWh in 112..167, then epoch, inEpoch, lastSeq and keepsBoughtGrid in 248..255. Reading the word once
    // instead of field by field saves a storage read per field on the settlement path.
    uint256 private constant GRID_SHIFT = 112;
    uint256 private constant EPOCH_SHIFT = 168;
    uint256 private constant IN_EPOCH_SHIFT = 200;
    uint256 private constant LAST_SEQ_SHIFT = 216;
    uint256 private constant KEEPS_SHIFT = 248;
    uint256 private constant BALANCES_BITS = EPOCH_SHIFT;

    function _read(Account storage account) private view returns (uint256 word) {
        // One read or write of the whole packed slot (its layout is pinned by a test).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(account.slot)
        }
    }

    function _write(Account storage account, uint256 word) private {
        // One read or write of the whole packed slot (its layout is pinned by a test).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(account.slot, word)
        }
    }

    /// @dev `word` with `payment` and `gridWh` added to its balances, reverting beyond their widths.
    function _credited(uint256 word, uint256 payment, uint256 gridWh) private pure returns (uint256) {
        uint256 newPayment = (uint256(uint112(word)) + payment).toUint112();
        uint256 newGrid = (uint256(uint56(word >> GRID_SHIFT)) + gridWh).toUint56();
        return ((word >> BALANCES_BITS) << BALANCES_BITS) | (newGrid << GRID_SHIFT) | newPayment;
    }
}
