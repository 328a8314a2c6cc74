/** The simulated organisation: people, teams (IdP groups), time zones and habits, all from the seed. */
import type { ClientKey, ReasoningEffort } from "./catalog.js";
import { Rng, hashInts, uuidFrom } from "./prng.js";

export const COMPANY_NAME = "Northwind Labs";
export const COMPANY_DOMAIN = "northwind-labs.example";
/** The stable, moderately active person the demo's `engineer` sign-in account maps to. */
export const ENGINEER_EMAIL = `engineer@${COMPANY_DOMAIN}`;
export const ENGINEER_NAME = "Robin Engineer";

export interface Group {
  id: string;
  name: string;
}

export interface Person {
  idx: number;
  id: string;
  name: string;
  email: string;
  role: "account-owner" | "account-admin" | "standard-user";
  team: string;
  groups: Group[];
  timeZone: string;
  /** local start of the working day, in minutes after midnight */
  workStartMin: number;
  /** length of the working day in minutes */
  workLenMin: number;
  /** activity multiplier, heavy-tailed (Pareto); 0 for people with a seat who never use Codex */
  weight: number;
  weekendProb: number;
  clientMix: readonly (readonly [ClientKey, number])[];
  modelMix: readonly (readonly [string, number])[];
  effortMix: readonly (readonly [ReasoningEffort, number])[];
  /** probability a session runs in fast mode (service_tier priority) */
  fastProb: number;
  /** pull requests per working day that get a Codex review */
  prRate: number;
  isEngineer: boolean;
}

export interface Organization {
  seed: number;
  workspaceId: string;
  orgId: string;
  companyName: string;
  domain: string;
  people: Person[];
  groups: Group[];
  admins: Person[];
  engineer: Person;
  byId: Map<string, Person>;
}

const FIRST = [
  "Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Ken", "Radia", "Dennis", "Frances", "Guido", "Hedy",
  "Ivan", "Jean", "Katherine", "Leslie", "Mary", "Niklaus", "Olga", "Priya", "Quentin", "Rosa", "Satoshi", "Tim",
  "Uma", "Vint", "Wei", "Xin", "Yuki", "Zainab", "Amara", "Bjorn", "Chen", "Dmitri", "Elif", "Farah", "Goran",
  "Hana", "Ines", "Jamal", "Kofi", "Lucia", "Mateo", "Nadia", "Oren", "Paulo", "Rania", "Sven", "Tariq", "Valentina",
  "Wanjiru", "Yara", "Aiko", "Bruno", "Camila", "Diego", "Emeka", "Fatima", "Hiro", "Ingrid", "Jonas", "Kavya",
  "Lars", "Mei", "Noor", "Omar", "Pia", "Raj", "Sofia", "Thabo", "Ayesha", "Marco", "Nina", "Arjun", "Leila",
];
const LAST = [
  "Lovelace", "Hopper", "Torvalds", "Hamilton", "Turing", "Liskov", "Thompson", "Perlman", "Ritchie", "Allen",
  "Rossum", "Lamarr", "Sutherland", "Bartik", "Johnson", "Lamport", "Jackson", "Wirth", "Petrova", "Raman",
  "Tarantino", "Parks", "Nakamoto", "Berners", "Okafor", "Cerf", "Zhang", "Li", "Tanaka", "Haddad", "Mensah",
  "Andersen", "Ivanova", "Yilmaz", "Rahman", "Kovac", "Sato", "Silva", "Mwangi", "Schmidt", "Garcia", "Nguyen",
  "Kowalski", "Dubois", "Rossi", "Novak", "Khan", "Patel", "Murphy", "Fischer", "Costa", "Moreau", "Ahmed",
  "Larsen", "Kimura", "Oliveira", "Botha", "Sharma", "Herrera", "Virtanen",
];

