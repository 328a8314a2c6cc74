/** Choices for a SIEM destination, used by the server's validation and by the admin form in the browser. */
export const DESTINATION_KINDS = ["syslog", "hec", "webhook"] as const;
export const DESTINATION_FORMATS = ["ocsf", "ecs", "cef", "ndjson"] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
