import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "../components/csrf-input";
import { getConfig } from "../lib/config.server";
import { getDb } from "../lib/db.server";
import { requestMeta, requireAdmin } from "../lib/session.server";
import { DESTINATION_FORMATS } from "../lib/siem/destination-options";
import {
  deleteDestination,
  destinationInput,
  listDestinations,
  requestDeadLetterRetry,
  saveDestination,
  type DestinationView,
} from "../models/destinations.server";
import { utcDateTime } from "../lib/format";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "SIEM destinations · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await requireAdmin(request);
  return listDestinations({ db: await getDb(), viewer });
}

type ActionResult = { ok: boolean; message: string };

export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireAdmin(request);
  const form = Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)]));
  const db = await getDb();
  const meta = requestMeta(request);
  if (form.intent === "delete" && form.id) {
    await deleteDestination({ db, viewer, id: form.id, meta });
    return Response.json({ ok: true, message: "Destination deleted." } satisfies ActionResult);
  }
  if (form.intent === "retry" && /^\d+$/.test(form.deadLetterId ?? "")) {
    await requestDeadLetterRetry({ db, viewer, id: Number(form.deadLetterId), meta });
    return Response.json({ ok: true, message: "The batch will be sent again on the next forwarder run." } satisfies ActionResult);
  }
  if (form.intent !== "save") return Response.json({ ok: false, message: "Unknown action." } satisfies ActionResult, { status: 400 });
  const parsed = destinationInput.safeParse(form);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`).join("; ");
    return Response.json({ ok: false, message } satisfies ActionResult, { status: 400 });
  }
  const saved = await saveDestination({ db, viewer, input: parsed.data, redactionKey: getConfig().redactionKey, meta });
  return Response.json(saved.ok ? ({ ok: true, message: "Destination saved." } satisfies ActionResult) : ({ ok: false, message: saved.problem } satisfies ActionResult), {
    status: saved.ok ? 200 : 400,
  });
}

const dateTime = utcDateTime;
const when = (value: string | null) => (value ? dateTime.format(new Date(value)) : "—");
const count = new Intl.NumberFormat("en-GB");
const text = (settings: Record<string, unknown>, key: string) => (typeof settings[key] === "string" ? (settings[key] as string) : "");

function target(d: DestinationView) {
  if (d.kind === "syslog") return `${d.settings.tls ? "syslog+tls" : "syslog+tcp"}://${text(d.settings, "host")}:${String(d.settings.port)}`;
  return text(d.settings, "url");
}