const TEAMS = [
  ["Platform", 14], ["Payments", 10], ["Mobile", 9], ["Web Frontend", 11], ["Data Engineering", 9],
  ["Infrastructure", 8], ["Security", 5], ["Machine Learning", 7], ["Developer Experience", 5], ["Growth", 6],
  ["Customer Support Tools", 4], ["Finance", 2], ["Product Design", 3],
] as const;

const ZONES = [
  ["America/Los_Angeles", 22], ["America/New_York", 20], ["America/Sao_Paulo", 6], ["Europe/London", 12],
  ["Europe/Berlin", 14], ["Asia/Kolkata", 12], ["Asia/Tokyo", 5], ["Australia/Sydney", 4], ["Africa/Lagos", 3],
  ["Asia/Singapore", 2],
] as const;

const CLIENT_PROFILES: readonly (readonly (readonly [ClientKey, number])[])[] = [
  [["cli", 70], ["vscode", 10], ["web", 12], ["sdk", 5], ["desktop", 3]],
  [["vscode", 60], ["cli", 15], ["web", 15], ["jetbrains", 5], ["desktop", 5]],
  [["jetbrains", 55], ["cli", 20], ["web", 20], ["vscode", 5]],
  [["desktop", 55], ["cli", 15], ["web", 25], ["vscode", 5]],
  [["web", 60], ["cli", 15], ["vscode", 15], ["desktop", 10]],
  [["sdk", 40], ["cli", 40], ["web", 20]],
];
const CLIENT_PROFILE_WEIGHTS = [34, 26, 8, 12, 14, 6];

const MODEL_PROFILES: readonly (readonly (readonly [string, number])[])[] = [
  [["gpt-5.5", 70], ["gpt-5.4", 15], ["gpt-5.4-mini", 10], ["gpt-5.3-codex", 5]],
  [["gpt-5.4", 60], ["gpt-5.5", 20], ["gpt-5.4-mini", 15], ["gpt-5.3-codex", 5]],
  [["gpt-5.3-codex", 50], ["gpt-5.5", 30], ["gpt-5.2-codex", 10], ["gpt-5.1-codex-max", 10]],
  [["gpt-5.4-mini", 60], ["gpt-5.4", 25], ["gpt-5.5", 15]],
  [["gpt-5.5", 55], ["gpt-5.5-cyber", 10], ["gpt-5.4", 35]],
];
const MODEL_PROFILE_WEIGHTS = [40, 25, 18, 12, 5];

const EFFORT_PROFILES: readonly (readonly (readonly [ReasoningEffort, number])[])[] = [
  [["medium", 70], ["high", 15], ["low", 10], ["minimal", 5]],
  [["high", 60], ["xhigh", 15], ["medium", 25]],
  [["low", 50], ["minimal", 20], ["medium", 30]],
];

function slug(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, ".")
    .replace(/^\.|\.$/g, "");
}

function userId(seed: number, idx: number): string {
  return `user-${new Rng(seed, idx, 0x05e4).alnum(24)}`;
}

