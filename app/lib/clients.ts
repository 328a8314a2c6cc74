/**
 * COSTS names Codex clients in its own words (`cli`, `vscode`, `exec`…), CODEX_LOG as
 * `CODEX_CLI`, `CODEX_VSCODE`, `CODEX_SDK_TS`… (docs: /work/shared/design/openai-interfaces.md,
 * the simulator's catalog follows the same pairs). The COSTS client of a CODEX_LOG client id, or
 * null when COSTS has no such client, so that credits cannot be split by it.
 */
export function costsClientOf(clientId: string): string | null {
  const match = /^CODEX_([A-Z0-9_]+)$/.exec(clientId);
  if (!match) return null;
  const name = match[1]!;
  if (name.startsWith("SDK")) return "exec";
  if (name === "UNKNOWN_DEFAULT") return null;
  return name.toLowerCase();
}

/** What a COSTS client filter matches when COSTS has no such client: nothing. */
export const NO_COSTS_CLIENT = "(no COSTS client)";
