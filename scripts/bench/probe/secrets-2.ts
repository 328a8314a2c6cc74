/**
 * The second blind probe (see types.ts): written without reading the detectors, after the first probe
 * had been used to fix them, to see whether those fixes generalise. Its emphasis differs from the first:
 * build and mobile tooling, native and less common languages, system and network configuration,
 * package-manager credentials, a wide spread of provider token formats, awkward text shapes (CRLF,
 * tabs, very long lines, double-escaped JSON, tables, traces, transcripts) and prose in many languages.
 * About a quarter of the samples hold no secret, only look-alikes.
 *
 * Every value is synthetic; provider tokens are generated at run time from the seed.
 */
import type { ProbeSample, ProbeSet, ProbeValue } from "./types";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const LOWER_ALNUM = LOWER + DIGITS;
const UPPER_ALNUM = UPPER + DIGITS;
const HEX = "0123456789abcdef";
const B64URL = ALNUM + "-_";
const B32 = "abcdefghijklmnopqrstuvwxyz234567";
const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const WORDS = ["maple", "orbit", "harbor", "lantern", "quartz", "falcon", "cedar", "ember", "glacier", "meadow", "copper", "violet", "thunder", "pepper", "saffron", "juniper", "walnut", "cobalt", "tundra", "willow"];
const SYMBOLS = "!*.-_+";

/** A small seeded generator (mulberry32) with the alphabets real credentials use. */
class Gen {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  of(alphabet: string, n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
  alnum = (n: number) => this.of(ALNUM, n);
  hex = (n: number) => this.of(HEX, n);
  HEX = (n: number) => this.of(HEX.toUpperCase(), n);
  lower = (n: number) => this.of(LOWER_ALNUM, n);
  letters = (n: number) => this.of(UPPER + LOWER, n);
  upper = (n: number) => this.of(UPPER_ALNUM, n);
  digits = (n: number) => this.of(DIGITS, n);
  b64url = (n: number) => this.of(B64URL, n);
  b32 = (n: number) => this.of(B32, n);
  bech32 = (n: number) => this.of(BECH32, n);
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  base64 = (nBytes: number) => this.bytes(nBytes).toString("base64");
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${this.pick(["8", "9", "a", "b"])}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  /** PEM-style base64 body: 64-character lines, the first starting like DER does. */
  pemBody(nBytes: number, eol = "\n", indent = ""): string {
    const b64 = "MII" + this.bytes(nBytes).toString("base64").slice(3);
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += 64) lines.push(indent + b64.slice(i, i + 64));
    return lines.join(eol);
  }
  jwt(payload: Record<string, unknown>, alg = "HS256"): string {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    return `${enc({ alg, typ: "JWT" })}.${enc(payload)}.${this.b64url(alg === "HS256" ? 43 : 342)}`;
  }
  /** A human-made password: "Maple*Orbit58" or a random 16-character string. */
  password(): string {
    const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
    if (this.next() < 0.5) return `${cap(this.pick(WORDS))}${this.pick([...SYMBOLS])}${cap(this.pick(WORDS))}${this.digits(2)}`;
    return this.alnum(6) + this.pick([...SYMBOLS]) + this.alnum(5) + this.digits(2) + this.pick([...SYMBOLS]) + this.alnum(2);
  }
  /** A password that needs no escaping inside a URL's userinfo. */
  urlPassword(): string {
    return this.alnum(7) + this.pick(["-", "_", "."]) + this.alnum(6) + this.digits(3);
  }
  // Provider formats used more than once.
  openai = () => `sk-proj-${this.b64url(74)}T3BlbkFJ${this.b64url(74)}`;
  anthropic = () => `sk-ant-api03-${this.b64url(93)}AA`;
  github = () => `ghp_${this.alnum(36)}`;
  githubFine = () => `github_pat_11${this.upper(20)}_${this.alnum(59)}`;
  gitlab = () => `glpat-${this.b64url(20)}`;
  stripe = () => `sk_live_51${this.alnum(97)}`;
  slackBot = () => `xoxb-${this.digits(12)}-${this.digits(13)}-${this.alnum(24)}`;
  slackWebhook = () => `https://hooks.slack.com/services/T${this.upper(8)}/B${this.upper(10)}/${this.alnum(24)}`;
  google = () => `AIza${this.b64url(35)}`;
  npm = () => `npm_${this.alnum(36)}`;
  sendgrid = () => `SG.${this.b64url(22)}.${this.b64url(43)}`;
  hf = () => `hf_${this.letters(34)}`;
  awsId = () => `AKIA${this.of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`;
  awsSecret = () => this.of(ALNUM + "+/", 40);
  sha1 = () => this.hex(40);
  sha256 = () => this.hex(64);
  integrity = () => `sha512-${this.base64(64)}`;
}

const s = (value: string, label: string): ProbeValue => ({ value, kind: "secret", label });
const p = (value: string, label: string): ProbeValue => ({ value, kind: "pii", label });
const lineOf = (text: string, n: number) => text.split("\n")[n] ?? "";
type Made = { text: string; secrets?: ProbeValue[]; benign?: string[] };
type Spec = [id: string, format: string, make: (g: Gen) => Made];

const SPECS: Spec[] = [];
const def = (id: string, format: string, make: (g: Gen) => Made) => SPECS.push([id, format, make]);

// ───────────────────────── build, mobile and native languages ─────────────────────────

def("gradle/properties-signing", "gradle.properties", (g) => {
  const signPw = g.password();
  const ossrh = g.password();
  return {
    text: `org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8
org.gradle.parallel=true
android.useAndroidX=true
kotlin.code.style=official
VERSION_NAME=3.12.0
GROUP=io.acme.sdk
signing.keyId=24875D73
signing.password=${signPw}
signing.secretKeyRingFile=/Users/marek/.gnupg/secring.gpg
ossrhUsername=acme-release
ossrhPassword=${ossrh}
`,
    secrets: [s(signPw, "gpg signing password"), s(ossrh, "sonatype password")],
    benign: ["24875D73", "3.12.0"],
  };
});

def("android/signing-kts", "Kotlin Gradle script", (g) => {
  const store = g.password();
  const key = g.password();
  return {
    text: `android {
    namespace = "io.acme.wallet"
    compileSdk = 34

    signingConfigs {
        create("release") {
            storeFile = file("../keystores/release.jks")
            storePassword = "${store}"
            keyAlias = "acme-release"
            keyPassword = "${key}"
        }
    }
    buildTypes {
        release {
            isMinifyEnabled = true
            signingConfig = signingConfigs.getByName("release")
        }
    }
}`,
    secrets: [s(store, "keystore password"), s(key, "key password")],
  };
});

def("android/local-properties", "Android local.properties", (g) => {
  const key = g.google();
  return {
    text: String.raw`## This file is automatically generated by Android Studio.
# Do not modify this file -- YOUR CHANGES WILL BE ERASED!
#
# This file should *NOT* be checked into Version Control Systems,
# as it contains information specific to your local configuration.
sdk.dir=C\:\\Users\\tomasz.nowak\\AppData\\Local\\Android\\Sdk
MAPS_API_KEY=${key}
`.replace(/\n/g, "\r\n"),
    secrets: [s(key, "google maps api key")],
  };
});

def("android/google-services", "google-services.json", (g) => {
  const key = g.google();
  const appId = `1:48213390571:android:${g.hex(16)}`;
  const clientId = `48213390571-${g.lower(32)}.apps.googleusercontent.com`;
  return {
    text: `{
  "project_info": {
    "project_number": "48213390571",
    "project_id": "acme-wallet-prod",
    "storage_bucket": "acme-wallet-prod.appspot.com"
  },
  "client": [
    {
      "client_info": {
        "mobilesdk_app_id": "${appId}",
        "android_client_info": { "package_name": "io.acme.wallet" }
      },
      "oauth_client": [{ "client_id": "${clientId}", "client_type": 3 }],
      "api_key": [{ "current_key": "${key}" }],
      "services": { "appinvite_service": { "other_platform_oauth_client": [] } }
    }
  ],
  "configuration_version": "1"
}`,
    secrets: [s(key, "firebase api key")],
    benign: [appId, clientId],
  };
});

def("firebase/fcm-legacy-curl", "shell (curl)", (g) => {
  const key = `AAAA${g.b64url(7)}:APA91b${g.b64url(134)}`;
  return {
    text: `# legacy HTTP API still works for us until June
curl -X POST https://fcm.googleapis.com/fcm/send \\
  -H "Authorization: key=${key}" \\
  -H "Content-Type: application/json" \\
  -d '{"to":"/topics/promo","notification":{"title":"Flash sale","body":"-30% today"}}'
{"message_id":6241107702344221513}`,
    secrets: [s(key, "fcm server key")],
    benign: ["6241107702344221513"],
  };
});

def("dart/supabase-admin", "Dart", (g) => {
  const ref = g.of(LOWER, 20);
  const jwt = g.jwt({ iss: "supabase", ref, role: "service_role", iat: 1709251200, exp: 2024827200 });
  return {
    text: `import 'package:supabase/supabase.dart';

// server-side backfill, run with: dart run tool/backfill.dart
Future<void> main() async {
  final client = SupabaseClient(
    'https://${ref}.supabase.co',
    '${jwt}',
  );
  final rows = await client.from('orders').select('id, total').lt('created_at', '2024-01-01');
  print('backfilling \${rows.length} orders');
}`,
    secrets: [s(jwt, "supabase service role jwt")],
  };
});

def("flutter/env-dart", "Dart", (g) => {
  const key = g.openai();
  const sha = g.sha1();
  return {
    text: `// lib/env.dart  (TODO move to --dart-define before release!!)
class Env {
  static const apiBase = 'https://api.acme.app/v2';
  static const openAiKey = '${key}';
  static const buildSha = '${sha}';
  static const buildTime = '2024-11-03T18:22:07Z';
}`,
    secrets: [s(key, "openai project key")],
    benign: [sha, "2024-11-03T18:22:07Z"],
  };
});

def("swift/xcconfig", "Xcode .xcconfig", (g) => {
  const tok = `sntryu_${g.hex(64)}`;
  return {
    text: `// Config/Release.xcconfig
#include "Shared.xcconfig"
PRODUCT_BUNDLE_IDENTIFIER = io.acme.wallet
MARKETING_VERSION = 3.12.0
CURRENT_PROJECT_VERSION = 481
API_BASE_URL = https:/$()/api.acme.app
SENTRY_ORG = acme
SENTRY_PROJECT = wallet-ios
SENTRY_AUTH_TOKEN = ${tok}
`,
    secrets: [s(tok, "sentry user auth token")],
  };
});

def("swift/keychain-request", "Swift", (g) => {
  const reqId = g.uuid();
  return {
    text: `func authorizedRequest(_ url: URL) throws -> URLRequest {
    guard let token = try Keychain.shared.string(forKey: "session.token") else {
        throw AuthError.missingToken
    }
    var req = URLRequest(url: url)
    req.setValue("Bearer \\(token)", forHTTPHeaderField: "Authorization")
    req.setValue("${reqId}", forHTTPHeaderField: "X-Request-ID")
    return req
}
// Keychain.shared.set(password, forKey: "session.password")`,
    benign: [reqId, "\\(token)"],
  };
});

def("c/config-define", "C header", (g) => {
  const key = `${g.hex(32)}-${g.hex(8)}-${g.hex(8)}`;
  const uuid = g.uuid();
  return {
    text: `/* config.h — generated by ./configure, do not edit */
#ifndef ACME_CONFIG_H
#define ACME_CONFIG_H

#define FW_VERSION "2.4.1"
#define DEVICE_CLASS_UUID "${uuid}"
#define MAILGUN_DOMAIN "mg.acme.io"
#define MAILGUN_API_KEY "${key}"
#define MAX_RETRIES 5

#endif /* ACME_CONFIG_H */`,
    secrets: [s(key, "mailgun api key")],
    benign: [uuid, "2.4.1"],
  };
});

def("c/curl-userpwd", "C", (g) => {
  const pw = g.password();
  return {
    text: `static int upload_manifest(const char *path)
{
    CURL *curl = curl_easy_init();
    FILE *fp = fopen(path, "rb");
    if (!curl || !fp) return -1;
    curl_easy_setopt(curl, CURLOPT_URL, "ftp://files.partner-logistics.de/outbound/manifest.csv");
    curl_easy_setopt(curl, CURLOPT_USERPWD, "acme_ftp:${pw}");
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READDATA, fp);
    CURLcode res = curl_easy_perform(curl);
    if (res != CURLE_OK)
        fprintf(stderr, "upload failed: %s\\n", curl_easy_strerror(res));
    curl_easy_cleanup(curl);
    fclose(fp);
    return (int)res;
}`,
    secrets: [s(pw, "ftp password")],
  };
});

def("cpp/pusher-constants", "C++", (g) => {
  const secret = g.hex(20);
  return {
    text: `namespace realtime {
constexpr char kPusherAppId[] = "1638402";
constexpr char kPusherSecret[] = "${secret}";
constexpr char kPusherCluster[] = "eu";
constexpr int kReconnectMs = 2500;
}  // namespace realtime`,
    secrets: [s(secret, "pusher app secret")],
  };
});

def("lua/openresty", "nginx + Lua (OpenResty)", (g) => {
  const jwtSecret = g.b64url(48);
  const redisPw = g.password();
  return {
    text: `location /api/ {
    access_by_lua_block {
        local jwt = require "resty.jwt"
        local redis = require "resty.redis"
        local secret = "${jwtSecret}"
        local auth = ngx.var.http_authorization or ""
        local token = auth:match("Bearer%s+(.+)")
        local obj = jwt:verify(secret, token)
        if not obj.verified then return ngx.exit(401) end
        local red = redis:new()
        red:connect("127.0.0.1", 6379)
        local ok, err = red:auth("${redisPw}")
        if not ok then ngx.log(ngx.ERR, "redis auth: ", err) end
    }
    proxy_pass http://backend;
}`,
    secrets: [s(jwtSecret, "jwt signing secret"), s(redisPw, "redis password")],
  };
});

def("nginx/tls-no-secret", "nginx.conf", (g) => {
  const pin = g.base64(32);
  return {
    text: `server {
    listen 443 ssl http2;
    server_name console.acme.io;
    ssl_certificate     /etc/letsencrypt/live/console.acme.io/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/console.acme.io/privkey.pem;
    ssl_session_ticket_key /etc/nginx/tickets/current.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    add_header Strict-Transport-Security "max-age=63072000" always;
    add_header Public-Key-Pins 'pin-sha256="${pin}"; max-age=5184000';
    location / { proxy_pass http://127.0.0.1:3000; }
}`,
    benign: [pin, "/etc/letsencrypt/live/console.acme.io/privkey.pem"],
  };
});

def("perl/dbi-connect", "Perl", (g) => {
  const pw = g.password();
  return {
    text: `#!/usr/bin/perl
use strict;
use warnings;
use DBI;

my $dbh = DBI->connect("dbi:Pg:dbname=billing;host=db1.acme.internal", "billing_rw", "${pw}", { RaiseError => 1, AutoCommit => 0 })
    or die $DBI::errstr;
my $sth = $dbh->prepare("SELECT id, amount FROM invoices WHERE status = ?");
$sth->execute('overdue');`,
    secrets: [s(pw, "database password")],
  };
});

def("haskell/postgres-stripe", "Haskell", (g) => {
  const pw = g.password();
  const key = g.stripe();
  return {
    text: `{-# LANGUAGE OverloadedStrings #-}
module Config where

import Database.PostgreSQL.Simple

connInfo :: ConnectInfo
connInfo = defaultConnectInfo
  { connectHost     = "reporting-db.internal"
  , connectDatabase = "analytics"
  , connectUser     = "etl"
  , connectPassword = "${pw}"
  }

stripeSecretKey :: Text
stripeSecretKey = "${key}"`,
    secrets: [s(pw, "database password"), s(key, "stripe live secret key")],
  };
});

def("clojure/edn-config", "Clojure EDN", (g) => {
  const pw = g.password();
  const key = g.stripe();
  const jwt = g.b64url(40);
  return {
    text: `{:server {:port 8080 :host "0.0.0.0"}
 :db {:dbtype "postgresql"
      :host "pg.acme.internal"
      :dbname "shop"
      :user "shop_app"
      :password "${pw}"}
 :stripe {:secret-key "${key}"
          :api-version "2024-06-20"}
 :auth {:jwt-secret "${jwt}"
        :token-ttl-minutes 30}}`,
    secrets: [s(pw, "database password"), s(key, "stripe live secret key"), s(jwt, "jwt secret")],
    benign: ["2024-06-20"],
  };
});

def("fsharp/sql-connection", "F#", (g) => {
  const pw = g.password();
  return {
    text: `module Db

open Microsoft.Data.SqlClient

[<Literal>]
let ApiVersion = "2023-10-01"

let connectionString =
    "Server=tcp:acme-prod.database.windows.net,1433;Initial Catalog=ledger;User ID=ledger_admin;Password=${pw};Encrypt=True;TrustServerCertificate=False;Connection Timeout=30;"

let openConnection () =
    let conn = new SqlConnection(connectionString)
    conn.Open()
    conn`,
    secrets: [s(pw, "azure sql password")],
  };
});

