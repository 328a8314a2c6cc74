import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./session.server";

describe("safeReturnTo", () => {
  it.each([
    ["/people?team=core#top", "/people?team=core#top"],
    ["/admin/sessions", "/admin/sessions"],
  ])("keeps the in-console path %s", (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it.each([
    "https://evil.example/x",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/auth/callback?code=x",
    "",
    null,
    "people",
  ])("refuses %s", (input) => {
    expect(safeReturnTo(input)).toBe("/");
  });

  it("refuses overlong values", () => {
    expect(safeReturnTo(`/${"a".repeat(3000)}`)).toBe("/");
  });

  it("keeps an encoded tab as a harmless same-origin path", () => {
    expect(safeReturnTo("/%09/evil.example")).toBe("/%09/evil.example");
  });
});