function DestinationForm({ destination }: { destination?: DestinationView }) {
  const s = destination?.settings ?? {};
  return (
    <Form method="post" className="stack destination-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      {destination ? <input type="hidden" name="id" value={destination.id} /> : null}
      <label>
        Name <input name="name" required maxLength={80} defaultValue={destination?.name} />
      </label>
      <label>
        Kind{" "}
        <select name="kind" defaultValue={destination?.kind ?? "syslog"}>
          <option value="syslog">Syslog (RFC 5424, TCP or TLS, octet-counted)</option>
          <option value="hec">HTTP event collector (Splunk HEC compatible)</option>
          <option value="webhook">HTTPS webhook (HMAC-SHA256 signed)</option>
        </select>
      </label>
      <label>
        Format{" "}
        <select name="format" defaultValue={destination?.format ?? "cef"}>
          {DESTINATION_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Syslog</legend>
        <label>
          Host <input name="host" defaultValue={text(s, "host")} />
        </label>
        <label>
          Port <input name="port" type="number" min={1} max={65535} defaultValue={s.port === undefined ? "6514" : String(s.port)} />
        </label>
        <label>
          <input type="checkbox" name="tls" defaultChecked={destination ? s.tls === true : true} /> TLS
        </label>
        <label>
          Extra CA certificate (PEM, optional) <textarea name="caPem" rows={3} defaultValue={text(s, "caPem")} />
        </label>
      </fieldset>
      <fieldset>
        <legend>HEC or webhook</legend>
        <label>
          URL <input name="url" type="url" placeholder="https://splunk.example.com:8088/services/collector/event" defaultValue={text(s, "url")} />
        </label>
        <label>
          HEC index (optional) <input name="index" defaultValue={text(s, "index")} />
        </label>
        <label>
          HEC sourcetype (optional) <input name="sourcetype" defaultValue={text(s, "sourcetype")} placeholder="codex:ledger" />
        </label>
        <label>
          {destination?.hasSecret ? "HEC token or HMAC secret (set; leave empty to keep it)" : "HEC token or HMAC secret"}{" "}
          <input name="secret" type="password" autoComplete="new-password" />
        </label>
      </fieldset>
      <label>
        Batch size <input name="batchSize" type="number" min={1} max={5000} defaultValue={destination?.batchSize ?? 200} />
      </label>
      {destination ? null : (
        <label>
          Start from{" "}
          <select name="startFrom" defaultValue="beginning">
            <option value="beginning">everything in the ledger</option>
            <option value="now">new events only</option>
          </select>
        </label>
      )}
      <label>
        <input type="checkbox" name="enabled" defaultChecked={destination ? destination.enabled : true} /> Enabled
      </label>
      <button type="submit" className="button">
        {destination ? "Save changes" : "Add destination"}
      </button>
    </Form>
  );
}

export default function Destinations() {
  const { destinations, ledgerHeadPos } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  return (
    <>
      <section className="card">
        <h1>SIEM destinations</h1>
        <p className="muted">
          Chained events are pushed to each enabled destination in ledger order, at least once: a batch is sent, then the destination&apos;s
          cursor moves. Each record carries its event id, so receivers can drop duplicates. Failures are retried with backoff; a batch the
          receiver refuses for good is kept as a dead letter until you retry it. Secrets are stored encrypted and never shown again. Times
          are UTC. The ledger holds {count.format(ledgerHeadPos)} positions.
        </p>
        {result ? (
          <p className={result.ok ? "notice" : "notice error"} role="status" data-testid="destination-result">
            {result.message}
          </p>
        ) : null}
        {destinations.length === 0 ? (
          <p className="muted" data-testid="no-destinations">
            No destination yet.
          </p>
        ) : (
          <TableScroll label="Destinations">
            <table className="data" aria-label="Destinations">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Target</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">Delivered</th>
                  <th scope="col" className="num">Behind</th>
                  <th scope="col">Last success</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {destinations.map((d) => (
                  <tr key={d.id} data-destination={d.name}>
                    <td>
                      {d.name}
                      <div className="muted">
                        {d.kind} · {d.format}
                      </div>
                    </td>
                    <td className="destination-target">{target(d)}</td>
                    <td>
                      <span className={`badge destination-${d.enabled ? d.state : "disabled"}`}>{d.enabled ? d.state : "disabled"}</span>
                      {d.state === "retrying" ? <div className="muted">next try {when(d.nextAttemptAt)}</div> : null}
                      {d.deadLetters.length > 0 ? <div className="badge destination-dead">{d.deadLetters.length} dead letters</div> : null}
                    </td>
                    <td className="num">{count.format(d.deliveredTotal)}</td>
                    <td className="num">{count.format(d.behind)}</td>
                    <td className="nowrap">{when(d.lastSuccessAt)}</td>
                    <td className="muted">{d.lastError ? `${d.lastError} (${when(d.lastErrorAt)})` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>

      {destinations.map((d) => (
        <section className="card" key={d.id}>
          <h2>{d.name}</h2>
          {d.deadLetters.length > 0 ? (
            <>
              <h3>Dead letters</h3>
              <TableScroll label={`Dead letters of ${d.name}`}>
                <table className="data" aria-label={`Dead letters of ${d.name}`}>
                  <thead>
                    <tr>
                      <th scope="col">Ledger positions</th>
                      <th scope="col" className="num">Records</th>
                      <th scope="col">Error</th>
                      <th scope="col">Since</th>
                      <th scope="col">
                        <span className="visually-hidden">Action</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.deadLetters.map((l) => (
                      <tr key={l.id}>
                        <td>
                          {l.fromPos}–{l.toPos}
                        </td>
                        <td className="num">{l.records}</td>
                        <td className="muted">{l.error}</td>
                        <td className="nowrap">{when(l.createdAt)}</td>
                        <td>
                          {l.retryRequested ? (
                            <span className="muted">retry requested</span>
                          ) : (
                            <Form method="post">
                              <CsrfInput />
                              <input type="hidden" name="intent" value="retry" />
                              <input type="hidden" name="deadLetterId" value={l.id} />
                              <button type="submit" className="button">
                                Retry
                              </button>
                            </Form>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            </>
          ) : null}
          <details>
            <summary>Edit</summary>
            <DestinationForm destination={d} />
          </details>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="delete" />
            <input type="hidden" name="id" value={d.id} />
            <button type="submit" className="button danger">
              Delete {d.name}
            </button>
          </Form>
        </section>
      ))}

      <section className="card">
        <h2>Add a destination</h2>
        <DestinationForm />
      </section>
    </>
  );
}