def("julia/openai", "Julia", (g) => {
  const key = g.openai();
  return {
    text: `using HTTP, JSON3

ENV["OPENAI_API_KEY"] = "${key}"

function complete(prompt)
    resp = HTTP.post("https://api.openai.com/v1/chat/completions",
        ["Authorization" => "Bearer $(ENV["OPENAI_API_KEY"])", "Content-Type" => "application/json"],
        JSON3.write(Dict("model" => "gpt-4o-mini", "messages" => [Dict("role" => "user", "content" => prompt)])))
    JSON3.read(resp.body).choices[1].message.content
end`,
    secrets: [s(key, "openai project key")],
  };
});

def("matlab/hf", "MATLAB", (g) => {
  const key = g.hf();
  return {
    text: `% query the sentiment model from the lab script
api_token = '${key}';
url = 'https://api-inference.huggingface.co/models/distilbert-base-uncased-finetuned-sst-2-english';
opts = weboptions('HeaderFields', {'Authorization', ['Bearer ' api_token]}, 'Timeout', 30);
resp = webwrite(url, struct('inputs', 'The results look promising'), opts);
disp(resp{1}(1).label)`,
    secrets: [s(key, "hugging face token")],
  };
});

def("vba/excel-macro", "VBA", (g) => {
  const token = `pat${g.alnum(14)}.${g.hex(64)}`;
  const pw = g.password();
  return {
    text: `Option Explicit
Const API_TOKEN As String = "${token}"
Const BASE_ID As String = "appX7Qb2kLm9TzR4w"

Sub RefreshSales()
    Dim conn As New ADODB.Connection
    conn.Open "Provider=SQLOLEDB;Data Source=SQL01;Initial Catalog=Sales;User Id=excel_ro;Password=${pw};"
    Dim rs As ADODB.Recordset
    Set rs = conn.Execute("SELECT Region, SUM(Amount) FROM Orders GROUP BY Region")
    Sheets("Data").Range("A2").CopyFromRecordset rs
End Sub`,
    secrets: [s(token, "airtable personal access token"), s(pw, "sql server password")],
    benign: ["appX7Qb2kLm9TzR4w"],
  };
});

def("bash/read-s", "Bash", (g) => {
  const tok = `hvs.CAESI${g.b64url(86)}`;
  return {
    text: `#!/usr/bin/env bash
set -euo pipefail
export VAULT_ADDR=https://vault.acme.internal:8200
if [[ -z "\${VAULT_TOKEN:-}" ]]; then
  read -r -s -p "Vault token: " VAULT_TOKEN; echo
  export VAULT_TOKEN
fi
# VAULT_TOKEN=${tok}   # old one from Friday, revoked?
vault kv get -field=password secret/ci/registry | docker login registry.acme.io -u ci --password-stdin`,
    secrets: [s(tok, "vault token")],
  };
});

def("make/token-default", "Makefile", (g) => {
  const tok = g.gitlab();
  return {
    text: `IMAGE ?= registry.gitlab.com/acme/api
TAG ?= $(shell git rev-parse --short HEAD)
REGISTRY_USER ?= ci-bot
REGISTRY_TOKEN ?= ${tok}

.PHONY: push
push:
\tdocker login registry.gitlab.com -u $(REGISTRY_USER) -p $(REGISTRY_TOKEN)
\tdocker build -t $(IMAGE):$(TAG) .
\tdocker push $(IMAGE):$(TAG)
`,
    secrets: [s(tok, "gitlab personal access token")],
    benign: ["$(REGISTRY_TOKEN)"],
  };
});

def("maven/settings-xml", "Maven settings.xml", (g) => {
  const pw = g.password();
  return {
    text: `<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
  <servers>
    <server>
      <id>acme-nexus</id>
      <username>deployer</username>
      <password>${pw}</password>
    </server>
    <server>
      <id>acme-snapshots</id>
      <username>\${env.NEXUS_USER}</username>
      <password>\${env.NEXUS_PASSWORD}</password>
    </server>
  </servers>
</settings>`,
    secrets: [s(pw, "nexus password")],
    benign: ["${env.NEXUS_PASSWORD}"],
  };
});

def("nuget/cleartext", "NuGet.config", (g) => {
  const pat = g.b32(52);
  return {
    text: `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
    <add key="AcmeFeed" value="https://pkgs.dev.azure.com/acme/_packaging/acme/nuget/v3/index.json" />
  </packageSources>
  <packageSourceCredentials>
    <AcmeFeed>
      <add key="Username" value="build" />
      <add key="ClearTextPassword" value="${pat}" />
    </AcmeFeed>
  </packageSourceCredentials>
</configuration>`,
    secrets: [s(pat, "azure devops pat")],
  };
});

def("dotnet/user-secrets", ".NET secrets.json", (g) => {
  const pw = g.password();
  const cs = `GOCSPX-${g.b64url(28)}`;
  const clientId = `${g.digits(12)}-${g.lower(32)}.apps.googleusercontent.com`;
  return {
    text: `{
  "ConnectionStrings:Default": "Host=localhost;Port=5432;Database=acme_dev;Username=acme;Password=${pw}",
  "Authentication:Google:ClientId": "${clientId}",
  "Authentication:Google:ClientSecret": "${cs}",
  "Logging:LogLevel:Default": "Debug"
}`,
    secrets: [s(pw, "database password"), s(cs, "google oauth client secret")],
    benign: [clientId],
  };
});

def("django/settings", "Django settings.py", (g) => {
  const key = g.of("abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)", 50);
  const pw = g.password();
  return {
    text: `from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = '${key}'

DEBUG = False
ALLOWED_HOSTS = ['shop.acme.io']

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': 'shop',
        'USER': 'shop',
        'PASSWORD': '${pw}',
        'HOST': 'pg-primary.acme.internal',
        'PORT': '5432',
    }
}`,
    secrets: [s(key, "django secret key"), s(pw, "database password")],
  };
});

def("flask/config", "Flask config.py", (g) => {
  const pw = g.urlPassword();
  const mail = g.password();
  return {
    text: `import os

class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev")
    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://flask:${pw}@db.acme.internal/app?charset=utf8mb4"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    MAIL_SERVER = "smtp.mailgun.org"
    MAIL_PORT = 587
    MAIL_USERNAME = "postmaster@mg.acme.io"
    MAIL_PASSWORD = "${mail}"`,
    secrets: [s(pw, "mysql password"), s(mail, "smtp password"), p("postmaster@mg.acme.io", "email")],
    benign: ['os.environ.get("SECRET_KEY", "dev")'],
  };
});

def("rails/master-key", "terminal session", (g) => {
  const key = g.hex(32);
  return {
    text: `$ cat config/master.key
${key}
$ EDITOR="code --wait" bin/rails credentials:edit
File encrypted and saved.`,
    secrets: [s(key, "rails master key")],
  };
});

def("rails/secrets-yml", "Rails secrets.yml", (g) => {
  const key = g.hex(128);
  return {
    text: `development:
  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>

test:
  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>

production:
  secret_key_base: ${key}
`,
    secrets: [s(key, "rails secret_key_base")],
    benign: ['<%= ENV["SECRET_KEY_BASE"] %>'],
  };
});

def("symfony/env-local", "Symfony .env.local", (g) => {
  const appSecret = g.hex(32);
  const dbPw = g.urlPassword();
  const mailPw = g.alnum(14);
  return {
    text: `###> symfony/framework-bundle ###
APP_ENV=prod
APP_SECRET=${appSecret}
###< symfony/framework-bundle ###

###> doctrine/doctrine-bundle ###
DATABASE_URL="postgresql://app:${dbPw}@127.0.0.1:5432/app?serverVersion=16&charset=utf8"
###< doctrine/doctrine-bundle ###

###> symfony/mailer ###
MAILER_DSN=smtp://4f1c2a9b7e3d10:${mailPw}@sandbox.smtp.mailtrap.io:2525
###< symfony/mailer ###`,
    secrets: [s(appSecret, "symfony app secret"), s(dbPw, "database password"), s(mailPw, "smtp password")],
  };
});

def("next/config-env", "next.config.js", (g) => {
  const key = g.stripe();
  return {
    text: `/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  images: { domains: ['cdn.acme.io'] },
  env: {
    NEXT_PUBLIC_GA_ID: 'G-7QK2M4XZ1B',
    STRIPE_SECRET_KEY: '${key}',
  },
}

module.exports = nextConfig`,
    secrets: [s(key, "stripe live secret key")],
    benign: ["G-7QK2M4XZ1B"],
  };
});

def("vite/built-bundle", "minified JavaScript bundle", (g) => {
  const admin = g.hex(32);
  const appId = g.upper(10);
  const filler = Array.from({ length: 30 }, (_, i) => `function q${i}(e,t){return e.map(n=>n*t+${i}).filter(Boolean)}`).join(";");
  return {
    text: `var Rt=Object.defineProperty;${filler};const Xe={BASE_URL:"/",MODE:"production",DEV:!1,PROD:!0,SSR:!1,VITE_API_URL:"https://api.acme.io",VITE_ALGOLIA_APP_ID:"${appId}",VITE_ALGOLIA_ADMIN_KEY:"${admin}"};function Ze(){return Xe.VITE_API_URL}export{Ze as a};`,
    secrets: [s(admin, "algolia admin key")],
    benign: [appId],
  };
});

// ───────────────────────── deployment, cloud and secret stores ─────────────────────────

def("serverless/yml", "serverless.yml", (g) => {
  const hook = g.slackWebhook();
  return {
    text: `service: order-notifier
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-central-1
  environment:
    STRIPE_KEY: \${ssm:/prod/order-notifier/stripe-key}
    TABLE_NAME: \${self:service}-\${sls:stage}
    SLACK_WEBHOOK_URL: ${hook}
functions:
  notify:
    handler: src/notify.handler
    events:
      - sqs: arn:aws:sqs:eu-central-1:123456789012:orders`,
    secrets: [s(hook, "slack webhook url")],
    benign: ["${ssm:/prod/order-notifier/stripe-key}", "arn:aws:sqs:eu-central-1:123456789012:orders"],
  };
});

def("sam/noecho-default", "AWS SAM template", (g) => {
  const pw = g.password();
  return {
    text: `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: prod
  DbPassword:
    Type: String
    NoEcho: true
    Default: "${pw}"
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: ledger
      MasterUserPassword: !Ref DbPassword`,
    secrets: [s(pw, "rds master password")],
    benign: ["!Ref DbPassword"],
  };
});

def("pulumi/config", "Pulumi.prod.yaml", (g) => {
  const salt = `v1:${g.base64(12)}:v1:${g.base64(12)}:${g.base64(32)}`;
  const cipher = `v1:${g.base64(12)}:${g.base64(36)}`;
  const sg = g.sendgrid();
  return {
    text: `encryptionsalt: ${salt}
config:
  aws:region: eu-west-1
  app:dbPassword:
    secure: ${cipher}
  app:sendgridKey: ${sg}
  app:replicas: "3"`,
    secrets: [s(sg, "sendgrid api key")],
    benign: [salt, cipher],
  };
});

def("bicep/parameters-json", "ARM parameters JSON", (g) => {
  const pw = g.password();
  const pub = `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${g.base64(270)} ops@jumpbox`;
  return {
    text: `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "vmName": { "value": "build-agent-01" },
    "adminUsername": { "value": "azureuser" },
    "adminPassword": { "value": "${pw}" },
    "sshPublicKey": { "value": "${pub}" }
  }
}`,
    secrets: [s(pw, "vm admin password")],
    benign: [pub.slice(0, 60)],
  };
});

def("gcloud/secrets", "terminal session", (g) => {
  const key = g.stripe();
  const pw = g.password();
  return {
    text: `$ echo -n "${key}" | gcloud secrets create stripe-secret-key --replication-policy=automatic --data-file=-
Created version [1] of the secret [stripe-secret-key].
$ gcloud secrets versions access latest --secret=db-password --project=acme-prod
${pw}
$ gcloud secrets list --format="value(name)"
db-password
stripe-secret-key`,
    secrets: [s(key, "stripe live secret key"), s(pw, "database password")],
  };
});

def("vault/kv-get", "Vault CLI output", (g) => {
  const key = g.stripe();
  const pw = g.password();
  const whsec = `whsec_${g.alnum(32)}`;
  return {
    text: `$ vault kv get secret/payments/prod
======= Secret Path =======
secret/data/payments/prod

======= Metadata =======
Key                Value
---                -----
created_time       2024-05-14T09:12:44.118Z
custom_metadata    <nil>
deletion_time      n/a
destroyed          false
version            7

====== Data ======
Key               Value
---               -----
api_key           ${key}
db_password       ${pw}
webhook_secret    ${whsec}`,
    secrets: [s(key, "stripe live secret key"), s(pw, "database password"), s(whsec, "stripe webhook secret")],
    benign: ["2024-05-14T09:12:44.118Z"],
  };
});

def("k8s/kubectl-create-secret", "shell (kubectl)", (g) => {
  const pw = g.password();
  const pat = `dckr_pat_${g.b64url(27)}`;
  return {
    text: `kubectl -n payments create secret generic db-credentials \\
  --from-literal=username=payments \\
  --from-literal=password='${pw}'
kubectl -n payments create secret docker-registry regcred \\
  --docker-server=https://index.docker.io/v1/ \\
  --docker-username=acmeci \\
  --docker-password=${pat} \\
  --docker-email=platform@acme.io`,
    secrets: [s(pw, "database password"), s(pat, "docker hub pat"), p("platform@acme.io", "email")],
  };
});

def("helm/set-flags", "shell (helm)", (g) => {
  const pw = g.password();
  return {
    text: `helm upgrade --install grafana grafana/grafana -n monitoring \\
  --version 7.3.9 \\
  --set adminUser=admin \\
  --set adminPassword='${pw}' \\
  --set persistence.enabled=true \\
  --set ingress.hosts[0]=grafana.acme.io`,
    secrets: [s(pw, "grafana admin password")],
    benign: ["7.3.9"],
  };
});

def("argocd/repo-secret", "Kubernetes manifest (ArgoCD)", (g) => {
  const tok = g.github();
  return {
    text: `apiVersion: v1
kind: Secret
metadata:
  name: platform-deploy-repo
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: https://github.com/acme/platform-deploy
  username: acme-bot
  password: ${tok}`,
    secrets: [s(tok, "github classic pat")],
  };
});

def("flux/bootstrap", "terminal session", (g) => {
  const tok = g.githubFine();
  return {
    text: `$ export GITHUB_TOKEN=${tok}
$ flux bootstrap github --owner=acme --repository=fleet-infra --branch=main --path=./clusters/prod --personal=false
► connecting to github.com
✔ repository "https://github.com/acme/fleet-infra" created
► cloning branch "main" from Git repository "https://github.com/acme/fleet-infra.git"`,
    secrets: [s(tok, "github fine-grained pat")],
  };
});

def("k8s/secret-data-base64", "Kubernetes Secret", (g) => {
  const pw = g.password();
  const enc = Buffer.from(pw).toString("base64");
  return {
    text: `apiVersion: v1
kind: Secret
metadata:
  name: redis-auth
  namespace: cache
type: Opaque
data:
  username: ZGVmYXVsdA==
  password: ${enc}`,
    secrets: [s(enc, "base64 redis password")],
  };
});

def("systemd/environment", "systemd unit", (g) => {
  const pw = g.urlPassword();
  const tok = g.alnum(40);
  return {
    text: `[Unit]
Description=Acme invoice worker
After=network-online.target

[Service]
User=invoice
Environment="DATABASE_URL=postgres://invoice:${pw}@db1.acme.internal:5432/invoices"
Environment=INVOICE_API_TOKEN=${tok}
Environment=NODE_ENV=production
ExecStart=/usr/bin/node /opt/invoice/worker.js
Restart=on-failure

[Install]
WantedBy=multi-user.target`,
    secrets: [s(pw, "database password"), s(tok, "service api token")],
  };
});

def("supervisord/conf", "supervisord.conf", (g) => {
  const redis = g.password();
  const web = g.password();
  return {
    text: `[inet_http_server]
port=127.0.0.1:9001
username=admin
password=${web}

[program:celery]
command=/srv/app/venv/bin/celery -A app worker -l info
directory=/srv/app
user=app
autostart=true
environment=REDIS_PASSWORD="${redis}",DJANGO_SETTINGS_MODULE="app.settings.prod"`,
    secrets: [s(web, "supervisor web password"), s(redis, "redis password")],
  };
});

