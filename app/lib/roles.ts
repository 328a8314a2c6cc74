/**
 * Roles come from the identity provider's groups claim through ROLE_MAP. Every signed-in
 * person also sees their own profile, which needs no role at all.
 */
export const ROLES = ["admin", "auditor", "finance", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/**
 * A role includes the roles listed here: "viewer and above" means viewer, finance,
 * auditor or admin. Admin runs the deployment and so may see everything it configures.
 */
const INCLUDES: Record<Role, readonly Role[]> = {
  admin: ["auditor", "finance", "viewer"],
  auditor: ["viewer"],
  finance: ["viewer"],
  viewer: [],
};

export type RoleMap = Array<{ role: Role; group: string }>;

/** `admin:platform-admins;auditor:secops;viewer:*` — `*` matches every signed-in person. */
export function parseRoleMap(text: string): { ok: true; map: RoleMap } | { ok: false; problems: string[] } {
  const map: RoleMap = [];
  const problems: string[] = [];
  for (const entry of text.split(";").map((e) => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(":");
    const role = entry.slice(0, colon).trim();
    const groups = entry.slice(colon + 1).split(",").map((g) => g.trim()).filter(Boolean);
    if (colon < 1 || groups.length === 0) {
      problems.push(`entry "${entry}" must look like role:group (for example auditor:secops)`);
    } else if (!(ROLES as readonly string[]).includes(role)) {
      problems.push(`entry "${entry}" names an unknown role "${role}" (roles: ${ROLES.join(", ")})`);
    } else {
      for (const group of groups) map.push({ role: role as Role, group });
    }
  }
  if (problems.length === 0 && map.length === 0) problems.push("maps no group to any role");
  return problems.length > 0 ? { ok: false, problems } : { ok: true, map };
}

/** The roles a person holds, from their groups, each with the roles it includes. */
export function rolesForGroups(groups: readonly string[], map: RoleMap): Role[] {
  const held = new Set<Role>();
  for (const { role, group } of map) {
    if (group === "*" || groups.includes(group)) {
      held.add(role);
      for (const included of INCLUDES[role]) held.add(included);
    }
  }
  return ROLES.filter((role) => held.has(role));
}

export function hasRole(roles: readonly Role[], wanted: Role | readonly Role[]) {
  const anyOf = typeof wanted === "string" ? [wanted] : wanted;
  return anyOf.some((role) => roles.includes(role));
}
