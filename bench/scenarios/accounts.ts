// Scenario: market accounts: deposits and withdrawals of both tokens, and choosing where bought GRID goes.
//   Actors: prosumer 4 and consumer 4 of the population (existing holders with funded accounts), and the fee
//   recipient (the admin), who withdraws the fees and rounding remainders the epochs credited it.
import type { Bench } from "../lib/context";

/** 1 kWh in GRID base units, and 100 USDC in payment-token base units. */
const KWH = 10n ** 18n;
const USDC_100 = 100n * 10n ** 6n;

export async function accounts(b: Bench): Promise<void> {
  const { addresses, admin } = b.suite;
  const [p, c] = [b.population.prosumers[4], b.population.consumers[4]];
  const measure = async (key: string, tx: Parameters<typeof b.chain.exec>[0]) => {
    const mined = await b.chain.exec(tx);
    b.rec.record(key, mined.gasUsed, mined);
  };
  await measure("trading.deposit.grid", b.market.accountTx(p.address, "deposit", addresses.gridToken, KWH));
  await measure("trading.deposit.payment", b.market.accountTx(c.address, "deposit", addresses.paymentToken, USDC_100));
  await measure("trading.withdraw.grid", b.market.accountTx(p.address, "withdraw", addresses.gridToken, KWH));
  await measure(
    "trading.withdraw.payment",
    b.market.accountTx(c.address, "withdraw", addresses.paymentToken, USDC_100),
  );
  const fees = await b.market.accountBalance(admin, addresses.paymentToken);
  if (fees === 0n) throw new Error("the fee recipient has nothing to withdraw");
  await measure("trading.withdraw.feeRecipient", b.market.accountTx(admin, "withdraw", addresses.paymentToken, fees));
  await measure("trading.setKeepsBoughtGrid", b.market.keepTx(c, true));
  await b.chain.exec(b.market.keepTx(c, false));
  b.rec.progress("market accounts: deposits, withdrawals, where bought GRID goes");
}
