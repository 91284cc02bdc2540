// The market account (deposit, withdraw, free balances) and the wallet's balances.
import { useState } from "react";
import { type Address, maxUint256 } from "viem";

import { formatDecimal, parseDecimalText } from "../../../lib/quantities";
import { formatKwh, money } from "../format";
import { erc20Abi, tradingAbi } from "../generated/abis";
import { type Call, SendStatusLine, useMarket, useSend } from "../market";
import { useHoldings } from "../participant";
import { userTypeName } from "../revert";

export function AccountPanel() {
  const { config, info } = useMarket();
  const holdings = useHoldings().data;
  const { send, status } = useSend();
  const [token, setToken] = useState<"payment" | "grid">("payment");
  const [amount, setAmount] = useState("");
  const [problem, setProblem] = useState<string>();
  if (holdings === undefined) return null;

  const grid = token === "grid";
  const tokenAddress = (grid ? config.contracts.gridToken : info.payment.address) as Address;
  const decimals = grid ? 18 : info.payment.decimals;
  const unit = grid ? "kWh" : info.payment.symbol;
  const trading = config.contracts.trading as Address;

  const act = async (action: "deposit" | "withdraw") => {
    const parsed = parseDecimalText(amount, decimals, unit);
    if (!parsed.ok || parsed.value === 0n) {
      setProblem(parsed.ok ? "The amount must be positive." : `Amount: ${parsed.problem}.`);
      return;
    }
    const have = action === "deposit" ? holdings.wallet[token] : holdings.account[token];
    if (parsed.value > have) {
      const where = action === "deposit" ? "your wallet holds" : "your market account has free";
      setProblem(`${amount} ${unit} is more than ${where} (${formatDecimal(have, decimals)} ${unit}).`);
      return;
    }
    setProblem(undefined);
    const calls: Call[] = [];
    if (action === "deposit" && holdings.allowance[token] < parsed.value) {
      calls.push({ address: tokenAddress, abi: erc20Abi, functionName: "approve", args: [trading, maxUint256] });
    }
    calls.push({ address: trading, abi: tradingAbi, functionName: action, args: [tokenAddress, parsed.value] });
    if (await send(action === "deposit" ? "Deposit" : "Withdraw", calls)) setAmount("");
  };

  const role = holdings.marketMaker ? "Market maker" : userTypeName(holdings.userType);
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">Balances</h2>
      <p>
        Role: <strong data-testid="role">{role}</strong>
        {holdings.location && <span className="muted"> — {holdings.location}</span>}
        {holdings.userStatus === 2 && <span className="notice error"> (suspended)</span>}
      </p>
      <table className="balances">
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col">Market account (free)</th>
            <th scope="col">Wallet</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{info.payment.symbol}</th>
            <td data-testid="account-payment">{money(info, holdings.account.payment)}</td>
            <td data-testid="wallet-payment">{money(info, holdings.wallet.payment)}</td>
          </tr>
          <tr>
            <th scope="row">GRID</th>
            <td data-testid="account-grid">{formatKwh(holdings.account.grid)}</td>
            <td data-testid="wallet-grid">{formatKwh(holdings.wallet.grid)}</td>
          </tr>
          <tr>
            <th scope="row">ETH (gas)</th>
            <td>—</td>
            <td>{formatDecimal(holdings.wallet.native, 18).replace(/(\.\d{4})\d+/, "$1")} ETH</td>
          </tr>
        </tbody>
      </table>
      <form
        className="transfer"
        onSubmit={(e) => {
          e.preventDefault();
          void act("deposit");
        }}
        noValidate
      >
        <label htmlFor="transfer-token">Token</label>
        <select id="transfer-token" value={token} onChange={(e) => setToken(e.target.value as "payment" | "grid")}>
          <option value="payment">{info.payment.symbol}</option>
          <option value="grid">GRID (kWh)</option>
        </select>
        <label htmlFor="transfer-amount">Amount ({unit})</label>
        <input
          id="transfer-amount"
          inputMode="decimal"
          value={amount}
          aria-invalid={problem !== undefined}
          onChange={(e) => setAmount(e.target.value)}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={status.kind === "pending"}>
            Deposit
          </button>
          <button type="button" onClick={() => void act("withdraw")} disabled={status.kind === "pending"}>
            Withdraw
          </button>
        </div>
        {problem && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
      </form>
      <SendStatusLine status={status} />
    </section>
  );
}
