// Scenario: the fee recipient (the admin) withdraws the rounding remainders the scaling epochs credited it.
import type { Bench } from "../lib/context";

/** The fee recipient withdraws the rounding remainders the scaling epochs credited it. */
export async function withdraw(b: Bench): Promise<void> {
  const { trading, addresses, admin } = b.suite;
  if ((await b.market.credit(admin, addresses.paymentToken)) === 0n) throw new Error("no credit to withdraw");
  const mined = await b.chain.exec({
    from: admin,
    to: addresses.trading,
    data: trading.interface.encodeFunctionData("withdraw", [addresses.paymentToken]),
    gas: 200_000,
  });
  b.rec.record("trading.withdraw", mined.gasUsed, mined);
}
