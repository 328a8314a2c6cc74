-- The People page's per-person rollups (docs/decisions/0018-people-rollups.md): per person and UTC day
-- their activity (daily_rollups), threads started (codex_sessions) and Codex credits (costs_hourly);
-- per person and month a bitmask of active days (streaks); per person the groups of their most
-- recent COSTS record (teams). Generated CREATE TABLEs; hand-written: the statement triggers that
-- keep them in step with their sources in the same statement as every insert, update, delete or
-- truncate (whoever writes: the sync, a bench seed, a test), and a backfill from what is stored.
CREATE TABLE "person_cost_groups" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"event_id" text NOT NULL,
	"groups" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_days" (
	"day" date NOT NULL,
	"person_id" uuid NOT NULL,
	"rollups" integer NOT NULL,
	"turns" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"cached_input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"sessions" integer NOT NULL,
	"cost_records" integer NOT NULL,
	"credits" numeric(20, 6) NOT NULL,
	CONSTRAINT "person_days_pk" PRIMARY KEY("day","person_id")
);
--> statement-breakpoint
CREATE TABLE "person_months" (
	"month" date NOT NULL,
	"person_id" uuid NOT NULL,
	"days" integer NOT NULL,
	CONSTRAINT "person_months_pk" PRIMARY KEY("month","person_id")
);
--> statement-breakpoint
CREATE INDEX "person_days_person_day" ON "person_days" USING btree ("person_id","day");
--> statement-breakpoint
CREATE FUNCTION "person_days_from_rollups"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "person_days" d
    SET rollups = d.rollups - o.rollups, turns = d.turns - o.turns, input_tokens = d.input_tokens - o.input_tokens,
        cached_input_tokens = d.cached_input_tokens - o.cached_input_tokens, output_tokens = d.output_tokens - o.output_tokens
    FROM (
      SELECT day, person_id, count(*)::int AS rollups, sum(prompts) AS turns, sum(input_tokens) AS input_tokens,
        sum(cached_input_tokens) AS cached_input_tokens, sum(output_tokens) AS output_tokens
      FROM old_rows WHERE person_id IS NOT NULL GROUP BY 1, 2
    ) o
    WHERE d.day = o.day AND d.person_id = o.person_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "person_days" AS d (day, person_id, rollups, turns, input_tokens, cached_input_tokens, output_tokens, sessions, cost_records, credits)
    SELECT day, person_id, count(*)::int, sum(prompts), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), 0, 0, 0
    FROM new_rows WHERE person_id IS NOT NULL GROUP BY 1, 2
    -- One order for every writer, so two concurrent syncs lock shared rows in the same order.
    ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT "person_days_pk" DO UPDATE SET
      rollups = d.rollups + excluded.rollups, turns = d.turns + excluded.turns, input_tokens = d.input_tokens + excluded.input_tokens,
      cached_input_tokens = d.cached_input_tokens + excluded.cached_input_tokens, output_tokens = d.output_tokens + excluded.output_tokens;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM "person_days" d USING (SELECT DISTINCT day, person_id FROM old_rows WHERE person_id IS NOT NULL) k
    WHERE d.day = k.day AND d.person_id = k.person_id AND d.rollups <= 0 AND d.sessions <= 0 AND d.cost_records <= 0;
    -- A day leaves its month's mask once the person has no rollup left on it; an empty month goes.
    DELETE FROM "person_months" m USING (
      SELECT date_trunc('month', o.day)::date AS month, o.person_id, bit_or(1 << (extract(day FROM o.day)::int - 1)) AS days
      FROM old_rows o
      WHERE o.person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "person_days" d WHERE d.day = o.day AND d.person_id = o.person_id AND d.rollups > 0)
      GROUP BY 1, 2
    ) k
    WHERE m.month = k.month AND m.person_id = k.person_id AND m.days & ~k.days = 0;
    UPDATE "person_months" m SET days = m.days & ~k.days FROM (
      SELECT date_trunc('month', o.day)::date AS month, o.person_id, bit_or(1 << (extract(day FROM o.day)::int - 1)) AS days
      FROM old_rows o
      WHERE o.person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "person_days" d WHERE d.day = o.day AND d.person_id = o.person_id AND d.rollups > 0)
      GROUP BY 1, 2
    ) k
    WHERE m.month = k.month AND m.person_id = k.person_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "person_months" AS m (month, person_id, days)
    SELECT date_trunc('month', day)::date, person_id, bit_or(1 << (extract(day FROM day)::int - 1))
    FROM new_rows WHERE person_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT "person_months_pk" DO UPDATE SET days = m.days | excluded.days;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "person_days_from_sessions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "person_days" d SET sessions = d.sessions - o.sessions
    FROM (SELECT (first_at AT TIME ZONE 'UTC')::date AS day, person_id, count(*)::int AS sessions FROM old_rows WHERE person_id IS NOT NULL GROUP BY 1, 2) o
    WHERE d.day = o.day AND d.person_id = o.person_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "person_days" AS d (day, person_id, rollups, turns, input_tokens, cached_input_tokens, output_tokens, sessions, cost_records, credits)
    SELECT (first_at AT TIME ZONE 'UTC')::date, person_id, 0, 0, 0, 0, 0, count(*)::int, 0, 0
    FROM new_rows WHERE person_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT "person_days_pk" DO UPDATE SET sessions = d.sessions + excluded.sessions;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM "person_days" d USING (SELECT DISTINCT (first_at AT TIME ZONE 'UTC')::date AS day, person_id FROM old_rows WHERE person_id IS NOT NULL) k
    WHERE d.day = k.day AND d.person_id = k.person_id AND d.rollups <= 0 AND d.sessions <= 0 AND d.cost_records <= 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "person_days_from_costs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "person_days" d SET cost_records = d.cost_records - o.cost_records, credits = d.credits - o.credits
    FROM (
      SELECT (hour AT TIME ZONE 'UTC')::date AS day, person_id, count(*)::int AS cost_records, coalesce(sum(credits), 0) AS credits
      FROM old_rows WHERE person_id IS NOT NULL AND product = 'codex' GROUP BY 1, 2
    ) o
    WHERE d.day = o.day AND d.person_id = o.person_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "person_days" AS d (day, person_id, rollups, turns, input_tokens, cached_input_tokens, output_tokens, sessions, cost_records, credits)
    SELECT (hour AT TIME ZONE 'UTC')::date, person_id, 0, 0, 0, 0, 0, 0, count(*)::int, coalesce(sum(credits), 0)
    FROM new_rows WHERE person_id IS NOT NULL AND product = 'codex' GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT "person_days_pk" DO UPDATE SET cost_records = d.cost_records + excluded.cost_records, credits = d.credits + excluded.credits;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM "person_days" d USING (SELECT DISTINCT (hour AT TIME ZONE 'UTC')::date AS day, person_id FROM old_rows WHERE person_id IS NOT NULL) k
    WHERE d.day = k.day AND d.person_id = k.person_id AND d.rollups <= 0 AND d.sessions <= 0 AND d.cost_records <= 0;
  END IF;
  -- Each person's most recent COSTS record (any product): its groups name the person's team.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "person_cost_groups" AS g (person_id, hour, event_id, groups)
    SELECT DISTINCT ON (person_id) person_id, hour, event_id, groups FROM new_rows WHERE person_id IS NOT NULL
    ORDER BY person_id, hour DESC, event_id DESC
    ON CONFLICT (person_id) DO UPDATE SET hour = excluded.hour, event_id = excluded.event_id, groups = excluded.groups
    WHERE (excluded.hour, excluded.event_id) > (g.hour, g.event_id);
  ELSE
    -- An update or a delete may take the latest record away: read the people touched again.
    IF TG_OP = 'UPDATE' THEN
      DELETE FROM "person_cost_groups" g USING (SELECT person_id FROM old_rows WHERE person_id IS NOT NULL UNION SELECT person_id FROM new_rows WHERE person_id IS NOT NULL) k WHERE g.person_id = k.person_id;
      INSERT INTO "person_cost_groups" (person_id, hour, event_id, groups)
      SELECT k.person_id, l.hour, l.event_id, l.groups
      FROM (SELECT person_id FROM old_rows WHERE person_id IS NOT NULL UNION SELECT person_id FROM new_rows WHERE person_id IS NOT NULL) k
      CROSS JOIN LATERAL (
        SELECT c.hour, c.event_id, c.groups FROM "costs_hourly" c WHERE c.person_id = k.person_id ORDER BY c.hour DESC, c.event_id DESC LIMIT 1
      ) l
      ORDER BY 1;
    ELSE
      DELETE FROM "person_cost_groups" g USING (SELECT DISTINCT person_id FROM old_rows WHERE person_id IS NOT NULL) k WHERE g.person_id = k.person_id;
      INSERT INTO "person_cost_groups" (person_id, hour, event_id, groups)
      SELECT k.person_id, l.hour, l.event_id, l.groups
      FROM (SELECT DISTINCT person_id FROM old_rows WHERE person_id IS NOT NULL) k
      CROSS JOIN LATERAL (
        SELECT c.hour, c.event_id, c.groups FROM "costs_hourly" c WHERE c.person_id = k.person_id ORDER BY c.hour DESC, c.event_id DESC LIMIT 1
      ) l
      ORDER BY 1;
    END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A truncated source's columns drop to zero; rows no source still has go.