def("cron/credentials", "crontab", (g) => {
  const pg = g.password();
  const mon = g.urlPassword();
  return {
    text: `# m h  dom mon dow   command
0 3 * * * PGPASSWORD='${pg}' pg_dump -h db1.acme.internal -U backup app | gzip > /backups/app-$(date +\\%F).sql.gz
*/5 * * * * curl -fsS -u monitor:${mon} https://status.acme.io/api/heartbeat > /dev/null
30 4 * * 0 /usr/local/bin/certbot renew --quiet`,
    secrets: [s(pg, "postgres password"), s(mon, "monitor password")],
  };
});

def("postfix/sasl-passwd", "Postfix sasl_passwd", (g) => {
  const sg = g.sendgrid();
  const pw = g.password();
  return {
    text: `# /etc/postfix/sasl_passwd  — run postmap after editing
[smtp.sendgrid.net]:587 apikey:${sg}
[smtp.office365.com]:587 alerts@acme.io:${pw}`,
    secrets: [s(sg, "sendgrid api key"), s(pw, "smtp password"), p("alerts@acme.io", "email")],
  };
});

def("cifs/fstab", "/etc/fstab", (g) => {
  const pw = g.password();
  return {
    text: `# <file system>                   <mount point>   <type>  <options>                                         <dump> <pass>
UUID=6f0b3a1e-9c2d-4b7a-8e55-1d2c3b4a5f60 /          ext4    errors=remount-ro                                 0      1
//nas01.acme.local/backups          /mnt/backups    cifs    username=svc_backup,password=${pw},uid=1000,vers=3.0,iocharset=utf8  0  0`,
    secrets: [s(pw, "smb password")],
    benign: ["6f0b3a1e-9c2d-4b7a-8e55-1d2c3b4a5f60"],
  };
});

def("wireguard/wg0", "WireGuard config", (g) => {
  const priv = g.base64(32);
  const pub = g.base64(32);
  const psk = g.base64(32);
  return {
    text: `[Interface]
PrivateKey = ${priv}
Address = 10.8.0.2/24
DNS = 1.1.1.1

[Peer]
PublicKey = ${pub}
PresharedKey = ${psk}
Endpoint = vpn.acme.io:51820
AllowedIPs = 0.0.0.0/0
PersistentKeepalive = 25`,
    secrets: [s(priv, "wireguard private key"), s(psk, "wireguard preshared key"), p("10.8.0.2", "ip address"), p("1.1.1.1", "ip address")],
    benign: [pub],
  };
});

def("openvpn/static-key", "OpenVPN .ovpn", (g) => {
  const keyLines = Array.from({ length: 16 }, () => g.hex(32)).join("\n");
  const cert = g.pemBody(600);
  return {
    text: `client
dev tun
proto udp
remote vpn.acme.io 1194
cipher AES-256-GCM
key-direction 1
<ca>
-----BEGIN CERTIFICATE-----
${cert}
-----END CERTIFICATE-----
</ca>
<tls-auth>
#
# 2048 bit OpenVPN static key
#
-----BEGIN OpenVPN Static key V1-----
${keyLines}
-----END OpenVPN Static key V1-----
</tls-auth>`,
    secrets: [s(keyLines, "openvpn static key")],
    benign: [lineOf(cert, 0)],
  };
});

def("ipsec/secrets", "ipsec.secrets / swanctl", (g) => {
  const psk = g.password();
  const b64 = `0s${g.base64(24)}`;
  return {
    text: `# /etc/ipsec.secrets
84.17.43.2 91.198.174.192 : PSK "${psk}"

# swanctl.conf
secrets {
  ike-branch {
    id = branch.acme.io
    secret = ${b64}
  }
}`,
    secrets: [s(psk, "ipsec psk"), s(b64, "ipsec psk (base64)"), p("84.17.43.2", "ip address"), p("91.198.174.192", "ip address")],
  };
});

def("snmp/community", "snmpd.conf", (g) => {
  const community = `n0c-${g.alnum(6)}-ro`;
  const auth = g.password();
  const priv = g.password();
  return {
    text: `# /etc/snmp/snmpd.conf
sysLocation    DC2, rack 14
sysContact     noc@acme.io
rocommunity ${community} default
createUser monitor SHA "${auth}" AES "${priv}"
rouser monitor priv

# test: snmpwalk -v2c -c ${community} sw-core-01 system`,
    secrets: [s(community, "snmp community string"), s(auth, "snmpv3 auth passphrase"), s(priv, "snmpv3 privacy passphrase"), p("noc@acme.io", "email")],
  };
});

def("jdbc/urls", "Java properties", (g) => {
  const a = g.urlPassword();
  const b = g.urlPassword();
  return {
    text: `hr.datasource.url=jdbc:sqlserver://sql01.corp.local:1433;databaseName=hr;user=hr_app;password=${a};encrypt=true;trustServerCertificate=true
shop.datasource.url=jdbc:mysql://mysql.acme.internal:3306/shop?user=shop&password=${b}&useSSL=false&serverTimezone=UTC
shop.datasource.hikari.maximum-pool-size=20`,
    secrets: [s(a, "jdbc password"), s(b, "jdbc password")],
  };
});

def("odbc/ini", "odbc.ini", (g) => {
  const pw = g.password();
  return {
    text: `[ODBC Data Sources]
Reporting = ODBC Driver 18 for SQL Server

[Reporting]
Driver      = ODBC Driver 18 for SQL Server
Server      = tcp:bi-sql.acme.internal,1433
Database    = Reporting
UID         = report_reader
PWD         = ${pw}
Encrypt     = yes
TrustServerCertificate = yes`,
    secrets: [s(pw, "odbc password")],
  };
});

def("oracle/sqlplus", "terminal session", (g) => {
  const a = `T1ger_${g.digits(4)}`;
  const b = g.urlPassword();
  return {
    text: `$ sqlplus scott/${a}@ORCLPDB1

SQL*Plus: Release 19.0.0.0.0 - Production on Tue Mar 12 10:02:11 2024
Connected to:
Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production

SQL> conn system/${b}@//db-ora.acme.internal:1521/XEPDB1
Connected.`,
    secrets: [s(a, "oracle password"), s(b, "oracle password")],
    benign: ["19.0.0.0.0"],
  };
});

def("ldap/ldapsearch", "shell", (g) => {
  const pw = g.password();
  return {
    text: `ldapsearch -x -H ldaps://ldap.acme.io -D "cn=admin,dc=acme,dc=io" -w '${pw}' \\
  -b "ou=people,dc=acme,dc=io" "(mail=*)" uid mail
# extended LDIF
# numResponses: 214`,
    secrets: [s(pw, "ldap bind password")],
  };
});

def("ftp/urls", "shell", (g) => {
  const a = g.urlPassword();
  const b = g.password();
  return {
    text: `wget -r -nH --cut-dirs=1 ftp://upload:${a}@ftp.partner.example.net/incoming/2024-06/
lftp -u edi_acme,'${b}' -e "mirror -R ./out /in; quit" sftp://edi.wholesaler.eu`,
    secrets: [s(a, "ftp password"), s(b, "sftp password")],
  };
});

def("smtp/auth-transcript", "SMTP transcript", (g) => {
  const pw = g.password();
  const plain = Buffer.from(`\u0000alerts@acme.io\u0000${pw}`).toString("base64");
  const pw2 = g.password();
  const login = Buffer.from(pw2).toString("base64");
  return {
    text: `S: 220 smtp.acme.io ESMTP Postfix
C: EHLO build-07
S: 250-smtp.acme.io
S: 250-AUTH PLAIN LOGIN
S: 250 STARTTLS
C: AUTH PLAIN ${plain}
S: 235 2.7.0 Authentication successful
C: QUIT
--- second relay ---
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: cmVwb3J0c0BhY21lLmlv
S: 334 UGFzc3dvcmQ6
C: ${login}
S: 235 2.7.0 Authentication successful`,
    secrets: [s(plain, "smtp auth plain credentials"), s(login, "smtp auth login password")],
    benign: ["VXNlcm5hbWU6", "UGFzc3dvcmQ6"],
  };
});

def("git/credential-fill", "terminal session", (g) => {
  const ghs = `ghs_${g.alnum(36)}`;
  const gl = g.gitlab();
  return {
    text: `$ printf 'protocol=https\\nhost=github.com\\n' | git credential fill
protocol=https
host=github.com
username=x-access-token
password=${ghs}
$ cat ~/.git-credentials
https://jdoe:${gl}@gitlab.com`,
    secrets: [s(ghs, "github app installation token"), s(gl, "gitlab pat")],
  };
});

def("npm/npmrc", ".npmrc", (g) => {
  const tok = g.npm();
  return {
    text: `@acme:registry=https://npm.pkg.github.com
//npm.pkg.github.com/:_authToken=\${GITHUB_TOKEN}
//registry.npmjs.org/:_authToken=${tok}
save-exact=true
engine-strict=true`,
    secrets: [s(tok, "npm token")],
    benign: ["${GITHUB_TOKEN}"],
  };
});

def("yarn/yarnrc-yml", ".yarnrc.yml", (g) => {
  const tok = `cmVmdGtuOjAxOjE3${g.b64url(48)}`;
  const pw = g.password();
  return {
    text: `nodeLinker: node-modules
yarnPath: .yarn/releases/yarn-4.1.1.cjs
npmScopes:
  acme:
    npmRegistryServer: "https://acme.jfrog.io/artifactory/api/npm/npm-local/"
    npmAlwaysAuth: true
    npmAuthToken: "${tok}"
npmRegistries:
  "https://nexus.acme.internal/repository/npm-group/":
    npmAuthIdent: "ci-reader:${pw}"`,
    secrets: [s(tok, "jfrog reference token"), s(pw, "nexus password")],
  };
});

def("pnpm/config-set", "terminal session", (g) => {
  const tok = g.npm();
  return {
    text: `PS C:\\Users\\akemi\\src\\web> pnpm config set //registry.npmjs.org/:_authToken ${tok}
PS C:\\Users\\akemi\\src\\web> pnpm publish --access public
npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access
+ @acme/ui-kit@0.9.4`,
    secrets: [s(tok, "npm token")],
    benign: ["0.9.4"],
  };
});

def("cargo/credentials-toml", "Cargo credentials.toml", (g) => {
  const cio = `cio${g.alnum(32)}`;
  const priv = g.b64url(40);
  return {
    text: `# ~/.cargo/credentials.toml
[registry]
token = "${cio}"

[registries.acme-internal]
token = "Bearer ${priv}"`,
    secrets: [s(cio, "crates.io token"), s(priv, "private registry token")],
  };
});

def("composer/auth-json", "Composer auth.json", (g) => {
  const pw = g.hex(40);
  const gho = `gho_${g.alnum(36)}`;
  return {
    text: `{
    "http-basic": {
        "repo.packagist.com": {
            "username": "token",
            "password": "${pw}"
        }
    },
    "github-oauth": {
        "github.com": "${gho}"
    }
}`,
    secrets: [s(pw, "private packagist token"), s(gho, "github oauth token")],
  };
});

def("ruby/gemfile-source", "Gemfile", (g) => {
  const pair = `${g.hex(8)}:${g.hex(8)}`;
  return {
    text: `source "https://rubygems.org"
source "https://${pair}@gems.contribsys.com/" do
  gem "sidekiq-pro"
end

gem "rails", "~> 7.1.3"
gem "pg", "~> 1.5"`,
    secrets: [s(pair, "sidekiq pro credentials")],
    benign: ["7.1.3"],
  };
});

def("pip/index-urls", "pip.conf + requirements", (g) => {
  const gl = g.gitlab();
  const ca = `eyJ2ZXIiOjEsImlzdSI6${g.b64url(300)}`;
  return {
    text: `# ~/.config/pip/pip.conf
[global]
index-url = https://gitlab-ci-token:${gl}@gitlab.com/api/v4/projects/4821/packages/pypi/simple
timeout = 60

# requirements-internal.txt
--extra-index-url https://aws:${ca}@acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/internal/simple/
acme-models==2.3.0`,
    secrets: [s(gl, "gitlab pat"), s(ca, "codeartifact token")],
  };
});

def("docker/build-args", "terminal session", (g) => {
  const tok = g.npm();
  const sha = g.sha1();
  const img = g.hex(12);
  return {
    text: `$ docker build --build-arg NPM_TOKEN=${tok} --build-arg GIT_SHA=${sha} -t acme/web:1.4.2 .
$ docker history acme/web:1.4.2 --no-trunc | head -3
IMAGE          CREATED         CREATED BY                                                      SIZE
${img}   2 minutes ago   RUN |2 NPM_TOKEN=${tok} GIT_SHA=${sha} /bin/sh -c npm ci   412MB`,
    secrets: [s(tok, "npm token")],
    benign: [sha, img],
  };
});

// ───────────────────────── provider tokens in many shapes ─────────────────────────

def("atlassian/jira-curl", "shell (curl)", (g) => {
  const tok = `ATATT3xFfGF0${g.b64url(171)}=${g.HEX(8)}`;
  return {
    text: `curl -s -u "deploy-bot@acme.io:${tok}" \\
  -H "Accept: application/json" \\
  "https://acme.atlassian.net/rest/api/3/search?jql=project%3DOPS%20AND%20status%3DOpen" | jq '.issues[].key'`,
    secrets: [s(tok, "atlassian api token"), p("deploy-bot@acme.io", "email")],
  };
});

def("okta/terraform-tfvars", "terraform.tfvars", (g) => {
  const tok = `00${g.b64url(40)}`;
  return {
    text: `okta_org_name  = "acme"
okta_base_url  = "okta.com"
okta_api_token = "${tok}"
default_group  = "Everyone"`,
    secrets: [s(tok, "okta api token")],
  };
});

def("auth0/env", ".env", (g) => {
  const sec = g.b64url(64);
  const cid = g.alnum(32);
  return {
    text: `AUTH0_DOMAIN=acme.eu.auth0.com
AUTH0_CLIENT_ID=${cid}
AUTH0_CLIENT_SECRET=${sec}
AUTH0_AUDIENCE=https://api.acme.io
AUTH0_SCOPE="openid profile email"`,
    secrets: [s(sec, "auth0 client secret")],
  };
});

def("mapbox/secret-token", "shell", (g) => {
  const body = Buffer.from(JSON.stringify({ u: "acme-maps", a: `cl${g.lower(23)}` })).toString("base64url");
  const tok = `sk.${body}.${g.b64url(22)}`;
  return {
    text: `# tileset upload needs a secret token with uploads:write
export MAPBOX_ACCESS_TOKEN=${tok}
tilesets upload-source acme-maps stores ./stores.geojson.ld`,
    secrets: [s(tok, "mapbox secret token")],
  };
});

def("shopify/app-toml", "shopify.app.toml + .env", (g) => {
  const at = `shpat_${g.hex(32)}`;
  const ss = `shpss_${g.hex(32)}`;
  const cid = g.hex(32);
  return {
    text: `# shopify.app.toml
client_id = "${cid}"
name = "acme-sync"
application_url = "https://sync.acme.io"

# .env
SHOPIFY_API_SECRET=${ss}
SHOPIFY_ADMIN_ACCESS_TOKEN=${at}
SHOP=acme-store.myshopify.com`,
    secrets: [s(at, "shopify admin access token"), s(ss, "shopify shared secret")],
  };
});

def("square/python", "Python", (g) => {
  const tok = `EAAA${g.b64url(60)}`;
  return {
    text: `from square.client import Client

client = Client(
    access_token="${tok}",
    environment="production",
)
result = client.locations.list_locations()
if result.is_success():
    for loc in result.body["locations"]:
        print(loc["id"], loc["name"])`,
    secrets: [s(tok, "square access token")],
  };
});

def("braintree/php", "PHP", (g) => {
  const tok = `access_token$production$${g.lower(16)}$${g.hex(32)}`;
  return {
    text: `<?php
$gateway = new Braintree\\Gateway([
    'accessToken' => '${tok}'
]);
$result = $gateway->clientToken()->generate();
echo $result;`,
    secrets: [s(tok, "braintree access token")],
  };
});

def("twilio/node", "JavaScript", (g) => {
  const sid = `AC${g.hex(32)}`;
  const tok = g.hex(32);
  return {
    text: `const accountSid = '${sid}';
const authToken = '${tok}';
const client = require('twilio')(accountSid, authToken);

client.messages
  .create({ body: 'Your code is 482913', from: '+15005550006', to: process.env.ALERT_PHONE })
  .then((message) => console.log(message.sid));`,
    secrets: [s(tok, "twilio auth token"), p("+15005550006", "phone number")],
    benign: [sid],
  };
});

def("postmark/header", "HTTP request", (g) => {
  const tok = g.uuid();
  return {
    text: `POST /email HTTP/1.1
Host: api.postmarkapp.com
Accept: application/json
Content-Type: application/json
X-Postmark-Server-Token: ${tok}

{"From": "billing@acme.io", "To": "customer@example.org", "Subject": "Invoice INV-2024-0831", "TextBody": "Attached."}`,
    secrets: [s(tok, "postmark server token"), p("billing@acme.io", "email"), p("customer@example.org", "email")],
  };
});

