import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfInput } from "../components/csrf-input";
import { getConfig } from "../lib/config.server";
import { getDb } from "../lib/db.server";
import { requestMeta, requireAuditor } from "../lib/session.server";
import { lookupValue, LOOKUP_MAX_LENGTH, type ValueLookupResult } from "../models/findings.server";
import { utcDateTime } from "../lib/format";
import { TableScroll } from "../components/table-scroll";

export const meta: MetaFunction = () => [{ title: "Has this value been seen? · Codex Ledger" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAuditor(request);
  return null;
}

/**
 * The pasted value lives only in this request's memory: it is fingerprinted and dropped. It is
 * never stored, logged, put in a URL or sent back (the answer carries counts and rows only), and
 * no error here mentions it.
 */
export async function action({ request }: ActionFunctionArgs) {
  const viewer = await requireAuditor(request);
  const value = (await request.formData()).get("value");
  if (typeof value !== "string" || value.trim() === "") return Response.json(failed("Paste a value to look up."), { status: 400 });
  if (value.length > LOOKUP_MAX_LENGTH) return Response.json(failed(`The value is longer than ${LOOKUP_MAX_LENGTH / 1024} KB.`), { status: 400 });
  const config = getConfig();
  const result = await lookupValue({
    db: await getDb(),
    viewer,
    value,
    redaction: { key: config.redactionKey, detectIpAddresses: config.redactIpAddresses },
    meta: requestMeta(request),
  });
  const answer: ActionData = { error: null, result, searchedAt: new Date().toISOString() };
  return Response.json(answer);
}

type ActionData = { error: string | null; result: ValueLookupResult | null; searchedAt: string | null };
const failed = (error: string): ActionData => ({ error, result: null, searchedAt: null });

const dateTime = utcDateTime;

export default function Lookup() {
  const data = useActionData<ActionData>();
  const navigation = useNavigation();
  const form = useRef<HTMLFormElement>(null);
  // The field is empty again after every search: the value is not kept on the page either.
  useEffect(() => {
    if (navigation.state === "idle" && data) form.current?.reset();
  }, [navigation.state, data]);
  const result = data?.result;
  return (
    <>
      <section className="card">
        <h1>Has this value been seen?</h1>
        <p className="muted">
          Paste a secret or personal datum (a token, a key, an email address…) or a whole prompt. The console computes its keyed
          fingerprint in memory and compares it with the fingerprints stored with every finding and every event text. The value itself is
          never stored, logged or shown again; the access log records the fingerprint and the number of matches.
        </p>
        <Form method="post" ref={form} autoComplete="off">
          <CsrfInput />
          <label htmlFor="lookup-value" className="visually-hidden">
            Value
          </label>
          <textarea
            id="lookup-value"
            name="value"
            rows={4}
            required
            spellCheck={false}
            autoComplete="off"
            placeholder="Paste the value here"
            style={{ width: "100%", font: "inherit", fontFamily: "monospace", padding: "0.5rem", boxSizing: "border-box" }}
          />
          <p>
            <button type="submit" className="button" disabled={navigation.state === "submitting"}>
              {navigation.state === "submitting" ? "Looking…" : "Look up"}
            </button>
          </p>
        </Form>
        {data?.error ? <p className="notice error">{data.error}</p> : null}
      </section>
      {result ? (
        <>
          <section className="card" aria-live="polite">
            <h2>
              The value: {result.findingCount === 0 ? "not seen" : `seen ${result.findingCount} time${result.findingCount === 1 ? "" : "s"}`}
            </h2>
            {result.findingCount > 0 ? (
              <>
                {result.findingCount > result.findings.length ? <p className="muted small">The newest {result.findings.length} are listed.</p> : null}
                <TableScroll label="Findings with this fingerprint">
                  <table className="data">
                    <thead>
                      <tr>
                        <th scope="col">Time (UTC)</th>
                        <th scope="col">Person</th>
                        <th scope="col">Event</th>
                        <th scope="col">Field</th>
                        <th scope="col">Finding</th>
                      </tr>
                    </thead>
                    <tbody>
                      {result.findings.map((f, i) => (
                        <tr key={`${f.eventId}-${f.field}-${i}`}>
                          <td>{dateTime.format(new Date(f.occurredAt))}</td>
                          <td>{f.personName ?? f.personEmail ?? "—"}</td>
                          <td>{f.eventType}</td>
                          <td>{f.field}</td>
                          <td>
                            <code>{f.placeholder}</code>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              </>
            ) : (
              <p className="muted">No finding carries this value&apos;s fingerprint.</p>
            )}
          </section>
          <section className="card">
            <h2>
              As a whole text: {result.textCount === 0 ? "never sent" : `sent ${result.textCount} time${result.textCount === 1 ? "" : "s"}`}
            </h2>
            {result.textCount > 0 ? (
              <TableScroll label="Events with this exact text">
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">Time (UTC)</th>
                      <th scope="col">Person</th>
                      <th scope="col">Event</th>
                      <th scope="col">Text</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.texts.map((t) => (
                      <tr key={t.eventId}>
                        <td>{dateTime.format(new Date(t.occurredAt))}</td>
                        <td>{t.personName ?? t.personEmail ?? "—"}</td>
                        <td>{t.eventType}</td>
                        <td>{t.textKind ?? "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableScroll>
            ) : (
              <p className="muted">No stored prompt, response or tool call had exactly this text (whole-text fingerprint, exact match).</p>
            )}
            <p className="muted small">
              Looked up at {data?.searchedAt ? dateTime.format(new Date(data.searchedAt)) : "—"} UTC. See all findings on the <Link to="/auditor/findings">findings page</Link>.
            </p>
          </section>
        </>
      ) : null}
    </>
  );
}
