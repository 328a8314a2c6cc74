/**
 * Blind secrets probe: realistic developer pastes (source, config, infra, tool output, prose in several
 * languages) written without reading the detectors. Each sample holds 0–3 secrets shaped like real
 * ones (lengths, alphabets, prefixes) plus the look-alikes that sit next to them in real life
 * (digests, SHAs, UUIDs, lockfile integrity, placeholders, documented example keys). About a quarter
 * of the samples hold no secret at all, to measure false alarms.
 */
import { Buffer } from "node:buffer";
import { seededRandom } from "../../../app/lib/redaction/testing";
import type { ProbeSample, ProbeSet, ProbeValue } from "./types";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = "0123456789abcdef";
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;
const BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";

class Gen {
  private readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = seededRandom(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rnd() * items.length)] as T;
  }
  str(alphabet: string, n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.rnd() * alphabet.length)];
    return out;
  }
  hex(n: number): string {
    return this.str(HEX, n);
  }
  alnum(n: number): string {
    return this.str(ALNUM, n);
  }
  b64(n: number): string {
    return this.str(B64, n);
  }
  b64url(n: number): string {
    return this.str(B64URL, n);
  }
  digits(n: number): string {
    return this.str("123456789", 1) + this.str(DIGITS, n - 1);
  }
  bytesB64(n: number): string {
    const bytes = Buffer.alloc(n);
    for (let i = 0; i < n; i++) bytes[i] = this.int(0, 255);
    return bytes.toString("base64");
  }
  // ---- look-alikes
  sha1(): string {
    return this.hex(40);
  }
  sha256(): string {
    return this.hex(64);
  }
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(["8", "9", "a", "b"])}${this.hex(3)}-${this.hex(12)}`;
  }
  integrity(): string {
    return `sha512-${this.bytesB64(64)}`;
  }
  sri384(): string {
    return `sha384-${this.bytesB64(48)}`;
  }
  // ---- providers
  awsKeyId(prefix = "AKIA"): string {
    return prefix + this.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  }
  awsSecret(): string {
    return this.str(B64, 40);
  }
  awsSession(): string {
    return `IQoJb3JpZ2luX2VjE${this.str(B64, 300)}`;
  }
  gcpKey(): string {
    return `AIza${this.str(B64URL, 35)}`;
  }
  ghClassic(prefix: "ghp_" | "gho_" | "ghu_" | "ghs_" | "ghr_" = "ghp_"): string {
    return prefix + this.alnum(36);
  }
  ghFine(): string {
    return `github_pat_11${this.str(UPPER + DIGITS, 20)}_${this.alnum(59)}`;
  }
  glpat(): string {
    return `glpat-${this.str(B64URL, 20)}`;
  }
  npm(): string {
    return `npm_${this.alnum(36)}`;
  }
  pypi(): string {
    return `pypi-AgEIcHlwaS5vcmcCJG${this.str(B64URL, 150)}`;
  }
  openai(): string {
    return `sk-${this.alnum(20)}T3BlbkFJ${this.alnum(20)}`;
  }
  openaiProj(): string {
    return `sk-proj-${this.str(B64URL, 74)}T3BlbkFJ${this.str(B64URL, 74)}`;
  }
  anthropic(): string {
    return `sk-ant-api03-${this.str(B64URL, 93)}AA`;
  }
  slackBot(): string {
    return `xoxb-${this.digits(12)}-${this.digits(13)}-${this.alnum(24)}`;
  }
  slackUser(): string {
    return `xoxp-${this.digits(12)}-${this.digits(12)}-${this.digits(13)}-${this.hex(32)}`;
  }
  slackApp(): string {
    return `xapp-1-A${this.str(UPPER + DIGITS, 10)}-${this.digits(13)}-${this.hex(64)}`;
  }
  slackWebhook(): string {
    return `https://hooks.slack.com/services/T${this.str(UPPER + DIGITS, 8)}/B${this.str(UPPER + DIGITS, 10)}/${this.alnum(24)}`;
  }
  stripe(prefix = "sk_live_"): string {
    return prefix + this.alnum(this.pick([24, 99]));
  }
  whsec(): string {
    return `whsec_${this.alnum(32)}`;
  }
  sendgrid(): string {
    return `SG.${this.str(B64URL, 22)}.${this.str(B64URL, 43)}`;
  }
  jwt(payload: Record<string, unknown>, alg = "HS256"): string {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    return `${enc({ alg, typ: "JWT" })}.${enc(payload)}.${this.b64url(alg === "HS256" ? 43 : 342)}`;
  }
  azureStorageKey(): string {
    return `${this.bytesB64(64)}`;
  }
  azureClientSecret(): string {
    return `${this.alnum(3)}8Q~${this.str(`${ALNUM}_.~-`, 34)}`;
  }
  ageKey(): string {
    return `AGE-SECRET-KEY-1${this.str(BECH32, 58)}`;
  }
  telegram(): string {
    return `${this.digits(10)}:AA${this.str(B64URL, 33)}`;
  }
  pem(kind: "RSA" | "EC" | "PKCS8" | "OPENSSH" | "ENCRYPTED", eol = "\n", indent = ""): { block: string; body: string } {
    const header = kind === "PKCS8" ? "PRIVATE KEY" : kind === "ENCRYPTED" ? "ENCRYPTED PRIVATE KEY" : `${kind} PRIVATE KEY`;
    const start = { RSA: "MIIEowIBAAKCAQEA", EC: "MHcCAQEEI", PKCS8: "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC", OPENSSH: "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", ENCRYPTED: "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI" }[kind];
    const total = { RSA: 1580, EC: 160, PKCS8: 1620, OPENSSH: 380, ENCRYPTED: 1720 }[kind];
    const raw = start + this.b64(total - start.length);
    const lines: string[] = [];
    const width = kind === "OPENSSH" ? 70 : 64;
    for (let i = 0; i < raw.length; i += width) lines.push(indent + raw.slice(i, i + width));
    if (kind !== "OPENSSH") lines[lines.length - 1] += "==";
    const body = lines.join(eol);
    return { block: `${indent}-----BEGIN ${header}-----${eol}${body}${eol}${indent}-----END ${header}-----`, body };
  }
}

const sec = (value: string, label: string): ProbeValue => ({ value, kind: "secret", label });
const pii = (value: string, label: string): ProbeValue => ({ value, kind: "pii", label });

type Builder = (g: Gen) => ProbeSample;
const S = (id: string, format: string, text: string, sensitive: ProbeValue[], benign: string[] = []): ProbeSample => ({
  id,
  format,
  text,
  sensitive,
  benign,
});

const PASSWORDS = [
  "Tr0ub4dor&3x!",
  "qR7#vLp2!mZs9Wd",
  "S3cure-Pa55w0rd-2024",
  "h8Fq$w2!KzLp0x",
  "Winter2025!Blue",
  "p@ssW0rd_Prod#19",
  "kT9%nB4^eR1&zQ",
  "Zx8!mQ2#rV7$kP",
  "correct-horse-battery-9!",
  "N0tS0S3cret!?",
  "bX4&hJ7*qL2@",
  "Gh6_tY8-uI9=oP",
  "ro0tR00t!db",
  "Summer#Ledger42",
  "f9Kd83jLq0Pz",
  "M4ry-h4d-4-l1ttl3",
  "vH2q9Lx7Tz",
  "adm1n!Secure88",
];

function pw(g: Gen): string {
  return g.pick(PASSWORDS);
}

const python: Builder[] = [
  (g) => {
    const id = g.awsKeyId();
    const sk = g.awsSecret();
    const text = `import boto3

# TODO move to env before merging
session = boto3.Session(
    aws_access_key_id="${id}",
    aws_secret_access_key="${sk}",
    region_name="eu-west-1",
)
s3 = session.client("s3")
for obj in s3.list_objects_v2(Bucket="ledger-exports-prod")["Contents"]:
    print(obj["Key"], obj["ETag"])
`;
    return S("py/boto3-inline", "Python source", text, [sec(id, "aws access key id"), sec(sk, "aws secret access key")]);
  },
  (g) => {
    const k = g.openaiProj();
    const text = `from openai import OpenAI

client = OpenAI(api_key="${k}")

resp = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Summarize this diff"}],
    temperature=0.2,
)
print(resp.choices[0].message.content)
# why do I get 429 even though my usage is low??
`;
    return S("py/openai-client", "Python source", text, [sec(k, "openai project key")]);
  },
  (g) => {
    const p = pw(g);
    const text = `DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop_app",
        "PASSWORD": "${p}",
        "HOST": "db.internal.example.net",
        "PORT": "5432",
    }
}

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = ["shop.example.net"]
`;
    return S("py/django-settings", "Django settings.py", text, [sec(p, "database password")], ['os.environ.get("DJANGO_SECRET_KEY", "")']);
  },
  (g) => {
    const sk = `django-insecure-${g.str(`${LOWER}${DIGITS}!@#$%^&*(-_=+)`, 50)}`;
    const text = `# settings/base.py
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = '${sk}'

# SECURITY WARNING: don't run with debug turned on in production!
DEBUG = True
`;
    return S("py/django-secret-key", "Django settings.py", text, [sec(sk, "django secret key")]);
  },
  (g) => {
    const url = g.slackWebhook();
    const text = `import requests, json

WEBHOOK_URL = "${url}"

def notify(msg: str) -> None:
    r = requests.post(WEBHOOK_URL, data=json.dumps({"text": msg}), headers={"Content-Type": "application/json"})
    r.raise_for_status()

notify("deploy finished :rocket:")
`;
    return S("py/slack-webhook", "Python source", text, [sec(url.slice(url.indexOf("/services/") + 10), "slack webhook path")]);
  },
  (g) => {
    const p = encodeURIComponent(pw(g));
    const text = `Traceback (most recent call last):
  File "/app/worker.py", line 41, in <module>
    engine = create_engine(settings.DATABASE_URL)
  File "/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/create.py", line 552, in create_engine
    u, plugin, kwargs = u._instantiate_plugins(kwargs)
sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "10.2.0.15", port 5432 failed: FATAL:  password authentication failed for user "etl"
(Background on this error at: https://sqlalche.me/e/20/e3q8)
DATABASE_URL was postgresql+psycopg2://etl:${p}@10.2.0.15:5432/warehouse
`;
    return S("py/sqlalchemy-traceback", "Python traceback", text, [sec(p, "postgres password in URL")], ["https://sqlalche.me/e/20/e3q8"]);
  },
  (g) => {
    const k = g.anthropic();
    const text = `import anthropic
import os

client = anthropic.Anthropic(
    # defaults to os.environ.get("ANTHROPIC_API_KEY")
    api_key="${k}",
)
message = client.messages.create(
    model="claude-3-5-sonnet-20241022",
    max_tokens=1024,
    messages=[{"role": "user", "content": "Hello, Claude"}],
)
`;
    return S("py/anthropic", "Python source", text, [sec(k, "anthropic api key")], ["claude-3-5-sonnet-20241022"]);
  },
  (g) => {
    const tok = g.telegram();
    const text = `from telegram.ext import ApplicationBuilder, CommandHandler

async def start(update, context):
    await update.message.reply_text("hi!")

app = ApplicationBuilder().token("${tok}").build()
app.add_handler(CommandHandler("start", start))
app.run_polling()
`;
    return S("py/telegram-bot", "Python source", text, [sec(tok, "telegram bot token")]);
  },
  (g) => {
    const hf = `hf_${g.str(UPPER + LOWER, 34)}`;
    const text = `from huggingface_hub import login
from transformers import AutoTokenizer, AutoModelForCausalLM

login(token="${hf}")
tok = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B-Instruct", revision="0e9e39f249a16976918f6564b8830bc894c89659")
model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")
`;
    return S("py/huggingface", "Python source", text, [sec(hf, "hugging face token")], ["0e9e39f249a16976918f6564b8830bc894c89659"]);
  },
  (g) => {
    const k = `r8_${g.alnum(37)}`;
    const text = `import replicate
import os
os.environ["REPLICATE_API_TOKEN"] = "${k}"
output = replicate.run(
    "stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b",
    input={"prompt": "an astronaut riding a horse"},
)
`;
    return S("py/replicate", "Python source", text, [sec(k, "replicate token")], ["39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b"]);
  },
  (g) => {
    const k = `gsk_${g.alnum(52)}`;
    const m = g.alnum(32);
    const text = `# llm_router.py
PROVIDERS = {
    "groq": {"base_url": "https://api.groq.com/openai/v1", "api_key": "${k}"},
    "mistral": {"base_url": "https://api.mistral.ai/v1", "api_key": "${m}"},
    "local": {"base_url": "http://localhost:11434/v1", "api_key": "ollama"},
}
`;
    return S("py/llm-router", "Python source", text, [sec(k, "groq key"), sec(m, "mistral api key (no prefix)")], ['"api_key": "ollama"']);
  },
  (g) => {
    const co = g.alnum(40);
    const text = `>>> import cohere
>>> co = cohere.Client('${co}')
>>> co.embed(texts=["hello"], model="embed-english-v3.0").embeddings[0][:4]
[0.0123, -0.0441, 0.0870, 0.0015]
`;
    return S("py/cohere-repl", "Python REPL", text, [sec(co, "cohere api key")]);
  },
  (g) => {
    const p = pw(g);
    const text = `import pymysql

conn = pymysql.connect(host='127.0.0.1', user='root', passwd='${p}', db='legacy', charset='utf8mb4')
with conn.cursor() as cur:
    cur.execute("SELECT id, email FROM users WHERE created_at > %s", ("2024-01-01",))
    print(cur.fetchall())
`;
    return S("py/pymysql-passwd", "Python source", text, [sec(p, "mysql passwd kwarg")]);
  },
  (g) => {
    const tok = g.ghClassic();
    const text = `class GitHubClient:
    def __init__(self):
        self.session = requests.Session()
        self.session.headers.update({
            "Accept": "application/vnd.github+json",
            "Authorization": f"token ${tok}",
            "X-GitHub-Api-Version": "2022-11-28",
        })
`;
    return S("py/github-session", "Python source", text, [sec(tok, "github classic pat")], ["2022-11-28"]);
  },
];

const notebook: Builder[] = [
  (g) => {
    const k = g.openai();
    const text = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 3,
   "id": "${g.hex(8)}",
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "OPENAI_API_KEY = ${k}\\n",
      "model loaded\\n"
     ]
    }
   ],
   "source": [
    "import os\\n",
    "print('OPENAI_API_KEY =', os.environ['OPENAI_API_KEY'])\\n",
    "print('model loaded')"
   ]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}`;
    return S("ipynb/openai-output", "Jupyter notebook JSON", text, [sec(k, "openai key in cell output")]);
  },
  (g) => {
    const p = encodeURIComponent(pw(g));
    const img = g.bytesB64(600);
    const text = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 7,
   "metadata": {},
   "outputs": [
    {
     "data": {
      "image/png": "iVBORw0KGgoAAAANSUhEUgAA${img}",
      "text/plain": ["<Figure size 640x480 with 1 Axes>"]
     },
     "output_type": "display_data"
    }
   ],
   "source": [
    "engine = create_engine(\\"postgresql://analyst:${p}@warehouse:5432/dw\\")\\n",
    "df = pd.read_sql('select * from orders', engine)\\n",
    "df.plot()"
   ]
  }
 ]
}`;
    return S("ipynb/pg-url-plot", "Jupyter notebook JSON", text, [sec(p, "postgres password in escaped JSON")], [img]);
  },
];

