import { describe, expect, it } from "vitest";
import { groupedDecimal } from "./format";

describe("groupedDecimal", () => {
  it("groups the whole part by thousands and keeps every decimal digit", () => {
    expect(groupedDecimal("67844.75")).toBe("67,844.75");
    expect(groupedDecimal("1234567.000001")).toBe("1,234,567.000001");
    expect(groupedDecimal("-1000")).toBe("-1,000");
    expect(groupedDecimal("999.99")).toBe("999.99");
    expect(groupedDecimal("0.5")).toBe("0.5");
  });
  it("leaves anything that is not a plain decimal alone", () => {
    expect(groupedDecimal("—")).toBe("—");
    expect(groupedDecimal("1e21")).toBe("1e21");
    expect(groupedDecimal("")).toBe("");
  });
});
