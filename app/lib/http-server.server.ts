import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import helmet from "helmet";
import type { Config } from "./config.server";
import { logger } from "./logger.server";
import { CLIENT_IP_HEADER } from "./session.server";

/**
 * The console's HTTP server: security headers, static assets and the Remix handler.
 * Used by `npm start` and by the end-to-end tests, so both serve the same thing.
 */
export function createApp({ config, build, rootDir }: { config: Config; build: ServerBuild; rootDir: string }) {
  const app = express();
  const appOrigin = new URL(config.appUrl).origin;
  const idpOrigin = new URL(config.oidc.issuer).origin;
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);

  app.use((req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    // The session layer reads the client address from here; never from what the client sent.
    req.headers[CLIENT_IP_HEADER] = req.ip ?? "";
    next();
  });

  if (config.mode === "demo") {
    // Cookies are per host name: a visit to localhost would sign in on 127.0.0.1 and come back signed out.
    app.use((req, res, next) => {
      if (req.headers.host && req.headers.host !== new URL(config.appUrl).host) {
        return res.redirect(308, `${config.appUrl}${req.originalUrl}`);
      }
      next();
    });
  }

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          // Sign-in and sign-out forms redirect to the identity provider, which form-action also governs.
          formAction: ["'self'", idpOrigin],
          upgradeInsecureRequests: config.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      referrerPolicy: { policy: "same-origin" },
      crossOriginEmbedderPolicy: false,
    }),
  );

  // Defence in depth next to the per-session CSRF token: a browser that says where a
  // state-changing request comes from must say it comes from here.
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    const origin = req.headers.origin;
    if (origin && origin !== appOrigin && origin !== "null") {
      return res.status(403).type("text/plain").send("Cross-origin request refused.");
    }
    if (req.headers["sec-fetch-site"] === "cross-site") {
      return res.status(403).type("text/plain").send("Cross-site request refused.");
    }
    next();
  });

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      // The path only: query strings can carry filter values.
      logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        "request",
      );
    });
    next();
  });

  app.use("/build", express.static(path.join(rootDir, "public/build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(rootDir, "public"), { maxAge: "1h" }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.nodeEnv === "development" ? "development" : "production",
      getLoadContext: (_req, res) => ({ cspNonce: res.locals.cspNonce as string }),
    }),
  );
  return app;
}

export async function listen(app: express.Express, { host, port }: { host: string; port: number }) {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