def("sentry/legacy-dsn", "Python", (g) => {
  const pub = g.hex(32);
  const sec = g.hex(32);
  return {
    text: `import sentry_sdk
# old raven-style DSN, still accepted
sentry_sdk.init(
    dsn="https://${pub}:${sec}@o481223.ingest.sentry.io/5521987",
    traces_sample_rate=0.2,
    release="api@4.18.0",
)`,
    secrets: [s(sec, "sentry dsn secret")],
  };
});

def("sentry/org-token-ci", "GitHub Actions workflow", (g) => {
  const tok = `sntrys_${Buffer.from(JSON.stringify({ iat: 1716800000.1, url: "https://sentry.io", region_url: "https://us.sentry.io", org: "acme" })).toString("base64").replace(/=+$/, "")}_${g.b64url(43)}`;
  return {
    text: `      - name: Upload source maps
        env:
          SENTRY_AUTH_TOKEN: ${tok}
          SENTRY_ORG: acme
        run: npx @sentry/cli sourcemaps upload --release \${{ github.sha }} ./dist`,
    secrets: [s(tok, "sentry org auth token")],
    benign: ["${{ github.sha }}"],
  };
});

def("newrelic/yml", "newrelic.yml", (g) => {
  const lic = `${g.hex(36)}NRAL`;
  const user = `NRAK-${g.upper(27)}`;
  return {
    text: `common: &default_settings
  license_key: '${lic}'
  app_name: checkout-service
  distributed_tracing:
    enabled: true
# for the deploy marker script:
# NEW_RELIC_API_KEY=${user}`,
    secrets: [s(lic, "new relic license key"), s(user, "new relic user api key")],
  };
});

def("datadog/helm-values", "Helm values.yaml", (g) => {
  const api = g.hex(32);
  const app = g.hex(40);
  return {
    text: `datadog:
  site: datadoghq.eu
  apiKey: ${api}
  appKey: ${app}
  logs:
    enabled: true
    containerCollectAll: true
clusterAgent:
  replicas: 2`,
    secrets: [s(api, "datadog api key"), s(app, "datadog app key")],
  };
});

def("pagerduty/alertmanager", "Alertmanager config", (g) => {
  const rk = g.hex(32);
  return {
    text: `receivers:
  - name: oncall-primary
    pagerduty_configs:
      - routing_key: ${rk}
        severity: '{{ .CommonLabels.severity }}'
        description: '{{ template "pd.description" . }}'
route:
  receiver: oncall-primary
  group_by: ['alertname', 'cluster']`,
    secrets: [s(rk, "pagerduty routing key")],
  };
});

def("pagerduty/rest-curl", "shell (curl)", (g) => {
  const tok = `u+${g.b64url(18)}`;
  return {
    text: `curl -H "Authorization: Token token=${tok}" -H "Accept: application/vnd.pagerduty+json;version=2" "https://api.pagerduty.com/oncalls?escalation_policy_ids[]=PX7QK2M"`,
    secrets: [s(tok, "pagerduty api key")],
  };
});

def("heroku/netrc", ".netrc", (g) => {
  const tok = `HRKU-AA${g.b64url(58)}`;
  return {
    text: `machine api.heroku.com
  login ops@acme.io
  password ${tok}
machine git.heroku.com
  login ops@acme.io
  password ${tok}`,
    secrets: [s(tok, "heroku api key"), p("ops@acme.io", "email")],
  };
});

def("netlify-vercel/ci-env", "GitLab CI variables export", (g) => {
  const nf = `nfp_${g.alnum(40)}`;
  const vc = g.alnum(24);
  return {
    text: `variables:
  NODE_VERSION: "20.11.1"
  NETLIFY_SITE_ID: "${g.uuid()}"
  NETLIFY_AUTH_TOKEN: "${nf}"
  VERCEL_ORG_ID: "team_${g.alnum(24)}"
  VERCEL_TOKEN: "${vc}"`,
    secrets: [s(nf, "netlify pat"), s(vc, "vercel token")],
    benign: ["20.11.1"],
  };
});

def("fly/deploy-token", "terminal session", (g) => {
  const tok = `fo1_${g.b64url(43)}`;
  return {
    text: `$ fly tokens create org -o acme -n ci-deploy -x 720h
${tok}
$ gh secret set FLY_API_TOKEN --body "${tok}"
✓ Set Actions secret FLY_API_TOKEN for acme/api`,
    secrets: [s(tok, "fly.io token")],
  };
});

def("render-railway/dotenv", ".env", (g) => {
  const rnd = `rnd_${g.alnum(32)}`;
  const rw = g.uuid();
  const req = g.uuid();
  return {
    text: `RENDER_API_KEY=${rnd}
RAILWAY_TOKEN=${rw}
# last deploy request id: ${req}
DEPLOY_REGION=frankfurt`,
    secrets: [s(rnd, "render api key"), s(rw, "railway token")],
    benign: [req],
  };
});

def("supabase/management", "shell", (g) => {
  const tok = `sbp_${g.hex(40)}`;
  return {
    text: `SUPABASE_ACCESS_TOKEN=${tok} supabase link --project-ref ${g.of(LOWER, 20)}
supabase db push --include-all`,
    secrets: [s(tok, "supabase access token")],
  };
});

def("planetscale/connect", "terminal session", (g) => {
  const tok = `pscale_tkn_${g.b64url(43)}`;
  const pw = `pscale_pw_${g.b64url(43)}`;
  const user = g.lower(12);
  return {
    text: `$ export PLANETSCALE_SERVICE_TOKEN_ID=${g.lower(12)}
$ export PLANETSCALE_SERVICE_TOKEN=${tok}
$ pscale password create shop main ci-runner
  NAME        USERNAME       ACCESS HOST URL                     ROLE    PASSWORD
  ci-runner   ${user}   aws.connect.psdb.cloud   admin   ${pw}`,
    secrets: [s(tok, "planetscale service token"), s(pw, "planetscale password")],
  };
});

def("neon/api", "shell (curl)", (g) => {
  const key = `napi_${g.lower(64)}`;
  return {
    text: `curl 'https://console.neon.tech/api/v2/projects' \\
  -H 'Accept: application/json' \\
  -H "Authorization: Bearer ${key}" | jq`,
    secrets: [s(key, "neon api key")],
  };
});

def("mongodb/atlas-uri-go", "Go", (g) => {
  const pw = g.urlPassword();
  return {
    text: `package db

import (
	"context"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const uri = "mongodb+srv://catalog:${pw}@cluster0.${g.lower(5)}.mongodb.net/?retryWrites=true&w=majority&appName=catalog"

func Connect(ctx context.Context) (*mongo.Client, error) {
	return mongo.Connect(ctx, options.Client().ApplyURI(uri))
}`,
    secrets: [s(pw, "mongodb password")],
  };
});

def("cloudflare/wrangler", "terminal session", (g) => {
  const tok = g.b64url(40);
  const acct = g.hex(32);
  return {
    text: `$ CLOUDFLARE_API_TOKEN=${tok} CLOUDFLARE_ACCOUNT_ID=${acct} npx wrangler deploy
 ⛅️ wrangler 3.57.1
Total Upload: 182.44 KiB / gzip: 41.02 KiB
Published edge-router (3.21 sec)`,
    secrets: [s(tok, "cloudflare api token")],
    benign: [acct, "3.57.1"],
  };
});

def("cloudflare/global-key", "shell (curl)", (g) => {
  const key = g.hex(37);
  const zone = g.hex(32);
  return {
    text: `curl -X POST "https://api.cloudflare.com/client/v4/zones/${zone}/purge_cache" \\
     -H "X-Auth-Email: web@acme.io" \\
     -H "X-Auth-Key: ${key}" \\
     -H "Content-Type: application/json" \\
     --data '{"purge_everything":true}'`,
    secrets: [s(key, "cloudflare global api key"), p("web@acme.io", "email")],
    benign: [zone],
  };
});

def("fastly/purge", "shell (curl)", (g) => {
  const key = g.b64url(32);
  return {
    text: `curl -X POST -H "Fastly-Key: ${key}" https://api.fastly.com/service/SU1Z0isxPaozGVKXdv0eY/purge/product-1234`,
    secrets: [s(key, "fastly api token")],
  };
});

def("akamai/edgerc", ".edgerc", (g) => {
  const seg = () => `akab-${g.lower(16)}-${g.lower(16)}`;
  const host = `${seg()}.luna.akamaiapis.net`;
  const sec = g.base64(32);
  const at = seg();
  const ct = seg();
  return {
    text: `[default]
client_secret = ${sec}
host = ${host}
access_token = ${at}
client_token = ${ct}`,
    secrets: [s(sec, "akamai client secret"), s(at, "akamai access token"), s(ct, "akamai client token")],
  };
});

def("digitalocean/doctl", "terminal session", (g) => {
  const tok = `dop_v1_${g.hex(64)}`;
  return {
    text: `$ doctl auth init --context acme
Please authenticate doctl for use with your DigitalOcean account. You can generate a token in the control panel at https://cloud.digitalocean.com/account/api/tokens

Enter your access token: ${tok}
Validating token... ✔`,
    secrets: [s(tok, "digitalocean token")],
  };
});

def("linode-vultr-hetzner/terraform", "Terraform", (g) => {
  const lin = g.hex(64);
  const vul = g.upper(36);
  const hz = g.alnum(64);
  return {
    text: `provider "linode" {
  token = "${lin}"
}

provider "vultr" {
  api_key     = "${vul}"
  rate_limit  = 100
  retry_limit = 3
}

provider "hcloud" {
  token = "${hz}"
}`,
    secrets: [s(lin, "linode token"), s(vul, "vultr api key"), s(hz, "hetzner cloud token")],
  };
});

def("scaleway/config", "Scaleway config.yaml", (g) => {
  const ak = `SCW${g.upper(17)}`;
  const sk = g.uuid();
  const org = g.uuid();
  return {
    text: `# ~/.config/scw/config.yaml
access_key: ${ak}
secret_key: ${sk}
default_organization_id: ${org}
default_project_id: ${org}
default_region: fr-par
default_zone: fr-par-1`,
    secrets: [s(ak, "scaleway access key"), s(sk, "scaleway secret key")],
    benign: [org],
  };
});

def("ovh/conf", "ovh.conf", (g) => {
  const ak = g.alnum(16);
  const as = g.alnum(32);
  const ck = g.alnum(32);
  return {
    text: `[default]
endpoint=ovh-eu

[ovh-eu]
application_key=${ak}
application_secret=${as}
consumer_key=${ck}`,
    secrets: [s(ak, "ovh application key"), s(as, "ovh application secret"), s(ck, "ovh consumer key")],
  };
});

def("alibaba/aliyun-cli", "terminal session", (g) => {
  const id = `LTAI${g.alnum(20)}`;
  const sec = g.alnum(30);
  return {
    text: `$ aliyun configure --profile prod
Configuring profile 'prod' in 'AK' authenticate mode...
Access Key Id []: ${id}
Access Key Secret []: ${sec}
Default Region Id []: cn-hangzhou
Default Output Format [json]: json (Only support json)
Saving profile[prod] ...Done.`,
    secrets: [s(id, "alibaba access key id"), s(sec, "alibaba access key secret")],
  };
});

def("tencent/python-sdk", "Python", (g) => {
  const id = `AKID${g.alnum(32)}`;
  const key = g.alnum(32);
  return {
    text: `from tencentcloud.common import credential
from tencentcloud.cvm.v20170312 import cvm_client

cred = credential.Credential("${id}", "${key}")
client = cvm_client.CvmClient(cred, "ap-guangzhou")`,
    secrets: [s(id, "tencent secret id"), s(key, "tencent secret key")],
  };
});

def("ibm/cloud-login", "terminal session", (g) => {
  const key = g.b64url(44);
  return {
    text: `$ ibmcloud login --apikey ${key} -r eu-de -g default
API endpoint: https://cloud.ibm.com
Authenticating...
OK`,
    secrets: [s(key, "ibm cloud api key")],
  };
});

def("oci/config", "OCI config", (g) => {
  const fp = Array.from({ length: 16 }, () => g.hex(2)).join(":");
  const user = `ocid1.user.oc1..aaaaaaaa${g.of("abcdefghijklmnopqrstuvwxyz234567", 52)}`;
  const pp = g.password();
  return {
    text: `[DEFAULT]
user=${user}
fingerprint=${fp}
tenancy=ocid1.tenancy.oc1..aaaaaaaa${g.of("abcdefghijklmnopqrstuvwxyz234567", 52)}
region=eu-frankfurt-1
key_file=~/.oci/oci_api_key.pem
pass_phrase=${pp}`,
    secrets: [s(pp, "oci key passphrase")],
    benign: [fp, user],
  };
});

def("github/kinds-log", "CI log", (g) => {
  const ghu = `ghu_${g.alnum(36)}`;
  const ghr = `ghr_${g.alnum(36)}`;
  return {
    text: `2024-09-18T07:41:02.114Z [debug] app token exchange ok: user-to-server token ${ghu} (expires 8h)
2024-09-18T07:41:02.120Z [debug] refresh_token=${ghr}
2024-09-18T07:41:02.380Z [info] fetched 42 pull requests for acme/api`,
    secrets: [s(ghu, "github user-to-server token"), s(ghr, "github refresh token")],
    benign: ["2024-09-18T07:41:02.114Z"],
  };
});

def("gitlab/runner-tokens", "GitLab runner config.toml", (g) => {
  const glrt = `glrt-${g.b64url(20)}`;
  const reg = `GR1348941${g.b64url(20)}`;
  return {
    text: `concurrent = 4

[[runners]]
  name = "build-03"
  url = "https://gitlab.acme.io/"
  id = 1187
  token = "${glrt}"
  executor = "docker"
  [runners.docker]
    image = "alpine:3.19"
# registered with: gitlab-runner register --registration-token ${reg}`,
    secrets: [s(glrt, "gitlab runner token"), s(reg, "gitlab registration token")],
  };
});

def("gitlab/deploy-token-helm", "shell", (g) => {
  const tok = `gldt-${g.b64url(20)}`;
  return {
    text: `helm repo add acme https://gitlab.acme.io/api/v4/projects/213/packages/helm/stable --username deploy-k8s --password ${tok}`,
    secrets: [s(tok, "gitlab deploy token")],
  };
});

def("bitbucket/app-password", "shell", (g) => {
  const pw = `ATBB${g.alnum(28)}${g.HEX(8)}`;
  return {
    text: `git clone https://acme-ci:${pw}@bitbucket.org/acme/mobile-app.git
cd mobile-app && ./gradlew assembleRelease`,
    secrets: [s(pw, "bitbucket app password")],
  };
});

def("azure-devops/pat-az", "PowerShell", (g) => {
  const pat = g.b32(52);
  return {
    text: `PS> $env:AZURE_DEVOPS_EXT_PAT = "${pat}"
PS> az devops configure --defaults organization=https://dev.azure.com/acme project=Platform
PS> az pipelines run --name "release-nightly" --branch main`,
    secrets: [s(pat, "azure devops pat")],
  };
});

def("jfrog/cli", "terminal session", (g) => {
  const key = `AKCp${g.alnum(69)}`;
  return {
    text: `$ jf c add acme --url=https://acme.jfrog.io --user=ci --password=${key} --interactive=false
$ jf rt ping
OK`,
    secrets: [s(key, "jfrog api key")],
  };
});

def("pypi/pypirc", ".pypirc", (g) => {
  const tok = `pypi-AgEIcHlwaS5vcmc${g.b64url(150)}`;
  return {
    text: `[distutils]
index-servers =
    pypi
    testpypi

[pypi]
username = __token__
password = ${tok}

[testpypi]
repository = https://test.pypi.org/legacy/
username = __token__
password = <your test token>`,
    secrets: [s(tok, "pypi api token")],
    benign: ["<your test token>"],
  };
});

def("rubygems/credentials", "RubyGems credentials", (g) => {
  const tok = `rubygems_${g.hex(48)}`;
  return {
    text: `---
:rubygems_api_key: ${tok}`,
    secrets: [s(tok, "rubygems api key")],
  };
});

def("nuget/push", "shell", (g) => {
  const key = `oy2${g.lower(43)}`;
  return {
    text: `dotnet pack -c Release -o ./artifacts
dotnet nuget push ./artifacts/Acme.Ledger.Client.2.1.0.nupkg --api-key ${key} --source https://api.nuget.org/v3/index.json`,
    secrets: [s(key, "nuget api key")],
  };
});

def("openai/svcacct-toml", "TOML", (g) => {
  const key = `sk-svcacct-${g.b64url(74)}T3BlbkFJ${g.b64url(74)}`;
  return {
    text: `[llm]
provider = "openai"
model = "gpt-4o"
api_key = "${key}"
max_tokens = 2048
temperature = 0.2`,
    secrets: [s(key, "openai service account key")],
  };
});

