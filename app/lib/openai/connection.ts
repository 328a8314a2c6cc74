import type { Config } from "../config.server";

/**
 * Where and how to reach the OpenAI APIs for one sync: from the configuration, or in demo
 * mode and tests from the simulator that was started for it.
 */
export type OpenAIConnection = {
  apiBase: string;
  complianceApiKey?: string;
  analyticsApiKey?: string;
  workspaceId?: string;
  orgId?: string;
};

export function connectionFromConfig(config: Config): OpenAIConnection {
  const { apiBase, complianceApiKey, analyticsApiKey, workspaceId, orgId } = config.openai;
  return { apiBase: apiBase.replace(/\/+$/, ""), complianceApiKey, analyticsApiKey, workspaceId, orgId };
}
