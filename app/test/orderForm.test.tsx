// The order form's validation: the market's rules (whole watt-hours, minimum, tick, cap), the per-epoch order limit
// and the escrow, first as the pure check, then through the rendered form as a person types.
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { Side } from "../../lib/enums";
import { OrderFormView } from "../src/components/OrderForm";
import { checkOrders, type FormCheck, type FormContext } from "../src/orderForm";

const USDC = 10n ** 6n;
const KWH = 10n ** 18n;

/** The defaults of a GridMarket deployment, an account with 10 USDC free and 2 kWh in the wallet. */
const CTX: FormContext = {
  tickSize: 100n,
  maxPrice: 1_000_000n,
  minOrderAmount: 10n ** 16n,
  maxOrdersPerUser: 100n,
  payment: { symbol: "USDC", decimals: 6 },
  placedThisEpoch: 0,
  account: { grid: 0n, payment: 10n * USDC },
  wallet: { grid: 2n * KWH, payment: 5n * USDC },
};

afterEach(cleanup);

describe("checkOrders", () => {
  it("turns valid rows into base units with the escrow they take", () => {
    const check = checkOrders(
      [
        { side: Side.Buy, kwh: "1.5", price: "0.25" },
        { side: Side.Sell, kwh: "0.75", price: "0.2" },
      ],
      CTX,
    );
    expect(check.rowProblems).toEqual([undefined, undefined]);
    expect(check.problems).toEqual([]);
    expect(check.orders).toEqual([
      { side: Side.Buy, amount: 1_500_000_000_000_000_000n, price: 250_000n },
      { side: Side.Sell, amount: 750_000_000_000_000_000n, price: 200_000n },
    ]);
    // ceil(1.5 kWh × 0.25 USDC/kWh) = 0.375 USDC from the account; 0.75 kWh of GRID, all from the wallet.
    expect(check.escrow).toEqual({ payment: 375_000n, grid: 750_000_000_000_000_000n });
    expect(check.pull).toEqual({ payment: 0n, grid: 750_000_000_000_000_000n });
  });

  it.each([
    ["0.0005", "0.25", "Amount: 0.0005 kWh is not a whole number of watt-hours (at most 3 decimals of kWh)."],
    ["0.005", "0.25", "Amount: 0.005 kWh is below the minimum order of 0.01 kWh."],
    ["-1", "0.25", 'Amount: "-1" is not a non-negative decimal number of kWh.'],
    ["0", "0.25", "Amount: the amount must be positive."],
    ["1", "0.25005", "Price: 0.25005 USDC/kWh is not a multiple of the tick size 0.0001 USDC/kWh."],
    ["1", "1.0001", "Price: 1.0001 USDC/kWh is above the regulator's price cap 1 USDC/kWh."],
    ["1", "0", "Price: the price must be positive."],
    ["1", "0.1234567", 'Price: "0.1234567" has 7 decimals; USDC per kWh take at most 6.'],
  ])("refuses %s kWh at %s USDC/kWh", (kwh, price, problem) => {
    const check = checkOrders([{ side: Side.Buy, kwh, price }], CTX);
    expect(check.rowProblems).toEqual([problem]);
    expect(check.orders).toEqual([]);
  });

  it("refuses a batch that passes the per-epoch order limit", () => {
    const rows = [1, 2].map(() => ({ side: Side.Buy, kwh: "0.01", price: "0.1" }));
    const check = checkOrders(rows, { ...CTX, placedThisEpoch: 99 });
    expect(check.problems).toEqual(["You have placed 99 of 100 orders this epoch; 2 more would pass the limit."]);
  });

  it("refuses buys that the account and the wallet together cannot cover", () => {
    // 61 kWh at 0.25 USDC/kWh reserves 15.25 USDC, against 10 USDC free in the account and 5 in the wallet.
    const check = checkOrders([{ side: Side.Buy, kwh: "61", price: "0.25" }], CTX);
    expect(check.escrow.payment).toBe(15_250_000n);
    expect(check.pull.payment).toBe(5_250_000n);
    expect(check.problems).toEqual([
      "The buy orders reserve 15.25 USDC: your market account has 10 USDC free and your wallet 5 USDC.",
    ]);
  });

  it("refuses sells beyond the GRID held", () => {
    const check = checkOrders([{ side: Side.Sell, kwh: "2.001", price: "0.2" }], CTX);
    expect(check.problems).toEqual([
      "The sell orders reserve 2.001 kWh: your market account has 0 kWh free and your wallet 2 kWh.",
    ]);
  });

  it("rounds a buy's escrow up to the payment token's base unit", () => {
    // 0.001 kWh at 0.0001 USDC/kWh is 1e-7 USDC: the contract reserves ceil(...) = 0.000001 USDC.
    const check = checkOrders([{ side: Side.Buy, kwh: "0.011", price: "0.0001" }], CTX);
    expect(check.escrow.payment).toBe(2n);
  });
});