def("anthropic/typescript", "TypeScript", (g) => {
  const key = g.anthropic();
  return {
    text: `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ apiKey: "${key}" });

export async function summarise(text: string) {
  const msg = await client.messages.create({
    model: "claude-3-5-sonnet-20241022",
    max_tokens: 512,
    messages: [{ role: "user", content: \`Summarise:\\n\${text}\` }],
  });
  return msg.content;
}`,
    secrets: [s(key, "anthropic api key")],
    benign: ["claude-3-5-sonnet-20241022"],
  };
});

def("llm/providers-env", ".env", (g) => {
  const co = g.alnum(40);
  const mi = g.alnum(32);
  const gq = `gsk_${g.alnum(52)}`;
  return {
    text: `# model router
COHERE_API_KEY=${co}
MISTRAL_API_KEY=${mi}
GROQ_API_KEY=${gq}
DEFAULT_MODEL=mixtral-8x7b-32768`,
    secrets: [s(co, "cohere api key"), s(mi, "mistral api key"), s(gq, "groq api key")],
  };
});

def("replicate/python", "Python", (g) => {
  const tok = `r8_${g.alnum(37)}`;
  return {
    text: `import os, replicate
os.environ["REPLICATE_API_TOKEN"] = "${tok}"
output = replicate.run("stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b", input={"prompt": "a lighthouse at dusk"})`,
    secrets: [s(tok, "replicate api token")],
    benign: ["39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b"],
  };
});

def("perplexity/curl", "shell (curl)", (g) => {
  const key = `pplx-${g.alnum(48)}`;
  return {
    text: `curl https://api.perplexity.ai/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -d '{"model":"sonar","messages":[{"role":"user","content":"latest node LTS?"}]}'`,
    secrets: [s(key, "perplexity api key")],
  };
});

def("xai-google/yaml", "YAML", (g) => {
  const x = `xai-${g.alnum(80)}`;
  const gg = g.google();
  return {
    text: `llm:
  grok:
    base_url: https://api.x.ai/v1
    api_key: ${x}
  gemini:
    api_key: ${gg}
    model: gemini-1.5-pro-002`,
    secrets: [s(x, "xai api key"), s(gg, "google ai api key")],
  };
});

def("audio/providers", "Python", (g) => {
  const el = `sk_${g.hex(48)}`;
  const aai = g.hex(32);
  const dg = g.hex(40);
  return {
    text: `ELEVENLABS_API_KEY = "${el}"
ASSEMBLYAI_API_KEY = "${aai}"
DEEPGRAM_API_KEY = "${dg}"

def transcribe(path):
    headers = {"Authorization": f"Token {DEEPGRAM_API_KEY}"}
    ...`,
    secrets: [s(el, "elevenlabs api key"), s(aai, "assemblyai api key"), s(dg, "deepgram api key")],
  };
});

def("stability/curl", "shell (curl)", (g) => {
  const key = `sk-${g.alnum(48)}`;
  return {
    text: `curl -f -sS "https://api.stability.ai/v2beta/stable-image/generate/core" \\
  -H "authorization: Bearer ${key}" \\
  -H "accept: image/*" \\
  -F prompt="isometric office, pastel" -o office.png`,
    secrets: [s(key, "stability api key")],
  };
});

def("vector/pinecone-qdrant-weaviate", "Python", (g) => {
  const pc = `pcsk_${g.alnum(5)}_${g.alnum(64)}`;
  const qd = g.b64url(36);
  const wv = g.alnum(40);
  return {
    text: `from pinecone import Pinecone
from qdrant_client import QdrantClient
import weaviate

pc = Pinecone(api_key="${pc}")
qdrant = QdrantClient(url="https://${g.uuid()}.eu-central-1-0.aws.cloud.qdrant.io:6333", api_key="${qd}")
wv = weaviate.connect_to_weaviate_cloud(cluster_url="https://acme-docs.weaviate.network", auth_credentials=weaviate.auth.AuthApiKey("${wv}"))`,
    secrets: [s(pc, "pinecone api key"), s(qd, "qdrant api key"), s(wv, "weaviate api key")],
  };
});

def("langsmith/env", ".env", (g) => {
  const key = `lsv2_pt_${g.hex(32)}_${g.hex(10)}`;
  return {
    text: `LANGCHAIN_TRACING_V2=true
LANGCHAIN_ENDPOINT="https://api.smith.langchain.com"
LANGCHAIN_API_KEY="${key}"
LANGCHAIN_PROJECT="support-bot"`,
    secrets: [s(key, "langsmith api key")],
  };
});

def("productivity/notion-linear", "JavaScript", (g) => {
  const nt = `ntn_${g.digits(11)}${g.alnum(35)}`;
  const ln = `lin_api_${g.alnum(40)}`;
  return {
    text: `const { Client } = require("@notionhq/client");
const { LinearClient } = require("@linear/sdk");

const notion = new Client({ auth: "${nt}" });
const linear = new LinearClient({ apiKey: "${ln}" });`,
    secrets: [s(nt, "notion integration token"), s(ln, "linear api key")],
  };
});

def("asana/trello", "shell", (g) => {
  const asana = `2/${g.digits(16)}/${g.digits(16)}:${g.hex(32)}`;
  const trello = `ATTA${g.hex(64)}${g.HEX(8)}`;
  return {
    text: `curl https://app.asana.com/api/1.0/users/me -H "Authorization: Bearer ${asana}"
curl "https://api.trello.com/1/members/me/boards?key=\${TRELLO_KEY}&token=${trello}"`,
    secrets: [s(asana, "asana pat"), s(trello, "trello token")],
  };
});

def("slack/bolt-app", "JavaScript", (g) => {
  const bot = g.slackBot();
  const app = `xapp-1-A${g.upper(10)}-${g.digits(13)}-${g.hex(64)}`;
  const sign = g.hex(32);
  return {
    text: `const { App } = require("@slack/bolt");

const app = new App({
  token: "${bot}",
  appToken: "${app}",
  signingSecret: "${sign}",
  socketMode: true,
});`,
    secrets: [s(bot, "slack bot token"), s(app, "slack app token"), s(sign, "slack signing secret")],
  };
});

def("slack/user-token-log", "application log", (g) => {
  const tok = `xoxp-${g.digits(12)}-${g.digits(12)}-${g.digits(13)}-${g.hex(32)}`;
  return {
    text: `[2024-10-02 14:11:09,483] WARNING slack_sdk.web.base_client: Received a response in a non-JSON format: <html>...
[2024-10-02 14:11:09,484] DEBUG slack_sdk.web.base_client: Sending a request - url: https://slack.com/api/conversations.history, query_params: {}, body_params: {}, files: {}, json_body: None, headers: {'Authorization': 'Bearer ${tok}', 'User-Agent': 'Python/3.11.6 slackclient/3.27.1'}`,
    secrets: [s(tok, "slack user token")],
  };
});

def("discord/bot-webhook", "Python", (g) => {
  const id = g.digits(18);
  const bot = `${Buffer.from(id).toString("base64").replace(/=+$/, "")}.${g.b64url(6)}.${g.b64url(38)}`;
  const hook = `https://discord.com/api/webhooks/${g.digits(19)}/${g.b64url(68)}`;
  return {
    text: `import discord, requests

DISCORD_TOKEN = "${bot}"
ALERT_WEBHOOK = "${hook}"

requests.post(ALERT_WEBHOOK, json={"content": "deploy finished"})
client = discord.Client(intents=discord.Intents.default())
client.run(DISCORD_TOKEN)`,
    secrets: [s(bot, "discord bot token"), s(hook, "discord webhook url")],
  };
});

def("telegram/bot", "shell (curl)", (g) => {
  const tok = `${g.digits(10)}:AA${g.b64url(33)}`;
  return {
    text: `curl -s "https://api.telegram.org/bot${tok}/sendMessage" -d chat_id=-1001822334455 -d text="backup ok"`,
    secrets: [s(tok, "telegram bot token")],
  };
});

def("twitch-zoom/env", ".env", (g) => {
  const tw = g.lower(30);
  const zs = g.alnum(32);
  return {
    text: `TWITCH_CLIENT_ID=${g.lower(30)}
TWITCH_CLIENT_SECRET=${tw}
ZOOM_ACCOUNT_ID=${g.b64url(22)}
ZOOM_CLIENT_ID=${g.b64url(22)}
ZOOM_CLIENT_SECRET=${zs}`,
    secrets: [s(tw, "twitch client secret"), s(zs, "zoom client secret")],
  };
});

def("dropbox/short-lived", "Python", (g) => {
  const tok = `sl.u.${g.b64url(180)}`;
  return {
    text: `import dropbox
dbx = dropbox.Dropbox("${tok}")
with open("report.pdf", "rb") as f:
    dbx.files_upload(f.read(), "/Reports/2024/report.pdf", mode=dropbox.files.WriteMode.overwrite)`,
    secrets: [s(tok, "dropbox access token")],
  };
});

def("box/jwt-config", "Box config JSON", (g) => {
  const cs = g.alnum(32);
  const pp = g.hex(32);
  const body = g.pemBody(1200, "\\n");
  return {
    text: `{
  "boxAppSettings": {
    "clientID": "${g.lower(32)}",
    "clientSecret": "${cs}",
    "appAuth": {
      "publicKeyID": "${g.lower(8)}",
      "privateKey": "-----BEGIN ENCRYPTED PRIVATE KEY-----\\n${body}\\n-----END ENCRYPTED PRIVATE KEY-----\\n",
      "passphrase": "${pp}"
    }
  },
  "enterpriseID": "884512"
}`,
    secrets: [s(cs, "box client secret"), s(body, "box private key"), s(pp, "box key passphrase")],
  };
});

def("cms/contentful-sanity-storyblok", ".env.production", (g) => {
  const cf = `CFPAT-${g.b64url(43)}`;
  const sa = `sk${g.alnum(180)}`;
  const sb = `${g.alnum(22)}tt`;
  return {
    text: `CONTENTFUL_SPACE_ID=${g.lower(12)}
CONTENTFUL_MANAGEMENT_TOKEN=${cf}
SANITY_PROJECT_ID=${g.lower(8)}
SANITY_API_WRITE_TOKEN=${sa}
STORYBLOK_MANAGEMENT_TOKEN=${sb}`,
    secrets: [s(cf, "contentful management token"), s(sa, "sanity api token"), s(sb, "storyblok management token")],
  };
});

def("analytics/mixpanel-amplitude", "Python", (g) => {
  const mp = g.hex(32);
  const amp = g.hex(32);
  return {
    text: `# export job: raw event export needs the secrets, not the project tokens
MIXPANEL_API_SECRET = "${mp}"
AMPLITUDE_SECRET_KEY = "${amp}"
EXPORT_WINDOW_DAYS = 7`,
    secrets: [s(mp, "mixpanel api secret"), s(amp, "amplitude secret key")],
  };
});

def("intercom-hubspot/ruby", "Ruby", (g) => {
  const ic = Buffer.from(`tok:${g.uuid()}:1:0`).toString("base64");
  const hs = `pat-eu1-${g.uuid()}`;
  return {
    text: `intercom = Intercom::Client.new(token: '${ic}')
hubspot = Hubspot::Client.new(access_token: '${hs}')
contact = hubspot.crm.contacts.basic_api.get_by_id(contact_id: 51)`,
    secrets: [s(ic, "intercom access token"), s(hs, "hubspot private app token")],
  };
});

def("salesforce/sfdx-display", "terminal session", (g) => {
  const tok = `00D${g.alnum(12)}!${g.of(ALNUM + "._", 96)}`;
  return {
    text: `$ sf org display --target-org prod --verbose
=== Org Description
 KEY              VALUE
 ──────────────── ─────────────────────────────────────────
 Access Token     ${tok}
 Alias            prod
 Api Version      61.0
 Instance Url     https://acme.my.salesforce.com
 Username         integration@acme.io`,
    secrets: [s(tok, "salesforce access token"), p("integration@acme.io", "email")],
  };
});

def("zendesk-freshdesk/curl", "shell (curl)", (g) => {
  const zd = g.alnum(40);
  const fd = g.alnum(20);
  return {
    text: `curl https://acme.zendesk.com/api/v2/tickets.json -u support-bot@acme.io/token:${zd}
curl -u ${fd}:X -H "Content-Type: application/json" https://acme.freshdesk.com/api/v2/tickets?per_page=100`,
    secrets: [s(zd, "zendesk api token"), s(fd, "freshdesk api key"), p("support-bot@acme.io", "email")],
  };
});

def("typeform-calendly/config", "config.json", (g) => {
  const tf = `tfp_${g.b64url(44)}_${g.b64url(14)}`;
  const cal = g.jwt({ iss: "https://auth.calendly.com", iat: 1712000000, jti: g.uuid(), user_uuid: g.uuid(), scope: "default" }, "HS256");
  return {
    text: `{
  "typeform": { "token": "${tf}", "formId": "Xk3qPz9L" },
  "calendly": { "personalAccessToken": "${cal}", "organization": "https://api.calendly.com/organizations/${g.uuid()}" }
}`,
    secrets: [s(tf, "typeform pat"), s(cal, "calendly pat")],
  };
});

def("docusign/jwt-config", "C#", (g) => {
  const ik = g.uuid();
  const body = g.pemBody(1190, "\n");
  return {
    text: `var apiClient = new DocuSignClient("https://demo.docusign.net/restapi");
var integrationKey = "${ik}";
var userId = "${g.uuid()}";
var privateKey = Encoding.UTF8.GetBytes(@"-----BEGIN RSA PRIVATE KEY-----
${body}
-----END RSA PRIVATE KEY-----");
var token = apiClient.RequestJWTUserToken(integrationKey, userId, "account-d.docusign.com", privateKey, 1);`,
    secrets: [s(body, "rsa private key")],
  };
});

def("plaid/node", "TypeScript", (g) => {
  const secret = g.hex(30);
  const at = `access-production-${g.uuid()}`;
  return {
    text: `const config = new Configuration({
  basePath: PlaidEnvironments.production,
  baseOptions: {
    headers: {
      "PLAID-CLIENT-ID": "${g.hex(24)}",
      "PLAID-SECRET": "${secret}",
    },
  },
});
// debugging account 4412's item
const { data } = await client.accountsBalanceGet({ access_token: "${at}" });`,
    secrets: [s(secret, "plaid secret"), s(at, "plaid access token")],
  };
});

def("coinbase/cdp-key-json", "JSON", (g) => {
  const body = `MHcCAQEEI${g.base64(32)}oAoGCCqGSM49AwEHoUQDQgAE${g.base64(64)}`;
  return {
    text: `{
   "name": "organizations/${g.uuid()}/apiKeys/${g.uuid()}",
   "privateKey": "-----BEGIN EC PRIVATE KEY-----\\n${body}\\n-----END EC PRIVATE KEY-----\\n"
}`,
    secrets: [s(body, "coinbase ec private key")],
  };
});

def("binance/python", "Python", (g) => {
  const k = g.alnum(64);
  const sec = g.alnum(64);
  return {
    text: `from binance.client import Client

api_key = "${k}"
api_secret = "${sec}"
client = Client(api_key, api_secret)
print(client.get_asset_balance(asset="USDT"))`,
    secrets: [s(k, "binance api key"), s(sec, "binance api secret")],
  };
});

def("age/keys-txt", "age key file", (g) => {
  const pub = `age1${g.bech32(58)}`;
  const sec = `AGE-SECRET-KEY-1${g.bech32(58).toUpperCase()}`;
  return {
    text: `# created: 2024-07-01T09:14:55+02:00
# public key: ${pub}
${sec}`,
    secrets: [s(sec, "age secret key")],
    benign: [pub],
  };
});

def("sops/encrypted-yaml", "sops-encrypted YAML", (g) => {
  const enc = (n: number) => `ENC[AES256_GCM,data:${g.base64(n)},iv:${g.base64(32)},tag:${g.base64(16)},type:str]`;
  const a = enc(18);
  const b = enc(40);
  const pub = `age1${g.bech32(58)}`;
  return {
    text: `db:
    password: ${a}
    url: ${b}
sops:
    age:
        - recipient: ${pub}
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB0ZXN0
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "2024-07-01T07:20:11Z"
    mac: ENC[AES256_GCM,data:${g.base64(48)},iv:${g.base64(32)},tag:${g.base64(16)},type:str]
    version: 3.8.1`,
    benign: [a, b, pub, "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB0ZXN0"],
  };
});

def("ssh/openssh-key-crlf", "OpenSSH private key (CRLF)", (g) => {
  const b = `b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW${g.base64(300)}`;
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 70) lines.push(b.slice(i, i + 70));
  const body = lines.join("\r\n");
  return {
    text: `-----BEGIN OPENSSH PRIVATE KEY-----\r\n${body}\r\n-----END OPENSSH PRIVATE KEY-----\r\n`,
    secrets: [s(body, "openssh private key")],
  };
});

