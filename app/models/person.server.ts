import { and, eq, isNull, sql } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";
import { people, type Person } from "../../db/schema";

export type SignInIdentity = {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
};

/**
 * Finds the person behind an OIDC identity, creating them on first sign-in. A person the
 * sync already knows by email (from OpenAI's logs) is linked to the identity, but only when
 * the identity provider vouches for the email, so an unverified address cannot claim
 * somebody else's history.
 */
export async function upsertPersonForSignIn({ db, identity }: { db: Database; identity: SignInIdentity }): Promise<Person> {
  const email = identity.email.toLowerCase();
  return db.transaction(async (tx) => {
    const [known] = await tx
      .select()
      .from(people)
      .where(and(eq(people.oidcIssuer, identity.issuer), eq(people.oidcSubject, identity.subject)));
    if (known) {
      const [updated] = await tx
        .update(people)
        .set({ email, name: identity.name ?? known.name, updatedAt: sql`now()` })
        .where(eq(people.id, known.id))
        .returning();
      return updated!;
    }
    const [byEmail] = await tx.select().from(people).where(eq(people.email, email));
    if (byEmail) {
      if (byEmail.oidcSubject || !identity.emailVerified) {
        throw new SignInRefused(
          "This email belongs to a person already linked to another sign-in identity, or the identity provider has not verified it.",
        );
      }
      const [linked] = await tx
        .update(people)
        .set({ oidcIssuer: identity.issuer, oidcSubject: identity.subject, name: byEmail.name ?? identity.name, updatedAt: sql`now()` })
        .where(and(eq(people.id, byEmail.id), isNull(people.oidcSubject)))
        .returning();
      return linked!;
    }
    const [created] = await tx
      .insert(people)
      .values({ email, name: identity.name, oidcIssuer: identity.issuer, oidcSubject: identity.subject })
      .returning();
    return created!;
  });
}

export class SignInRefused extends Error {
  override name = "SignInRefused";
}

export type ObservedActor = { openaiUserId: string; email: string | null; name?: string | null };

/**
 * The people behind OpenAI user ids seen in synced data, created when new. Matched by
 * OpenAI user id first, then by email (a person who signed in before their first Codex
 * event). Returns openaiUserId → person id. One statement for the whole batch: this runs
 * inside every sync transaction.
 */
export async function resolvePeopleForActors({ db, actors }: { db: Database; actors: ObservedActor[] }): Promise<Map<string, string>> {
  const unique = new Map<string, ObservedActor>();
  for (const actor of actors) {
    if (!actor.openaiUserId) continue;
    const known = unique.get(actor.openaiUserId);
    if (!known || (!known.email && actor.email)) unique.set(actor.openaiUserId, actor);
  }
  if (unique.size === 0) return new Map();
  const rows = [...unique.values()].map((a) => ({
    openai_user_id: a.openaiUserId,
    // People without an email in the feed get a stable placeholder, never a guess.
    email: (a.email ?? `${a.openaiUserId}@unknown.openai-user`).toLowerCase(),
    name: a.name ?? null,
  }));
  const found = await selectRows<{ id: string; openai_user_id: string }>(db, sql`
    with input as (
      select * from json_to_recordset(${JSON.stringify(rows)}::json) as x(openai_user_id text, email text, name text)
    ),
    linked as (
      update people p set openai_user_id = i.openai_user_id, updated_at = now()
      from input i
      where p.openai_user_id is null and p.email = i.email
        and not exists (select 1 from people q where q.openai_user_id = i.openai_user_id)
      returning p.id, p.openai_user_id
    ),
    created as (
      insert into people (email, name, openai_user_id)
      select i.email, i.name, i.openai_user_id from input i
      where not exists (select 1 from people q where q.openai_user_id = i.openai_user_id)
        and not exists (select 1 from linked l where l.openai_user_id = i.openai_user_id)
        and not exists (select 1 from people q where q.email = i.email)
      on conflict do nothing
      returning id, openai_user_id
    )
    select id, openai_user_id from linked
    union all select id, openai_user_id from created
    union all select p.id, p.openai_user_id from people p join input i on i.openai_user_id = p.openai_user_id
  `);
  return new Map(found.map((r) => [r.openai_user_id, r.id]));
}
