import type { Role } from "../lib/roles";

/** Who is asking: passed to every model function that reads evidence, as its scope. */
export type Viewer = {
  personId: string;
  email: string;
  name: string | null;
  roles: Role[];
};

export class Forbidden extends Error {
  override name = "Forbidden";
}

/** Model-level check, so a query cannot be reached by a route that forgot its guard. */
export function assertViewerHasRole(viewer: Viewer, anyOf: readonly Role[]) {
  if (!anyOf.some((role) => viewer.roles.includes(role))) {
    throw new Forbidden(`requires one of the roles: ${anyOf.join(", ")}`);
  }
}
