import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { getDb } from "../lib/db.server";
import { requestMeta, requireRole } from "../lib/session.server";
import { openTrail, PAGE_LIMITS, parseTrailParams, TRAIL_ROLES, TRAIL_TYPES, type TrailEvent, type TrailFinding, type TrailSession } from "../models/trail.server";
import { utcDateTimeSeconds, utcTime } from "../lib/format";

export const meta: MetaFunction = () => [{ title: "Audit trail · Codex Ledger" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = await requireRole(request, TRAIL_ROLES);
  const parsed = parseTrailParams(new URL(request.url).searchParams);
  if (!parsed.ok) throw new Response(`Bad request: ${parsed.problem}.`, { status: 400, statusText: "Bad Request" });
  const trail = await openTrail({
    db: await getDb(),
    viewer,
    personId: params.personId ?? "",
    filters: parsed.filters,
    page: parsed.page,
    meta: requestMeta(request),
  });
  if (!trail) throw new Response("No person with this id.", { status: 404, statusText: "Not Found" });
  return { ...trail, typeOptions: TRAIL_TYPES, limits: PAGE_LIMITS };
}

const dateTime = utcDateTimeSeconds;
const time = utcTime;
const integer = new Intl.NumberFormat("en-GB");

function hrefWith(search: string, changes: Record<string, string | null>) {
  const params = new URLSearchParams(search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) params.delete(key);
    else params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "?";
}

const PLACEHOLDER = /\[(SECRET|PII):([A-Za-z0-9_.-]+):([0-9a-f]{4,16})\]/g;

/** Redacted text with every placeholder marked by its kind and type (matched in the stored text, not by offsets). */
function RedactedText({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    const kind = match[1] === "SECRET" ? "secret" : "pii";
    parts.push(
      <mark key={index} className={`finding finding-${kind}`} data-finding-type={match[2]} title={`${kind === "secret" ? "Secret" : "Personal data"}: ${match[2]} (fingerprint ${match[3]})`}>
        {match[0]}
      </mark>,
    );
    last = index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <pre className="trail-text">{parts}</pre>;
}

function label(e: TrailEvent) {
  if (e.eventType === "CODEX_LOG") {
    if (e.detailType === "PROMPT_SENT") return "Prompt";
    if (e.detailType === "PROMPT_RESPONSE_RECEIVED") return "Response";
    if (e.detailType === "TOOL_CALL") return "Tool call";
    return e.detailType ?? "Codex event";
  }
  if (e.eventType === "AUTH_LOG") return "Sign-in";
  if (e.eventType === "AUDIT_LOG") return "Admin action";
  if (e.eventType === "CODEX_SECURITY_LOG") return "Security";
  return e.eventType;
}

function kindClass(e: TrailEvent) {
  if (e.eventType === "CODEX_LOG") return e.detailType === "TOOL_CALL" ? "tool" : e.detailType === "PROMPT_SENT" ? "prompt" : "response";
  if (e.eventType === "AUTH_LOG") return "auth";
  if (e.eventType === "AUDIT_LOG") return "admin";
  if (e.eventType === "CODEX_SECURITY_LOG") return "security";
  return "other";
}

function Tokens({ e }: { e: TrailEvent }) {
  if (e.inputTokens === null && e.cachedInputTokens === null && e.outputTokens === null) return null;
  return (
    <span className="muted">
      tokens: input {integer.format(e.inputTokens ?? 0)} uncached · cached {integer.format(e.cachedInputTokens ?? 0)} · output {integer.format(e.outputTokens ?? 0)}
      {e.reasoningOutputTokens ? ` (reasoning ${integer.format(e.reasoningOutputTokens)})` : ""}
    </span>
  );
}

function EventItem({ e, findings }: { e: TrailEvent; findings: TrailFinding[] }) {
  const attributes = Object.entries(e.attributes).filter(([key]) => key !== "principal");
  return (
    <li className={`trail-event trail-${kindClass(e)}`} data-event-id={e.eventId} data-event-type={e.eventType}>
      <div className="trail-meta">
        <time dateTime={e.occurredAt} title={dateTime.format(new Date(e.occurredAt))}>
          {time.format(new Date(e.occurredAt))}
        </time>
        <span className={`badge kind-${kindClass(e)}`}>{label(e)}</span>
        {e.eventType !== "CODEX_LOG" && e.detailType ? <code>{e.detailType}</code> : null}
        {e.toolName ? <code>{e.toolName}</code> : null}
        {e.toolDecision ? <span className={`badge decision-${e.toolDecision}`}>{e.toolDecision}</span> : null}
        {e.status && e.status !== "completed" ? <span className="badge decision-denied">{e.status}</span> : null}
        {e.model ? <span className="muted">{e.model}</span> : null}
        <Tokens e={e} />
        {e.flags.map((f) => (
          <span key={f} className="badge">
            {f}
          </span>
        ))}
      </div>
      {findings.length > 0 ? (
        <ul className="badges finding-types" aria-label="Findings">
          {findings.map((f, i) => (
            <li key={i} className={`badge finding-${f.kind === "secret" ? "secret" : "pii"}`}>
              {f.kind}: {f.type}
            </li>
          ))}
        </ul>
      ) : null}
      {e.redactedText !== null ? (
        <RedactedText text={e.redactedText} />
      ) : e.textFingerprint ? (
        <p className="muted small">
          Text not kept (text policy): {e.textLength ?? 0} characters, fingerprint <code>{e.textFingerprint.slice(0, 16)}</code>
        </p>
      ) : null}
      {attributes.length > 0 ? (
        <details>
          <summary className="muted small">Attributes</summary>
          <pre className="trail-text small">{JSON.stringify(Object.fromEntries(attributes), null, 2)}</pre>
        </details>
      ) : null}
    </li>
  );
}

type Group = { sessionId: string | null; turns: Array<{ turnId: string | null; events: TrailEvent[] }> };

/** Consecutive events of one session form a group, and consecutive events of one turn a sub-group. */
function groupEvents(events: TrailEvent[]): Group[] {
  const groups: Group[] = [];
  for (const e of events) {
    let group = groups[groups.length - 1];
    if (!group || group.sessionId !== e.sessionId || e.sessionId === null) {
      group = { sessionId: e.sessionId, turns: [] };
      groups.push(group);
    }
    let turn = group.turns[group.turns.length - 1];
    if (!turn || turn.turnId !== e.turnId || e.turnId === null) {
      turn = { turnId: e.turnId, events: [] };
      group.turns.push(turn);
    }
    turn.events.push(e);
  }
  return groups;
}

function SessionHeader({ session, sessionId }: { session: TrailSession | undefined; sessionId: string }) {
  return (
    <div className="trail-session-head">
      <strong>Session</strong> <code>{sessionId}</code>
      {session ? (
        <span className="muted">
          {" "}
          · {session.clientId ?? "unknown client"} · {session.model ?? "model unknown"} · {integer.format(session.turns)} turns · {dateTime.format(new Date(session.firstAt))} –{" "}
          {dateTime.format(new Date(session.lastAt))}
        </span>
      ) : null}
    </div>
  );
}

export default function Trail() {
  const data = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const { subject, filters, events, sessions, findings } = data;
  const sessionById = new Map(sessions.map((s) => [s.sessionId, s]));
  const findingsByEvent = new Map<string, TrailFinding[]>();
  for (const f of findings) findingsByEvent.set(f.eventId, [...(findingsByEvent.get(f.eventId) ?? []), f]);
  const exportQuery = hrefWith(search, { before: null, after: null, limit: null });
  const base = `/people/${subject.id}/trail`;
  return (
    <>
      <section className="card">
        <p className="muted small">
          <Link to="/people">People</Link> › audit trail
        </p>
        <h1>
          Audit trail: {subject.name ?? subject.email} {subject.active ? null : <span className="badge">deactivated</span>}
        </h1>
        {subject.name ? <p className="muted">{subject.email}</p> : null}
        <p className="notice" role="note">
          Opening this trail, and each page and export of it, is recorded in the <Link to={`/access-log?subjectId=${subject.id}`}>access log</Link> with your
          name and filters. Texts are shown as stored: redacted, with findings marked by type. Times are UTC.
        </p>
        <Form method="get" className="filters" aria-label="Filter the trail">
          <label>
            From <input type="date" name="from" defaultValue={filters.from} required />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={filters.to} required />
          </label>
          <fieldset className="type-filter">
            <legend>Event types (none ticked: all)</legend>
            {data.typeOptions.map((t) => (
              <label key={t.value}>
                <input type="checkbox" name="type" value={t.value} defaultChecked={(filters.types as string[]).includes(t.value)} /> {t.label}
              </label>
            ))}
          </fieldset>
          <label>
            Per page{" "}
            <select name="limit" defaultValue={String(data.limit)}>
              {data.limits.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button">
            Apply
          </button>
        </Form>
        <p className="export-links">
          Export this trail (all pages, same filters):{" "}
          <a className="button secondary" href={`${base}.csv${exportQuery}`} download>
            CSV
          </a>{" "}
          <a className="button secondary" href={`${base}.ndjson${exportQuery}`} download>
            NDJSON case file
          </a>
        </p>
      </section>
      <section className="card">
        <h2>
          Events {filters.from} to {filters.to}
        </h2>
        {events.length === 0 ? <p className="muted">No events in this range with these filters.</p> : null}
        <div className="trail">
          {groupEvents(events).map((group, gi) => (
            <section key={`${group.sessionId ?? "none"}-${gi}`} className={group.sessionId ? "trail-session" : "trail-loose"} aria-label={group.sessionId ? `Session ${group.sessionId}` : "Events outside sessions"}>
              {group.sessionId ? <SessionHeader session={sessionById.get(group.sessionId)} sessionId={group.sessionId} /> : null}
              {group.turns.map((turn, ti) => (
                <div key={`${turn.turnId ?? "none"}-${ti}`} className={turn.turnId ? "trail-turn" : undefined}>
                  {turn.turnId ? (
                    <div className="muted small">
                      Turn <code>{turn.turnId}</code>
                    </div>
                  ) : null}
                  <ol className="trail-events">
                    {turn.events.map((e) => (
                      <EventItem key={e.eventId} e={e} findings={findingsByEvent.get(e.eventId) ?? []} />
                    ))}
                  </ol>
                </div>
              ))}
            </section>
          ))}
        </div>
        <nav className="pager" aria-label="Pages">
          {data.newer ? <Link to={hrefWith(search, { before: null, after: null })}>« Newest</Link> : <span className="muted">« Newest</span>}
          {data.newer ? <Link to={hrefWith(search, { before: null, after: data.newer })} rel="prev">← Newer</Link> : <span className="muted">← Newer</span>}
          {data.older ? <Link to={hrefWith(search, { after: null, before: data.older })} rel="next">Older →</Link> : <span className="muted">Older →</span>}
        </nav>
      </section>
    </>
  );
}
