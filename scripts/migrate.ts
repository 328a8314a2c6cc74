import { getDatabaseHandle } from "../db/index.server";
import { bootConfig } from "./lib/boot";

const config = bootConfig();
const database = await getDatabaseHandle();
await database.migrate();
await database.close();
process.stdout.write(`Migrations applied to ${config.database.kind === "pglite" ? config.database.dataDir : "PostgreSQL (DATABASE_URL)"}.\n`);
