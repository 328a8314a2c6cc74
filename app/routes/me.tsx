import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Chart } from "../components/chart";
import { CsrfInput } from "../components/csrf-input";
import { contributionHeatmap, horizontalBars } from "../lib/charts.server";
import { getDb } from "../lib/db.server";
import { requireSession } from "../lib/session.server";
import { SHARE_FIELD_LABELS, SHARE_FIELDS } from "../lib/share-fields";
import { TableScroll } from "../components/table-scroll";
import {
  getMyActivity,
  setMyLeaderboardOptIn,
  shareMyCard,
  shareValues,
  withdrawMyCard,
} from "../models/my-activity.server";

export const meta: MetaFunction = () => [{ title: "My activity · Codex Ledger" }];

const today = () => new Date().toISOString().slice(0, 10);

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireSession(request);
  const activity = await getMyActivity({ db: await getDb(), viewer, today: today() });
  return {
    activity,
    shareValues: shareValues(activity),
    charts: {
      heatmap: contributionHeatmap({
        title: "Turns per day, last 12 months",
        description: `${activity.activeDays} active days; current streak ${activity.streaks.current} days, longest ${activity.streaks.longest}.`,
        days: activity.heatmap,
        from: activity.yearAgo,
        to: activity.today,
        valueLabel: "turns",
      }),
      models: horizontalBars({ title: "Model mix (tokens, last 12 months)", description: "Tokens by model.", items: activity.modelMix, xLabel: "Tokens" }),
      clients: horizontalBars({ title: "Clients (turns, last 12 months)", description: "Turns by Codex client.", items: activity.clientMix, xLabel: "Turns" }),
    },
  };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("share"), fields: z.array(z.enum(SHARE_FIELDS)).min(1, "choose at least one number to share") }),
  z.object({ intent: z.literal("unshare") }),
  z.object({ intent: z.literal("leaderboard"), optIn: z.enum(["on", "off"]) }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const { viewer } = await requireSession(request);
  const form = await request.formData();
  const parsed = actionSchema.safeParse({ intent: form.get("intent"), fields: form.getAll("fields"), optIn: form.get("optIn") });
  if (!parsed.success) return Response.json({ error: parsed.error.issues[0]?.message ?? "invalid form" }, { status: 400 });
  const db = await getDb();
  const input = parsed.data;
  if (input.intent === "share") await shareMyCard({ db, viewer, fields: input.fields });
  else if (input.intent === "unshare") await withdrawMyCard({ db, viewer });
  else await setMyLeaderboardOptIn({ db, viewer, optIn: input.optIn === "on" });
  return redirect("/me");
}

export default function MyActivity() {
  const { activity, charts, shareValues } = useLoaderData<typeof loader>();
  const { preferences } = activity;
  return (
    <>
      <section className="card">
        <h1>My activity</h1>
        <p className="muted">Private: only you see this page. Sharing below is opt-in and can be withdrawn at any time.</p>
        {activity.hasActivity ? (
          <dl className="stats">
            <div>
              <dt>Lifetime tokens</dt>
              <dd>{activity.lifetimeTokens.toLocaleString("en-US")}</dd>
            </div>
            <div>
              <dt>Peak daily tokens</dt>
              <dd>
                {(activity.peakDay?.tokens ?? 0).toLocaleString("en-US")}
                {activity.peakDay ? <span className="muted"> on {activity.peakDay.day}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Active days</dt>
              <dd>{activity.activeDays}</dd>
            </div>
            <div>
              <dt>Current streak</dt>
              <dd>{activity.streaks.current} days</dd>
            </div>
            <div>
              <dt>Longest streak</dt>
              <dd>{activity.streaks.longest} days</dd>
            </div>
          </dl>
        ) : (
          <p className="notice">No Codex activity is linked to you yet. It appears after the next sync, once OpenAI&apos;s logs name your email.</p>
        )}
        <Chart chart={charts.heatmap} />
      </section>
      <div className="grid-2">
        <section className="card">
          <Chart chart={charts.models} table={{ columns: ["Model", "Tokens"], rows: activity.modelMix.map((m) => [m.label, m.value]) }} />
        </section>
        <section className="card">
          <Chart chart={charts.clients} table={{ columns: ["Client", "Turns"], rows: activity.clientMix.map((m) => [m.label, m.value]) }} />
        </section>
      </div>
      <section className="card">
        <h2>Top features</h2>
        <div className="grid-2">
          <FeatureList title="Service tiers (billed hours)" items={activity.tiers} />
          <FeatureList title="Tools (calls)" items={activity.tools} />
        </div>
      </section>
      <section className="card">
        <h2>Share card</h2>
        {preferences.shareToken ? (
          <>
            <p>
              Shared: <Link to={`/share/${preferences.shareToken}`}>your card</Link> shows {preferences.shareFields.map((f) => SHARE_FIELD_LABELS[f]).join(", ")}.
              Colleagues who are signed in can open the link.
            </p>
            <img src={`/share/${preferences.shareToken}`} alt="Your share card" width={480} />
            <Form method="post">
              <CsrfInput />
              <button type="submit" name="intent" value="unshare" className="button secondary">
                Withdraw the card
              </button>
            </Form>
          </>
        ) : (
          <Form method="post">
            <CsrfInput />
            <p className="muted">Choose the numbers to show. Nothing else about your activity is shared.</p>
            <fieldset className="checks">
              {SHARE_FIELDS.map((field) => (
                <label key={field}>
                  <input type="checkbox" name="fields" value={field} /> {SHARE_FIELD_LABELS[field]} <span className="muted">({shareValues[field]})</span>
                </label>
              ))}
            </fieldset>
            <button type="submit" name="intent" value="share" className="button">
              Create my share card
            </button>
          </Form>
        )}
        <h2>Leaderboard</h2>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="leaderboard" />
          <p>
            {preferences.leaderboardOptIn ? "You appear on the " : "You do not appear on the "}
            <Link to="/leaderboard">organisation leaderboard</Link>.
          </p>
          <button type="submit" name="optIn" value={preferences.leaderboardOptIn ? "off" : "on"} className="button secondary">
            {preferences.leaderboardOptIn ? "Leave the leaderboard" : "Join the leaderboard"}
          </button>
        </Form>
      </section>
    </>
  );
}

function FeatureList({ title, items }: { title: string; items: Array<{ label: string; value: number }> }) {
  return (
    <div>
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <TableScroll label={title}>
          <table className="data">
            <tbody>
              {items.map((item) => (
                <tr key={item.label}>
                  <td>{item.label}</td>
                  <td className="num">{item.value.toLocaleString("en-US")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
