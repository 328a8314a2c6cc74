import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client.server";
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
