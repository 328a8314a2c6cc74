import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedactor } from "../app/lib/redaction";

const root = path.resolve(import.meta.dirname, "..");
let dataDir: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "redact-cli-"));
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** How `npm run redact` starts (a cached bundle), and the script run directly through tsx. */
const LAUNCHERS = {
  bundled: [path.join(root, "scripts/run-bundled.mjs"), "scripts/redact.ts"],
  tsx: ["--import", "tsx", path.join(root, "scripts/redact.ts")],
};

/** Runs the CLI as a real child process, feeding stdin. */
function runCli(input: string | Buffer, launcher: keyof typeof LAUNCHERS = "bundled", env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, LAUNCHERS[launcher], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, NODE_ENV: "test", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const github = "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5";
const password = "S3cr3t-Pw_9x";

describe("npm run redact", () => {
  it("writes one line per input line, in order, with offsets into the original text", async () => {
    const texts = [`token ${github}`, "nothing here", `密码 😀 postgres://app:${password}@db/x`, "mail alice@example.com"];
    const input = texts.map((text, i) => JSON.stringify({ id: `e${i}`, text })).join("\n") + "\n";
    const { code, stdout, stderr } = await runCli(input);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["e0", "e1", "e2", "e3"]);
    expect(Object.keys(lines[0])).toEqual(["id", "redacted", "findings"]);
    expect(lines[0].findings).toEqual([{ type: "github_token", start: 6, end: 6 + github.length }]);
    expect(lines[1]).toEqual({ id: "e1", redacted: "nothing here", findings: [] });
    const third = lines[2].findings[0];
    expect(texts[2]!.slice(third.start, third.end)).toBe(password);
    expect(lines[3].redacted).toMatch(/^mail \[PII:email:[0-9a-f]{8}\]$/);
    expect(stdout).not.toContain(github);
    expect(stdout).not.toContain(password);
    expect(stderr).not.toContain(github);
  });

  it("reports bad lines by number without echoing them, keeps going and exits non-zero", async () => {
    const input = [
      JSON.stringify({ id: 1, text: "ok" }),
      `not json ${github}`,
      JSON.stringify({ id: "no-text", secret: password }),
      JSON.stringify({ text: `no id ${password}` }),
      JSON.stringify([1, 2]),
      JSON.stringify({ id: 6, text: 42 }),
      JSON.stringify({ id: 7, text: `last ${github}` }),
    ].join("\r\n");
    const { code, stdout, stderr } = await runCli(input);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { id: 1, redacted: "ok", findings: [] },
      { id: "no-text", error: 'missing "text"' },
      { id: 6, error: '"text" must be a string' },
      { id: 7, redacted: expect.stringMatching(/^last \[SECRET:github_token:[0-9a-f]{8}\]$/), findings: [{ type: "github_token", start: 5, end: 45 }] },
    ]);
    expect(stderr).toMatch(/line 2: not valid JSON/);
    expect(stderr).toMatch(/line 3: missing "text"/);
    expect(stderr).toMatch(/line 4: missing "id"/);
    expect(stderr).toMatch(/line 5: expected a JSON object/);
    expect(stderr).toMatch(/line 6: "text" must be a string/);
    expect(stderr).not.toContain(github);
    expect(stderr).not.toContain(password);
    expect(stderr).not.toContain("not json");
  });

  it("streams many lines", async () => {
    const n = 5000;
    let input = "";
    for (let i = 0; i < n; i++) input += `${JSON.stringify({ id: i, text: `line ${i} key=${github} 用户 ${i}` })}\n`;
    const { code, stdout } = await runCli(input);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(n);
    expect(JSON.parse(lines[n - 1]!).id).toBe(n - 1);
    expect(stdout).not.toContain(github);
  });

  it("splits lines correctly across read blocks: long lines, multi-byte characters at block edges, CRLF, no final newline", async () => {
    const redactor = createRedactor({ key: Buffer.alloc(32, 1) });
    const texts = [
      `${"日本語 ".repeat(300_000)}token ${github} ${"é".repeat(1000)}`, // ~3.6 MB of UTF-8, several blocks
      `password = "${password}"`,
      "😀".repeat(262_143) + `mail alice@example.com`, // 4-byte characters straddle the 1 MB block edges
      "",
      `last ${github}`,
    ];
    const input = texts.map((text, i) => (text === "" ? "" : JSON.stringify({ id: i, text }))).join("\r\n");
    const expected = texts.flatMap((text, i) => {
      if (text === "") return [];
      const result = redactor.redact(text);
      return [{ id: i, redacted: withoutFingerprints(result.redacted), findings: result.findings.map(({ type, start, end }) => ({ type, start, end })) }];
    });
    // the main thread alone, and workers (the input is past the size where they start)
    for (const threads of ["1", "2"]) {
      const { code, stdout } = await runCli(input, "bundled", { REDACT_THREADS: threads });
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
      expect(lines.map((l) => ({ ...l, redacted: withoutFingerprints(l.redacted) }))).toEqual(expected);
      expect(stdout).not.toContain(github);
      expect(stdout).not.toContain(password);
    }
  }, 60_000);

  it("keeps memory flat however long the input is, on the main thread alone and with workers", async () => {
    // Peak resident memory (Linux's VmHWM) for 16 MB and for 96 MB of input: a CLI that held its
    // input, its output or an unbounded queue of batches would grow by tens of MB from one to the other.
    const line = Buffer.from(`${JSON.stringify({ id: "x", text: `key=${github} mail a@example.com ${"lorem ipsum dolor sit amet ".repeat(150)}` })}\n`);
    const block = Buffer.concat(Array.from({ length: Math.ceil((1 << 20) / line.length) }, () => line));
    const peakFor = (megabytes: number, threads: string) =>
      new Promise<{ code: number | null; peakMB: number; outBytes: number }>((resolve, reject) => {
        const child = spawn(process.execPath, LAUNCHERS.bundled, {
          cwd: root,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, NODE_ENV: "test", REDACT_THREADS: threads },
          stdio: ["pipe", "pipe", "ignore"],
        });
        let peakKB = 0;
        let outBytes = 0;
        const poll = setInterval(() => {
          try {
            const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
            if (hwm) peakKB = Math.max(peakKB, Number(hwm[1]));
          } catch {
            // exited
          }
        }, 20);
        child.stdout.on("data", (d: Buffer) => (outBytes += d.length));
        child.on("error", reject);
        child.on("close", (code) => {
          clearInterval(poll);
          resolve({ code, peakMB: peakKB / 1024, outBytes });
        });
        let written = 0;
        const feed = () => {
          while (written < megabytes) {
            written++;
            if (!child.stdin.write(block)) return void child.stdin.once("drain", feed);
          }
          child.stdin.end();
        };
        feed();
      });
    for (const threads of ["1", "2"]) {
      const small = await peakFor(16, threads);
      const large = await peakFor(96, threads);
      expect(small.code).toBe(0);
      expect(large.code).toBe(0);
      expect(large.outBytes).toBeGreaterThan(96 * block.length * 0.9);
      expect(small.peakMB).toBeGreaterThan(0); // /proc was read
      expect(large.peakMB - small.peakMB).toBeLessThan(32);
    }
  }, 180_000);

  it("copies the text's own JSON literal around the placeholders: other escapes, key order, nesting, repeated keys, invalid UTF-8", async () => {
    const redactor = createRedactor({ key: Buffer.alloc(32, 1) });
    const raw = [
      // escapes JSON.stringify would not write, before and between findings
      `{"id":"a","text":"caf\\u00e9 \\/ \\"q\\" \\\\ token ${github} \\ud83d\\ude00 mail alice@example.com\\tend"}`,
      // text first, other members after, whitespace, a nested object holding another "text"
      `  { "text" : "😀 日本 password=${password} x" , "id" : 7 , "meta" : {"text": "${github}", "list": [1, "]", {"a": "}"}]} }  `,
      // repeated "text": JSON.parse keeps the last one
      `{"id":"r","text":"first ${github}","text":"second pwd: ${password} 日本 token ${github}"}`,
      // a key written with an escape
      `{"id":"k","te\\u0078t":"token ${github}"}`,
      // a surrogate pair right before a finding, and findings at both ends
      `{"id":"s","text":"${github} 😀${github}"}`,
    ];
    const input = `${raw.join("\n")}\n`;
    const invalid = Buffer.concat([Buffer.from(`{"id":"u","text":"bad byte `), Buffer.from([0xff]), Buffer.from(` then ${github}"}\n`)]);
    const { code, stdout } = await runCli(Buffer.concat([Buffer.from(input), invalid]));
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    const expected = [...raw, invalid.toString("utf8").trimEnd()].map((line) => {
      const record = JSON.parse(line);
      const result = redactor.redact(record.text);
      return { id: record.id, redacted: withoutFingerprints(result.redacted), findings: result.findings.map(({ type, start, end }) => ({ type, start, end })) };
    });
    expect(lines.map((l) => ({ ...l, redacted: withoutFingerprints(l.redacted) }))).toEqual(expected);
    expect(stdout).not.toContain(github);
    expect(stdout).not.toContain(password);
  });

  it("gives the same output, line numbers and exit code with a pool of threads as on the main thread alone", async () => {
    // ~3.6 MB: past the size where the pool starts, over several 1 MB batches
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 97 === 5) lines.push(`not json ${github}`);
      else if (i % 101 === 7) lines.push("");
      else lines.push(JSON.stringify({ id: i, text: `${i} 用户 key=${github} mail u${i}@example.com ${"lorem ipsum dolor ".repeat(200)}` }));
    }
    const input = `${lines.join("\n")}\n`;
    const single = await runCli(input, "bundled", { REDACT_THREADS: "1" });
    const pooled = await runCli(input, "bundled", { REDACT_THREADS: "3" });
    expect(single.code).toBe(1);
    expect(single.stdout.split("\n")).toHaveLength(1000 - 11 - 10 + 1);
    expect(pooled.code).toBe(single.code);
    expect(pooled.stdout).toBe(single.stdout);
    expect(pooled.stderr).toBe(single.stderr);
    expect(single.stderr).toMatch(/line 6: not valid JSON/);
    expect(single.stderr).toMatch(/line 976: not valid JSON/);
    expect(pooled.stdout).not.toContain(github);
    // through tsx the main thread redacts alone (see CAN_START_WORKERS), with the same output
    const direct = await runCli(input, "tsx", { REDACT_THREADS: "2" });
    expect(direct.stdout).toBe(single.stdout);
  }, 180_000);

  it("rejects a bad REDACT_THREADS by name", async () => {
    const { code, stdout, stderr } = await runCli(JSON.stringify({ id: 1, text: github }), "bundled", { REDACT_THREADS: "many" });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("REDACT_THREADS must be an integer from 1 to 64");
  });

  it("gives the same output when run through tsx as through the bundle npm run redact uses", async () => {
    const input = [`token ${github}`, `密码 😀 postgres://app:${password}@db/x`, "nothing"].map((text, i) => JSON.stringify({ id: i, text })).join("\n");
    const bundled = await runCli(input, "bundled");
    const direct = await runCli(input, "tsx");
    expect(direct.code).toBe(0);
    expect(direct.stdout).toBe(bundled.stdout);
  });

  it("stops quietly when its reader goes away (npm run redact | head)", async () => {
    const child = spawn(process.execPath, LAUNCHERS.bundled, {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, NODE_ENV: "test" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.stdout.once("data", () => child.stdout.destroy());
    const line = `${JSON.stringify({ id: 1, text: `key=${github} ${"x ".repeat(2000)}` })}\n`;
    child.stdin.on("error", () => {}); // the child may be gone before all input is written
    child.stdin.end(line.repeat(2000));
    expect(await closed).toBe(1);
    expect(stderr).toContain("stdout was closed");
    expect(stderr).not.toContain(github);
  });
});

/** Placeholders without their fingerprint (the CLI uses the demo key of its data folder). */
function withoutFingerprints(text: string): string {
  return text.replace(/\[(SECRET|PII):([a-z0-9_]+):[0-9a-f]{8}\]/g, "[$1:$2]");
}