/** Build the whole organisation. Cheap (a few ms for thousands of people); callers cache it. */
export function buildOrganization(seed: number, users: number): Organization {
  if (!Number.isInteger(users) || users < 1) throw new Error("users must be a positive integer");
  const workspaceId = uuidFrom(seed, 0x3b5);
  const orgId = `org-${new Rng(seed, 0x04c).alnum(24)}`;

  const groups: Group[] = TEAMS.map(([name]) => ({ id: uuidFrom(seed, 0x9a0, hashInts(name.length, name.charCodeAt(0), name.charCodeAt(1))), name }));
  const groupByName = new Map(groups.map((g) => [g.name, g]));
  const everyone: Group = { id: uuidFrom(seed, 0x9a1), name: "codex-users" };
  const engineering: Group = { id: uuidFrom(seed, 0x9a2), name: "engineering" };
  const admins: Group = { id: uuidFrom(seed, 0x9a3), name: "chatgpt-admins" };
  const allGroups = [...groups, everyone, engineering, admins];

  const engineerIdx = Math.min(7, users - 1);
  const usedEmails = new Set<string>([ENGINEER_EMAIL]);
  const people: Person[] = [];
  for (let idx = 0; idx < users; idx++) {
    const r = new Rng(seed, idx, 0x9e0);
    const isEngineer = idx === engineerIdx;
    let name: string;
    let email: string;
    if (isEngineer) {
      name = ENGINEER_NAME;
      email = ENGINEER_EMAIL;
    } else {
      const first = r.pick(FIRST);
      const last = r.pick(LAST);
      name = `${first} ${last}`;
      const base = `${slug(first)}.${slug(last)}`;
      email = `${base}@${COMPANY_DOMAIN}`;
      for (let n = 2; usedEmails.has(email) && n < 100_000; n++) email = `${base}${n}@${COMPANY_DOMAIN}`;
    }
    usedEmails.add(email);
    const team = isEngineer ? "Platform" : r.weighted(TEAMS);
    const teamGroup = groupByName.get(team);
    const nonEng = team === "Finance" || team === "Product Design";
    const role: Person["role"] = idx === 0 ? "account-owner" : idx === 1 || idx === 2 ? "account-admin" : "standard-user";
    const personGroups: Group[] = [];
    if (teamGroup) personGroups.push(teamGroup);
    if (!nonEng) personGroups.push(engineering);
    personGroups.push(everyone);
    if (role !== "standard-user") personGroups.push(admins);

    // Heavy tail: Pareto(xm = 0.35, alpha = 1.5), capped; ~12% hold a seat but never use Codex.
    const pareto = 0.35 / Math.pow(1 - r.next(), 1 / 1.5);
    let weight = Math.min(12, pareto);
    if (r.chance(nonEng ? 0.6 : 0.12)) weight = 0;
    if (nonEng && weight > 0) weight *= 0.3;
    const timeZone = isEngineer ? "Europe/London" : r.weighted(ZONES);
    const workStartMin = isEngineer ? 9 * 60 : r.range(7 * 60, 10 * 60 + 30);
    const workLenMin = isEngineer ? 8 * 60 + 30 : r.range(7 * 60, 10 * 60);
    const clientMix = isEngineer
      ? ([["cli", 50], ["vscode", 25], ["web", 15], ["desktop", 10]] as const)
      : (CLIENT_PROFILES[r.weighted(CLIENT_PROFILE_WEIGHTS.map((w, i) => [i, w] as const))] ?? CLIENT_PROFILES[0]!);
    const modelMix = isEngineer
      ? ([["gpt-5.5", 60], ["gpt-5.4", 25], ["gpt-5.3-codex", 15]] as const)
      : (MODEL_PROFILES[r.weighted(MODEL_PROFILE_WEIGHTS.map((w, i) => [i, w] as const))] ?? MODEL_PROFILES[0]!);
    const effortMix = isEngineer ? EFFORT_PROFILES[0]! : r.pick(EFFORT_PROFILES);
    people.push({
      idx,
      id: userId(seed, idx),
      name,
      email,
      role,
      team,
      groups: personGroups,
      timeZone,
      workStartMin,
      workLenMin,
      weight: isEngineer ? 1 : weight,
      weekendProb: isEngineer ? 0 : r.chance(0.2) ? 0.3 : 0.03,
      clientMix,
      modelMix,
      effortMix,
      fastProb: isEngineer ? 0.1 : r.chance(0.15) ? 0.6 : 0.03,
      prRate: isEngineer ? 0.8 : nonEng ? 0 : weight * 0.5,
      isEngineer,
    });
  }
  const engineer = people[engineerIdx];
  if (!engineer) throw new Error("no engineer");
  return {
    seed,
    workspaceId,
    orgId,
    companyName: COMPANY_NAME,
    domain: COMPANY_DOMAIN,
    people,
    groups: allGroups,
    admins: people.filter((p) => p.role !== "standard-user"),
    engineer,
    byId: new Map(people.map((p) => [p.id, p])),
  };
}
