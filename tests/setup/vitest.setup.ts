import { afterEach, vi } from "vitest";

// A console.error during a test is a bug we have not looked at yet: fail loudly.
const originalError = console.error;
afterEach(() => {
  vi.restoreAllMocks();
});
console.error = (...args: unknown[]) => {
  originalError(...args);
  throw new Error(`console.error was called during a test: ${args.map(String).join(" ").slice(0, 500)}`);
};
