// Display helpers: the countdown, order ids and meter ids.
import { describe, expect, it } from "vitest";

import { countdown, meterLabel, orderLabel } from "../src/format";

describe("format", () => {
  it.each([
    [899n, "14:59"],
    [60n, "01:00"],
    [0n, "00:00"],
    [-5n, "00:00"],
    [3725n, "1:02:05"],
  ])("counts %s seconds down as %s", (seconds, text) => {
    expect(countdown(seconds)).toBe(text);
  });

  it("writes an order id as epoch#sequence", () => {
    expect(orderLabel((1_994_612n << 32n) | 17n)).toBe("1994612#17");
  });

  it("shows a readable meter serial, and a hashed id in short", () => {
    const serial = "0x534f4c41522d4c41422d31" + "00".repeat(21);
    expect(meterLabel(serial as `0x${string}`)).toBe("SOLAR-LAB-1");
    const hashed = "0x8f3b5c1a0000000000000000000000000000000000000000000000000000ff01";
    expect(meterLabel(hashed)).toBe("0x8f3b5c1a…");
  });
});