const js: Builder[] = [
  (g) => {
    const k = g.stripe();
    const wh = g.whsec();
    const text = `import Stripe from "stripe";
import express from "express";

const stripe = new Stripe("${k}", { apiVersion: "2024-06-20" });
const endpointSecret = "${wh}";

app.post("/webhook", express.raw({ type: "application/json" }), (req, res) => {
  const sig = req.headers["stripe-signature"];
  let event;
  try {
    event = stripe.webhooks.constructEvent(req.body, sig, endpointSecret);
  } catch (err) {
    return res.status(400).send(\`Webhook Error: \${err.message}\`);
  }
  res.json({ received: true });
});
`;
    return S("js/stripe-webhook", "JavaScript (Express)", text, [sec(k, "stripe secret key"), sec(wh, "stripe webhook secret")], ["2024-06-20"]);
  },
  (g) => {
    const apiKey = g.gcpKey();
    const text = `// src/firebase.ts
import { initializeApp } from "firebase/app";

const firebaseConfig = {
  apiKey: "${apiKey}",
  authDomain: "ledger-demo-4f2a1.firebaseapp.com",
  projectId: "ledger-demo-4f2a1",
  storageBucket: "ledger-demo-4f2a1.appspot.com",
  messagingSenderId: "${g.digits(12)}",
  appId: "1:${g.digits(12)}:web:${g.hex(22)}",
  measurementId: "G-${g.str(UPPER + DIGITS, 10)}",
};

export const app = initializeApp(firebaseConfig);
`;
    return S("ts/firebase-config", "TypeScript source", text, [sec(apiKey, "firebase/google api key")]);
  },
  (g) => {
    const jwtv = g.jwt({ iss: "supabase", ref: g.str(LOWER, 20), role: "service_role", iat: 1716239022, exp: 2031815022 });
    const text = `import { createClient } from '@supabase/supabase-js'

// server-only client, bypasses RLS
export const supabaseAdmin = createClient(
  'https://${g.str(LOWER, 20)}.supabase.co',
  '${jwtv}',
  { auth: { persistSession: false } }
)
`;
    return S("ts/supabase-admin", "TypeScript source", text, [sec(jwtv, "supabase service role jwt")]);
  },
  (g) => {
    const k = g.sendgrid();
    const text = `const sgMail = require('@sendgrid/mail')
sgMail.setApiKey('${k}')
const msg = {
  to: 'test@example.com',
  from: 'noreply@example.com',
  subject: 'Sending with SendGrid is Fun',
  text: 'and easy to do anywhere, even with Node.js',
}
sgMail.send(msg).then(() => console.log('Email sent')).catch(console.error)
`;
    return S("js/sendgrid", "JavaScript source", text, [sec(k, "sendgrid api key"), pii("test@example.com", "email"), pii("noreply@example.com", "email")]);
  },
  (g) => {
    const sid = `AC${g.hex(32)}`;
    const token = g.hex(32);
    const text = `const accountSid = '${sid}';
const authToken = '${token}';
const client = require('twilio')(accountSid, authToken);

client.messages
  .create({ body: 'Your code is 482913', from: '+15017122661', to: '+15558675310' })
  .then(message => console.log(message.sid));
`;
    return S("js/twilio", "JavaScript source", text, [sec(token, "twilio auth token"), pii("+15017122661", "phone"), pii("+15558675310", "phone")], [sid]);
  },
  (g) => {
    const tok = g.slackBot();
    const text = `const { App } = require('@slack/bolt');

const app = new App({
  token: '${tok}',
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  socketMode: true,
  appToken: process.env.SLACK_APP_TOKEN,
});

app.message('hello', async ({ message, say }) => {
  await say(\`Hey there <@\${message.user}>!\`);
});
`;
    return S("js/slack-bolt", "JavaScript source", text, [sec(tok, "slack bot token")], ["process.env.SLACK_SIGNING_SECRET", "process.env.SLACK_APP_TOKEN"]);
  },
  (g) => {
    const p = pw(g);
    const text = `// knexfile.js
module.exports = {
  development: {
    client: 'postgresql',
    connection: { host: 'localhost', database: 'app_dev', user: 'postgres', password: 'postgres' },
  },
  production: {
    client: 'postgresql',
    connection: {
      host: 'prod-db.cluster-c9akciq32.eu-central-1.rds.amazonaws.com',
      database: 'app',
      user: 'app_rw',
      password: '${p}',
    },
    pool: { min: 2, max: 10 },
  },
};
`;
    return S("js/knexfile", "JavaScript (knexfile)", text, [sec(p, "db password")]);
  },
  (g) => {
    const mongoPw = g.alnum(16);
    const text = `import mongoose from "mongoose";

const uri = "mongodb+srv://admin:${mongoPw}@cluster0.ab1cd.mongodb.net/orders?retryWrites=true&w=majority";

await mongoose.connect(uri);
console.log("connected", mongoose.connection.readyState);
`;
    return S("ts/mongo-srv", "TypeScript source", text, [sec(mongoPw, "mongodb password")]);
  },
  (g) => {
    const k = `lin_api_${g.alnum(40)}`;
    const text = `import { LinearClient } from "@linear/sdk";

const linear = new LinearClient({ apiKey: "${k}" });
const me = await linear.viewer;
const issues = await me.assignedIssues();
issues.nodes.forEach((i) => console.log(i.identifier, i.title));
`;
    return S("ts/linear", "TypeScript source", text, [sec(k, "linear api key")]);
  },
  (g) => {
    const k = `ntn_${g.digits(11)}${g.alnum(35)}`;
    const text = `const { Client } = require("@notionhq/client")

const notion = new Client({ auth: "${k}" })

;(async () => {
  const databaseId = "${g.hex(32)}"
  const response = await notion.databases.query({ database_id: databaseId })
  console.log(response.results.length)
})()
`;
    return S("js/notion", "JavaScript source", text, [sec(k, "notion integration token")]);
  },
  (g) => {
    const k = `pat${g.alnum(14)}.${g.hex(64)}`;
    const text = `const Airtable = require('airtable');
const base = new Airtable({ apiKey: '${k}' }).base('app${g.alnum(14)}');

base('Tasks').select({ view: 'Grid view' }).firstPage((err, records) => {
  if (err) { console.error(err); return; }
  records.forEach((r) => console.log('Retrieved', r.get('Name')));
});
`;
    return S("js/airtable", "JavaScript source", text, [sec(k, "airtable personal access token")]);
  },
  (g) => {
    const secret = g.b64url(64);
    const text = `// auth0 config (next-auth)
export const authOptions = {
  providers: [
    Auth0Provider({
      clientId: "${g.alnum(32)}",
      clientSecret: "${secret}",
      issuer: "https://dev-${g.str(LOWER + DIGITS, 8)}.us.auth0.com",
    }),
  ],
  secret: process.env.NEXTAUTH_SECRET,
};
`;
    return S("ts/auth0-nextauth", "TypeScript source", text, [sec(secret, "auth0 client secret")], ["process.env.NEXTAUTH_SECRET"]);
  },
  (g) => {
    const cf = g.str(B64URL, 40);
    const text = `// wrangler deploy script
const CF_ACCOUNT = "${g.hex(32)}";
const CF_TOKEN = "${cf}";

const res = await fetch(\`https://api.cloudflare.com/client/v4/accounts/\${CF_ACCOUNT}/workers/scripts\`, {
  headers: { Authorization: \`Bearer \${CF_TOKEN}\` },
});
console.log(await res.json());
`;
    return S("ts/cloudflare-token", "TypeScript source", text, [sec(cf, "cloudflare api token")]);
  },
  (g) => {
    const jwtv = g.jwt({ sub: "user_2b9f", email: "dana@example.org", scope: "read:orders write:orders", iat: 1718200000, exp: 1718203600 });
    const text = `it("rejects expired tokens", async () => {
  const res = await request(app)
    .get("/api/orders")
    .set("Authorization", "Bearer ${jwtv}");
  expect(res.status).toBe(401);
});
`;
    return S("ts/jest-jwt", "Jest test", text, [sec(jwtv, "jwt bearer")]);
  },
  (g) => {
    const k = `${g.hex(32)}`;
    const ak = g.hex(40);
    const text = `// datadog.js
const { client, v1 } = require('@datadog/datadog-api-client');
const configuration = client.createConfiguration({
  authMethods: {
    apiKeyAuth: '${k}',
    appKeyAuth: '${ak}',
  },
});
configuration.setServerVariables({ site: 'datadoghq.eu' });
`;
    return S("js/datadog", "JavaScript source", text, [sec(k, "datadog api key"), sec(ak, "datadog app key")]);
  },
];

const go: Builder[] = [
  (g) => {
    const id = g.awsKeyId("ASIA");
    const sk = g.awsSecret();
    const st = g.awsSession();
    const text = `package main

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

func staticCreds() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(
		"${id}",
		"${sk}",
		"${st}",
	)
}
`;
    return S("go/aws-session", "Go source", text, [sec(id, "aws temporary key id"), sec(sk, "aws secret key"), sec(st, "aws session token")]);
  },
  (g) => {
    const p = pw(g);
    const text = `func openDB() (*sql.DB, error) {
	dsn := "app:${p}@tcp(mysql.internal:3306)/inventory?parseTime=true&loc=UTC"
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	db.SetMaxOpenConns(20)
	return db, db.Ping()
}
`;
    return S("go/mysql-dsn", "Go source", text, [sec(p, "mysql dsn password")]);
  },
  (g) => {
    const tok = g.ghFine();
    const text = `var (
	owner = "acme"
	repo  = "ledger"
)

func main() {
	ctx := context.Background()
	client := github.NewClient(nil).WithAuthToken("${tok}")
	prs, _, err := client.PullRequests.List(ctx, owner, repo, &github.PullRequestListOptions{State: "open"})
	if err != nil {
		log.Fatal(err)
	}
	for _, pr := range prs {
		fmt.Println(pr.GetNumber(), pr.GetTitle())
	}
}
`;
    return S("go/github-fine-grained", "Go source", text, [sec(tok, "github fine-grained pat")]);
  },
  (g) => {
    const p = pw(g);
    const text = `rdb := redis.NewClient(&redis.Options{
	Addr:     "cache-01.internal:6379",
	Password: "${p}",
	DB:       0,
})
if err := rdb.Ping(ctx).Err(); err != nil {
	panic(err)
}
`;
    return S("go/redis-options", "Go source", text, [sec(p, "redis password")]);
  },
  (g) => {
    const secret = g.b64(44);
    const text = `const (
	jwtIssuer = "ledger-api"
	jwtSecret = "${secret}"
	tokenTTL  = 15 * time.Minute
)

func sign(userID string) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": userID, "iss": jwtIssuer})
	return t.SignedString([]byte(jwtSecret))
}
`;
    return S("go/jwt-secret-const", "Go source", text, [sec(secret, "jwt signing secret")]);
  },
  (g) => {
    const hv = `hvs.${g.alnum(24)}`;
    const text = `	config := vault.DefaultConfig()
	config.Address = "https://vault.internal:8200"
	client, err := vault.NewClient(config)
	if err != nil {
		log.Fatalf("unable to initialize Vault client: %v", err)
	}
	client.SetToken("${hv}")
	secret, err := client.KVv2("secret").Get(ctx, "my-secret-password")
`;
    return S("go/vault-token", "Go source", text, [sec(hv, "vault token")]);
  },
];

const rust: Builder[] = [
  (g) => {
    const k = g.openai();
    const text = `use async_openai::{config::OpenAIConfig, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = OpenAIConfig::new().with_api_key("${k}");
    let client = Client::with_config(config);
    let models = client.models().list().await?;
    println!("{:#?}", models.data.len());
    Ok(())
}
`;
    return S("rs/openai", "Rust source", text, [sec(k, "openai api key")]);
  },
  (g) => {
    const p = pw(g);
    const text = `let pool = PgPoolOptions::new()
    .max_connections(5)
    .connect("postgres://billing:${encodeURIComponent(p)}@localhost/billing")
    .await?;

let row: (i64,) = sqlx::query_as("SELECT $1")
    .bind(150_i64)
    .fetch_one(&pool).await?;
`;
    return S("rs/sqlx-url", "Rust source", text, [sec(encodeURIComponent(p), "postgres password (url-encoded)")]);
  },
  (g) => {
    const k = g.stripe("rk_live_");
    const text = `#[derive(Debug, Deserialize)]
struct Settings {
    stripe_key: String,
}

#[test]
fn parses_settings() {
    let s: Settings = toml::from_str(r#"stripe_key = "${k}""#).unwrap();
    assert!(s.stripe_key.starts_with("rk_live_"));
}
`;
    return S("rs/toml-stripe", "Rust test", text, [sec(k, "stripe restricted key")]);
  },
];

const jvm: Builder[] = [
  (g) => {
    const p = pw(g);
    const text = `spring.application.name=orders
server.port=8080
spring.datasource.url=jdbc:postgresql://db:5432/orders
spring.datasource.username=orders
spring.datasource.password=${p}
spring.jpa.hibernate.ddl-auto=validate
management.endpoints.web.exposure.include=health,info
`;
    return S("java/application-properties", "Spring application.properties", text, [sec(p, "datasource password")]);
  },
  (g) => {
    const p = pw(g);
    const cs = g.b64url(40);
    const text = `spring:
  datasource:
    url: jdbc:mysql://mysql:3306/app?useSSL=false&serverTimezone=UTC
    username: app
    password: ${p}
  security:
    oauth2:
      client:
        registration:
          keycloak:
            client-id: app-backend
            client-secret: ${cs}
            scope: openid,profile
`;
    return S("java/application-yml", "Spring application.yml", text, [sec(p, "datasource password"), sec(cs, "oauth client secret")]);
  },
  (g) => {
    const p = pw(g);
    const text = `public class Db {
    private static final String URL = "jdbc:sqlserver://sql01.corp.local:1433;databaseName=HR;user=hr_app;password=${p};encrypt=true;trustServerCertificate=true";

    public static Connection open() throws SQLException {
        return DriverManager.getConnection(URL);
    }
}
`;
    return S("java/jdbc-sqlserver", "Java source", text, [sec(p, "jdbc password")]);
  },
  (g) => {
    const p = pw(g);
    const text = `$ keytool -importkeystore -srckeystore server.p12 -srcstoretype PKCS12 -srcstorepass '${p}' -destkeystore server.jks -deststorepass '${p}' -alias tomcat
Importing keystore server.p12 to server.jks...
Entry for alias tomcat successfully imported.
Import command completed:  1 entries successfully imported, 0 entries failed or cancelled
`;
    return S("java/keytool", "shell (keytool)", text, [sec(p, "keystore password")]);
  },
  (g) => {
    const k = g.ghClassic("ghp_");
    const text = `// build.gradle.kts
repositories {
    mavenCentral()
    maven {
        url = uri("https://maven.pkg.github.com/acme/shared-libs")
        credentials {
            username = "ci-bot"
            password = "${k}"
        }
    }
}
`;
    return S("kt/gradle-github-packages", "Gradle Kotlin DSL", text, [sec(k, "github pat in gradle")]);
  },
  (g) => {
    const p = pw(g);
    const text = `<settings>
  <servers>
    <server>
      <id>nexus-releases</id>
      <username>deployment</username>
      <password>${p}</password>
    </server>
  </servers>
</settings>
`;
    return S("java/maven-settings", "Maven settings.xml", text, [sec(p, "maven server password")]);
  },
  (g) => {
    const k = g.alnum(32);
    const text = `object Config {
    const val BASE_URL = "https://api.openweathermap.org/data/2.5/"
    const val WEATHER_API_KEY = "${k}"
    const val TIMEOUT_SECONDS = 30L
}
`;
    return S("kt/object-const", "Kotlin source", text, [sec(k, "weather api key (no prefix)")]);
  },
  (g) => {
    const p = pw(g);
    const text = `// build.sbt
credentials += Credentials("Sonatype Nexus Repository Manager", "nexus.acme.io", "deployer", "${p}")
publishTo := Some("releases" at "https://nexus.acme.io/repository/maven-releases/")
libraryDependencies += "org.typelevel" %% "cats-effect" % "3.5.4"
`;
    return S("scala/sbt-credentials", "sbt build", text, [sec(p, "nexus password")], ["3.5.4"]);
  },
];

