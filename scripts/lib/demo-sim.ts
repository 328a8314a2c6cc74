import { startSimulator } from "../simulator";
import type { OpenAIConnection } from "../../app/lib/openai/connection";

/**
 * The demo's OpenAI: the simulator with a fixed seed, so every demo shows the same
 * organisation (about 200 people over 35 days, of which OpenAI's 30-day window is synced).
 */
export const DEMO_SIMULATION = { seed: 20261121, users: 200, days: 35 } as const;

export async function startDemoSimulator(): Promise<{ connection: OpenAIConnection; close: () => Promise<void> }> {
  const sim = await startSimulator({ port: 0, host: "127.0.0.1", ...DEMO_SIMULATION });
  return {
    connection: {
      apiBase: sim.baseUrl.replace(/\/+$/, ""),
      complianceApiKey: sim.complianceApiKey,
      analyticsApiKey: sim.analyticsApiKey,
      workspaceId: sim.workspaceId,
      orgId: sim.orgId,
    },
    close: () => sim.close(),
  };
}
