/**
 * Codex Ledger's simulator of the OpenAI Compliance Logs Platform and Codex Analytics APIs.
 * `startSimulator` serves them over HTTP on 127.0.0.1; `Generator` is the same data as a library, so tests
 * and benches can compute exact expected totals. See README.md beside this file.
 */
export { startSimulator, type SimClock, type SimulatorHandle, type SimulatorOptions } from "./server.js";
export { Generator, ALL_FILE_TYPES, creditUnits, cellCredits, type ExpectedTotals, type FileMeta, type GeneratorOptions, type PlantedToolSecret, type UsageCell, type UsageRow } from "./generator.js";
export { FAULTS, parseFaults, faultsHelp, FaultParseError, type FaultName, type FaultRates } from "./faults.js";
export { CANARIES, CANARY_SECRETS, SECRET_KINDS, luhnValid, ibanValid, toolFieldForms, type Secret, type SecretKind, type ToolSecretField } from "./text.js";
export { COMPANY_DOMAIN, COMPANY_NAME, ENGINEER_EMAIL, ENGINEER_NAME, buildOrganization, type Organization, type Person, type Group } from "./org.js";
export {
  CLIENTS,
  EVENT_TYPES,
  ORG_EVENT_TYPES,
  RATE_CARD,
  UNKNOWN_EVENT_TYPE,
  UNKNOWN_MODEL,
  USD_PER_CREDIT,
  WORKSPACE_EVENT_TYPES,
  type ClientDef,
  type EventType,
  type KnownEventType,
  type ModelDef,
} from "./catalog.js";