CREATE FUNCTION "person_days_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'daily_rollups' THEN
    UPDATE "person_days" SET rollups = 0, turns = 0, input_tokens = 0, cached_input_tokens = 0, output_tokens = 0 WHERE rollups <> 0;
    TRUNCATE "person_months";
  ELSIF TG_TABLE_NAME = 'codex_sessions' THEN
    UPDATE "person_days" SET sessions = 0 WHERE sessions <> 0;
  ELSE
    UPDATE "person_days" SET cost_records = 0, credits = 0 WHERE cost_records <> 0;
    TRUNCATE "person_cost_groups";
  END IF;
  DELETE FROM "person_days" WHERE rollups <= 0 AND sessions <= 0 AND cost_records <= 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "person_days_insert" AFTER INSERT ON "daily_rollups" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_rollups"();
--> statement-breakpoint
CREATE TRIGGER "person_days_update" AFTER UPDATE ON "daily_rollups" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_rollups"();
--> statement-breakpoint
CREATE TRIGGER "person_days_delete" AFTER DELETE ON "daily_rollups" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_rollups"();
--> statement-breakpoint
CREATE TRIGGER "person_days_truncate" AFTER TRUNCATE ON "daily_rollups" FOR EACH STATEMENT EXECUTE FUNCTION "person_days_truncate"();
--> statement-breakpoint
CREATE TRIGGER "person_days_insert" AFTER INSERT ON "codex_sessions" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_sessions"();
--> statement-breakpoint
CREATE TRIGGER "person_days_update" AFTER UPDATE ON "codex_sessions" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_sessions"();
--> statement-breakpoint
CREATE TRIGGER "person_days_delete" AFTER DELETE ON "codex_sessions" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_sessions"();
--> statement-breakpoint
CREATE TRIGGER "person_days_truncate" AFTER TRUNCATE ON "codex_sessions" FOR EACH STATEMENT EXECUTE FUNCTION "person_days_truncate"();
--> statement-breakpoint
CREATE TRIGGER "person_days_insert" AFTER INSERT ON "costs_hourly" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "person_days_update" AFTER UPDATE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "person_days_delete" AFTER DELETE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_days_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "person_days_truncate" AFTER TRUNCATE ON "costs_hourly" FOR EACH STATEMENT EXECUTE FUNCTION "person_days_truncate"();
--> statement-breakpoint
INSERT INTO "person_days" (day, person_id, rollups, turns, input_tokens, cached_input_tokens, output_tokens, sessions, cost_records, credits)
SELECT day, person_id, sum(rollups)::int, sum(turns), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), sum(sessions)::int, sum(cost_records)::int, sum(credits)
FROM (
  SELECT day, person_id, count(*) AS rollups, sum(prompts) AS turns, sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
    sum(output_tokens) AS output_tokens, 0 AS sessions, 0 AS cost_records, 0 AS credits
  FROM "daily_rollups" WHERE person_id IS NOT NULL GROUP BY 1, 2
  UNION ALL
  SELECT (first_at AT TIME ZONE 'UTC')::date, person_id, 0, 0, 0, 0, 0, count(*), 0, 0 FROM "codex_sessions" WHERE person_id IS NOT NULL GROUP BY 1, 2
  UNION ALL
  SELECT (hour AT TIME ZONE 'UTC')::date, person_id, 0, 0, 0, 0, 0, 0, count(*), coalesce(sum(credits), 0)
  FROM "costs_hourly" WHERE person_id IS NOT NULL AND product = 'codex' GROUP BY 1, 2
) s
GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO "person_months" (month, person_id, days)
SELECT date_trunc('month', day)::date, person_id, bit_or(1 << (extract(day FROM day)::int - 1)) FROM "person_days" WHERE rollups > 0 GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO "person_cost_groups" (person_id, hour, event_id, groups)
SELECT DISTINCT ON (person_id) person_id, hour, event_id, groups FROM "costs_hourly" WHERE person_id IS NOT NULL ORDER BY person_id, hour DESC, event_id DESC;
