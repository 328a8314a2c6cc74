import { describe, expect, it } from "vitest";
import { cardIssuerValid, ibanValid, isPlaceholderValue, isReferenceValue, looksRandom, luhnValid, shannonEntropy, ssnValid } from "./validators";

describe("checksums", () => {
  it.each([
    ["4111111111111111", true],
    ["4111111111111112", false],
    ["5555555555554444", true],
    ["378282246310005", true],
    ["6011111111111117", true],
    ["0000000000000000", true],
    ["12a4", false],
    ["", false],
  ])("luhn %s → %s", (digits, ok) => expect(luhnValid(digits)).toBe(ok));

  it.each([
    ["4111111111111111", true],
    ["5555555555554444", true],
    ["378282246310005", true],
    ["1700000000000000", false],
    ["9111111111111111", false],
  ])("card issuer %s → %s", (digits, ok) => expect(cardIssuerValid(digits)).toBe(ok));

  it.each([
    ["DE89370400440532013000", true],
    ["GB82WEST12345698765432", true],
    ["FR1420041010050500013M02606", true],
    ["NL91ABNA0417164300", true],
    ["CH9300762011623852957", true],
    ["DE89370400440532013001", false],
    ["DE8937040044053201300", false], // wrong length for DE
    ["ZZ89370400440532013000", false], // unknown country
  ])("iban %s → %s", (iban, ok) => expect(ibanValid(iban)).toBe(ok));

  it.each([
    ["536221234", true],
    ["000221234", false],
    ["666221234", false],
    ["936221234", false],
    ["536001234", false],
    ["536220000", false],
    ["123456789", false],
    ["078051120", false],
    ["111111111", false],
  ])("ssn %s → %s", (ssn, ok) => expect(ssnValid(ssn)).toBe(ok));
});

describe("value heuristics", () => {
  it.each(["your-api-key-here", "changeme", "<TOKEN>", "${DB_PASSWORD}", "xxxxxxxx", "********", "AKIAIOSFODNN7EXAMPLE", "password", "{{ secret }}", "..."])(
    "placeholder: %s",
    (value) => expect(isPlaceholderValue(value)).toBe(true),
  );
  it.each(["q7Hf2LmX9pRt4WzK", "S3cr3t-Pw_9x", "NTjTgIOjWCb6uFOaRjEaT62cUZtOdoYhcsHInzmfJdCxSMrLqnak6FCEYwjIBtGw6DSAWy53rXqE6fLsQ"])(
    "not a placeholder: %s",
    (value) => expect(isPlaceholderValue(value)).toBe(false),
  );
  it.each([
    ["process.env.API_KEY", false],
    ["os.environ['X']", false],
    ["$TOKEN", false],
    ["config.secret", false],
    ["getSecret()", false],
    ["API_KEY", false],
    ["string", false],
  ])("reference: %s", (value, quoted) => expect(isReferenceValue(value, quoted)).toBe(true));
  it("a quoted literal is not a reference", () => expect(isReferenceValue("API_KEY", true)).toBe(false));
  it("random vs words", () => {
    expect(looksRandom("q7Hf2LmX9pRt4WzK", 8)).toBe(true);
    expect(looksRandom("welcome_message", 8)).toBe(false);
    expect(looksRandom("https://example.com/a", 8)).toBe(false);
    expect(looksRandom("~/.ssh/id_rsa", 8)).toBe(false);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });
});
