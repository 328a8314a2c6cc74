import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import net from "node:net";
import os from "node:os";
import tls from "node:tls";

/**
 * The three push transports: syslog (RFC 5424 over TCP or TLS, octet-counted framing per
 * RFC 6587 §3.4.1 / RFC 5425), a Splunk-HEC-compatible collector (batched JSON events), and a
 * generic webhook (JSON batch with an HMAC-SHA256 signature header). Each sends one batch and
 * resolves when the receiver has it (HTTP: a 2xx; syslog: the connection closed cleanly after
 * the last frame, which is all plain syslog can tell). Errors are classified: `permanent` ones
 * (the receiver refused the data itself) go to the dead-letter list, the rest are retried.
 */

export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export type OutgoingRecord = { id: string; time: number; severity: SyslogSeverity; msgId: string; body: Record<string, unknown> | string };
export type SyslogSeverity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

const TIMEOUT_MS = 15_000;

/* ───────────────────────── secrets at rest ───────────────────────── */

const secretKey = (redactionKey: Buffer) => Buffer.from(hkdfSync("sha256", redactionKey, "codex-ledger", "siem-destination-secrets/v1", 32));

/** AES-256-GCM under a key derived from REDACTION_KEY: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function encryptSecret(secret: string, redactionKey: Buffer) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", secretKey(redactionKey), iv);
  const data = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptSecret(sealed: string, redactionKey: Buffer) {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("the stored destination secret is unreadable");
  const decipher = createDecipheriv("aes-256-gcm", secretKey(redactionKey), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("the stored destination secret cannot be decrypted (was REDACTION_KEY changed?); enter it again");
  }
}

/* ───────────────────────── URL policy ───────────────────────── */

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** HTTPS everywhere, plain HTTP only to this machine (a local collector or a test receiver). */
export function checkHttpTarget(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a URL";
  }
  if (parsed.protocol === "https:") return null;
  if (parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname)) return null;
  return "must be https:// (plain http only to 127.0.0.1)";
}

/* ───────────────────────── syslog ───────────────────────── */

export type SyslogTarget = {
  host: string;
  port: number;
  tls: boolean;
  /** Extra CA certificates (PEM) trusted for the receiver's certificate. */
  caPem?: string;
  /** The TLS server name to check, when it differs from host. */
  serverName?: string;
  hostname?: string;
  appName?: string;
  facility?: number;
};

