/**
 * Redaction and hashing: the only way raw prompt and response text is turned into something that
 * may be stored. See README.md beside this file for the rules and why.
 */
export {
  createRedactor,
  renderPlaceholder,
  FINGERPRINT_HEX_LENGTH,
  PLACEHOLDER_HEX_LENGTH,
  type Finding,
  type FindingKind,
  type RedactionResult,
  type Redaction,
  type Redactor,
  type RedactorOptions,
} from "./redactor";
export { FINDING_TYPES, type FindingType } from "./types";
