/**
 * Routes reach the database through this file. The Remix compiler empties `*.server`
 * modules from the browser bundle only inside app/, so a route that imported db/ directly
 * would drag postgres.js and PGlite into the browser build.
 */
export { getDb } from "../../db/index.server";
export { isDatabaseReachable } from "../../db/client.server";