const dotnet: Builder[] = [
  (g) => {
    const p = pw(g);
    const key = g.azureStorageKey();
    const text = `{
  "Logging": { "LogLevel": { "Default": "Information" } },
  "ConnectionStrings": {
    "Default": "Server=tcp:sql-ledger.database.windows.net,1433;Initial Catalog=ledger;User ID=ledger_app;Password=${p};Encrypt=True;Connection Timeout=30;",
    "Storage": "DefaultEndpointsProtocol=https;AccountName=ledgerstore01;AccountKey=${key};EndpointSuffix=core.windows.net"
  },
  "AllowedHosts": "*"
}
`;
    return S("cs/appsettings", "appsettings.json", text, [sec(p, "sql server password"), sec(key, "azure storage account key")]);
  },
  (g) => {
    const p = pw(g);
    const text = `<configuration>
  <connectionStrings>
    <add name="Main" connectionString="Data Source=SQL01;Initial Catalog=Payroll;User Id=payroll;Password=${p};" providerName="System.Data.SqlClient" />
  </connectionStrings>
  <appSettings>
    <add key="webpages:Version" value="3.0.0.0" />
    <add key="SmtpPassword" value="${p.split("").reverse().join("")}" />
  </appSettings>
</configuration>
`;
    return S("cs/web-config", "web.config", text, [sec(p, "sql password"), sec(p.split("").reverse().join(""), "smtp password appSetting")], ["3.0.0.0"]);
  },
  (g) => {
    const cs = g.azureClientSecret();
    const text = `var credential = new ClientSecretCredential(
    tenantId: "${g.uuid()}",
    clientId: "${g.uuid()}",
    clientSecret: "${cs}");
var client = new SecretClient(new Uri("https://kv-ledger.vault.azure.net/"), credential);
KeyVaultSecret s = await client.GetSecretAsync("db-password");
`;
    return S("cs/azure-client-secret", "C# source", text, [sec(cs, "azure ad client secret")]);
  },
  (g) => {
    const sig = encodeURIComponent(g.bytesB64(32));
    const text = `var blobUri = new Uri("https://ledgerstore01.blob.core.windows.net/exports/report-2024-06.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2024-07-01T00:00:00Z&st=2024-06-01T00:00:00Z&spr=https&sig=${sig}");
var blob = new BlobClient(blobUri);
await blob.DownloadToAsync("report.csv");
`;
    return S("cs/sas-url", "C# source", text, [sec(sig, "azure sas signature")]);
  },
  (g) => {
    const p = pw(g);
    const text = `  "Smtp": {
    "Host": "smtp.office365.com",
    "Port": 587,
    "UserName": "alerts@contoso.com",
    "Password": "${p}",
    "EnableSsl": true
  },
`;
    return S("cs/appsettings-smtp", "appsettings.json fragment", text, [sec(p, "smtp password"), pii("alerts@contoso.com", "email")]);
  },
];

const php: Builder[] = [
  (g) => {
    const appKey = `base64:${g.bytesB64(32)}`;
    const p = pw(g);
    const mg = `key-${g.hex(32)}`;
    const text = `APP_NAME=Laravel
APP_ENV=production
APP_KEY=${appKey}
APP_DEBUG=false
APP_URL=https://shop.example.com

DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_PORT=3306
DB_DATABASE=shop
DB_USERNAME=shop
DB_PASSWORD=${p}

MAIL_MAILER=mailgun
MAILGUN_DOMAIN=mg.example.com
MAILGUN_SECRET=${mg}

REDIS_PASSWORD=null
PUSHER_APP_SECRET=
`;
    return S("php/laravel-env", "Laravel .env", text, [sec(appKey, "laravel app key"), sec(p, "db password"), sec(mg, "mailgun api key")], ["REDIS_PASSWORD=null"]);
  },
  (g) => {
    const p = pw(g);
    const salts = Array.from({ length: 2 }, () => g.str(`${ALNUM}!@#$%^&*()-_[]{}<>~+=,.;:/?|`, 64).replace(/'/g, "x"));
    const text = `<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wp_user' );
define( 'DB_PASSWORD', '${p}' );
define( 'DB_HOST', 'localhost' );
define( 'DB_CHARSET', 'utf8mb4' );

define( 'AUTH_KEY',         '${salts[0]}' );
define( 'SECURE_AUTH_KEY',  '${salts[1]}' );

$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
`;
    return S("php/wp-config", "wp-config.php", text, [sec(p, "wordpress db password"), sec(salts[0] as string, "wp auth key salt"), sec(salts[1] as string, "wp secure auth key salt")]);
  },
  (g) => {
    const k = g.stripe();
    const text = `<?php
require_once 'vendor/autoload.php';

$stripe = new \\Stripe\\StripeClient('${k}');
$session = $stripe->checkout->sessions->create([
  'success_url' => 'https://example.com/success',
  'line_items' => [['price' => 'price_1MotwRLkdIwHu7ixYcPLm5uZ', 'quantity' => 2]],
  'mode' => 'payment',
]);
`;
    return S("php/stripe-client", "PHP source", text, [sec(k, "stripe secret key")], ["price_1MotwRLkdIwHu7ixYcPLm5uZ"]);
  },
  (g) => {
    const p = pw(g);
    const text = `<?php
return [
    'driver' => 'smtp',
    'host' => env('MAIL_HOST', 'smtp.mailgun.org'),
    'port' => 587,
    'username' => 'postmaster@mg.example.com',
    'password' => '${p}',
    'encryption' => 'tls',
];
`;
    return S("php/config-array", "PHP config array", text, [sec(p, "smtp password (=>)"), pii("postmaster@mg.example.com", "email")], ["env('MAIL_HOST', 'smtp.mailgun.org')"]);
  },
];

const ruby: Builder[] = [
  (g) => {
    const p = pw(g);
    const text = `default: &default
  adapter: postgresql
  encoding: unicode
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

development:
  <<: *default
  database: app_development

production:
  <<: *default
  database: app_production
  username: app
  password: ${p}
  host: db.prod.internal
`;
    return S("rb/database-yml", "Rails database.yml", text, [sec(p, "db password")]);
  },
  (g) => {
    const skb = g.hex(128);
    const aws = g.awsSecret();
    const id = g.awsKeyId();
    const text = `$ EDITOR=cat bin/rails credentials:edit
# aws:
#   access_key_id: 123
#   secret_access_key: 345
aws:
  access_key_id: ${id}
  secret_access_key: ${aws}

# Used as the base secret for all MessageVerifiers in Rails, including the one protecting cookies.
secret_key_base: ${skb}
File encrypted and saved.
`;
    return S("rb/credentials-edit", "Rails credentials output", text, [sec(id, "aws key id"), sec(aws, "aws secret key"), sec(skb, "rails secret_key_base")]);
  },
  (g) => {
    const k = `shpat_${g.hex(32)}`;
    const apiKey = g.hex(32);
    const apiSecret = g.hex(32);
    const text = `ShopifyAPI::Context.setup(
  api_key: "${apiKey}",
  api_secret_key: "${apiSecret}",
  host: "https://my-app.example.com",
  scope: "read_orders,read_products",
  is_embedded: true,
  api_version: "2024-04",
  is_private: true,
  private_app_storefront_access_token: nil,
)
session = ShopifyAPI::Auth::Session.new(shop: "acme-store.myshopify.com", access_token: "${k}")
`;
    return S("rb/shopify", "Ruby source", text, [sec(apiKey, "shopify app api key"), sec(apiSecret, "shopify app api secret"), sec(k, "shopify admin access token")]);
  },
  (g) => {
    const p = pw(g);
    const text = `Sidekiq.configure_server do |config|
  config.redis = { url: "redis://:${encodeURIComponent(p)}@redis.internal:6379/1", network_timeout: 5 }
end
`;
    return S("rb/sidekiq-redis", "Ruby source", text, [sec(encodeURIComponent(p), "redis password in url")]);
  },
];

const mobile: Builder[] = [
  (g) => {
    const k = g.gcpKey();
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>API_KEY</key>
	<string>${k}</string>
	<key>GCM_SENDER_ID</key>
	<string>${g.digits(12)}</string>
	<key>BUNDLE_ID</key>
	<string>com.acme.ledger</string>
	<key>PROJECT_ID</key>
	<string>acme-ledger</string>
	<key>IS_ADS_ENABLED</key>
	<false></false>
</dict>
</plist>
`;
    return S("ios/googleservice-plist", "GoogleService-Info.plist", text, [sec(k, "google api key in plist")]);
  },
  (g) => {
    const secret = g.alnum(40);
    const text = `<key>MixpanelToken</key>
<string>${g.hex(32)}</string>
<key>BackendClientSecret</key>
<string>${secret}</string>
<key>CFBundleShortVersionString</key>
<string>4.12.0</string>
`;
    return S("ios/info-plist-secret", "Info.plist fragment", text, [sec(secret, "client secret in plist")], ["4.12.0"]);
  },
  (g) => {
    const k = g.alnum(40);
    const text = `enum Secrets {
    static let algoliaAppID = "${g.str(UPPER + DIGITS, 10)}"
    static let algoliaAdminKey = "${k.slice(0, 32)}"
}

// Objective-C
static NSString * const kApiSecret = @"${k}";
`;
    return S("swift/secrets-enum", "Swift / Objective-C", text, [sec(k.slice(0, 32), "algolia admin key"), sec(k, "objc api secret")]);
  },
];

const misc: Builder[] = [
  (g) => {
    const p = pw(g);
    const skb = g.b64(64);
    const text = `import Config

config :my_app, MyApp.Repo,
  username: "postgres",
  password: "${p}",
  hostname: "db.internal",
  database: "my_app_prod",
  pool_size: 15

config :my_app, MyAppWeb.Endpoint,
  secret_key_base: "${skb}"
`;
    return S("ex/runtime-exs", "Elixir config", text, [sec(p, "repo password"), sec(skb, "phoenix secret_key_base")]);
  },
  (g) => {
    const p = pw(g);
    const text = `library(DBI)
con <- dbConnect(
  RPostgres::Postgres(),
  dbname = "surveys",
  host = "10.0.4.22",
  user = "analyst",
  password = "${p}"
)
df <- dbGetQuery(con, "SELECT * FROM responses LIMIT 10")
`;
    return S("r/dbi-connect", "R script", text, [sec(p, "postgres password")]);
  },
  (g) => {
    const k = g.alnum(32);
    const text = `Sys.setenv(CENSUS_API_KEY = "${k}")
api_key <- "${k}"
library(tidycensus)
census_api_key(api_key, install = TRUE)
`;
    return S("r/census-key", "R script", text, [sec(k, "census api key")]);
  },
  (g) => {
    const p = pw(g);
    const text = `-- create roles for the reporting service
CREATE USER reporting WITH PASSWORD '${p}';
GRANT CONNECT ON DATABASE ledger TO reporting;
GRANT USAGE ON SCHEMA public TO reporting;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO reporting;
`;
    return S("sql/create-user", "SQL", text, [sec(p, "role password")]);
  },
  (g) => {
    const p = pw(g);
    const p2 = pw(g) + "9";
    const text = `ALTER ROLE app_rw WITH LOGIN PASSWORD '${p}' VALID UNTIL '2026-01-01';
CREATE USER 'etl'@'%' IDENTIFIED BY '${p2}';
GRANT SELECT, INSERT ON warehouse.* TO 'etl'@'%';
FLUSH PRIVILEGES;
`;
    return S("sql/alter-role-mysql", "SQL", text, [sec(p, "postgres role password"), sec(p2, "mysql identified by")]);
  },
  (g) => {
    const p = pw(g);
    const text = `EXEC sp_addlinkedsrvlogin @rmtsrvname = N'REPORTS', @useself = N'False', @locallogin = NULL, @rmtuser = N'report_reader', @rmtpassword = N'${p}';
GO
`;
    return S("sql/tsql-linked", "T-SQL", text, [sec(p, "linked server password")]);
  },
];

const shell: Builder[] = [
  (g) => {
    const t = g.ghClassic();
    const text = `$ git remote -v
origin	https://x-access-token:${t}@github.com/acme/ledger.git (fetch)
origin	https://x-access-token:${t}@github.com/acme/ledger.git (push)
$ git log -1 --format='%H %an <%ae>'
${g.sha1()} Priya Raman <priya.raman@acme.io>
`;
    return S("sh/git-remote-token", "shell session", text, [sec(t, "github token in remote url"), pii("priya.raman@acme.io", "email")]);
  },
  (g) => {
    const t = g.openai();
    const text = `curl https://api.openai.com/v1/chat/completions \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer ${t}" \\
  -d '{
    "model": "gpt-4o",
    "messages": [{"role": "user", "content": "Say this is a test!"}],
    "temperature": 0.7
  }'
`;
    return S("sh/curl-openai", "curl command", text, [sec(t, "openai key in bearer header")]);
  },
  (g) => {
    const p = pw(g);
    const text = `curl -u 'admin:${p}' -X PUT "http://localhost:9200/_cluster/settings" -H 'Content-Type: application/json' -d'
{ "persistent": { "cluster.routing.allocation.enable": "all" } }'
{"acknowledged":true,"persistent":{"cluster":{"routing":{"allocation":{"enable":"all"}}}},"transient":{}}
`;
    return S("sh/curl-basic-u", "curl command", text, [sec(p, "elasticsearch password via -u")]);
  },
  (g) => {
    const k = g.alnum(32);
    const text = `wget -qO- "https://api.example-weather.com/v1/forecast?lat=52.52&lon=13.41&api_key=${k}&units=metric" | jq '.daily[0]'
{
  "dt": 1718272800,
  "temp": { "min": 12.3, "max": 21.8 }
}
`;
    return S("sh/wget-api-key-query", "wget command", text, [sec(k, "api key in query string")], ["1718272800"]);
  },
  (g) => {
    const t = g.jwt({ sub: "svc-ingest", aud: "api.acme.io", exp: 1893456000 });
    const text = `http POST https://api.acme.io/v2/ingest Authorization:"Bearer ${t}" source=cli batch:='[1,2,3]'
HTTP/1.1 202 Accepted
Content-Type: application/json
X-Request-Id: ${g.uuid()}
`;
    return S("sh/httpie-bearer", "httpie command", text, [sec(t, "jwt in httpie header")]);
  },
  (g) => {
    const p = pw(g);
    const text = `#!/usr/bin/env bash
set -euo pipefail

export PGPASSWORD='${p}'
BACKUP="/var/backups/pg/$(date +%F).sql.gz"
pg_dump -h db01 -U backup -d ledger | gzip > "$BACKUP"
aws s3 cp "$BACKUP" s3://acme-backups/pg/
echo "done: $BACKUP"
`;
    return S("sh/backup-pgpassword", "bash script", text, [sec(p, "PGPASSWORD export")]);
  },
  (g) => {
    const p = pw(g);
    const text = `$ mysql -h 127.0.0.1 -P 3306 -u root -p'${p}' -e "SHOW DATABASES;"
mysql: [Warning] Using a password on the command line interface can be insecure.
+--------------------+
| Database           |
+--------------------+
| information_schema |
| app                |
+--------------------+
`;
    return S("sh/mysql-p-flag", "shell session", text, [sec(p, "mysql -p password")]);
  },
  (g) => {
    const p = pw(g);
    const text = `docker run -d --name pg -e POSTGRES_USER=app -e POSTGRES_PASSWORD='${p}' -p 5432:5432 postgres:16.3@sha256:${g.sha256()}
`;
    return S("sh/docker-run-env", "docker run command", text, [sec(p, "postgres password env flag")]);
  },
  (g) => {
    const p = pw(g);
    const text = `$ docker login registry.acme.io --username deploy --password '${p}'
WARNING! Using --password via the CLI is insecure. Use --password-stdin.
Login Succeeded
`;
    return S("sh/docker-login", "shell session", text, [sec(p, "docker login --password")]);
  },
  (g) => {
    const t = g.npm();
    const text = `$ npm config set //registry.npmjs.org/:_authToken=${t}
$ npm publish --access public
npm notice 📦  @acme/ui@2.3.1
npm notice === Tarball Details ===
npm notice shasum:        ${g.sha1()}
npm notice integrity:     sha512-${g.bytesB64(64).slice(0, 20)}[...]${g.bytesB64(8).slice(0, 10)}==
+ @acme/ui@2.3.1
`;
    return S("sh/npm-publish", "shell session", text, [sec(t, "npm token")]);
  },
  (g) => {
    const p = pw(g);
    const text = `PS C:\\> $secpasswd = ConvertTo-SecureString "${p}" -AsPlainText -Force
PS C:\\> $cred = New-Object System.Management.Automation.PSCredential ("CORP\\svc_deploy", $secpasswd)
PS C:\\> Invoke-Command -ComputerName web01 -Credential $cred -ScriptBlock { Restart-Service W3SVC }
`;
    return S("ps/securestring", "PowerShell", text, [sec(p, "powershell plaintext password")]);
  },
  (g) => {
    const k = g.azureStorageKey();
    const text = `$ctx = New-AzStorageContext -StorageAccountName "ledgerdiag" -StorageAccountKey "${k}"
Get-AzStorageBlob -Container "logs" -Context $ctx | Select-Object Name, Length, LastModified
`;
    return S("ps/az-storage-context", "PowerShell", text, [sec(k, "azure storage key")]);
  },
  (g) => {
    const t = g.ghClassic("gho_");
    const text = `$ gh auth status
github.com
  ✓ Logged in to github.com account octo-dev (keyring)
  - Active account: true
  - Git operations protocol: https
  - Token: ${t}
  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'
`;
    return S("sh/gh-auth-status-show-token", "gh CLI output", text, [sec(t, "github oauth token")]);
  },
  (g) => {
    const p = pw(g).replace(/[$"`\\]/g, "x");
    const text = `$ psql "host=db.prod port=5432 dbname=ledger user=admin password=${p} sslmode=require"
psql (16.2, server 15.6)
SSL connection (protocol: TLSv1.3, cipher: TLS_AES_256_GCM_SHA384, compression: off)
ledger=>
`;
    return S("sh/psql-libpq", "psql session", text, [sec(p, "libpq conninfo password")], ["16.2", "15.6"]);
  },
  (g) => {
    const k = g.alnum(40);
    const text = `export HEROKU_API_KEY=${g.uuid()}
export CIRCLE_TOKEN=${k}
curl -s -H "Circle-Token: $CIRCLE_TOKEN" https://circleci.com/api/v2/me
`;
    const first = text.split("\n")[0]?.slice("export HEROKU_API_KEY=".length) ?? "";
    return S("sh/export-heroku-circle", "shell", text, [sec(first, "heroku api key (uuid form)"), sec(k, "circleci token")]);
  },
  (g) => {
    const p = pw(g);
    const text = `$ redis-cli -h cache.internal -a '${p}' --no-auth-warning INFO keyspace
# Keyspace
db0:keys=18233,expires=1021,avg_ttl=3592811
`;
    return S("sh/redis-cli-a", "shell session", text, [sec(p, "redis-cli -a password")]);
  },
  (g) => {
    const t = g.str(ALNUM, 14) + ".atlasv1." + g.str(ALNUM + "_-", 67);
    const text = `cat > ~/.terraformrc <<'EOF'
credentials "app.terraform.io" {
  token = "${t}"
}
EOF
terraform login   # not needed now
`;
    return S("sh/terraformrc-heredoc", "bash heredoc", text, [sec(t, "terraform cloud token")]);
  },
];