const sdEscape = (value: string) => value.replace(/[\\"\]]/g, (c) => `\\${c}`);
const printable = (value: string, max: number) => value.replace(/[^\x21-\x7e]/g, "_").slice(0, max) || "-";

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [ledger@32473 eventId="…"] MSG`. */
export function formatSyslogMessage(record: OutgoingRecord, target: Pick<SyslogTarget, "hostname" | "appName" | "facility">) {
  const pri = (target.facility ?? 13) * 8 + record.severity;
  const timestamp = new Date(record.time).toISOString();
  const hostname = printable(target.hostname ?? os.hostname(), 255);
  const appName = printable(target.appName ?? "codex-ledger", 48);
  const msgId = printable(record.msgId, 32);
  // 32473 is the example enterprise number of RFC 5612; the SD-ID names our own parameters.
  const sd = `[ledger@32473 eventId="${sdEscape(record.id)}"]`;
  const msg = typeof record.body === "string" ? record.body : JSON.stringify(record.body);
  return `<${pri}>1 ${timestamp} ${hostname} ${appName} - ${msgId} ${sd} ${msg.replace(/[\r\n]+/g, " ")}`;
}

/** Octet-counted framing: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export const frameOctetCounted = (message: string) => `${Buffer.byteLength(message, "utf8")} ${message}`;

export function sendSyslog(target: SyslogTarget, records: OutgoingRecord[], signal?: AbortSignal): Promise<void> {
  const payload = records.map((r) => frameOctetCounted(formatSyslogMessage(r, target))).join("");
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve();
    };
    const onAbort = () => finish(new DeliveryError("stopped", false));
    const socket = target.tls
      ? tls.connect({ host: target.host, port: target.port, ca: target.caPem ? [...tls.rootCertificates, target.caPem] : undefined, servername: target.serverName ?? (net.isIP(target.host) ? undefined : target.host) })
      : net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => finish(new DeliveryError(`syslog ${target.host}:${target.port} timed out`, false)), TIMEOUT_MS);
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once(target.tls ? "secureConnect" : "connect", () => {
      socket.end(payload, "utf8");
    });
    socket.once("error", (error) => finish(new DeliveryError(`syslog ${target.host}:${target.port}: ${error.message}`, false)));
    socket.once("close", (hadError) => {
      if (!hadError) finish();
    });
    // The receiver never answers on syslog; reading keeps the socket flowing to its close.
    socket.resume();
  });
}

/* ───────────────────────── HTTP: HEC and webhook ───────────────────────── */

function classify(status: number, what: string, detail: string): DeliveryError {
  // The receiver refused the data itself: retrying the same bytes cannot help.
  const permanent = status === 400 || status === 413 || status === 422;
  return new DeliveryError(`${what} answered HTTP ${status}${detail ? `: ${detail.slice(0, 200)}` : ""}`, permanent);
}

async function post(url: string, body: string, headers: Record<string, string>, what: string, signal?: AbortSignal) {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body, headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: "error" });
  } catch (error) {
    if (signal?.aborted) throw new DeliveryError("stopped", false);
    throw new DeliveryError(`${what} unreachable: ${error instanceof Error ? error.message : String(error)}`, false);
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw classify(response.status, what, text.replace(/[^\x20-\x7e]/g, " "));
  return text;
}

export type HecTarget = { url: string; token: string; index?: string; sourcetype?: string; source?: string; host?: string };

/** Splunk HEC `/services/collector/event`: one JSON event object per record, newline-separated, in one request. */
export async function sendHec(target: HecTarget, records: OutgoingRecord[], signal?: AbortSignal) {
  const body = records
    .map((r) =>
      JSON.stringify({
        time: r.time / 1000,
        host: target.host ?? os.hostname(),
        source: target.source ?? "codex-ledger",
        sourcetype: target.sourcetype ?? "codex:ledger",
        index: target.index || undefined,
        event: r.body,
        fields: { event_id: r.id },
      }),
    )
    .join("\n");
  const text = await post(target.url, body, { Authorization: `Splunk ${target.token}`, "Content-Type": "application/json" }, "HEC collector", signal);
  try {
    const answer = JSON.parse(text) as { code?: number; text?: string };
    if (typeof answer.code === "number" && answer.code !== 0) throw new DeliveryError(`HEC collector refused the batch: code ${answer.code} ${answer.text ?? ""}`, false);
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    // A 2xx without JSON (some proxies) counts as accepted.
  }
}

export type WebhookTarget = { url: string; secret: string };

export const WEBHOOK_SIGNATURE_HEADER = "X-Codex-Ledger-Signature";
export const WEBHOOK_TIMESTAMP_HEADER = "X-Codex-Ledger-Timestamp";
export const WEBHOOK_DELIVERY_HEADER = "X-Codex-Ledger-Delivery";

/** `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` under the shared secret. */
export function webhookSignature(secret: string, timestamp: string, body: string) {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`;
}

/** `{"delivery","records":[{"id","time","record"}]}` with the signature headers. */
export async function sendWebhook(target: WebhookTarget, records: OutgoingRecord[], deliveryId: string, signal?: AbortSignal, now = Date.now()) {
  const body = JSON.stringify({ delivery: deliveryId, records: records.map((r) => ({ id: r.id, time: new Date(r.time).toISOString(), record: r.body })) });
  const timestamp = String(Math.floor(now / 1000));
  await post(
    target.url,
    body,
    {
      "Content-Type": "application/json",
      [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
      [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(target.secret, timestamp, body),
      [WEBHOOK_DELIVERY_HEADER]: deliveryId,
    },
    "webhook",
    signal,
  );
}
