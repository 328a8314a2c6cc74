import { describe, expect, it } from "vitest";
import { parseRoleMap, rolesForGroups } from "./roles";

describe("ROLE_MAP", () => {
  const parsed = parseRoleMap("admin:platform-admins;auditor:secops, security;finance:finance;viewer:*");
  if (!parsed.ok) throw new Error("expected a valid map");

  it("maps groups to roles, with the roles each role includes", () => {
    expect(rolesForGroups(["platform-admins"], parsed.map)).toEqual(["admin", "auditor", "finance", "viewer"]);
    expect(rolesForGroups(["security"], parsed.map)).toEqual(["auditor", "viewer"]);
    expect(rolesForGroups(["finance"], parsed.map)).toEqual(["finance", "viewer"]);
  });

  it("gives `*` to every signed-in person", () => {
    expect(rolesForGroups([], parsed.map)).toEqual(["viewer"]);
  });

  it("gives nothing when no group matches and there is no `*`", () => {
    const strict = parseRoleMap("auditor:secops");
    expect(strict.ok && rolesForGroups(["engineering"], strict.map)).toEqual([]);
  });

  it("rejects malformed entries with a reason each", () => {
    expect(parseRoleMap("root:wheel;auditor")).toEqual({
      ok: false,
      problems: [expect.stringContaining('unknown role "root"'), expect.stringContaining('"auditor" must look like role:group')],
    });
    expect(parseRoleMap(" ; ")).toEqual({ ok: false, problems: ["maps no group to any role"] });
  });
});