describe("OrderFormView", () => {
  const setup = (ctx: FormContext = CTX) => {
    const onSubmit = vi.fn(async (_check: FormCheck) => true);
    render(<OrderFormView ctx={ctx} onSubmit={onSubmit} />);
    return { onSubmit, user: userEvent.setup() };
  };

  it("labels every field", () => {
    setup();
    expect(screen.getByLabelText("Side")).toBeTruthy();
    expect(screen.getByLabelText("Amount (kWh)")).toBeTruthy();
    expect(screen.getByLabelText("Price (USDC/kWh)")).toBeTruthy();
  });

  it("shows the tick rule as soon as both fields are typed, and sends nothing", async () => {
    const { onSubmit, user } = setup();
    await user.type(screen.getByLabelText("Amount (kWh)"), "1");
    await user.type(screen.getByLabelText("Price (USDC/kWh)"), "0.00015");
    expect(screen.getByRole("alert").textContent).toBe(
      "Price: 0.00015 USDC/kWh is not a multiple of the tick size 0.0001 USDC/kWh.",
    );
    expect(screen.getByLabelText("Price (USDC/kWh)").getAttribute("aria-invalid")).toBe("true");
    await user.click(screen.getByRole("button", { name: "Place order" }));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("says what is missing when an empty form is submitted", async () => {
    const { onSubmit, user } = setup();
    await user.click(screen.getByRole("button", { name: "Place order" }));
    expect(screen.getByRole("alert").textContent).toBe('Amount: "" is not a non-negative decimal number of kWh.');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("shows the escrow and sends a batch of two orders in base units, then clears", async () => {
    const { onSubmit, user } = setup();
    await user.type(screen.getByLabelText("Amount (kWh)"), "2");
    await user.type(screen.getByLabelText("Price (USDC/kWh)"), "0.3");
    await user.click(screen.getByRole("button", { name: "Add another order" }));
    const amounts = screen.getAllByLabelText("Amount (kWh)");
    const prices = screen.getAllByLabelText("Price (USDC/kWh)");
    await user.selectOptions(screen.getAllByLabelText("Side")[1], "Sell");
    await user.type(amounts[1], "1.25");
    await user.type(prices[1], "0.2");
    expect(screen.getByTestId("escrow").textContent).toBe(
      "Reserves 0.6 USDC and 1.25 kWh; from your wallet: 0 USDC and 1.25 kWh.",
    );
    await user.click(screen.getByRole("button", { name: "Place 2 orders" }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0][0].orders).toEqual([
      { side: Side.Buy, amount: 2n * KWH, price: 300_000n },
      { side: Side.Sell, amount: 1_250_000_000_000_000_000n, price: 200_000n },
    ]);
    expect(screen.getAllByLabelText("Amount (kWh)")).toHaveLength(1);
    expect((screen.getByLabelText("Amount (kWh)") as HTMLInputElement).value).toBe("");
  });

  it("can be filled and sent with the keyboard alone", async () => {
    const { onSubmit, user } = setup();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText("Side"));
    await user.tab();
    await user.keyboard("1.5");
    await user.tab();
    await user.keyboard("0.25{Enter}");
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0][0].orders).toEqual([
      { side: Side.Buy, amount: 1_500_000_000_000_000_000n, price: 250_000n },
    ]);
  });

  it("refuses a batch over the per-epoch limit before sending", async () => {
    const { onSubmit, user } = setup({ ...CTX, placedThisEpoch: 100 });
    await user.type(screen.getByLabelText("Amount (kWh)"), "1");
    await user.type(screen.getByLabelText("Price (USDC/kWh)"), "0.25");
    await user.click(screen.getByRole("button", { name: "Place order" }));
    expect(screen.getByRole("alert").textContent).toBe(
      "You have placed 100 of 100 orders this epoch; 1 more would pass the limit.",
    );
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