const envFiles: Builder[] = [
  (g) => {
    const o = g.openaiProj();
    const a = g.anthropic();
    const p = encodeURIComponent(pw(g));
    const text = `# .env.local — DO NOT COMMIT
NODE_ENV=development
DATABASE_URL="postgresql://postgres:${p}@localhost:5432/app?schema=public"
OPENAI_API_KEY=${o}
ANTHROPIC_API_KEY=${a}
NEXT_PUBLIC_SITE_URL=http://localhost:3000
SENTRY_DSN=
`;
    return S("env/ai-app", ".env", text, [sec(p, "db password in url"), sec(o, "openai project key"), sec(a, "anthropic key")]);
  },
  (g) => {
    const sk = g.stripe("sk_live_");
    const pk = `pk_live_${g.alnum(99)}`;
    const wh = g.whsec();
    const text = `STRIPE_PUBLISHABLE_KEY=${pk}
STRIPE_SECRET_KEY=${sk}
STRIPE_WEBHOOK_SECRET=${wh}
STRIPE_PRICE_PRO=price_${g.alnum(24)}
`;
    return S("env/stripe", ".env", text, [sec(sk, "stripe secret"), sec(wh, "stripe webhook secret")]);
  },
  (g) => {
    const dd = g.hex(32);
    const nr = `NRAK-${g.str(UPPER + DIGITS, 27)}`;
    const st = `sntrys_${Buffer.from(JSON.stringify({ iat: 1718000000, url: "https://sentry.io", region_url: "https://us.sentry.io", org: "acme" })).toString("base64").replace(/=+$/, "")}_${g.b64(43)}`;
    const text = `# observability
DD_API_KEY=${dd}
DD_SITE=datadoghq.com
NEW_RELIC_API_KEY=${nr}
SENTRY_AUTH_TOKEN=${st}
SENTRY_ORG=acme
OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4317
`;
    return S("env/observability", ".env", text, [sec(dd, "datadog api key"), sec(nr, "new relic key"), sec(st, "sentry org auth token")]);
  },
  (g) => {
    const t = `dop_v1_${g.hex(64)}`;
    const h = `HRKU-AA${g.str(B64URL, 58)}`;
    const text = `DIGITALOCEAN_TOKEN=${t}
HEROKU_API_KEY=${h}
FLY_REGION=ams
`;
    return S("env/paas", ".env", text, [sec(t, "digitalocean token"), sec(h, "heroku api key")]);
  },
  (g) => {
    const dp = `dp.st.prd.${g.alnum(43)}`;
    const pm = `PMAK-${g.hex(24)}-${g.hex(34)}`;
    const gl = `glsa_${g.alnum(32)}_${g.hex(8)}`;
    const text = `DOPPLER_TOKEN=${dp}
POSTMAN_API_KEY=${pm}
GRAFANA_SERVICE_ACCOUNT_TOKEN=${gl}
`;
    return S("env/tools", ".env", text, [sec(dp, "doppler service token"), sec(pm, "postman api key"), sec(gl, "grafana service account token")]);
  },
  (g) => {
    const ok = `00${g.str(B64URL, 40)}`;
    const at = `ATATT3xFfGF0${g.str(B64URL, 171)}=${g.str(UPPER + DIGITS, 8)}`;
    const text = `OKTA_ORG_URL=https://acme.okta.com
OKTA_API_TOKEN=${ok}
JIRA_BASE_URL=https://acme.atlassian.net
JIRA_USER=svc-jira@acme.io
JIRA_API_TOKEN=${at}
`;
    return S("env/okta-jira", ".env", text, [sec(ok, "okta api token"), sec(at, "atlassian api token"), pii("svc-jira@acme.io", "email")]);
  },
  (g) => {
    const p = pw(g);
    const secret = g.hex(64);
    const text = `SESSION_SECRET=${secret}
SMTP_HOST=smtp.sendgrid.net
SMTP_USER=apikey
SMTP_PASS=${p}
COOKIE_DOMAIN=.example.com
`;
    return S("env/session-smtp", ".env", text, [sec(secret, "session secret"), sec(p, "smtp pass")]);
  },
  (g) => {
    const mc = `${g.hex(32)}-us${g.int(1, 21)}`;
    const text = `MAILCHIMP_API_KEY=${mc}
MAILCHIMP_AUDIENCE_ID=${g.hex(10)}
`;
    return S("env/mailchimp", ".env", text, [sec(mc, "mailchimp api key")]);
  },
  (g) => {
    const k = g.alnum(32);
    const mapbox = () => `${Buffer.from(JSON.stringify({ u: "acme-maps", a: g.str(LOWER + DIGITS, 25) })).toString("base64url")}.${g.b64url(22)}`;
    const text = `VITE_API_BASE=https://api.example.com
VITE_MAPBOX_TOKEN=pk.${mapbox()}
MAPBOX_SECRET_TOKEN=sk.${mapbox()}
ALGOLIA_ADMIN_API_KEY=${k}
`;
    const mbSecret = text.split("\n")[2]?.slice("MAPBOX_SECRET_TOKEN=".length) ?? "";
    return S("env/frontend", ".env", text, [sec(mbSecret, "mapbox secret token"), sec(k, "algolia admin key")]);
  },
  (g) => {
    const fcm = `AAAA${g.str(B64URL, 7)}:APA91b${g.str(B64URL, 134)}`;
    const text = `FCM_SERVER_KEY=${fcm}
FCM_SENDER_ID=${g.digits(12)}
`;
    return S("env/fcm", ".env", text, [sec(fcm, "firebase cloud messaging server key")]);
  },
  (g) => {
    const cf = g.hex(37);
    const text = `CF_API_EMAIL=ops@acme.io
CF_API_KEY=${cf}
CF_ZONE_ID=${g.hex(32)}
`;
    return S("env/cloudflare-global", ".env", text, [sec(cf, "cloudflare global api key"), pii("ops@acme.io", "email")]);
  },
  (g) => {
    const age = g.ageKey();
    const text = `# created: 2024-05-02T10:11:12+02:00
# public key: age1${g.str(BECH32.toLowerCase(), 58)}
${age}
`;
    return S("env/age-key", "age key file", text, [sec(age, "age secret key")]);
  },
];

