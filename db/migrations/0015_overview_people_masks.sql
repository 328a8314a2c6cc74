-- The Overview's distinct people and threads (docs/decisions/0017-overview-people-masks.md): per UTC day × client × model (× tool name; × product × surface for COSTS) a bit
-- per person in chunks of 4,096 person numbers, and threads per day. Generated CREATE TABLE;
-- hand-written: the statement triggers that keep them in step with daily_rollups, daily_tool_rollups,
-- costs_daily and codex_sessions in the same statement as every insert, update, delete or truncate
-- (whoever writes them: the sync, a bench seed, a test), and a backfill from the rows already stored.
CREATE TABLE "daily_org_costs" (
	"day" date NOT NULL,
	"product" text NOT NULL,
	"client" text NOT NULL,
	"surface" text NOT NULL,
	"model" text NOT NULL,
	"chunk" integer NOT NULL,
	"lines" integer NOT NULL,
	"credits" numeric(20, 6) NOT NULL,
	"people" bit(4096) NOT NULL,
	CONSTRAINT "daily_org_costs_pk" PRIMARY KEY("day","product","client","surface","model","chunk")
);
--> statement-breakpoint
CREATE TABLE "daily_org_people" (
	"day" date NOT NULL,
	"client_id" text NOT NULL,
	"model" text NOT NULL,
	"chunk" integer NOT NULL,
	"people" bit(4096) NOT NULL,
	CONSTRAINT "daily_org_people_pk" PRIMARY KEY("day","client_id","model","chunk")
);
--> statement-breakpoint
CREATE TABLE "daily_org_sessions" (
	"day" date NOT NULL,
	"client_id" text NOT NULL,
	"model" text NOT NULL,
	"threads" integer NOT NULL,
	CONSTRAINT "daily_org_sessions_pk" PRIMARY KEY("day","client_id","model")
);
--> statement-breakpoint
CREATE TABLE "daily_org_tool_people" (
	"day" date NOT NULL,
	"client_id" text NOT NULL,
	"model" text NOT NULL,
	"tool_name" text NOT NULL,
	"chunk" integer NOT NULL,
	"people" bit(4096) NOT NULL,
	CONSTRAINT "daily_org_tool_people_pk" PRIMARY KEY("day","client_id","model","tool_name","chunk")
);
--> statement-breakpoint
CREATE TABLE "overview_person_numbers" (
	"openai_user_id" text PRIMARY KEY NOT NULL,
	"number" integer GENERATED ALWAYS AS IDENTITY (sequence name "overview_person_numbers_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1)
);
--> statement-breakpoint
-- Numbers for people first seen in a statement. Only the new ones are offered: ON CONFLICT DO
-- NOTHING would still draw a number for every row offered, and the masks want dense numbers.
CREATE FUNCTION "overview_number_people"(ids text[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "overview_person_numbers" (openai_user_id)
  SELECT DISTINCT u.id FROM unnest(ids) u(id)
  WHERE NOT EXISTS (SELECT 1 FROM "overview_person_numbers" p WHERE p.openai_user_id = u.id)
  ORDER BY 1
  ON CONFLICT DO NOTHING
$$;
--> statement-breakpoint
CREATE FUNCTION "daily_org_people_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "overview_number_people"(ARRAY(SELECT DISTINCT openai_user_id FROM new_rows));
    INSERT INTO "daily_org_people" AS d (day, client_id, model, chunk, people)
    SELECT n.day, n.client_id, n.model, p.number / 4096, bit_or(set_bit(B'0'::bit(4096), p.number % 4096, 1))
    FROM new_rows n JOIN "overview_person_numbers" p ON p.openai_user_id = n.openai_user_id
    GROUP BY 1, 2, 3, 4
    -- One order for every writer, so two concurrent syncs lock shared rows in the same order.
    ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT "daily_org_people_pk" DO UPDATE SET people = d.people | excluded.people;
  ELSIF TG_OP = 'DELETE' THEN
    -- (day, person, client, model) is daily_rollups' key: a deleted row takes its person's bit with it.
    UPDATE "daily_org_people" d SET people = d.people & ~o.people
    FROM (
      SELECT o.day, o.client_id, o.model, p.number / 4096 AS chunk, bit_or(set_bit(B'0'::bit(4096), p.number % 4096, 1)) AS people
      FROM old_rows o JOIN "overview_person_numbers" p ON p.openai_user_id = o.openai_user_id
      GROUP BY 1, 2, 3, 4
    ) o
    WHERE d.day = o.day AND d.client_id = o.client_id AND d.model = o.model AND d.chunk = o.chunk;
    DELETE FROM "daily_org_people" WHERE people = B'0'::bit(4096) AND day IN (SELECT DISTINCT day FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "daily_org_tool_people_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "overview_number_people"(ARRAY(SELECT DISTINCT openai_user_id FROM new_rows));
    INSERT INTO "daily_org_tool_people" AS d (day, client_id, model, tool_name, chunk, people)
    SELECT n.day, n.client_id, n.model, n.tool_name, p.number / 4096, bit_or(set_bit(B'0'::bit(4096), p.number % 4096, 1))
    FROM new_rows n JOIN "overview_person_numbers" p ON p.openai_user_id = n.openai_user_id
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ON CONSTRAINT "daily_org_tool_people_pk" DO UPDATE SET people = d.people | excluded.people;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "daily_org_tool_people" d SET people = d.people & ~o.people
    FROM (
      SELECT o.day, o.client_id, o.model, o.tool_name, p.number / 4096 AS chunk, bit_or(set_bit(B'0'::bit(4096), p.number % 4096, 1)) AS people
      FROM old_rows o JOIN "overview_person_numbers" p ON p.openai_user_id = o.openai_user_id
      GROUP BY 1, 2, 3, 4, 5
    ) o
    WHERE d.day = o.day AND d.client_id = o.client_id AND d.model = o.model AND d.tool_name = o.tool_name AND d.chunk = o.chunk;
    DELETE FROM "daily_org_tool_people" WHERE people = B'0'::bit(4096) AND day IN (SELECT DISTINCT day FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "daily_org_costs_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "overview_number_people"(ARRAY(SELECT DISTINCT openai_user_id FROM new_rows WHERE openai_user_id <> ''));
    -- Lines without a user id ('') go to chunk -1 and set no bit: they are credits, not people.
    INSERT INTO "daily_org_costs" AS d (day, product, client, surface, model, chunk, lines, credits, people)
    SELECT n.day, n.product, n.client, n.surface, n.model, coalesce(p.number / 4096, -1), count(*)::int, sum(n.credits),
      coalesce(bit_or(set_bit(B'0'::bit(4096), p.number % 4096, 1)), B'0'::bit(4096))
    FROM new_rows n LEFT JOIN "overview_person_numbers" p ON p.openai_user_id = n.openai_user_id AND n.openai_user_id <> ''
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ON CONSTRAINT "daily_org_costs_pk" DO UPDATE SET
      lines = d.lines + excluded.lines, credits = d.credits + excluded.credits, people = d.people | excluded.people;
  ELSIF TG_OP = 'UPDATE' THEN
    -- costs_daily's key never changes (costs_daily_key_immutable): an update changes sums only.
    UPDATE "daily_org_costs" d SET credits = d.credits + o.credits
    FROM (
      SELECT x.day, x.product, x.client, x.surface, x.model, coalesce(p.number / 4096, -1) AS chunk, sum(x.credits) AS credits
      FROM (SELECT day, product, client, surface, model, openai_user_id, credits FROM new_rows
            UNION ALL SELECT day, product, client, surface, model, openai_user_id, -credits FROM old_rows) x
      LEFT JOIN "overview_person_numbers" p ON p.openai_user_id = x.openai_user_id AND x.openai_user_id <> ''
      GROUP BY 1, 2, 3, 4, 5, 6
    ) o
    WHERE o.credits <> 0 AND d.day = o.day AND d.product = o.product AND d.client = o.client AND d.surface = o.surface AND d.model = o.model AND d.chunk = o.chunk;
  ELSIF TG_OP = 'DELETE' THEN
    -- costs_daily has a line per email, groups and tier too: a person's bit goes with their last line of the cell.
    UPDATE "daily_org_costs" d SET lines = d.lines - o.lines, credits = d.credits - o.credits, people = d.people & ~o.gone
    FROM (
      SELECT x.day, x.product, x.client, x.surface, x.model, coalesce(p.number / 4096, -1) AS chunk, count(*)::int AS lines, sum(x.credits) AS credits,
        coalesce(bit_or(CASE WHEN NOT EXISTS (
            SELECT 1 FROM "costs_daily" c WHERE c.day = x.day AND c.openai_user_id = x.openai_user_id AND c.product = x.product AND c.client = x.client
              AND c.surface = x.surface AND c.model = x.model)
          THEN set_bit(B'0'::bit(4096), p.number % 4096, 1) END), B'0'::bit(4096)) AS gone
      FROM old_rows x LEFT JOIN "overview_person_numbers" p ON p.openai_user_id = x.openai_user_id AND x.openai_user_id <> ''
      GROUP BY 1, 2, 3, 4, 5, 6
    ) o
    WHERE d.day = o.day AND d.product = o.product AND d.client = o.client AND d.surface = o.surface AND d.model = o.model AND d.chunk = o.chunk;
    DELETE FROM "daily_org_costs" WHERE lines <= 0 AND day IN (SELECT DISTINCT day FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "daily_org_sessions_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "daily_org_sessions" AS d (day, client_id, model, threads)
    SELECT (first_at AT TIME ZONE 'UTC')::date, coalesce(client_id, ''), coalesce(model, ''), count(*)::int FROM new_rows
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT "daily_org_sessions_pk" DO UPDATE SET threads = d.threads + excluded.threads;
  ELSIF TG_OP = 'UPDATE' THEN
    -- An upsert can move a session's first_at earlier (another day) or fill in its model: -1 on the old key, +1 on the new.
    INSERT INTO "daily_org_sessions" AS d (day, client_id, model, threads)
    SELECT day, client_id, model, sum(threads)::int
    FROM (SELECT (first_at AT TIME ZONE 'UTC')::date AS day, coalesce(client_id, '') AS client_id, coalesce(model, '') AS model, 1 AS threads FROM new_rows
          UNION ALL SELECT (first_at AT TIME ZONE 'UTC')::date, coalesce(client_id, ''), coalesce(model, ''), -1 FROM old_rows) x
    GROUP BY 1, 2, 3 HAVING sum(threads) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT "daily_org_sessions_pk" DO UPDATE SET threads = d.threads + excluded.threads;
    DELETE FROM "daily_org_sessions" WHERE threads <= 0 AND day IN (SELECT DISTINCT (first_at AT TIME ZONE 'UTC')::date FROM old_rows);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "daily_org_sessions" d SET threads = d.threads - o.threads
    FROM (SELECT (first_at AT TIME ZONE 'UTC')::date AS day, coalesce(client_id, '') AS client_id, coalesce(model, '') AS model, count(*)::int AS threads
          FROM old_rows GROUP BY 1, 2, 3) o
    WHERE d.day = o.day AND d.client_id = o.client_id AND d.model = o.model;
    DELETE FROM "daily_org_sessions" WHERE threads <= 0 AND day IN (SELECT DISTINCT (first_at AT TIME ZONE 'UTC')::date FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "overview_org_people_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'daily_rollups' THEN
    TRUNCATE "daily_org_people";
  ELSIF TG_TABLE_NAME = 'daily_tool_rollups' THEN
    TRUNCATE "daily_org_tool_people";
  ELSIF TG_TABLE_NAME = 'costs_daily' THEN
    TRUNCATE "daily_org_costs";
  ELSE
    TRUNCATE "daily_org_sessions";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "costs_daily_key_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'costs_daily: the key columns (day, openai_user_id, email, groups, product, client, surface, model, service_tier) of a line cannot change; delete and insert instead';
END $$;
--> statement-breakpoint
CREATE TRIGGER "costs_daily_key_immutable" BEFORE UPDATE OF "day", "openai_user_id", "email", "groups", "product", "client", "surface", "model", "service_tier" ON "costs_daily" FOR EACH ROW
  WHEN (OLD.day IS DISTINCT FROM NEW.day OR OLD.openai_user_id IS DISTINCT FROM NEW.openai_user_id OR OLD.email IS DISTINCT FROM NEW.email
        OR OLD.groups IS DISTINCT FROM NEW.groups OR OLD.product IS DISTINCT FROM NEW.product OR OLD.client IS DISTINCT FROM NEW.client
        OR OLD.surface IS DISTINCT FROM NEW.surface OR OLD.model IS DISTINCT FROM NEW.model OR OLD.service_tier IS DISTINCT FROM NEW.service_tier)
  EXECUTE FUNCTION "costs_daily_key_immutable"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_people_insert" AFTER INSERT ON "daily_rollups" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_people_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_people_delete" AFTER DELETE ON "daily_rollups" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_people_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_people_truncate" AFTER TRUNCATE ON "daily_rollups" FOR EACH STATEMENT EXECUTE FUNCTION "overview_org_people_truncate"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_tool_people_insert" AFTER INSERT ON "daily_tool_rollups" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_tool_people_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_tool_people_delete" AFTER DELETE ON "daily_tool_rollups" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_tool_people_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_tool_people_truncate" AFTER TRUNCATE ON "daily_tool_rollups" FOR EACH STATEMENT EXECUTE FUNCTION "overview_org_people_truncate"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_costs_insert" AFTER INSERT ON "costs_daily" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_costs_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_costs_update" AFTER UPDATE ON "costs_daily" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_costs_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_costs_delete" AFTER DELETE ON "costs_daily" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_costs_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_costs_truncate" AFTER TRUNCATE ON "costs_daily" FOR EACH STATEMENT EXECUTE FUNCTION "overview_org_people_truncate"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_sessions_insert" AFTER INSERT ON "codex_sessions" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_sessions_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_sessions_update" AFTER UPDATE ON "codex_sessions" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_sessions_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_sessions_delete" AFTER DELETE ON "codex_sessions" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_sessions_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_sessions_truncate" AFTER TRUNCATE ON "codex_sessions" FOR EACH STATEMENT EXECUTE FUNCTION "overview_org_people_truncate"();
--> statement-breakpoint
INSERT INTO "overview_person_numbers" (openai_user_id)
SELECT openai_user_id FROM (SELECT openai_user_id FROM "daily_rollups" UNION SELECT openai_user_id FROM "daily_tool_rollups"
  UNION SELECT openai_user_id FROM "costs_daily" WHERE openai_user_id <> '') u ORDER BY 1;
--> statement-breakpoint
INSERT INTO "daily_org_people" (day, client_id, model, chunk, people)
SELECT r.day, r.client_id, r.model, p.number / 4096, bit_or(set_bit(B'0'::bit(4096), p.number % 4096, 1))
FROM "daily_rollups" r JOIN "overview_person_numbers" p ON p.openai_user_id = r.openai_user_id GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "daily_org_tool_people" (day, client_id, model, tool_name, chunk, people)
SELECT r.day, r.client_id, r.model, r.tool_name, p.number / 4096, bit_or(set_bit(B'0'::bit(4096), p.number % 4096, 1))
FROM "daily_tool_rollups" r JOIN "overview_person_numbers" p ON p.openai_user_id = r.openai_user_id GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO "daily_org_costs" (day, product, client, surface, model, chunk, lines, credits, people)
SELECT c.day, c.product, c.client, c.surface, c.model, coalesce(p.number / 4096, -1), count(*)::int, sum(c.credits),
  coalesce(bit_or(set_bit(B'0'::bit(4096), p.number % 4096, 1)), B'0'::bit(4096))
FROM "costs_daily" c LEFT JOIN "overview_person_numbers" p ON p.openai_user_id = c.openai_user_id AND c.openai_user_id <> '' GROUP BY 1, 2, 3, 4, 5, 6;
--> statement-breakpoint
INSERT INTO "daily_org_sessions" (day, client_id, model, threads)
SELECT (first_at AT TIME ZONE 'UTC')::date, coalesce(client_id, ''), coalesce(model, ''), count(*)::int FROM "codex_sessions" GROUP BY 1, 2, 3;
