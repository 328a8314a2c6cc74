import { describe, expect, it } from "vitest";
import { ENGINEER_EMAIL, ENGINEER_NAME } from "../../scripts/simulator";
import { DEMO_ROLE_MAP } from "./config.server";
import { DEMO_ACCOUNTS, findDemoAccount } from "./demo-accounts";
import { parseRoleMap, rolesForGroups } from "./roles";

describe("demo accounts", () => {
  it("make engineer one of the simulated people, so their own activity has data", () => {
    expect(findDemoAccount("engineer")).toMatchObject({ email: ENGINEER_EMAIL, name: ENGINEER_NAME });
  });

  it("hold exactly the role their name says through the demo ROLE_MAP", () => {
    const demoMap = parseRoleMap(DEMO_ROLE_MAP);
    if (!demoMap.ok) throw new Error("demo map must parse");
    const held = Object.fromEntries(DEMO_ACCOUNTS.map((a) => [a.username, rolesForGroups(a.groups, demoMap.map)[0] ?? null]));
    expect(held).toEqual({ admin: "admin", auditor: "auditor", finance: "finance", viewer: "viewer", engineer: null });
  });
});