def("pgp/private-block", "PGP private key", (g) => {
  const body = g.pemBody(900).replace(/^MII/, "lQdG");
  return {
    text: `gpg --export-secret-keys --armor 0x8E3F2A1B7C9D4E6F > signing.asc
cat signing.asc
-----BEGIN PGP PRIVATE KEY BLOCK-----

${body}
=${g.base64(3)}
-----END PGP PRIVATE KEY BLOCK-----`,
    secrets: [s(body, "pgp private key")],
  };
});

def("pkcs8/yaml-indented", "Helm values.yaml", (g) => {
  const body = g.pemBody(1216, "\n", "    ");
  return {
    text: `tls:
  enabled: true
  cert: |
    -----BEGIN CERTIFICATE-----
    MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ
    -----END CERTIFICATE-----
  key: |
    -----BEGIN PRIVATE KEY-----
${body}
    -----END PRIVATE KEY-----`,
    secrets: [s(body.trim(), "pkcs8 private key")],
    benign: ["MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ"],
  };
});

def("pkcs12/base64-env", ".env", (g) => {
  const pfx = `MIIK${g.base64(1900).slice(4)}`;
  const pw = g.password();
  return {
    text: `SIGNING_CERT_PFX_BASE64=${pfx}
SIGNING_CERT_PASSWORD=${pw}
SIGNING_TIMESTAMP_URL=http://timestamp.digicert.com`,
    secrets: [s(pfx, "pkcs12 bundle"), s(pw, "pfx password")],
  };
});

def("jwt/cookie-header", "HTTP request", (g) => {
  const jwt = g.jwt({ sub: "user_8841", org: "acme", role: "admin", iat: 1727340000, exp: 1727343600 });
  return {
    text: `GET /api/admin/users?page=2 HTTP/2
Host: console.acme.io
Accept: application/json
Cookie: theme=dark; session=${jwt}; _ga=GA1.1.1847392011.1727000000
If-None-Match: W/"5e-Xk2vQ9p0fJ3x"`,
    secrets: [s(jwt, "session jwt")],
    benign: ["GA1.1.1847392011.1727000000", 'W/"5e-Xk2vQ9p0fJ3x"'],
  };
});

def("jwks/private", "JWKS JSON", (g) => {
  const d = g.b64url(342);
  const pp = g.b64url(171);
  const q = g.b64url(171);
  return {
    text: `{
  "keys": [
    {
      "kty": "RSA",
      "kid": "2024-09-signing",
      "use": "sig",
      "alg": "RS256",
      "n": "${g.b64url(342)}",
      "e": "AQAB",
      "d": "${d}",
      "p": "${pp}",
      "q": "${q}"
    }
  ]
}`,
    secrets: [s(d, "jwk private exponent"), s(pp, "jwk prime p"), s(q, "jwk prime q")],
  };
});

def("aws/credentials-ini", "AWS credentials file", (g) => {
  const id = g.awsId();
  const sec = g.awsSecret();
  return {
    text: `[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[prod-admin]
aws_access_key_id = ${id}
aws_secret_access_key = ${sec}
region = eu-west-1`,
    secrets: [s(id, "aws access key id"), s(sec, "aws secret access key")],
    benign: ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
  };
});

def("azure/storage-conn", "appsettings.json", (g) => {
  const key = g.base64(64);
  return {
    text: `{
  "Storage": {
    "ConnectionString": "DefaultEndpointsProtocol=https;AccountName=acmeinvoices;AccountKey=${key};EndpointSuffix=core.windows.net",
    "Container": "invoices"
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}`,
    secrets: [s(key, "azure storage account key")],
  };
});

def("stripe/restricted-go", "Go", (g) => {
  const rk = `rk_live_51${g.alnum(97)}`;
  return {
    text: `func init() {
	stripe.Key = "${rk}"
	stripe.DefaultLeveledLogger = &stripe.LeveledLogger{Level: stripe.LevelInfo}
}`,
    secrets: [s(rk, "stripe restricted key")],
  };
});

// ───────────────────────── text shapes ─────────────────────────

def("shape/crlf-env-last-line", ".env (Windows, CRLF)", (g) => {
  const pw = g.password();
  const key = g.sendgrid();
  return {
    text: ["# C:\\inetpub\\acme\\.env", "APP_URL=https://portal.acme.io", "LOG_PATH=C:\\logs\\acme\\portal.log", `DB_PASSWORD=${pw}`, `SENDGRID_API_KEY=${key}`].join("\r\n"),
    secrets: [s(pw, "database password"), s(key, "sendgrid api key")],
  };
});

def("shape/tsv-spreadsheet", "spreadsheet paste (TSV)", (g) => {
  const a = g.password();
  const b = g.password();
  return {
    text: `system\turl\tusername\tpassword\tnotes
Grafana\thttps://grafana.acme.io\tadmin\t${a}\trotated 2024-03
Jenkins\thttps://ci.acme.io\tbuild\t${b}\tservice account
Wiki\thttps://wiki.acme.io\t(SSO)\t\tuse Okta`,
    secrets: [s(a, "password in table"), s(b, "password in table")],
  };
});

def("shape/very-long-line", "minified JSON (one long line)", (g) => {
  const key = g.google();
  const items = Array.from({ length: 40 }, (_, i) => `{"id":"${g.uuid()}","sku":"SKU-${1000 + i}","price":${(i * 3.7).toFixed(2)},"tags":["a","b"]}`).join(",");
  return {
    text: `{"version":"2.8.1","catalog":[${items}],"maps":{"provider":"google","apiKey":"${key}","zoom":12},"generatedAt":"2024-08-30T12:00:00Z"}`,
    secrets: [s(key, "google maps api key")],
    benign: ["2024-08-30T12:00:00Z"],
  };
});

def("shape/token-at-start", "chat message", (g) => {
  const tok = g.github();
  return {
    text: `${tok}
^ this is the token I generated 10 minutes ago with repo scope, but git push still says 403. Do I need to enable SSO for the acme org?`,
    secrets: [s(tok, "github classic pat")],
  };
});

def("shape/token-at-end", "chat message", (g) => {
  const key = g.anthropic();
  return {
    text: `ok new key is in 1password now, but for the quick test on your machine just export it, it's ${key}`,
    secrets: [s(key, "anthropic api key")],
  };
});

def("shape/double-escaped-json", "JSON log line", (g) => {
  const key = g.openai();
  const pw = g.password();
  return {
    text: `{"ts":"2024-10-11T08:01:33.902Z","level":"error","msg":"upstream rejected config","body":"{\\"config\\":{\\"apiKey\\":\\"${key}\\",\\"timeout\\":30,\\"db\\":\\"{\\\\\\"password\\\\\\":\\\\\\"${pw}\\\\\\",\\\\\\"host\\\\\\":\\\\\\"pg\\\\\\"}\\"}}"}`,
    secrets: [s(key, "openai project key"), s(pw, "database password")],
  };
});

def("shape/markdown-table", "Markdown", (g) => {
  const a = g.stripe();
  const b = `sk_test_51${g.alnum(97)}`;
  const c = g.npm();
  return {
    text: `## Credentials (do not commit!!)

| Service | Environment | Key |
|---------|-------------|-----|
| Stripe  | prod        | \`${a}\` |
| Stripe  | staging     | \`${b}\` |
| npm     | publish     | \`${c}\` |
| Sentry  | all         | see 1Password |`,
    secrets: [s(a, "stripe live secret key"), s(b, "stripe test secret key"), s(c, "npm token")],
  };
});

def("shape/java-psql-trace", "Java stack trace", (g) => {
  const pw = g.urlPassword();
  return {
    text: `2024-06-03 11:42:17.051 ERROR 1 --- [main] o.s.b.SpringApplication : Application run failed
org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource'
Caused by: org.postgresql.util.PSQLException: FATAL: password authentication failed for user "orders"
\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)
\tat org.postgresql.Driver.connect(Driver.java:297)
\tat com.zaxxer.hikari.pool.PoolBase.newConnection(PoolBase.java:359)
Hikari config: jdbcUrl=jdbc:postgresql://orders-db:5432/orders?user=orders&password=${pw}&ssl=true`,
    secrets: [s(pw, "database password")],
  };
});

def("shape/sqlserver-exception", ".NET exception", (g) => {
  const pw = g.password();
  return {
    text: `System.Data.SqlClient.SqlException (0x80131904): Login failed for user 'sa'.
   at System.Data.SqlClient.SqlInternalConnectionTds..ctor(DbConnectionPoolIdentity identity, SqlConnectionString connectionOptions)
   at Acme.Billing.Data.Db.Open() in C:\\src\\billing\\Data\\Db.cs:line 41
ClientConnectionId:${g.uuid()}
Error Number:18456,State:1,Class:14
[diag] connection string = "Data Source=SQL02\\BILLING;Initial Catalog=Billing;User ID=sa;Password=${pw};"`,
    secrets: [s(pw, "sql server password")],
  };
});

def("shape/rich-traceback-locals", "Python traceback (rich, with locals)", (g) => {
  const key = g.anthropic();
  return {
    text: `╭───────────────────── Traceback (most recent call last) ─────────────────────╮
│ /app/summarise.py:31 in call_model                                          │
│                                                                             │
│   28 │   client = Anthropic(api_key=api_key)                                │
│ ❱ 31 │   resp = client.messages.create(model=model, max_tokens=1024,        │
│                                                                             │
│ ╭──────────────────────────────── locals ─────────────────────────────────╮ │
│ │ api_key = '${key}' │ │
│ │   model = 'claude-3-haiku-20240307'                                     │ │
│ ╰─────────────────────────────────────────────────────────────────────────╯ │
╰─────────────────────────────────────────────────────────────────────────────╯
RateLimitError: Error code: 429`,
    secrets: [s(key, "anthropic api key")],
  };
});

def("shape/chat-transcript", "chat transcript", (g) => {
  const tok = g.slackBot();
  const pw = g.password();
  return {
    text: `[09:14] Marta Kowalczyk: can you try with the bot token from the old workspace?
[09:14] Marta Kowalczyk: ${tok}
[09:15] Ben Ortiz: works 👍 and the staging db?
[09:16] Marta Kowalczyk: user is staging_rw, pw ${pw}
[09:16] Ben Ortiz: thx, will rotate both after the demo`,
    secrets: [s(tok, "slack bot token"), s(pw, "database password")],
  };
});

def("shape/html-inline-config", "HTML", (g) => {
  const key = g.stripe();
  return {
    text: `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <link rel="stylesheet" href="/assets/app.3f9c2e1a.css">
  <script>window.__CONFIG__ = {"apiBase":"/api","stripeSecret":"${key}","features":{"newCheckout":true}};</script>
</head>
<body><div id="root"></div><script src="/assets/app.91b0d3aa.js"></script></body>
</html>`,
    secrets: [s(key, "stripe live secret key")],
    benign: ["3f9c2e1a", "91b0d3aa"],
  };
});

def("shape/email-forward", "email", (g) => {
  const pw = g.password();
  return {
    text: `---------- Forwarded message ---------
From: IT Helpdesk <helpdesk@acme.io>
Date: Mon, 4 Nov 2024 at 09:02
Subject: Your VPN account

Hi Priya,

your VPN account is ready.

  Username: priya.natarajan
  Temporary password: ${pw}

You will be asked to change it at first login.

Regards,
IT Helpdesk`,
    secrets: [s(pw, "temporary password"), p("helpdesk@acme.io", "email")],
  };
});

def("shape/powershell-securestring", "PowerShell", (g) => {
  const pw = g.password();
  return {
    text: `$User = "ACME\\svc_deploy"
$Pass = ConvertTo-SecureString "${pw}" -AsPlainText -Force
$Cred = New-Object System.Management.Automation.PSCredential ($User, $Pass)
Invoke-Command -ComputerName WEB01,WEB02 -Credential $Cred -ScriptBlock { Restart-Service W3SVC }`,
    secrets: [s(pw, "windows service account password")],
  };
});

def("shape/docker-inspect", "docker inspect JSON", (g) => {
  const pw = g.password();
  const id = g.sha256();
  return {
    text: `[
    {
        "Id": "${id}",
        "Created": "2024-09-02T10:11:12.345678901Z",
        "Config": {
            "Hostname": "${id.slice(0, 12)}",
            "Env": [
                "POSTGRES_PASSWORD=${pw}",
                "POSTGRES_USER=ledger",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "PG_MAJOR=16"
            ],
            "Image": "postgres:16.4"
        }
    }
]`,
    secrets: [s(pw, "postgres password")],
    benign: [id],
  };
});

def("shape/access-log-query", "nginx access log", (g) => {
  const at = g.b64url(43);
  const key = g.hex(32);
  return {
    text: `52.14.201.9 - - [12/Sep/2024:06:25:11 +0000] "GET /v1/export?format=csv&access_token=${at} HTTP/1.1" 200 18233 "-" "python-requests/2.32.3"
52.14.201.9 - - [12/Sep/2024:06:25:14 +0000] "GET /v1/metrics?api_key=${key}&since=1726120000 HTTP/1.1" 200 912 "-" "python-requests/2.32.3"`,
    secrets: [s(at, "access token in url"), s(key, "api key in url"), p("52.14.201.9", "ip address")],
  };
});

def("shape/yaml-anchor-multidoc", "Kubernetes multi-document YAML", (g) => {
  const tok = g.hf();
  return {
    text: `---
apiVersion: v1
kind: ConfigMap
metadata: { name: tgi-config }
data:
  MODEL_ID: meta-llama/Meta-Llama-3-8B-Instruct
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: tgi }
spec:
  template:
    spec:
      containers:
        - name: tgi
          image: ghcr.io/huggingface/text-generation-inference:2.2.0
          env:
            - name: HF_TOKEN
              value: "${tok}"`,
    secrets: [s(tok, "hugging face token")],
  };
});

// ───────────────────────── prose in many languages ─────────────────────────

def("lang/it", "Italian prose", (g) => {
  const pw = g.password();
  const key = g.stripe();
  return {
    text: `Ciao Luca, la password del database di staging è ${pw} e la chiave segreta di Stripe è ${key}. Cambiale entrambe dopo il deploy di venerdì, grazie!`,
    secrets: [s(pw, "database password"), s(key, "stripe live secret key")],
  };
});

def("lang/pl", "Polish prose", (g) => {
  const pw = g.password();
  const tok = g.gitlab();
  return {
    text: `Cześć, hasło do panelu administracyjnego: ${pw}
Token GitLaba do pipeline'ów: ${tok}
Proszę nie wrzucać tego na kanał ogólny.`,
    secrets: [s(pw, "admin panel password"), s(tok, "gitlab pat")],
  };
});

def("lang/nl", "Dutch prose", (g) => {
  const pw = g.password();
  return {
    text: `Hoi Sanne, het wachtwoord voor de FTP-server is ${pw} en de gebruikersnaam is upload_nl. Laat het me weten als het niet werkt.`,
    secrets: [s(pw, "ftp password")],
  };
});

def("lang/tr", "Turkish prose", (g) => {
  const pw = g.password();
  const key = g.openai();
  return {
    text: `Merhaba Emre, sunucu şifresi: ${pw}
OpenAI API anahtarı da şu: ${key}
Lütfen bunları kimseyle paylaşma.`,
    secrets: [s(pw, "server password"), s(key, "openai project key")],
  };
});

def("lang/pt", "Portuguese prose", (g) => {
  const pw = g.password();
  return {
    text: `Oi João, segue a senha do banco de produção: ${pw}. Não compartilhe com ninguém fora da equipe, e troque depois da migração.`,
    secrets: [s(pw, "database password")],
  };
});

def("lang/vi", "Vietnamese prose", (g) => {
  const pw = g.password();
  const tg = `${g.digits(10)}:AA${g.b64url(33)}`;
  return {
    text: `Chào anh Minh, mật khẩu của tài khoản quản trị là ${pw}, còn token của Telegram bot là ${tg}. Anh đổi lại sau khi kiểm tra nhé.`,
    secrets: [s(pw, "admin password"), s(tg, "telegram bot token")],
  };
});

def("lang/id", "Indonesian prose", (g) => {
  const pw = g.password();
  return {
    text: `Halo Dimas, kata sandi untuk server database: ${pw}
Jangan dibagikan ke luar tim ya. Username-nya tetap db_admin.`,
    secrets: [s(pw, "database password")],
  };
});

def("lang/hi", "Hindi prose", (g) => {
  const pw = g.password();
  const hook = g.slackWebhook();
  return {
    text: `नमस्ते राहुल, सर्वर का पासवर्ड ${pw} है और अलर्ट के लिए Slack वेबहुक ${hook} है। कृपया इसे किसी के साथ साझा न करें।`,
    secrets: [s(pw, "server password"), s(hook, "slack webhook url")],
  };
});

def("lang/ar", "Arabic prose", (g) => {
  const pw = g.password();
  const key = g.anthropic();
  return {
    text: `مرحبا أحمد،
كلمة المرور الخاصة بقاعدة البيانات هي: ${pw}
مفتاح API الخاص بـ Anthropic: ${key}
يرجى عدم مشاركتها.`,
    secrets: [s(pw, "database password"), s(key, "anthropic api key")],
  };
});