const infra: Builder[] = [
  (g) => {
    const p = pw(g);
    const p2 = g.alnum(20);
    const text = `version: "3.9"
services:
  db:
    image: postgres:16@sha256:${g.sha256()}
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${p}
    volumes:
      - pgdata:/var/lib/postgresql/data
  rabbit:
    image: rabbitmq:3.13-management
    environment:
      - RABBITMQ_DEFAULT_USER=app
      - RABBITMQ_DEFAULT_PASS=${p2}
  api:
    build: .
    environment:
      - DATABASE_URL=postgres://app:\${POSTGRES_PASSWORD}@db:5432/app
volumes:
  pgdata:
`;
    return S("infra/compose", "docker-compose.yml", text, [sec(p, "postgres password"), sec(p2, "rabbitmq password")], ["${POSTGRES_PASSWORD}"]);
  },
  (g) => {
    const t = g.npm();
    const text = `FROM node:20.14-alpine AS build
WORKDIR /app
ENV NPM_TOKEN=${t}
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc
COPY package*.json ./
RUN npm ci && rm -f .npmrc
COPY . .
RUN npm run build
`;
    return S("infra/dockerfile-npm-token", "Dockerfile", text, [sec(t, "npm token in ENV")], ["${NPM_TOKEN}"]);
  },
  (g) => {
    const p = pw(g);
    const k = g.openai();
    const text = `apiVersion: v1
kind: Secret
metadata:
  name: app-secrets
  namespace: prod
type: Opaque
stringData:
  DB_PASSWORD: "${p}"
  OPENAI_API_KEY: ${k}
`;
    return S("k8s/secret-stringdata", "Kubernetes Secret", text, [sec(p, "db password"), sec(k, "openai key")]);
  },
  (g) => {
    const p = pw(g);
    const tok = g.alnum(32);
    const pb = Buffer.from(p).toString("base64");
    const tb = Buffer.from(tok).toString("base64");
    const text = `apiVersion: v1
data:
  password: ${pb}
  api-token: ${tb}
  username: ${Buffer.from("admin").toString("base64")}
kind: Secret
metadata:
  creationTimestamp: "2024-05-14T09:21:07Z"
  name: grafana-admin
  namespace: monitoring
  resourceVersion: "48211903"
  uid: ${g.uuid()}
type: Opaque
`;
    return S("k8s/secret-data-b64", "kubectl get secret -o yaml", text, [sec(pb, "base64 password in Secret data"), sec(tb, "base64 token in Secret data")], ["2024-05-14T09:21:07Z"]);
  },
  (g) => {
    const ca = g.bytesB64(800);
    const key = Buffer.from(g.pem("RSA").block).toString("base64");
    const tok = g.jwt({ iss: "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": "kube-system", sub: "system:serviceaccount:kube-system:admin" }, "RS256");
    const text = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${ca}
    server: https://10.0.0.1:6443
  name: prod
contexts:
- context:
    cluster: prod
    user: admin
  name: prod-admin
current-context: prod-admin
kind: Config
users:
- name: admin
  user:
    client-key-data: ${key}
- name: sa
  user:
    token: ${tok}
`;
    return S("k8s/kubeconfig", "kubeconfig", text, [sec(key, "client-key-data"), sec(tok, "service account token")], [ca]);
  },
  (g) => {
    const p = pw(g);
    const k = g.alnum(32);
    const text = `# values-prod.yaml
replicaCount: 3
image:
  repository: ghcr.io/acme/api
  tag: "1.42.0"
  digest: sha256:${g.sha256()}
postgresql:
  auth:
    username: api
    password: ${p}
    existingSecret: ""
externalServices:
  segment:
    writeKey: ${k}
ingress:
  enabled: true
`;
    return S("helm/values", "Helm values.yaml", text, [sec(p, "postgres password"), sec(k, "segment write key")], ["1.42.0"]);
  },
  (g) => {
    const p = pw(g);
    const text = `resource "aws_db_instance" "main" {
  identifier        = "ledger-prod"
  engine            = "postgres"
  engine_version    = "15.5"
  instance_class    = "db.t4g.medium"
  username          = "ledger"
  password          = "${p}"
  skip_final_snapshot = true
}

variable "region" {
  default = "eu-central-1"
}
`;
    return S("tf/rds-password", "Terraform HCL", text, [sec(p, "rds password")], ["15.5"]);
  },
  (g) => {
    const id = g.awsKeyId();
    const sk = g.awsSecret();
    const text = `# terraform.tfvars
aws_region     = "us-east-1"
aws_access_key = "${id}"
aws_secret_key = "${sk}"
cluster_name   = "ledger-eks"
`;
    return S("tf/tfvars-aws", "terraform.tfvars", text, [sec(id, "aws key id"), sec(sk, "aws secret")]);
  },
  (g) => {
    const p = pw(g);
    const text = `{
  "version": 4,
  "terraform_version": "1.8.4",
  "serial": 17,
  "lineage": "${g.uuid()}",
  "resources": [
    {
      "mode": "managed",
      "type": "random_password",
      "name": "db",
      "provider": "provider[\\"registry.terraform.io/hashicorp/random\\"]",
      "instances": [
        {
          "schema_version": 3,
          "attributes": {
            "bcrypt_hash": "$2a$10$${g.str(ALNUM + "./", 53)}",
            "id": "none",
            "length": 24,
            "result": "${p}",
            "special": true
          },
          "sensitive_attributes": []
        }
      ]
    }
  ]
}
`;
    return S("tf/tfstate-random-password", "terraform.tfstate", text, [sec(p, "random_password result")], ["1.8.4"]);
  },
  (g) => {
    const p = pw(g);
    const text = `# group_vars/prod.yml
mysql_root_password: "${p}"
mysql_databases:
  - name: app
mysql_users:
  - name: app
    host: "%"
    password: "{{ vault_mysql_app_password }}"
    priv: "app.*:ALL"
nginx_worker_processes: auto
`;
    return S("ansible/group-vars", "Ansible vars", text, [sec(p, "mysql root password")], ["{{ vault_mysql_app_password }}"]);
  },
  (g) => {
    const t = g.ghClassic();
    const text = `name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - uses: actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8 # v4.0.2
        with:
          node-version: 20
      - run: npm ci && npm run build
      - run: gh release create \${{ github.ref_name }} dist/*.tgz
        env:
          GH_TOKEN: ${t}
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
`;
    return S("ci/github-actions", "GitHub Actions workflow", text, [sec(t, "github token in workflow env")], ["b4ffde65f46336ab88eb53be808477a3936bae11", "60edb5dd545a775178f52524783378180af0d1f8", "${{ secrets.NPM_TOKEN }}"]);
  },
  (g) => {
    const t = g.glpat();
    const text = `stages: [build, deploy]

variables:
  DOCKER_DRIVER: overlay2
  GITLAB_API_TOKEN: "${t}"

deploy:
  stage: deploy
  image: alpine:3.20
  script:
    - apk add --no-cache curl
    - 'curl --header "PRIVATE-TOKEN: $GITLAB_API_TOKEN" "https://gitlab.example.com/api/v4/projects/42/pipelines"'
  only: [main]
`;
    return S("ci/gitlab-ci", ".gitlab-ci.yml", text, [sec(t, "gitlab pat")]);
  },
  (g) => {
    const rt = `glrt-${g.str(B64URL, 20)}`;
    const text = `$ sudo gitlab-runner register --non-interactive \\
  --url "https://gitlab.example.com/" \\
  --token "${rt}" \\
  --executor "docker" \\
  --docker-image alpine:latest \\
  --description "docker-runner"
Runtime platform   arch=amd64 os=linux pid=4123 revision=${g.hex(8)} version=17.0.0
Runner registered successfully.
`;
    return S("ci/gitlab-runner-register", "shell session", text, [sec(rt, "gitlab runner token")], ["17.0.0"]);
  },
  (g) => {
    const dt = `gldt-${g.str(B64URL, 20)}`;
    const text = `[[runners]]
  name = "k8s"
  url = "https://gitlab.example.com"
[auths]
# image pulls with a deploy token
#   user: gitlab+deploy-token-17
#   token: ${dt}
`;
    return S("ci/gitlab-deploy-token-comment", "TOML with comments", text, [sec(dt, "gitlab deploy token")]);
  },
  (g) => {
    const user = "deploy";
    const p = pw(g);
    const text = `server {
    listen 443 ssl;
    server_name grafana.example.com;

    location / {
        proxy_pass http://127.0.0.1:3000;
        proxy_set_header Host $host;
        proxy_set_header Authorization "Basic ${Buffer.from(`${user}:${p}`).toString("base64")}";
    }
}
`;
    return S("nginx/proxy-basic", "nginx.conf", text, [sec(Buffer.from(`${user}:${p}`).toString("base64"), "basic auth header base64")]);
  },
  (g) => {
    const t = g.alnum(40);
    const text = `location /api/ {
    proxy_pass https://backend.internal;
    proxy_set_header X-Api-Key ${t};
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
}
`;
    return S("nginx/x-api-key", "nginx.conf", text, [sec(t, "api key in proxy header")]);
  },
  (g) => {
    const hash = `$apr1$${g.str(ALNUM + "./", 8)}$${g.str(ALNUM + "./", 22)}`;
    const text = `# /etc/nginx/.htpasswd
admin:${hash}
`;
    return S("nginx/htpasswd", ".htpasswd (hash only, unlabelled)", text, []);
  },
  (g) => {
    const p = pw(g);
    const text = `<VirtualHost *:80>
    ServerName intranet.example.com
    <Location />
        AuthType Basic
        AuthName "Restricted"
        AuthUserFile /etc/apache2/.htpasswd
        Require valid-user
    </Location>
    SetEnv DB_PASS "${p}"
</VirtualHost>
`;
    return S("apache/setenv", "Apache vhost", text, [sec(p, "SetEnv password")]);
  },
];

const dotfiles: Builder[] = [
  (g) => {
    const t = g.npm();
    const text = `registry=https://registry.npmjs.org/
@acme:registry=https://npm.pkg.github.com/
//npm.pkg.github.com/:_authToken=${g.ghClassic()}
//registry.npmjs.org/:_authToken=${t}
always-auth=true
`;
    const gh = text.split("\n")[2]?.split("=")[1] ?? "";
    return S("dot/npmrc", ".npmrc", text, [sec(gh, "github packages token"), sec(t, "npm token")]);
  },
  (g) => {
    const t = g.pypi();
    const text = `[distutils]
index-servers =
    pypi
    testpypi

[pypi]
username = __token__
password = ${t}

[testpypi]
repository = https://test.pypi.org/legacy/
username = __token__
password = <your-testpypi-token>
`;
    return S("dot/pypirc", ".pypirc", text, [sec(t, "pypi token")], ["<your-testpypi-token>"]);
  },
  (g) => {
    const p = pw(g);
    const t = g.ghClassic();
    const text = `machine api.heroku.com
  login me@example.com
  password ${g.uuid()}
machine github.com
  login octocat
  password ${t}
machine ftp.legacy.example.com login backup password ${p}
`;
    const heroku = text.split("\n")[2]?.trim().split(" ")[1] ?? "";
    return S("dot/netrc", ".netrc", text, [sec(heroku, "heroku netrc password (uuid)"), sec(t, "github token"), sec(p, "ftp password"), pii("me@example.com", "email")]);
  },
  (g) => {
    const t = g.ghClassic();
    const gl = g.glpat();
    const text = `https://octocat:${t}@github.com
https://oauth2:${gl}@gitlab.example.com
`;
    return S("dot/git-credentials", ".git-credentials", text, [sec(t, "github token"), sec(gl, "gitlab token")]);
  },
  (g) => {
    const p = pw(g);
    const text = `[global]
index-url = https://builder:${encodeURIComponent(p)}@pypi.internal.acme.io/simple
trusted-host = pypi.internal.acme.io
timeout = 60
`;
    return S("dot/pip-conf", "pip.conf", text, [sec(encodeURIComponent(p), "pip index password")]);
  },
  (g) => {
    const id1 = g.awsKeyId();
    const s1 = g.awsSecret();
    const id2 = g.awsKeyId("ASIA");
    const s2 = g.awsSecret();
    const st = g.awsSession();
    const text = `[default]
aws_access_key_id = ${id1}
aws_secret_access_key = ${s1}
region = eu-west-1

[sso-temp]
aws_access_key_id=${id2}
aws_secret_access_key=${s2}
aws_session_token=${st}

[example]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
`;
    return S(
      "dot/aws-credentials",
      "~/.aws/credentials",
      text,
      [sec(id1, "aws key id"), sec(s1, "aws secret"), sec(id2, "aws temp key id"), sec(s2, "aws temp secret"), sec(st, "aws session token")].slice(0, 5),
      ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
    );
  },
  (g) => {
    const p = pw(g);
    const auth = Buffer.from(`robot$ci:${p}`).toString("base64");
    const t = g.ghClassic();
    const auth2 = Buffer.from(`octocat:${t}`).toString("base64");
    const text = `{
	"auths": {
		"harbor.acme.io": {
			"auth": "${auth}"
		},
		"ghcr.io": {
			"auth": "${auth2}"
		}
	},
	"credsStore": "desktop"
}`;
    return S("dot/docker-config", "~/.docker/config.json", text, [sec(auth, "docker auth base64 user:pass"), sec(auth2, "docker auth base64 user:token")]);
  },
  (g) => {
    const p = pw(g);
    const text = `# ~/.pgpass  hostname:port:database:username:password
db.prod.internal:5432:ledger:ledger_app:${p}
localhost:5432:*:postgres:postgres
`;
    return S("dot/pgpass", ".pgpass", text, [sec(p, "pgpass password")]);
  },
  (g) => {
    const p = pw(g);
    const text = `[client]
user=root
password="${p}"
host=127.0.0.1

[mysqld]
innodb_buffer_pool_size=2G
`;
    return S("dot/my-cnf", "my.cnf", text, [sec(p, "mysql client password")]);
  },
  (g) => {
    const p = g.alnum(32);
    const text = `bind 0.0.0.0
protected-mode yes
port 6379
requirepass ${p}
masterauth ${p}
maxmemory 2gb
maxmemory-policy allkeys-lru
`;
    return S("dot/redis-conf", "redis.conf", text, [sec(p, "redis requirepass")]);
  },
  (g) => {
    const key = g.pem("PKCS8", "\\n");
    const text = `{
  "type": "service_account",
  "project_id": "ledger-prod-381012",
  "private_key_id": "${g.hex(40)}",
  "private_key": "${key.block}\\n",
  "client_email": "ledger-sync@ledger-prod-381012.iam.gserviceaccount.com",
  "client_id": "${g.digits(21)}",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/ledger-sync%40ledger-prod-381012.iam.gserviceaccount.com",
  "universe_domain": "googleapis.com"
}
`;
    return S("gcp/service-account", "GCP service account JSON", text, [sec(key.body, "gcp private key body (\\n escaped)"), pii("ledger-sync@ledger-prod-381012.iam.gserviceaccount.com", "service account email")]);
  },
];

const keys: Builder[] = [
  (g) => {
    const k = g.pem("OPENSSH");
    const text = `hey can you tell me why ssh says "invalid format"? here's the key file:

${k.block}

and the config:
Host bastion
  HostName 203.0.113.10
  User ec2-user
  IdentityFile ~/.ssh/id_ed25519
`;
    return S("key/openssh", "prose + OpenSSH key", text, [sec(k.body, "openssh private key")]);
  },
  (g) => {
    const k = g.pem("RSA", "\r\n");
    const text = `-----BEGIN CERTIFICATE-----\r\n${g.b64(64)}\r\n${g.b64(64)}\r\n${g.b64(40)}==\r\n-----END CERTIFICATE-----\r\n${k.block}\r\n`;
    return S("key/rsa-crlf-with-cert", "PEM bundle (CRLF)", text, [sec(k.body, "rsa private key (CRLF)")]);
  },
  (g) => {
    const k = g.pem("EC", "\n", "    ");
    const text = `tls:
  enabled: true
  cert: |
    -----BEGIN CERTIFICATE-----
    ${g.b64(64)}
    ${g.b64(40)}==
    -----END CERTIFICATE-----
  key: |
${k.block}
`;
    return S("key/ec-yaml-block", "YAML block scalar", text, [sec(k.body, "ec private key indented")]);
  },
  (g) => {
    const k = g.pem("ENCRYPTED");
    const p = pw(g);
    const text = `$ openssl pkcs8 -topk8 -in key.pem -out key.enc.pem -passout 'pass:${p}'
$ cat key.enc.pem
${k.block}
`;
    return S("key/encrypted-pkcs8", "shell session", text, [sec(k.body, "encrypted private key"), sec(p, "openssl passout")]);
  },
  (g) => {
    const body = g.b64(64) + "\n" + g.b64(64) + "\n" + g.b64(64) + "\n" + g.b64(64) + "\n" + g.b64(30) + "\n=" + g.b64(4);
    const text = `-----BEGIN PGP PRIVATE KEY BLOCK-----

${body}
-----END PGP PRIVATE KEY BLOCK-----
`;
    return S("key/pgp", "PGP private key block", text, [sec(body, "pgp private key")]);
  },
  (g) => {
    const k = g.pem("RSA");
    const text = `# Dockerfile.dev — I know, I know
RUN mkdir -p /root/.ssh && echo "${k.block.replace(/\n/g, "\\n")}" > /root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa
`;
    return S("key/rsa-echo-escaped", "Dockerfile", text, [sec(k.body.replace(/\n/g, "\\n"), "rsa private key with \\n escapes")]);
  },
  (g) => {
    const k = g.pem("PKCS8");
    const text = `const privateKey = \`${k.block}\`;
const token = jwt.sign({ sub: "svc" }, privateKey, { algorithm: "RS256", expiresIn: "5m" });
`;
    return S("key/pkcs8-template-literal", "JavaScript", text, [sec(k.body, "pkcs8 private key in template literal")]);
  },
];

const http: Builder[] = [
  (g) => {
    const sid = g.b64url(43);
    const csrf = g.hex(64);
    const text = `HTTP/2 200
date: Thu, 13 Jun 2024 10:22:31 GMT
content-type: text/html; charset=utf-8
set-cookie: __Host-session=${sid}; Path=/; Secure; HttpOnly; SameSite=Lax
set-cookie: csrftoken=${csrf}; Path=/; SameSite=Lax
etag: W/"${g.hex(32)}"
x-request-id: ${g.uuid()}
cache-control: no-store
`;
    return S("http/set-cookie", "HTTP response headers", text, [sec(sid, "session cookie")]);
  },
  (g) => {
    const p = pw(g);
    const b = Buffer.from(`svc-reporter:${p}`).toString("base64");
    const text = `GET /api/v1/reports?from=2024-06-01 HTTP/1.1
Host: reports.internal
Authorization: Basic ${b}
Accept: application/json
User-Agent: python-requests/2.32.3
`;
    return S("http/basic-request", "raw HTTP request", text, [sec(b, "basic auth base64")], ["python-requests/2.32.3"]);
  },
  (g) => {
    const t = g.hex(40);
    const text = `POST /repos/acme/app/statuses/${g.sha1()} HTTP/1.1
Host: api.github.com
Authorization: token ${t}
Content-Type: application/json

{"state":"success","context":"ci/ledger","target_url":"https://ci.acme.io/b/8812"}
`;
    return S("http/token-header-hex", "raw HTTP request", text, [sec(t, "legacy 40-hex github oauth token")]);
  },
  (g) => {
    const resp = g.hex(32);
    const text = `GET /dir/index.html HTTP/1.0
Host: localhost
Authorization: Digest username="Mufasa", realm="testrealm@host.com", nonce="${g.hex(32)}", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="${g.hex(8)}", response="${resp}", opaque="${g.hex(32)}"
`;
    return S("http/digest", "raw HTTP request", text, []);
  },
  (g) => {
    const t = g.jwt({ sub: "4821", name: "Jordan Lee", roles: ["admin"], iat: 1718265600 });
    const refresh = g.b64url(86);
    const text = `{
  "log": {
    "version": "1.2",
    "entries": [
      {
        "startedDateTime": "2024-06-13T10:15:02.311Z",
        "request": {
          "method": "POST",
          "url": "https://app.example.com/api/auth/refresh",
          "headers": [
            { "name": "authorization", "value": "Bearer ${t}" },
            { "name": "content-type", "value": "application/json" }
          ],
          "postData": { "mimeType": "application/json", "text": "{\\"refresh_token\\":\\"${refresh}\\"}" }
        },
        "response": { "status": 200, "headers": [{ "name": "etag", "value": "\\"${g.hex(16)}\\"" }] }
      }
    ]
  }
}`;
    return S("http/har", "HAR (browser export)", text, [sec(t, "jwt in HAR header"), sec(refresh, "refresh token in escaped JSON")], ["2024-06-13T10:15:02.311Z"]);
  },
  (g) => {
    const at = g.b64url(120);
    const rt = g.b64url(64);
    const text = `< HTTP/1.1 200 OK
< Content-Type: application/json
{"access_token":"${at}","token_type":"Bearer","expires_in":3599,"refresh_token":"${rt}","scope":"openid email"}
`;
    return S("http/oauth-token-response", "curl -v output", text, [sec(at, "oauth access token"), sec(rt, "oauth refresh token")]);
  },
  (g) => {
    const k = g.alnum(32);
    const text = `> GET /v3/search?q=ledger HTTP/2
> Host: api.example.io
> user-agent: curl/8.6.0
> x-api-key: ${k}
> accept: */*
>
< HTTP/2 200
`;
    return S("http/curl-verbose-xapikey", "curl -v output", text, [sec(k, "x-api-key header")], ["curl/8.6.0"]);
  },
];

const logs: Builder[] = [
  (g) => {
    const key = g.hex(32);
    const text = `2024-06-13T10:31:07.118Z INFO  app starting version=3.8.2 commit=${g.sha1()}
2024-06-13T10:31:07.120Z DEBUG config loaded: {"sentry":{"dsn":"https://${key}@o${g.digits(6)}.ingest.sentry.io/${g.digits(16)}"},"port":8080}
2024-06-13T10:31:07.342Z INFO  listening on :8080
`;
    return S("log/sentry-dsn", "application log", text, [sec(key, "sentry dsn key")], ["3.8.2"]);
  },
  (g) => {
    const p = encodeURIComponent(pw(g));
    const text = `[2024-06-13 10:40:01,552] ERROR celery.worker: consumer: Cannot connect to amqp://ledger:${p}@rabbitmq.internal:5672/ledger: [Errno 111] Connection refused.
Trying again in 4.00 seconds... (2/100)
`;
    return S("log/amqp", "Celery log", text, [sec(p, "amqp password")]);
  },
  (g) => {
    const p = g.alnum(24);
    const text = `redis.exceptions.AuthenticationError: invalid username-password pair or user is disabled.
  url=rediss://default:${p}@redis-12345.c1.eu-west-1-2.ec2.redns.redis-cloud.com:12345/0
`;
    return S("log/redis-url", "Python error", text, [sec(p, "redis password in url")]);
  },
  (g) => {
    const t = g.ghClassic("ghs_");
    const text = `Run actions/checkout@v4
Syncing repository: acme/ledger
Getting Git version info
  /usr/bin/git version 2.45.1
Temporarily overriding HOME='/home/runner/work/_temp/${g.uuid()}' before making global git config changes
/usr/bin/git config --local http.https://github.com/.extraheader AUTHORIZATION: basic ***
##[debug]token=${t}
Fetching the repository
`;
    return S("log/gha-debug", "GitHub Actions log", text, [sec(t, "github app installation token")], ["2.45.1"]);
  },
  (g) => {
    const k = g.awsSecret();
    const text = `Exception in thread "main" com.amazonaws.services.s3.model.AmazonS3Exception: The request signature we calculated does not match the signature you provided. Check your key and signing method. (Service: Amazon S3; Status Code: 403; Error Code: SignatureDoesNotMatch; Request ID: ${g.str(UPPER + DIGITS, 16)}; S3 Extended Request ID: ${g.bytesB64(57)})
	at com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse(AmazonHttpClient.java:1879)
	at com.acme.Uploader.main(Uploader.java:31)
// Uploader.java:31 is: new BasicAWSCredentials("${g.awsKeyId()}", "${k}")
`;
    const id = text.match(/BasicAWSCredentials\("([A-Z0-9]+)"/)?.[1] ?? "";
    return S("log/java-s3-stack", "Java stack trace", text, [sec(id, "aws key id"), sec(k, "aws secret")]);
  },
  (g) => {
    const p = encodeURIComponent(pw(g));
    const text = `time="2024-06-13T10:44:12Z" level=fatal msg="failed to connect" error="dial tcp 10.1.2.3:27017: i/o timeout" uri="mongodb://root:${p}@10.1.2.3:27017/?authSource=admin"
`;
    return S("log/logfmt-mongo", "logfmt log", text, [sec(p, "mongodb password")]);
  },
  (g) => {
    const k = g.alnum(32);
    const text = `{"level":"debug","ts":1718275512.113,"caller":"client/http.go:88","msg":"outgoing request","method":"GET","url":"https://api.mailerlite.com/api/v2/groups?apiKey=${k}","duration_ms":143}
`;
    return S("log/json-url-apikey", "JSON log line", text, [sec(k, "api key in logged url")], ["1718275512.113"]);
  },
  (g) => {
    const p = pw(g);
    const text = `  + DB_PASSWORD=${p}
  + docker compose up -d
  Container app-db-1  Started
`;
    return S("log/set-x", "bash -x trace", text, [sec(p, "password in xtrace")]);
  },
];

const diffs: Builder[] = [
  (g) => {
    const k = g.alnum(40);
    const old = g.alnum(40);
    const text = `diff --git a/config/prod.env b/config/prod.env
index ${g.hex(7)}..${g.hex(7)} 100644
--- a/config/prod.env
+++ b/config/prod.env
@@ -3,7 +3,7 @@ LOG_LEVEL=info
 REGION=eu-west-1
-PAYMENT_API_KEY=${old}
+PAYMENT_API_KEY=${k}
 FEATURE_FLAGS=checkout_v2
`;
    return S("diff/env-rotation", "git diff", text, [sec(old, "old api key (removed line)"), sec(k, "new api key (added line)")]);
  },
  (g) => {
    const t = g.slackUser();
    const text = `@@ -12,6 +12,9 @@ export const config = {
   channel: "#deploys",
-  token: process.env.SLACK_TOKEN,
+  // temporary until vault is fixed
+  token: "${t}",
   username: "deploybot",
`;
    return S("diff/slack-user-token", "unified diff", text, [sec(t, "slack user token")], ["process.env.SLACK_TOKEN"]);
  },
  (g) => {
    const t = g.slackApp();
    const text = `commit ${g.sha1()}
Author: Marta Nowak <marta.nowak@example.pl>
Date:   Tue Jun 11 14:02:55 2024 +0200

    socket mode

diff --git a/.env.example b/.env.example
+SLACK_APP_TOKEN=${t}
`;
    return S("diff/slack-app-token", "git show", text, [sec(t, "slack app-level token"), pii("marta.nowak@example.pl", "email")]);
  },
];

const prose: Builder[] = [
  (g) => {
    const k = g.openai();
    const text = `here is my key: ${k} — it keeps saying "You exceeded your current quota" but the dashboard shows $0.00 used. what am I doing wrong`;
    return S("prose/en-openai", "English chat prose", text, [sec(k, "openai key in prose")]);
  },
  (g) => {
    const p = pw(g);
    const text = `Hallo, ich bekomme beim Login immer "Access denied for user 'admin'@'localhost'". Das Passwort ist ${p} und der Benutzer ist admin. Die MySQL-Version ist 8.0.36. Was mache ich falsch?`;
    return S("prose/de-password", "German prose", text, [sec(p, "password in German prose")], ["8.0.36"]);
  },
  (g) => {
    const t = g.ghClassic();
    const text = `Bonjour, voici mon jeton GitHub : ${t}
Quand je fais git push, j'ai l'erreur « remote: Permission to acme/app.git denied ». Pouvez-vous m'aider ?`;
    return S("prose/fr-github", "French prose", text, [sec(t, "github token in French prose")]);
  },
  (g) => {
    const k = g.stripe("sk_test_");
    const p = pw(g);
    const text = `Hola! Estoy probando Stripe en modo test con la clave ${k} y la contraseña del panel es ${p}. ¿Por qué el webhook devuelve 400?`;
    return S("prose/es-stripe", "Spanish prose", text, [sec(k, "stripe test secret key"), sec(p, "dashboard password in Spanish prose")]);
  },
  (g) => {
    const k = g.gcpKey();
    const text = `Google Maps のAPIキーは「${k}」です。地図が表示されず、コンソールに RefererNotAllowedMapError と出ます。原因を教えてください。`;
    return S("prose/ja-gcp", "Japanese prose", text, [sec(k, "google api key in Japanese prose")]);
  },
  (g) => {
    const p = pw(g);
    const k = g.anthropic();
    const text = `你好，我的数据库密码是：${p}，API密钥：${k}。请帮我看看为什么连接超时。`;
    return S("prose/zh-password-key", "Chinese prose", text, [sec(p, "password after Chinese colon"), sec(k, "anthropic key in Chinese prose")]);
  },
  (g) => {
    const t = g.telegram();
    const text = `Привет! Вот токен моего бота: ${t}
Бот не отвечает на команды /start, хотя вебхук установлен. Пароль от сервера: ${"Qw3rty!Zx9"} (потом сменю).`;
    return S("prose/ru-telegram", "Russian prose", text, [sec(t, "telegram token"), sec("Qw3rty!Zx9", "server password in Russian prose")]);
  },
  (g) => {
    const k = g.awsKeyId();
    const s = g.awsSecret();
    const text = `| Name | Value |
|------|-------|
| AWS access key | \`${k}\` |
| AWS secret | \`${s}\` |
| Region | eu-central-1 |

Can you write the terraform provider block for these?`;
    return S("prose/md-table-aws", "Markdown table", text, [sec(k, "aws key id in table"), sec(s, "aws secret in table")]);
  },
  (g) => {
    const p = pw(g);
    const text = `The staging admin login is **admin / ${p}** — please don't share it outside the team.`;
    return S("prose/slash-pair", "English prose", text, [sec(p, "password in user / pass pair")]);
  },
  (g) => {
    const k = `xai-${g.alnum(80)}`;
    const text = `I rotated the old one. New key for the grok endpoint: ${k}
Use it with base_url https://api.x.ai/v1`;
    return S("prose/xai", "English prose", text, [sec(k, "xai api key")]);
  },
  (g) => {
    const p = pw(g);
    const text = `Wi-Fi for the offsite: network "Acme-Guest", password: ${p}`;
    return S("prose/wifi", "English prose", text, [sec(p, "wifi password")]);
  },
  (g) => {
    const url = `https://discord.com/api/webhooks/${g.digits(19)}/${g.str(B64URL, 68)}`;
    const teams = `https://acme.webhook.office.com/webhookb2/${g.uuid()}@${g.uuid()}/IncomingWebhook/${g.hex(32)}/${g.uuid()}/V2${g.str(B64URL, 43)}`;
    const text = `I set up two alert channels:
- discord: ${url}
- teams: ${teams}
but only discord receives messages.`;
    const discordSecret = url.slice(url.lastIndexOf("/") + 1);
    return S("prose/webhooks", "English prose", text, [sec(discordSecret, "discord webhook token"), sec(teams.slice(teams.indexOf("/IncomingWebhook/") + 17), "teams webhook secret path")]);
  },
];

const wrapped: Builder[] = [
  (g) => {
    const k = g.alnum(64);
    const text = `certificate:
  signing_secret: >-
    ${k.slice(0, 32)}
    ${k.slice(32)}
`;
    return S("fmt/yaml-folded-secret", "YAML folded scalar", text, [sec(k.slice(0, 32), "secret first half (folded)"), sec(k.slice(32), "secret second half (folded)")]);
  },
  (g) => {
    const t = g.openai();
    const text = `{"event":"config_dump","env":{"PATH":"/usr/local/bin:/usr/bin","OPENAI_API_KEY":"${t}","HOME":"/root"}}\r\n{"event":"ready"}\r\n`;
    return S("fmt/json-crlf", "JSON lines (CRLF)", text, [sec(t, "openai key in json env dump")]);
  },
  (g) => {
    const p = pw(g).replace(/"/g, "");
    const text = `"{\\"user\\":\\"svc\\",\\"password\\":\\"${p}\\",\\"host\\":\\"db\\"}"`;
    return S("fmt/double-escaped-json", "escaped JSON string", text, [sec(p, "password in escaped json")]);
  },
  (g) => {
    const p = `Pa55%word&${g.alnum(6)}`;
    const enc = encodeURIComponent(p);
    const text = `POST /login HTTP/1.1
Content-Type: application/x-www-form-urlencoded

username=jdoe&password=${enc}&remember=1
`;
    return S("fmt/form-urlencoded", "raw HTTP request", text, [sec(enc, "url-encoded form password")]);
  },
  (g) => {
    const t = g.glpat();
    const text = `\`\`\`bash
export GITLAB_TOKEN=${t}
glab auth login --hostname gitlab.example.com --token $GITLAB_TOKEN
\`\`\``;
    return S("fmt/md-fence", "Markdown code fence", text, [sec(t, "gitlab token")]);
  },
  (g) => {
    const s = g.b64(48);
    const text = `config.setClientSecret("${s}");
config.set_password("${s.slice(0, 20)}")
cfg.Auth = &Auth{Token: "${s.slice(10, 44)}"}`;
    return S("fmt/setters", "mixed setter calls", text, [sec(s, "client secret via setter"), sec(s.slice(0, 20), "password via setter"), sec(s.slice(10, 44), "token struct field")]);
  },
  (g) => {
    const p = pw(g);
    const text = `<bean id="dataSource" class="com.zaxxer.hikari.HikariDataSource">
  <property name="jdbcUrl" value="jdbc:postgresql://db/app"/>
  <property name="username" value="app"/>
  <property name="password" value="${p}"/>
</bean>`;
    return S("fmt/xml-property", "Spring XML", text, [sec(p, "password property value")]);
  },
  (g) => {
    const p = pw(g);
    const text = `api_secret <- "${p}"
token -> "${g.hex(8)}"
secret_token := "${g.alnum(32)}"`;
    const t2 = text.match(/secret_token := "([A-Za-z0-9]+)"/)?.[1] ?? "";
    return S("fmt/arrows-walrus", "R / Go assignments", text, [sec(p, "api_secret with <-"), sec(t2, "secret_token with :=")]);
  },
  (g) => {
    const p = pw(g);
    const text = `$ ./bin/migrate --db-host=db.prod --db-user=migrator --db-password='${p}' --dry-run
2024-06-13T11:02:00Z applying 0042_add_index... ok`;
    return S("fmt/cli-flag-password", "CLI invocation", text, [sec(p, "--db-password flag")]);
  },
  (g) => {
    const s = g.b64(40);
    const text = `cat <<EOF > /etc/app/secrets.ini
[auth]
client_secret = ${s}
EOF`;
    return S("fmt/heredoc-ini", "bash heredoc", text, [sec(s, "client secret in ini heredoc")]);
  },
];

/** Pastes with no secret at all: look-alikes only. */
const clean: Builder[] = [
  (g) => {
    const shas = [g.sha1(), g.sha1(), g.sha1()];
    const text = `$ git log --oneline -3
${shas[0]?.slice(0, 7)} fix(sync): retry on 502
${shas[1]?.slice(0, 7)} chore(deps): bump zod to 3.23.8
${shas[2]?.slice(0, 7)} docs: redaction examples
$ git rev-parse HEAD
${shas[0]}
`;
    return S("clean/git-log", "shell session", text, [], [shas[0] as string, "3.23.8"]);
  },
  (g) => {
    const i1 = g.integrity();
    const i2 = g.integrity();
    const r1 = g.sha1();
    const text = `{
  "name": "ledger",
  "version": "1.4.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "node_modules/zod": {
      "version": "3.23.8",
      "resolved": "https://registry.npmjs.org/zod/-/zod-3.23.8.tgz",
      "integrity": "${i1}",
      "license": "MIT"
    },
    "node_modules/pino": {
      "version": "9.2.0",
      "resolved": "https://registry.npmjs.org/pino/-/pino-9.2.0.tgz",
      "integrity": "${i2}",
      "dependencies": { "atomic-sleep": "^1.0.0" }
    },
    "node_modules/private-lib": {
      "version": "0.3.1",
      "resolved": "git+ssh://git@github.com/acme/private-lib.git#${r1}"
    }
  }
}`;
    return S("clean/package-lock", "package-lock.json", text, [], [i1, i2, r1]);
  },
  (g) => {
    const d = g.sha256();
    const text = `$ docker pull ghcr.io/acme/api:1.42.0
1.42.0: Pulling from acme/api
${g.hex(12)}: Pull complete
${g.hex(12)}: Pull complete
Digest: sha256:${d}
Status: Downloaded newer image for ghcr.io/acme/api:1.42.0
`;
    return S("clean/docker-pull", "docker pull output", text, [], [d]);
  },
  (g) => {
    const sri = g.sri384();
    const text = `<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css" integrity="${sri}" crossorigin="anonymous">
<script src="https://code.jquery.com/jquery-3.7.1.min.js" integrity="${g.sri384()}" crossorigin="anonymous"></script>
`;
    return S("clean/sri", "HTML", text, [], [sri]);
  },
  (g) => {
    const u = [g.uuid(), g.uuid(), g.uuid()];
    const text = `id,tenant_id,created_at,status
${u[0]},${u[1]},2024-06-13T10:00:00Z,active
${u[2]},${u[1]},2024-06-13T10:05:12Z,suspended
`;
    return S("clean/uuid-csv", "CSV", text, [], u);
  },
  () => {
    const text = `# .env.example — copy to .env and fill in
DATABASE_URL=postgres://user:password@localhost:5432/app
OPENAI_API_KEY=sk-...
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
GITHUB_TOKEN=<your-token>
SLACK_WEBHOOK_URL=https://hooks.slack.com/services/XXX/YYY/ZZZ
SESSION_SECRET=changeme
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
`;
    return S("clean/env-example", ".env.example", text, [], ["sk-...", "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx", "<your-token>", "changeme", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "https://hooks.slack.com/services/XXX/YYY/ZZZ"]);
  },
  () => {
    const text = `import os

API_KEY = os.environ["OPENAI_API_KEY"]
DB_PASSWORD = os.getenv("DB_PASSWORD")
password = getpass.getpass("Password: ")
token = settings.GITHUB_TOKEN
secret = request.headers.get("X-Hub-Signature-256")
`;
    return S("clean/py-env-reads", "Python source", text, [], ['os.environ["OPENAI_API_KEY"]', 'os.getenv("DB_PASSWORD")', "settings.GITHUB_TOKEN"]);
  },
  () => {
    const text = `const apiKey = process.env.STRIPE_SECRET_KEY!;
const password = form.get("password") as string;
const token = req.headers.authorization?.replace(/^Bearer /, "");
if (!token) throw new Error("missing token");
const secret = await getSecret("prod/db/password");
`;
    return S("clean/ts-env-reads", "TypeScript source", text, [], ["process.env.STRIPE_SECRET_KEY", 'getSecret("prod/db/password")']);
  },
  () => {
    const text = `apiVersion: v1
kind: Pod
spec:
  containers:
    - name: api
      env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: app-secrets
              key: DB_PASSWORD
        - name: API_TOKEN
          value: "\${API_TOKEN}"
`;
    return S("clean/k8s-secretkeyref", "Kubernetes Pod spec", text, [], ["${API_TOKEN}"]);
  },
  (g) => {
    const h = [g.sha256(), g.sha256()];
    const text = `$ sha256sum dist/*
${h[0]}  dist/ledger-1.4.0-linux-amd64.tar.gz
${h[1]}  dist/ledger-1.4.0-darwin-arm64.tar.gz
$ shasum -a 512 dist/ledger.zip
${g.hex(128)}  dist/ledger.zip
`;
    return S("clean/checksums", "shell session", text, [], h);
  },
  (g) => {
    const img = g.bytesB64(900);
    const text = `.logo {
  background-image: url("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ${img}");
  width: 16px;
  height: 16px;
}
`;
    return S("clean/css-data-uri", "CSS", text, [], [img]);
  },
  () => {
    const text = `# README

Set your key:

    export OPENAI_API_KEY="sk-your-key-here"
    export ANTHROPIC_API_KEY=<ANTHROPIC_API_KEY>
    export GH_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX

Then run \`ledger sync --since 2024-06-01\`.
`;
    return S("clean/readme-placeholders", "Markdown README", text, [], ["sk-your-key-here", "<ANTHROPIC_API_KEY>", "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"]);
  },
  () => {
    const text = `spring.datasource.password=\${DB_PASSWORD}
spring.datasource.username=\${DB_USER:app}
app.jwt.secret=\${JWT_SECRET}
management.endpoint.health.show-details=always
`;
    return S("clean/spring-placeholders", "application.properties", text, [], ["${DB_PASSWORD}", "${JWT_SECRET}"]);
  },
  () => {
    const text = `password: "********"
api_key: "****************************abcd"
token: [REDACTED]
client_secret: "<redacted>"
DB_PASSWORD=xxxxxxxx
`;
    return S("clean/masked", "masked config", text, [], ['"********"', "[REDACTED]", "<redacted>", "xxxxxxxx"]);
  },
  (g) => {
    const ids = [g.hex(24), g.hex(24)];
    const text = `> db.orders.find({ status: "open" }).limit(2)
[
  { _id: ObjectId("${ids[0]}"), customer: ObjectId("${ids[1]}"), total: NumberDecimal("129.90"), createdAt: ISODate("2024-06-13T08:12:44.001Z") }
]
`;
    return S("clean/mongo-objectid", "mongosh output", text, [], ids);
  },
  (g) => {
    const trace = g.hex(32);
    const span = g.hex(16);
    const text = `{"timestamp":"2024-06-13T10:12:55.201Z","level":"info","trace_id":"${trace}","span_id":"${span}","msg":"GET /api/orders 200 14ms","request_id":"${g.uuid()}"}
traceparent: 00-${trace}-${span}-01
`;
    return S("clean/otel-trace", "JSON log + traceparent", text, [], [trace, span]);
  },
  (g) => {
    const h = `$2b$12$${g.str(ALNUM + "./", 53)}`;
    const text = `>>> import bcrypt
>>> bcrypt.hashpw(b"hunter2", bcrypt.gensalt(12))
b'${h}'
`;
    return S("clean/bcrypt-demo", "Python REPL", text, [], []);
  },
  (g) => {
    const commit = g.sha1();
    const text = `[[package]]
name = "serde"
version = "1.0.203"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "${g.sha256()}"

[[package]]
name = "ledger-core"
version = "0.9.0"
source = "git+https://github.com/acme/ledger-core?rev=${commit.slice(0, 7)}#${commit}"
`;
    return S("clean/cargo-lock", "Cargo.lock", text, [], [commit, "1.0.203"]);
  },
  (g) => {
    const sum = `h1:${g.bytesB64(32)}`;
    const text = `github.com/google/uuid v1.6.0 ${sum}
github.com/google/uuid v1.6.0/go.mod h1:${g.bytesB64(32)}
golang.org/x/crypto v0.24.0 h1:${g.bytesB64(32)}
`;
    return S("clean/go-sum", "go.sum", text, [], [sum, "v1.6.0"]);
  },
  (g) => {
    const k = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g.b64(43)} deploy@ci`;
    const rsa = `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${g.b64(500)} alice@laptop`;
    const text = `# ~/.ssh/authorized_keys
${k}
${rsa}
`;
    return S("clean/authorized-keys", "authorized_keys", text, [], [k, rsa]);
  },
  (g) => {
    const cert = `${g.b64(64)}\n${g.b64(64)}\n${g.b64(64)}\n${g.b64(20)}==`;
    const text = `-----BEGIN CERTIFICATE-----
${cert}
-----END CERTIFICATE-----
-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE${g.b64(52)}==
-----END PUBLIC KEY-----
`;
    return S("clean/cert-pubkey", "PEM certificate + public key", text, [], [cert]);
  },
  (g) => {
    const text = `Step 7/12 : RUN pip install -r requirements.txt
 ---> Running in ${g.hex(12)}
Collecting requests==2.32.3
  Downloading requests-2.32.3-py3-none-any.whl (64 kB)
Successfully installed certifi-2024.6.2 requests-2.32.3 urllib3-2.2.1
Removing intermediate container ${g.hex(12)}
 ---> ${g.hex(12)}
Successfully built ${g.hex(12)}
`;
    return S("clean/docker-build", "docker build log", text, [], ["2.32.3", "2024.6.2"]);
  },
  () => {
    const text = `Ich habe das Passwort zurückgesetzt, aber die E-Mail kommt nicht an. Der Token ist abgelaufen (Fehler 401, "token expired"). Wie lange ist ein Reset-Link gültig?`;
    return S("clean/de-prose", "German prose", text, [], []);
  },
  () => {
    const text = `パスワードを忘れました。リセット用のトークンはどこで発行できますか？APIキーは環境変数 OPENAI_API_KEY から読み込んでいます。`;
    return S("clean/ja-prose", "Japanese prose", text, [], ["OPENAI_API_KEY"]);
  },
  (g) => {
    const text = `Migration 20240613101500_add_tokens.rb
  create_table :api_tokens do |t|
    t.string :token_digest, null: false, limit: 64
    t.string :last_four, limit: 4
    t.datetime :expires_at
  end
  add_index :api_tokens, :token_digest, unique: true
# example digest: ${g.sha256()}
`;
    return S("clean/rails-migration", "Ruby migration", text, [], ["20240613101500"]);
  },
  (g) => {
    const ami = `ami-${g.hex(17)}`;
    const sg = `sg-${g.hex(17)}`;
    const text = `$ aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,ImageId,State.Name]'
[
  ["i-${g.hex(17)}", "${ami}", "running"],
  ["i-${g.hex(17)}", "${ami}", "stopped"]
]
SecurityGroups: ${sg}
arn:aws:iam::${g.digits(12)}:role/ledger-sync
`;
    return S("clean/aws-ids", "AWS CLI output", text, [], [ami, sg]);
  },
  (g) => {
    const text = `Error: Request failed with status code 403
    at createError (/app/node_modules/axios/lib/core/createError.js:16:15)
    at settle (/app/node_modules/axios/lib/core/settle.js:17:12)
    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/lib/adapters/http.js:269:11)
  config: { url: 'https://api.example.com/v1/items', headers: { Authorization: 'Bearer [Filtered]', 'X-Request-Id': '${g.uuid()}' } }
`;
    return S("clean/axios-filtered", "Node stack trace", text, [], ["[Filtered]"]);
  },
  (g) => {
    const w = g.bytesB64(300);
    const text = `{"type":"wasm","name":"decoder.wasm","data":"AGFzbQEAAAAB${w}"}`;
    return S("clean/base64-blob", "JSON with base64 blob", text, [], [w]);
  },
  (g) => {
    const text = `version: 2
updates:
  - package-ecosystem: npm
    directory: "/"
    schedule: { interval: weekly }
registries:
  npm-github:
    type: npm-registry
    url: https://npm.pkg.github.com
    token: \${{secrets.GH_PACKAGES_TOKEN}}
# last run ${g.uuid()}
`;
    return S("clean/dependabot", "dependabot.yml", text, [], ["${{secrets.GH_PACKAGES_TOKEN}}"]);
  },
  (g) => {
    const text = `Terraform will perform the following actions:

  # aws_db_instance.main will be updated in-place
  ~ resource "aws_db_instance" "main" {
        id       = "ledger-prod"
      ~ password = (sensitive value)
        tags     = {}
    }

  # random_password.db will be created
  + resource "random_password" "db" {
      + id     = (known after apply)
      + result = (sensitive value)
    }
# plan id ${g.hex(16)}
`;
    return S("clean/tf-plan", "terraform plan output", text, [], ["(sensitive value)"]);
  },
  (g) => {
    const text = `EXPLAIN ANALYZE SELECT * FROM events WHERE fingerprint = '${g.hex(64)}';
 Index Scan using events_fingerprint_idx on events  (cost=0.42..8.44 rows=1 width=312) (actual time=0.021..0.022 rows=1 loops=1)
 Planning Time: 0.090 ms
 Execution Time: 0.041 ms
`;
    return S("clean/explain-hash", "psql EXPLAIN", text, [], []);
  },
  (g) => {
    const text = `const PASSWORD_MIN_LENGTH = 12;
const TOKEN_TTL_SECONDS = 3600;
const SECRET_ROTATION_DAYS = 90;
export function validatePassword(password: string): boolean {
  return password.length >= PASSWORD_MIN_LENGTH && /[A-Z]/.test(password);
}
// build ${g.hex(7)}
`;
    return S("clean/password-validator", "TypeScript source", text, [], []);
  },
  (g) => {
    const text = `$ kubectl get secrets -n prod
NAME                  TYPE                                  DATA   AGE
app-secrets           Opaque                                4      41d
default-token-${g.str(LOWER + DIGITS, 5)}   kubernetes.io/service-account-token   3      210d
registry-creds        kubernetes.io/dockerconfigjson        1      88d
`;
    return S("clean/kubectl-get-secrets", "kubectl output", text, [], []);
  },
  (g) => {
    const text = `$ openssl rand -hex 4
${g.hex(8)}
$ uuidgen
${g.uuid().toUpperCase()}
$ date -u +%s
1718275512
`;
    return S("clean/shell-random", "shell session", text, [], ["1718275512"]);
  },
  (g) => {
    const text = `Pull request #4821 merged by @octocat
Checks: build ✓ (${g.hex(7)}), lint ✓, test ✓ (3m 12s)
Coverage: 87.4% (+0.3%)
Release v2.14.0-rc.1 drafted
`;
    return S("clean/pr-summary", "PR summary", text, [], ["v2.14.0-rc.1"]);
  },
  (g) => {
    const sig = g.hex(64);
    const text = `X-Hub-Signature-256: sha256=${sig}
X-GitHub-Delivery: ${g.uuid()}
X-GitHub-Event: push
X-GitHub-Hook-ID: ${g.digits(9)}
`;
    return S("clean/webhook-signature", "HTTP headers", text, [], [sig]);
  },
  () => {
    const text = `Use the AWS documentation example credentials when testing locally:
  aws_access_key_id = AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Stripe's docs use sk_test_4eC39HqLyjWDarjtT1zdp7dc as a sample key.
`;
    return S("clean/doc-examples", "docs prose", text, [], ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"]);
  },
  (g) => {
    const nonce = g.b64(24);
    const text = `Content-Security-Policy: default-src 'self'; script-src 'self' 'nonce-${nonce}' 'sha256-${g.bytesB64(32)}'; object-src 'none'
`;
    return S("clean/csp-nonce", "HTTP header", text, [], []);
  },
  (g) => {
    const text = `$ gpg --list-secret-keys --keyid-format=long
/home/dev/.gnupg/pubring.kbx
sec   ed25519/${g.hex(16).toUpperCase()} 2023-09-01 [SC]
      ${g.hex(40).toUpperCase()}
uid                 [ultimate] Dev Example <dev@example.com>
ssb   cv25519/${g.hex(16).toUpperCase()} 2023-09-01 [E]
`;
    return S("clean/gpg-list", "gpg output", text, [pii("dev@example.com", "email")], []);
  },
];

const more: Builder[] = [
  (g) => {
    const u = g.ghClassic("ghu_");
    const r = g.ghClassic("ghr_");
    const text = `{
  "access_token": "${u}",
  "expires_in": 28800,
  "refresh_token": "${r}",
  "refresh_token_expires_in": 15811200,
  "scope": "",
  "token_type": "bearer"
}`;
    return S("more/github-app-user-token", "GitHub OAuth JSON response", text, [sec(u, "github user-to-server token"), sec(r, "github refresh token")]);
  },
  (g) => {
    const k = g.str(B64, 43) + "=";
    const text = `var connectionString = "Endpoint=sb://ledger-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${k}";
await using var client = new ServiceBusClient(connectionString);
ServiceBusSender sender = client.CreateSender("events");
`;
    return S("more/azure-servicebus", "C# source", text, [sec(k, "azure service bus shared access key")]);
  },
  (g) => {
    const k = g.bytesB64(64);
    const text = `COSMOS_ENDPOINT=https://ledger-cosmos.documents.azure.com:443/
COSMOS_KEY=${k}
COSMOS_DATABASE=ledger
`;
    return S("more/azure-cosmos", ".env", text, [sec(k, "azure cosmos db key")]);
  },
  (g) => {
    const p = pw(g);
    const text = `jdbc.url=jdbc:mysql://db.internal:3306/crm?user=crm_app&password=${encodeURIComponent(p)}&useSSL=true
jdbc.driver=com.mysql.cj.jdbc.Driver
`;
    return S("more/jdbc-query-password", "properties", text, [sec(encodeURIComponent(p), "jdbc url password param")]);
  },
  (g) => {
    const hv = `hvs.CAESI${g.str(B64URL, 86)}`;
    const text = `$ export VAULT_ADDR=https://vault.acme.io:8200
$ vault login -method=oidc
Success! You are now authenticated.
Key                  Value
---                  -----
token                ${hv}
token_accessor       ${g.alnum(24)}
token_duration       8h
token_renewable      true
token_policies       ["default" "dev-read"]
`;
    const acc = text.match(/token_accessor\s+(\S+)/)?.[1] ?? "";
    return S("more/vault-login", "vault CLI output", text, [sec(hv, "vault batch/service token")], [acc]);
  },
  (g) => {
    const t = `sntryu_${g.hex(64)}`;
    const text = `[defaults]
url=https://sentry.io/
org=acme
project=web

[auth]
token=${t}
`;
    return S("more/sentryclirc", ".sentryclirc", text, [sec(t, "sentry user auth token")]);
  },
  (g) => {
    const sk = `SK${g.hex(32)}`;
    const sec2 = g.alnum(32);
    const text = `TWILIO_ACCOUNT_SID=AC${g.hex(32)}
TWILIO_API_KEY=${sk}
TWILIO_API_SECRET=${sec2}
`;
    return S("more/twilio-api-key", ".env", text, [sec(sk, "twilio api key sid"), sec(sec2, "twilio api secret")]);
  },
  (g) => {
    const p = pw(g);
    const text = `config = {
  :adapter  => "mysql2",
  :host     => "legacy-db",
  :username => "rails",
  :password => "${p}",
  :database => "legacy_production"
}
ActiveRecord::Base.establish_connection(config)
`;
    return S("more/ruby-hash-rocket", "Ruby source", text, [sec(p, "password with hash rocket")]);
  },
  (g) => {
    const t = g.alnum(48);
    const text = `[tool.poetry]
name = "ledger-etl"
version = "0.7.2"

[[tool.poetry.source]]
name = "internal"
url = "https://pypi.acme.io/simple/"
priority = "supplemental"

# poetry config http-basic.internal ci ${t}
`;
    return S("more/poetry-comment", "pyproject.toml", text, [sec(t, "private index password in a comment command")], ["0.7.2"]);
  },
  (g) => {
    const k = g.alnum(64);
    const text = `let url = URL(string: "https://api.revenuecat.com/v1/subscribers/\\(userID)")!
var request = URLRequest(url: url)
request.setValue("Bearer ${k}", forHTTPHeaderField: "Authorization")
request.setValue("application/json", forHTTPHeaderField: "Content-Type")
let (data, _) = try await URLSession.shared.data(for: request)
`;
    return S("more/swift-urlrequest", "Swift source", text, [sec(k, "bearer token in setValue")]);
  },
  (g) => {
    const p = pw(g).replace(/[$`"]/g, "9");
    const text = `$env:SQLCMDPASSWORD = "${p}"
sqlcmd -S sql01.corp.local -U sa -d master -Q "SELECT @@VERSION"
`;
    return S("more/ps-env", "PowerShell", text, [sec(p, "sqlcmd password env")]);
  },
  (g) => {
    const k = g.openaiProj();
    const text = `2024-06-13 11:20:45 [main] DEBUG o.s.w.r.f.client.ExchangeFunctions - [5b7c2f1a] HTTP POST https://api.openai.com/v1/embeddings
2024-06-13 11:20:45 [main] DEBUG o.s.w.r.f.client.ExchangeFunctions - [5b7c2f1a] Request headers: [Authorization:"Bearer ${k}", Content-Type:"application/json", Accept:"*/*"]
2024-06-13 11:20:46 [main] DEBUG o.s.w.r.f.client.ExchangeFunctions - [5b7c2f1a] [ec6a8d1f] Response 200 OK
`;
    return S("more/spring-webclient-log", "Spring debug log", text, [sec(k, "openai key in logged headers")]);
  },
  (g) => {
    const a = g.awsKeyId();
    const b = g.awsSecret();
    const text = `- name: Configure AWS credentials
  uses: aws-actions/configure-aws-credentials@v4
  with:
    aws-access-key-id: ${a}
    aws-secret-access-key: ${b}
    aws-region: us-east-1
`;
    return S("more/gha-aws", "GitHub Actions step", text, [sec(a, "aws key id"), sec(b, "aws secret")]);
  },
  (g) => {
    const t = g.ghFine();
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(`2024-06-13T11:${String(10 + (i % 50)).padStart(2, "0")}:0${i % 10}.${g.digits(3)}Z  step ${i + 1}/80  sha=${g.sha1()}  ok`);
    lines.splice(23, 0, `2024-06-13T11:33:03.001Z  + git clone https://oauth2:${t}@github.com/acme/infra.git`);
    const text = lines.join("\n") + "\n";
    return S("more/long-ci-log", "CI log (long)", text, [sec(t, "fine-grained pat in clone url")]);
  },
  (g) => {
    const p = pw(g);
    const k = g.alnum(32);
    const text = `[database]
host = "db.internal"
user = "svc"
password = "${p}"

[external.geocoder]
api_key = "${k}"
timeout = "5s"
`;
    return S("more/config-toml", "config.toml", text, [sec(p, "db password"), sec(k, "geocoder api key")]);
  },
  (g) => {
    const cs = g.b64url(48);
    const text = `  - name: oauth2-proxy
    image: quay.io/oauth2-proxy/oauth2-proxy:v7.6.0
    args:
      - --provider=oidc
      - --client-id=ledger
      - --client-secret=${cs}
      - --cookie-secret=${g.hex(32)}
      - --email-domain=*
`;
    const cookie = text.match(/--cookie-secret=([0-9a-f]+)/)?.[1] ?? "";
    return S("more/oauth2-proxy-args", "Kubernetes container args", text, [sec(cs, "oidc client secret flag"), sec(cookie, "cookie secret flag")], ["v7.6.0"]);
  },
  (g) => {
    const k = g.anthropic();
    const text = `Das Skript bricht mit 401 ab. Mein Schlüssel steht in der .env:

\`\`\`
ANTHROPIC_API_KEY=${k}
\`\`\`

Liegt es am Modellnamen claude-3-opus-20240229?`;
    return S("more/de-anthropic", "German prose + fence", text, [sec(k, "anthropic key")], ["claude-3-opus-20240229"]);
  },
  (g) => {
    const p = pw(g);
    const text = `MySQL 연결이 안 됩니다. 비밀번호: ${p}
host=10.0.0.5 user=app`;
    return S("more/ko-password", "Korean prose", text, [sec(p, "password after Korean label")]);
  },
  (g) => {
    const p = pw(g);
    const text = `Bonjour, le mot de passe de la base est « ${p} » mais Hibernate renvoie "FATAL: password authentication failed".`;
    return S("more/fr-password", "French prose", text, [sec(p, "password in French guillemets")]);
  },
  (g) => {
    const k = g.alnum(40);
    const text = `# ~/.config/gh/hosts.yml
github.example.com:
    user: jdoe
    oauth_token: ${k}
    git_protocol: ssh
`;
    return S("more/gh-hosts-ghes", "gh hosts.yml", text, [sec(k, "enterprise oauth token (no prefix)")]);
  },
];