def("lang/he", "Hebrew prose", (g) => {
  const pw = g.password();
  const tok = g.github();
  return {
    text: `היי דנה, הסיסמה לשרת היא ${pw} והטוקן של GitHub הוא ${tok}. תחליפי אותם אחרי ההדגמה.`,
    secrets: [s(pw, "server password"), s(tok, "github classic pat")],
  };
});

def("lang/th", "Thai prose", (g) => {
  const pw = g.password();
  const key = g.google();
  return {
    text: `สวัสดีครับ รหัสผ่านของเซิร์ฟเวอร์คือ ${pw} และ API key ของ Google Maps คือ ${key} ครับ`,
    secrets: [s(pw, "server password"), s(key, "google maps api key")],
  };
});

def("lang/uk", "Ukrainian prose", (g) => {
  const pw = g.password();
  const tok = `dop_v1_${g.hex(64)}`;
  return {
    text: `Привіт, Олено! Пароль до бази даних: ${pw}
Токен доступу DigitalOcean: ${tok}
Після релізу обов'язково зміни обидва.`,
    secrets: [s(pw, "database password"), s(tok, "digitalocean token")],
  };
});

def("lang/zh", "Chinese prose", (g) => {
  const pw = g.password();
  const id = `LTAI${g.alnum(20)}`;
  const sec = g.alnum(30);
  return {
    text: `数据库密码是 ${pw}，阿里云的 AccessKey ID：${id}，AccessKey Secret：${sec}。用完请及时轮换。`,
    secrets: [s(pw, "database password"), s(id, "alibaba access key id"), s(sec, "alibaba access key secret")],
  };
});

def("lang/ja", "Japanese prose", (g) => {
  const pw = g.password();
  return {
    text: `お疲れさまです。検証環境の管理画面のパスワード：${pw}
ユーザー名は admin です。確認後、変更をお願いします。`,
    secrets: [s(pw, "admin password")],
  };
});

def("lang/it-policy", "Italian prose", () => ({
  text: `Promemoria: la password deve avere almeno 12 caratteri, una maiuscola e un simbolo. Non riutilizzare le ultime 5 password e cambiala ogni 90 giorni. Per il reset scrivi a helpdesk@acme.it.`,
  secrets: [p("helpdesk@acme.it", "email")],
}));

def("lang/pl-reset", "Polish prose", (g) => {
  const ticket = g.uuid();
  return {
    text: `Jeśli nie pamiętasz hasła, kliknij „Nie pamiętam hasła” na stronie logowania. Numer zgłoszenia: ${ticket}. Link do resetu wygasa po 30 minutach.`,
    benign: [ticket],
  };
});

def("lang/tr-nosecret", "Turkish prose", (g) => {
  const sha = g.sha1();
  return {
    text: `Şifre sıfırlama akışı ${sha} commit'i ile düzeltildi. Artık token süresi 15 dakika; kullanıcı yeni şifresini girdikten sonra tüm oturumlar kapatılıyor.`,
    benign: [sha],
  };
});

def("lang/de-nosecret", "German prose", () => ({
  text: `Das Passwort-Feld darf nicht leer sein. Bitte geben Sie Ihr Passwort ein oder nutzen Sie „Passwort vergessen?“. Der API-Schlüssel wird im Tresor (Vault) unter secret/shop/api gespeichert, nicht in der .env.`,
}));

// ───────────────────────── no secret: look-alikes only ─────────────────────────

def("none/package-lock", "package-lock.json", (g) => {
  const a = g.integrity();
  const b = g.integrity();
  return {
    text: `    "node_modules/zod": {
      "version": "3.23.8",
      "resolved": "https://registry.npmjs.org/zod/-/zod-3.23.8.tgz",
      "integrity": "${a}",
      "license": "MIT"
    },
    "node_modules/postgres": {
      "version": "3.4.4",
      "resolved": "https://registry.npmjs.org/postgres/-/postgres-3.4.4.tgz",
      "integrity": "${b}",
      "engines": { "node": ">=12" }
    }`,
    benign: [a, b],
  };
});

def("none/yarn-lock", "yarn.lock", (g) => {
  const sha = g.sha1();
  const i = g.integrity();
  return {
    text: `"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.24.7":
  version "7.24.7"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.24.7.tgz#${sha}"
  integrity ${i}
  dependencies:
    "@babel/highlight" "^7.24.7"
    picocolors "^1.0.0"`,
    benign: [sha, i],
  };
});

def("none/go-sum", "go.sum", (g) => {
  const lines = ["github.com/jackc/pgx/v5 v5.6.0", "github.com/jackc/puddle/v2 v2.2.1", "golang.org/x/crypto v0.24.0"].flatMap((m) => [`${m} h1:${g.base64(32)}`, `${m}/go.mod h1:${g.base64(32)}`]);
  return { text: lines.join("\n"), benign: lines.map((l) => l.slice(l.indexOf(" h1:") + 4)) };
});

def("none/cargo-lock", "Cargo.lock", (g) => {
  const a = g.sha256();
  const b = g.sha256();
  return {
    text: `[[package]]
name = "ring"
version = "0.17.8"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "${a}"

[[package]]
name = "rustls"
version = "0.23.10"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "${b}"`,
    benign: [a, b],
  };
});

def("none/requirements-hashes", "requirements.txt (hashes)", (g) => {
  const a = g.sha256();
  const b = g.sha256();
  return {
    text: `cryptography==43.0.1 \\
    --hash=sha256:${a} \\
    --hash=sha256:${b}
    # via paramiko`,
    benign: [a, b],
  };
});

def("none/dockerfile-digest", "Dockerfile", (g) => {
  const d = g.sha256();
  return {
    text: `FROM node:20.15.1-bookworm-slim@sha256:${d} AS build
WORKDIR /app
COPY package*.json ./
RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
COPY . .
RUN npm run build
USER node
CMD ["node", "build/server.js"]`,
    benign: [d, "$(cat /run/secrets/npm_token)"],
  };
});

def("none/git-log", "git log", (g) => {
  const a = g.sha1();
  const b = g.sha1();
  return {
    text: `commit ${a}
Author: Marta Kowalczyk <marta.kowalczyk@acme.io>
Date:   Thu Oct 3 16:20:11 2024 +0200

    Rotate the Stripe key reference to the new secret name

    Co-authored-by: Ben Ortiz <ben@acme.io>

commit ${b}
Merge: ${a.slice(0, 7)} ${g.hex(7)}
Author: ci-bot <ci@acme.io>`,
    secrets: [p("marta.kowalczyk@acme.io", "email"), p("ben@acme.io", "email"), p("ci@acme.io", "email")],
    benign: [a, b],
  };
});

def("none/k8s-deployment", "Kubernetes manifest", (g) => {
  const d = g.sha256();
  const uid = g.uuid();
  return {
    text: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  uid: ${uid}
  resourceVersion: "48213390"
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api@sha256:${d}
          env:
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-credentials
                  key: password
            - name: STRIPE_SECRET_KEY
              valueFrom: { secretKeyRef: { name: stripe, key: secret-key } }`,
    benign: [d, uid],
  };
});

def("none/terraform-plan", "terraform plan output", (g) => {
  const id = `sg-0${g.hex(16)}`;
  return {
    text: `  # aws_db_instance.main will be updated in-place
  ~ resource "aws_db_instance" "main" {
        id                     = "db-${g.upper(26)}"
      ~ instance_class         = "db.t3.medium" -> "db.r6g.large"
        password               = (sensitive value)
        vpc_security_group_ids = ["${id}"]
        arn                    = "arn:aws:rds:eu-west-1:123456789012:db:main"
    }

Plan: 0 to add, 1 to change, 0 to destroy.`,
    benign: [id, "(sensitive value)"],
  };
});

def("none/aws-describe-instances", "AWS CLI JSON output", (g) => {
  const iid = `i-0${g.hex(16)}`;
  const ami = `ami-0${g.hex(16)}`;
  const req = g.uuid();
  return {
    text: `{
    "Reservations": [{
        "Instances": [{
            "InstanceId": "${iid}",
            "ImageId": "${ami}",
            "InstanceType": "m7g.large",
            "KeyName": "ops-2024",
            "LaunchTime": "2024-09-01T08:00:12+00:00",
            "PrivateDnsName": "ip-172-31-20-14.eu-west-1.compute.internal",
            "IamInstanceProfile": { "Arn": "arn:aws:iam::123456789012:instance-profile/api", "Id": "AIPA${g.of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 17)}" }
        }]
    }],
    "ResponseMetadata": { "RequestId": "${req}" }
}`,
    benign: [iid, ami, req],
  };
});

def("none/env-example", ".env.example", () => ({
  text: `# copy to .env and fill in
DATABASE_URL=postgres://user:password@localhost:5432/app
REDIS_URL=redis://localhost:6379
STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
OPENAI_API_KEY=your-openai-api-key-here
SENDGRID_API_KEY=<SENDGRID_API_KEY>
JWT_SECRET=changeme
ADMIN_PASSWORD=
GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX`,
  benign: ["sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "your-openai-api-key-here", "<SENDGRID_API_KEY>", "changeme", "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
}));

def("none/docs-example-keys", "Markdown docs", () => ({
  text: `### Configure the CLI

\`\`\`console
$ aws configure
AWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLE
AWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Default region name [None]: us-west-2
\`\`\`

Replace the example values with your own keys. Never paste real keys into tickets.`,
  benign: ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
}));

def("none/gha-secrets-refs", "GitHub Actions workflow", () => ({
  text: `jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
      - uses: actions/setup-node@v4
        with: { node-version: 20, registry-url: https://registry.npmjs.org }
      - run: npm publish --provenance
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
      - run: ./deploy.sh
        env:
          AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}`,
  benign: ["692973e3d937129bcbf40652eb9f2f61becf3332", "${{ secrets.NPM_TOKEN }}", "${{ secrets.AWS_SECRET_ACCESS_KEY }}"],
}));

def("none/compose-env-refs", "docker-compose.yml", () => ({
  text: `services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: ledger
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?set it in .env}
    volumes: ["pgdata:/var/lib/postgresql/data"]
  app:
    build: .
    environment:
      DATABASE_URL: postgres://ledger:\${POSTGRES_PASSWORD}@db:5432/ledger
      SESSION_SECRET_FILE: /run/secrets/session_secret
    secrets: [session_secret]
secrets:
  session_secret:
    file: ./secrets/session_secret.txt`,
  benign: ["${POSTGRES_PASSWORD:?set it in .env}", "${POSTGRES_PASSWORD}"],
}));

def("none/helm-existing-secret", "Helm values.yaml", () => ({
  text: `postgresql:
  auth:
    existingSecret: ledger-db
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
redis:
  auth:
    enabled: true
    existingSecret: ledger-redis
    existingSecretPasswordKey: redis-password
oidc:
  clientSecretRef: { name: oidc, key: client-secret }`,
}));

def("none/html-sri", "HTML", (g) => {
  const a = `sha384-${g.base64(48)}`;
  const b = `sha384-${g.base64(48)}`;
  return {
    text: `<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/css/bootstrap.min.css" integrity="${a}" crossorigin="anonymous">
<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="${b}" crossorigin="anonymous"></script>`,
    benign: [a, b],
  };
});

def("none/css-data-uri", "CSS", (g) => {
  const img = `iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9h${g.base64(300)}`;
  return {
    text: `.icon-lock {
  width: 16px;
  height: 16px;
  background-image: url("data:image/png;base64,${img}");
}
.password-field { padding-right: 24px; }`,
    benign: [img],
  };
});

def("none/authorized-keys", "authorized_keys", (g) => {
  const a = `AAAAC3NzaC1lZDI1NTE5AAAAI${g.base64(32).slice(0, 43)}`;
  const b = `AAAAB3NzaC1yc2EAAAADAQABAAABgQ${g.base64(380)}`;
  return {
    text: `ssh-ed25519 ${a} marta@laptop
ssh-rsa ${b} deploy@ci
from="52.14.201.9",no-pty ssh-ed25519 ${a} backup`,
    secrets: [p("52.14.201.9", "ip address")],
    benign: [a, b],
  };
});

def("none/known-hosts-hashed", "known_hosts", (g) => {
  const l1 = `|1|${g.base64(20)}|${g.base64(20)}`;
  const k = `AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB${g.base64(64)}`;
  return {
    text: `${l1} ecdsa-sha2-nistp256 ${k}
github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl`,
    benign: [l1, k, "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"],
  };
});

def("none/pgp-public-key", "PGP public key", (g) => {
  const body = g.pemBody(700).replace(/^MII/, "mQIN");
  return {
    text: `Please encrypt the export with our public key:

-----BEGIN PGP PUBLIC KEY BLOCK-----

${body}
=${g.base64(3)}
-----END PGP PUBLIC KEY BLOCK-----`,
    benign: [lineOf(body, 0), lineOf(body, 3)],
  };
});

def("none/certificate-chain", "PEM certificate", (g) => {
  const body = g.pemBody(900);
  return {
    text: `$ openssl s_client -connect api.acme.io:443 -showcerts </dev/null 2>/dev/null | sed -n '/BEGIN/,/END/p'
-----BEGIN CERTIFICATE-----
${body}
-----END CERTIFICATE-----`,
    benign: [lineOf(body, 0), lineOf(body, 5)],
  };
});

def("none/webpack-output", "build output", (g) => {
  const h = [g.hex(20), g.hex(20), g.hex(8)];
  return {
    text: `asset main.${h[0]}.js 412 KiB [emitted] [immutable] [minimized] [big] (name: main)
asset vendors.${h[1]}.js 1.02 MiB [emitted] [immutable] [minimized] [big] (id hint: vendors)
asset styles.${h[2]}.css 38.1 KiB [emitted] [immutable]
webpack 5.94.0 compiled with 2 warnings in 18342 ms`,
    benign: h,
  };
});

def("none/python-traceback", "Python traceback", () => ({
  text: `Traceback (most recent call last):
  File "/app/ledger/sync.py", line 88, in run
    token = settings.COMPLIANCE_API_TOKEN
  File "/usr/lib/python3.12/site-packages/pydantic/main.py", line 811, in __getattr__
    raise AttributeError(f'{type(self).__name__!r} object has no attribute {item!r}')
AttributeError: 'Settings' object has no attribute 'COMPLIANCE_API_TOKEN'`,
}));

def("none/java-npe", "Java stack trace", () => ({
  text: `Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "password" is null
\tat io.acme.auth.PasswordPolicy.validate(PasswordPolicy.java:27)
\tat io.acme.auth.SignupService.register(SignupService.java:54)
\tat io.acme.Main.main(Main.java:12)
#  SIGSEGV (0xb) at pc=0x00007f3a2c1b4e10, pid=4182, tid=0x00007f3a1d7fe700`,
  benign: ["0x00007f3a2c1b4e10", "0x00007f3a1d7fe700"],
}));

def("none/kotlin-buildconfig", "Kotlin", () => ({
  text: `val client = OkHttpClient.Builder()
    .addInterceptor { chain ->
        chain.proceed(
            chain.request().newBuilder()
                .header("X-Api-Key", BuildConfig.MAPS_API_KEY)
                .header("Authorization", "Bearer \${session.accessToken}")
                .build()
        )
    }
    .build()
// buildConfigField("String", "MAPS_API_KEY", "\\"\${project.findProperty("MAPS_API_KEY")}\\"")`,
  benign: ["BuildConfig.MAPS_API_KEY", "${session.accessToken}"],
}));

def("none/i18n-json", "i18n JSON", () => ({
  text: `{
  "login.password": "Password",
  "login.password_placeholder": "Enter your password",
  "login.forgot_password": "Forgot your password?",
  "settings.api_key": "API key",
  "settings.api_key_hint": "Keys start with ak_ and are shown only once.",
  "settings.token_expired": "Your session token has expired",
  "de.login.password": "Passwort",
  "pl.login.password": "Hasło"
}`,
  benign: ["Enter your password", "Forgot your password?"],
}));

def("none/html-password-form", "HTML", () => ({
  text: `<form method="post" action="/login">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" minlength="12" required placeholder="••••••••">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <button type="submit">Sign in</button>
</form>`,
  benign: ["current-password", "{{ csrf_token() }}"],
}));

def("none/password-validation", "TypeScript", () => ({
  text: `export function checkPassword(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 12) problems.push("password too short");
  if (!/[A-Z]/.test(password)) problems.push("needs an upper-case letter");
  if (password === "password" || password === "12345678") problems.push("too common");
  return problems;
}`,
}));

def("none/getpass", "Python", () => ({
  text: `import getpass, keyring

password = getpass.getpass("Password for svc_report: ")
keyring.set_password("acme-report", "svc_report", password)
api_key = keyring.get_password("acme-report", "api_key") or os.environ["ACME_API_KEY"]`,
  benign: ['os.environ["ACME_API_KEY"]'],
}));