const moreClean: Builder[] = [
  (g) => {
    const text = `FROM python:3.12-slim@sha256:${g.sha256()}
ARG PIP_INDEX_URL
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PIP_NO_CACHE_DIR=1
RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf pip install -r requirements.txt
`;
    return S("clean/dockerfile-secret-mount", "Dockerfile", text, [], []);
  },
  (g) => {
    const a = g.sha1();
    const b = g.sha1();
    const text = `diff --git a/src/auth.ts b/src/auth.ts
index ${a.slice(0, 7)}..${b.slice(0, 7)} 100644
--- a/src/auth.ts
+++ b/src/auth.ts
@@ -10,7 +10,7 @@
-const token = getToken();
+const token = await getToken({ refresh: true });
 if (!token) {
   throw new AuthError("no token");
`;
    return S("clean/diff-token-var", "git diff", text, [], []);
  },
  (g) => {
    const id = g.uuid();
    const text = `{
  "id": "evt_${g.alnum(24)}",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1718276400,
  "data": { "object": { "id": "pi_${g.alnum(24)}", "amount": 2000, "currency": "eur", "client_secret": null } },
  "request": { "id": "req_${g.alnum(14)}", "idempotency_key": "${id}" },
  "type": "payment_intent.created"
}`;
    return S("clean/stripe-event", "Stripe event JSON", text, [], [id, "2024-06-20"]);
  },
  () => {
    const text = `variable "db_password" {
  description = "Master password for the RDS instance"
  type        = string
  sensitive   = true
}

resource "aws_db_instance" "main" {
  password = var.db_password
}
`;
    return S("clean/tf-variable", "Terraform HCL", text, [], ["var.db_password"]);
  },
  () => {
    const text = `- name: create app user
  community.mysql.mysql_user:
    name: app
    password: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=kv/data/mysql:app') }}"
    priv: "app.*:ALL"
    state: present
`;
    return S("clean/ansible-lookup", "Ansible task", text, [], ["{{ lookup('community.hashi_vault.hashi_vault', 'secret=kv/data/mysql:app') }}"]);
  },
  (g) => {
    const h = g.hex(32);
    const text = `$ md5sum backup.tar
${h}  backup.tar
$ ls -la
-rw-r--r--  1 dev staff 104857600 Jun 13 11:02 backup.tar
`;
    return S("clean/md5", "shell session", text, [], [h]);
  },
  (g) => {
    const text = `<?xml version="1.0" encoding="utf-8"?>
<packages>
  <package id="Newtonsoft.Json" version="13.0.3" targetFramework="net48" />
  <package id="Microsoft.Identity.Client" version="4.61.3" targetFramework="net48" />
</packages>
<!-- nuget hash: ${g.bytesB64(64)} -->
`;
    return S("clean/nuget", "packages.config", text, [], ["13.0.3", "4.61.3"]);
  },
  () => {
    const text = `# Rotate secrets quarterly
1. Generate a new token in Settings → Developer settings → Personal access tokens.
2. Update \`GITHUB_TOKEN\` in the CI secrets store.
3. Revoke the old token. Never paste tokens into chat or tickets.
`;
    return S("clean/runbook", "Markdown runbook", text, [], []);
  },
  (g) => {
    const text = `import hashlib, hmac
digest = hmac.new(key=settings.WEBHOOK_SECRET.encode(), msg=body, digestmod=hashlib.sha256).hexdigest()
assert hmac.compare_digest(digest, request.headers["X-Signature"])  # e.g. ${g.sha256()}
`;
    return S("clean/hmac-verify", "Python source", text, [], ["settings.WEBHOOK_SECRET"]);
  },
  (g) => {
    const text = `$ aws sts get-caller-identity
{
    "UserId": "AROA${g.str(UPPER + DIGITS, 17)}:jdoe",
    "Account": "${g.digits(12)}",
    "Arn": "arn:aws:sts::${g.digits(12)}:assumed-role/Developer/jdoe"
}
`;
    return S("clean/sts-identity", "AWS CLI output", text, [], []);
  },
  (g) => {
    const text = `  "scripts": {
    "build": "remix vite:build",
    "test": "vitest run",
    "lint": "eslint . --max-warnings 0"
  },
  "packageManager": "pnpm@9.4.0+sha512.${g.hex(128)}"
`;
    return S("clean/package-manager-hash", "package.json fragment", text, [], []);
  },
  (g) => {
    const text = `Sentry event ${g.hex(32)}
Release: web@${g.sha1()}
Environment: production
TypeError: Cannot read properties of undefined (reading 'token')
  at AuthProvider (app/auth.tsx:41:17)
`;
    return S("clean/sentry-event", "Sentry issue", text, [], []);
  },
  () => {
    const text = `| Setting | Default | Notes |
|---------|---------|-------|
| \`password_min_length\` | 12 | |
| \`token_ttl\` | 3600 | seconds |
| \`api_key_header\` | X-API-Key | case-insensitive |
| \`secret_store\` | vault | or \`env\` |
`;
    return S("clean/settings-table", "Markdown table", text, [], []);
  },
  (g) => {
    const text = `java.lang.IllegalStateException: Failed to load ApplicationContext
Caused by: org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource': Could not resolve placeholder 'DB_PASSWORD' in value "\${DB_PASSWORD}"
	at org.springframework.beans.factory.support.AbstractAutowireCapableBeanFactory.doCreateBean(AbstractAutowireCapableBeanFactory.java:${g.int(100, 999)})
`;
    return S("clean/spring-placeholder-error", "Java stack trace", text, [], ["${DB_PASSWORD}"]);
  },
  (g) => {
    const text = `$ npm audit
# npm audit report

braces  <3.0.3
Severity: high
Uncontrolled resource consumption in braces - https://github.com/advisories/GHSA-grv7-fg5c-xmjg
fix available via \`npm audit fix\`
node_modules/braces
# ${g.hex(7)}
`;
    return S("clean/npm-audit", "npm audit output", text, [], ["GHSA-grv7-fg5c-xmjg"]);
  },
  () => {
    const text = `Привет! Не могу понять, где хранить пароль от базы — в .env или в Vault? Сейчас он передаётся через переменную окружения DB_PASSWORD.`;
    return S("clean/ru-prose", "Russian prose", text, [], []);
  },
  () => {
    const text = `请问 Kubernetes 的 Secret 和 ConfigMap 有什么区别？我的 token 应该放在哪里？`;
    return S("clean/zh-prose", "Chinese prose", text, [], []);
  },
  (g) => {
    const text = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: ledger-tls
spec:
  secretName: ledger-tls
  dnsNames: ["ledger.acme.io"]
  issuerRef: { name: letsencrypt-prod, kind: ClusterIssuer }
# resourceVersion ${g.digits(8)} uid ${g.uuid()}
`;
    return S("clean/cert-manager", "Kubernetes manifest", text, [], []);
  },
  (g) => {
    const text = `Session: ${g.uuid()}
Pasted image: screenshot-2024-06-13-at-11.02.45.png (sha1 ${g.sha1()})
Build number: 20240613.4
Correlation-Id: ${g.hex(16)}-${g.hex(8)}
`;
    return S("clean/misc-ids", "support ticket footer", text, [], ["20240613.4"]);
  },
  () => {
    const text = `def login(username: str, password: str) -> Token:
    user = User.get(username=username)
    if not user or not verify(password, user.password_hash):
        raise InvalidCredentials()
    return issue_token(user, secret=current_app.config["JWT_SECRET"])
`;
    return S("clean/py-login", "Python source", text, [], ['current_app.config["JWT_SECRET"]']);
  },
  (g) => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "checkout_v2,new_nav"
  BUILD_SHA: "${g.sha1()}"
  PUBLIC_URL: https://ledger.acme.io
`;
    return S("clean/configmap", "Kubernetes ConfigMap", text, [], []);
  },
];

const ALL: Builder[] = [
  ...python,
  ...notebook,
  ...js,
  ...go,
  ...rust,
  ...jvm,
  ...dotnet,
  ...php,
  ...ruby,
  ...mobile,
  ...misc,
  ...shell,
  ...envFiles,
  ...infra,
  ...dotfiles,
  ...keys,
  ...http,
  ...logs,
  ...diffs,
  ...prose,
  ...wrapped,
  ...more,
  ...clean,
  ...moreClean,
];

export const secretsProbe: ProbeSet = {
  name: "secrets",
  build(seed: number): ProbeSample[] {
    const g = new Gen(seed);
    return ALL.map((builder) => builder(g));
  },
};