def("none/audit-log", "application log", (g) => {
  const a = g.uuid();
  const b = g.uuid();
  return {
    text: `2024-11-02T10:15:03.221Z INFO auth password_reset_requested user_id=48213 request_id=${a}
2024-11-02T10:15:41.907Z INFO auth password_changed user_id=48213 request_id=${b} sessions_revoked=3
2024-11-02T10:16:00.012Z WARN auth api_key_rotation_due key_id=ak_7Q2M days_left=4`,
    benign: [a, b],
  };
});

def("none/numeric-settings", ".env", () => ({
  text: `TOKEN_EXPIRY_SECONDS=3600
PASSWORD_MIN_LENGTH=12
SECRET_ROTATION_DAYS=90
API_KEY_HEADER=X-Api-Key
AUTH_TOKEN_TTL=15m
SESSION_SECRET_FILE=/run/secrets/session
PASSWORD_HASH_ALGORITHM=argon2id`,
  benign: ["3600", "X-Api-Key", "/run/secrets/session", "argon2id"],
}));

def("none/sentry-event", "Sentry event JSON", (g) => {
  const e = g.hex(32);
  const t = g.hex(32);
  const sp = g.hex(16);
  return {
    text: `{
  "event_id": "${e}",
  "timestamp": "2024-10-08T13:22:05.118Z",
  "release": "api@4.18.0",
  "contexts": { "trace": { "trace_id": "${t}", "span_id": "${sp}", "op": "http.server" } },
  "exception": { "values": [{ "type": "TimeoutError", "value": "upstream timed out after 30000ms" }] }
}`,
    benign: [e, t, sp],
  };
});

def("none/otel-spans", "OpenTelemetry console exporter", (g) => {
  const t = g.hex(32);
  const s1 = g.hex(16);
  const s2 = g.hex(16);
  return {
    text: `{
  traceId: '${t}',
  parentId: '${s1}',
  name: 'SELECT ledger.events',
  id: '${s2}',
  kind: 2,
  timestamp: 1728393725118000,
  duration: 4217,
  attributes: { 'db.system': 'postgresql', 'db.name': 'ledger', 'net.peer.port': 5432 }
}`,
    benign: [t, s1, s2],
  };
});

def("none/mongo-docs", "MongoDB shell output", (g) => {
  const a = g.hex(24);
  const b = g.hex(24);
  return {
    text: `[
  { _id: ObjectId('${a}'), sku: 'SKU-1042', stock: 17, updatedAt: ISODate('2024-09-30T22:10:04.512Z') },
  { _id: ObjectId('${b}'), sku: 'SKU-1043', stock: 0, updatedAt: ISODate('2024-09-30T22:10:04.515Z') }
]`,
    benign: [a, b],
  };
});

def("none/stripe-objects", "Stripe API response", (g) => {
  const pi = `pi_3${g.alnum(23)}`;
  const cus = `cus_${g.alnum(14)}`;
  const ch = `ch_3${g.alnum(23)}`;
  const pm = `pm_1${g.alnum(23)}`;
  return {
    text: `{
  "id": "${pi}",
  "object": "payment_intent",
  "amount": 4900,
  "currency": "eur",
  "customer": "${cus}",
  "latest_charge": "${ch}",
  "payment_method": "${pm}",
  "status": "succeeded",
  "livemode": true
}`,
    benign: [pi, cus, ch, pm],
  };
});

def("none/slack-event", "Slack event payload", (g) => {
  const ev = `Ev0${g.upper(9)}`;
  return {
    text: `{
  "team_id": "T0${g.upper(8)}",
  "api_app_id": "A0${g.upper(8)}",
  "event": { "type": "message", "channel": "C0${g.upper(8)}", "user": "U0${g.upper(8)}", "text": "deploy done", "ts": "1728400123.004900" },
  "event_id": "${ev}",
  "event_time": 1728400123
}`,
    benign: [ev, "1728400123.004900"],
  };
});

def("none/s3-headers", "HTTP response headers", (g) => {
  const id2 = g.base64(57);
  const rid = g.upper(16);
  const etag = g.hex(32);
  return {
    text: `HTTP/1.1 200 OK
x-amz-id-2: ${id2}
x-amz-request-id: ${rid}
Date: Wed, 09 Oct 2024 08:12:44 GMT
ETag: "${etag}"
x-amz-server-side-encryption: aws:kms
x-amz-version-id: ${g.b64url(32)}
Content-Length: 18233`,
    benign: [id2, rid, etag],
  };
});

def("none/ssh-fingerprints", "terminal session", (g) => {
  const f = `SHA256:${g.base64(32).replace(/=+$/, "")}`;
  return {
    text: `$ ssh-keygen -lf ~/.ssh/id_ed25519.pub
256 ${f} marta@laptop (ED25519)
$ ssh-add -l
256 ${f} marta@laptop (ED25519)`,
    benign: [f],
  };
});

def("none/docker-images", "terminal session", (g) => {
  const a = g.hex(12);
  const b = g.hex(12);
  return {
    text: `$ docker images
REPOSITORY          TAG       IMAGE ID       CREATED        SIZE
acme/api            4.18.0    ${a}   2 hours ago    212MB
postgres            16.4      ${b}   3 weeks ago    432MB`,
    benign: [a, b],
  };
});

def("none/sha256sums", "SHA256SUMS", (g) => {
  const a = g.sha256();
  const b = g.sha256();
  return {
    text: `${a}  ledger-cli_1.9.0_linux_amd64.tar.gz
${b}  ledger-cli_1.9.0_darwin_arm64.tar.gz`,
    benign: [a, b],
  };
});

def("none/flake-lock", "flake.lock", (g) => {
  const nar = `sha256-${g.base64(32)}`;
  const rev = g.sha1();
  return {
    text: `{
  "nodes": {
    "nixpkgs": {
      "locked": {
        "lastModified": 1727825735,
        "narHash": "${nar}",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "${rev}",
        "type": "github"
      }
    }
  }
}`,
    benign: [nar, rev],
  };
});

def("none/gradle-verification", "gradle/verification-metadata.xml", (g) => {
  const a = g.sha256();
  const b = g.sha256();
  return {
    text: `<component group="com.squareup.okhttp3" name="okhttp" version="4.12.0">
   <artifact name="okhttp-4.12.0.jar">
      <sha256 value="${a}" origin="Generated by Gradle"/>
   </artifact>
   <artifact name="okhttp-4.12.0.module">
      <sha256 value="${b}" origin="Generated by Gradle"/>
   </artifact>
</component>`,
    benign: [a, b],
  };
});

def("none/terraform-lock", ".terraform.lock.hcl", (g) => {
  const h = `h1:${g.base64(32)}`;
  const z = [g.sha256(), g.sha256()];
  return {
    text: `provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.70.0"
  constraints = "~> 5.0"
  hashes = [
    "${h}",
    "zh:${z[0]}",
    "zh:${z[1]}",
  ]
}`,
    benign: [h, ...z],
  };
});

def("none/eth-receipt", "JSON-RPC response", (g) => {
  const tx = `0x${g.sha256()}`;
  const bh = `0x${g.sha256()}`;
  const from = `0x${g.hex(40)}`;
  return {
    text: `{"jsonrpc":"2.0","id":1,"result":{"transactionHash":"${tx}","blockHash":"${bh}","blockNumber":"0x13a7f2c","from":"${from}","gasUsed":"0x5208","status":"0x1"}}`,
    benign: [tx, bh, from],
  };
});

def("none/kafka-payload", "consumer log", (g) => {
  const payload = g.base64(96);
  return {
    text: `[consumer-1] offset=88213 partition=3 key=order-48213 value(base64)=${payload} headers={trace=${g.hex(32)}}`,
    benign: [payload],
  };
});

def("none/git-diff", "git diff", (g) => {
  const a = g.hex(10);
  const b = g.hex(10);
  return {
    text: `diff --git a/config/production.yml b/config/production.yml
index ${a}..${b} 100644
--- a/config/production.yml
+++ b/config/production.yml
@@ -4,7 +4,7 @@ database:
   host: pg-primary.acme.internal
-  password: <%= ENV["DB_PASSWORD"] %>
+  password: <%= Rails.application.credentials.dig(:db, :password) %>
   pool: 20`,
    benign: [a, b, '<%= ENV["DB_PASSWORD"] %>', "<%= Rails.application.credentials.dig(:db, :password) %>"],
  };
});

def("none/certutil-hash", "Windows command prompt", (g) => {
  const h = g.sha256().toUpperCase();
  return {
    text: `C:\\Users\\akemi\\Downloads>certutil -hashfile LedgerSetup-1.9.0.msi SHA256
SHA256 hash of LedgerSetup-1.9.0.msi:
${h.toLowerCase()}
CertUtil: -hashfile command completed successfully.`,
    benign: [h.toLowerCase()],
  };
});

def("none/vault-policy", "Vault policy HCL", () => ({
  text: `path "secret/data/payments/*" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
# token_ttl = "1h"  token_max_ttl = "24h"`,
}));

def("none/curl-env-refs", "shell", () => ({
  text: `curl -sS -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/repos/acme/api/actions/runs?per_page=5
curl -sS -u "$JIRA_USER:$JIRA_API_TOKEN" https://acme.atlassian.net/rest/api/3/myself
curl -sS -H "X-Api-Key: \${DATADOG_API_KEY}" https://api.datadoghq.eu/api/v1/validate`,
  benign: ["$GITHUB_TOKEN", "$JIRA_API_TOKEN", "${DATADOG_API_KEY}"],
}));

def("none/jwt-docs", "Markdown docs", () => ({
  text: `A JWT has three parts, \`<header>.<payload>.<signature>\`, each base64url-encoded.
Send it as \`Authorization: Bearer <token>\`. Tokens expire after 15 minutes; use the
refresh token (\`POST /oauth/token\` with \`grant_type=refresh_token\`) to get a new one.`,
  benign: ["<header>.<payload>.<signature>", "Bearer <token>"],
}));

def("none/logcat", "Android logcat", (g) => {
  const aid = g.hex(16);
  return {
    text: `10-09 14:02:11.418  4182  4217 I FirebaseInstanceId: device registered, android_id=${aid}
10-09 14:02:11.502  4182  4217 D OkHttp  : --> POST https://api.acme.app/v2/session (312-byte body)
10-09 14:02:11.503  4182  4217 D OkHttp  : Authorization: ██
10-09 14:02:11.910  4182  4217 E AndroidRuntime: FATAL EXCEPTION: OkHttp Dispatcher  Process: io.acme.wallet, PID: 4182`,
    benign: [aid],
  };
});

def("none/windows-event", "Windows event log", (g) => {
  const sid = `S-1-5-21-${g.digits(10)}-${g.digits(10)}-${g.digits(10)}-1107`;
  const guid = `{${g.uuid().toUpperCase()}}`;
  return {
    text: `An account failed to log on.
Subject:
\tSecurity ID:\t\t${sid}
\tAccount Name:\t\tsvc_backup
\tLogon ID:\t\t0x3E7
Failure Information:
\tFailure Reason:\t\tUnknown user name or bad password.
\tStatus:\t\t\t0xC000006D
Process Information:
\tCaller Process ID:\t0x2b4
Logon GUID: ${guid}`,
    benign: [sid, guid, "0xC000006D"],
  };
});

def("none/azure-resource-ids", "Azure CLI output", (g) => {
  const sub = g.uuid();
  const ten = g.uuid();
  return {
    text: `[
  {
    "cloudName": "AzureCloud",
    "id": "${sub}",
    "isDefault": true,
    "name": "acme-prod",
    "state": "Enabled",
    "tenantId": "${ten}",
    "user": { "name": "ops@acme.io", "type": "user" }
  }
]`,
    secrets: [p("ops@acme.io", "email")],
    benign: [sub, ten],
  };
});

def("none/ci-masked", "CI log", () => ({
  text: `Run npm publish
  env:
    NODE_AUTH_TOKEN: ***
npm notice Publishing to https://registry.npmjs.org/ with tag latest and default access
+ @acme/ledger-client@2.1.0
Run aws s3 sync ./dist s3://acme-cdn --delete
  env:
    AWS_ACCESS_KEY_ID: ***
    AWS_SECRET_ACCESS_KEY: ***`,
}));

def("none/sql-seed-uuids", "SQL", (g) => {
  const a = g.uuid();
  const b = g.uuid();
  return {
    text: `INSERT INTO api_keys (id, workspace_id, name, prefix, hashed_key, created_at) VALUES
  ('${a}', '${b}', 'ci', 'ak_7Q2M', '$argon2id$v=19$m=65536,t=3,p=4$${g.base64(16).replace(/=+$/, "")}$${g.base64(32).replace(/=+$/, "")}', now());`,
    benign: [a, b],
  };
});

def("none/ipfs-cids", "Markdown", () => ({
  text: `Pinned the release artefacts:

- docs: \`QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco\`
- site: \`bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi\``,
  benign: ["QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco", "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"],
}));

def("none/changelog", "CHANGELOG.md", () => ({
  text: `## 4.18.0 — 2024-10-08
- Rotate secrets without downtime (#1842)
- Tokens now expire after 15 minutes instead of 60 (#1838)
- Fix: password reset e-mail sent twice (#1831)

## 4.17.2 — 2024-09-30
- Bump cryptography from 42.0.8 to 43.0.1`,
}));

def("none/package-json", "package.json", () => ({
  text: `{
  "name": "@acme/ledger-client",
  "version": "2.1.0",
  "license": "MIT",
  "publishConfig": { "registry": "https://registry.npmjs.org", "access": "public" },
  "scripts": { "build": "tsc -p .", "prepublishOnly": "npm run build" },
  "dependencies": { "undici": "6.19.8", "zod": "3.23.8" },
  "packageManager": "pnpm@9.12.1+sha512.e5a7e52a4183a02d5931057f7a0dbff9d5e9ce3161e33fa68ae392125b79282a8a8a470a51dfc8a0ed86221442eb2fb57019b0990ed24fab519bf0e1bc5ccfc4"
}`,
  benign: ["e5a7e52a4183a02d5931057f7a0dbff9d5e9ce3161e33fa68ae392125b79282a8a8a470a51dfc8a0ed86221442eb2fb57019b0990ed24fab519bf0e1bc5ccfc4"],
}));

def("none/swift-package-resolved", "Package.resolved", (g) => {
  const r = g.sha1();
  return {
    text: `{
  "pins" : [
    {
      "identity" : "swift-crypto",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/apple/swift-crypto.git",
      "state" : { "revision" : "${r}", "version" : "3.7.0" }
    }
  ],
  "version" : 2
}`,
    benign: [r],
  };
});

def("none/pubspec-lock", "pubspec.lock", (g) => {
  const h = g.sha256();
  return {
    text: `packages:
  http:
    dependency: "direct main"
    description:
      name: http
      sha256: "${h}"
      url: "https://pub.dev"
    source: hosted
    version: "1.2.2"`,
    benign: [h],
  };
});

def("none/nginx-openresty-env", "nginx + Lua (OpenResty)", () => ({
  text: `env JWT_SECRET;
env REDIS_PASSWORD;
http {
    init_by_lua_block {
        jwt_secret = os.getenv("JWT_SECRET")
        redis_password = os.getenv("REDIS_PASSWORD")
    }
}`,
  benign: ['os.getenv("JWT_SECRET")', 'os.getenv("REDIS_PASSWORD")'],
}));

def("none/systemd-credentials", "systemd unit", () => ({
  text: `[Service]
User=invoice
LoadCredential=db-password:/etc/invoice/db-password
Environment=DB_PASSWORD_FILE=%d/db-password
EnvironmentFile=-/etc/default/invoice
ExecStart=/usr/bin/node /opt/invoice/worker.js`,
  benign: ["%d/db-password"],
}));

def("none/maven-encrypted", "Maven settings.xml", () => ({
  text: `<server>
  <id>acme-nexus</id>
  <username>deployer</username>
  <password>\${env.NEXUS_PASSWORD}</password>
</server>
<!-- settings-security.xml holds the master key; run mvn --encrypt-password to generate entries -->`,
  benign: ["${env.NEXUS_PASSWORD}"],
}));

def("none/uuid-heavy-log", "application log", (g) => {
  const ids = [g.uuid(), g.uuid(), g.uuid()];
  return {
    text: `sync: workspace=${ids[0]} cursor=${ids[1]} fetched=500 stored=500 findings=12 took=1.84s
sync: workspace=${ids[2]} cursor=none fetched=0 stored=0 findings=0 took=0.21s`,
    benign: ids,
  };
});

export const secretsProbe2: ProbeSet = {
  name: "secrets, second probe",
  build(seed: number): ProbeSample[] {
    const g = new Gen(seed);
    return SPECS.map(([id, format, make]) => {
      const made = make(g);
      return { id, format, text: made.text, sensitive: made.secrets ?? [], benign: made.benign };
    });
  },
};
