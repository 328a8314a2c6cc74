-- Organisation-level rollups for the Overview (docs/decisions/0015-overview-org-rollups.md): sums per
-- UTC day × client × model (no person), and per person a bitmask of active days per calendar month
-- for the distinct-people counts. Hand-written: kept in step with daily_rollups and daily_tool_rollups
-- by statement triggers, in the same statement as every insert, update, delete or truncate of those
-- rollups (whoever writes them: the sync, a bench seed, a test), plus a backfill from the rollups
-- already stored.
CREATE TABLE "daily_org_rollups" (
	"day" date NOT NULL,
	"client_id" text NOT NULL,
	"model" text NOT NULL,
	"rollups" integer NOT NULL,
	"events" bigint NOT NULL,
	"prompts" bigint NOT NULL,
	"responses" bigint NOT NULL,
	"failed_responses" bigint NOT NULL,
	"tool_calls" bigint NOT NULL,
	"tool_approved" bigint NOT NULL,
	"tool_denied" bigint NOT NULL,
	"tool_aborted" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"cached_input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"reasoning_output_tokens" bigint NOT NULL,
	"findings" bigint NOT NULL,
	CONSTRAINT "daily_org_rollups_pk" PRIMARY KEY("day","client_id","model")
);
--> statement-breakpoint
CREATE TABLE "daily_org_tool_rollups" (
	"day" date NOT NULL,
	"client_id" text NOT NULL,
	"model" text NOT NULL,
	"tool_name" text NOT NULL,
	"rollups" integer NOT NULL,
	"calls" bigint NOT NULL,
	"approved" bigint NOT NULL,
	"denied" bigint NOT NULL,
	"aborted" bigint NOT NULL,
	CONSTRAINT "daily_org_tool_rollups_pk" PRIMARY KEY("day","client_id","model","tool_name")
);
--> statement-breakpoint
CREATE TABLE "monthly_activity" (
	"month" date NOT NULL,
	"openai_user_id" text NOT NULL,
	"client_id" text NOT NULL,
	"model" text NOT NULL,
	"days" integer NOT NULL,
	CONSTRAINT "monthly_activity_pk" PRIMARY KEY("month","openai_user_id","client_id","model")
);
--> statement-breakpoint
CREATE TABLE "monthly_tool_activity" (
	"month" date NOT NULL,
	"openai_user_id" text NOT NULL,
	"client_id" text NOT NULL,
	"model" text NOT NULL,
	"tool_name" text NOT NULL,
	"days" integer NOT NULL,
	CONSTRAINT "monthly_tool_activity_pk" PRIMARY KEY("month","openai_user_id","client_id","model","tool_name")
);
--> statement-breakpoint
-- A rollup row's key is its identity: the month masks assume it never changes (nothing updates it).
CREATE FUNCTION "rollup_key_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%: the key columns (day, openai_user_id, client_id, model%) of a rollup row cannot change; delete and insert instead',
    TG_TABLE_NAME, CASE WHEN TG_TABLE_NAME = 'daily_tool_rollups' THEN ', tool_name' ELSE '' END;
END $$;
--> statement-breakpoint
CREATE FUNCTION "daily_org_rollups_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "daily_org_rollups" d
    SET rollups = d.rollups - o.rollups, events = d.events - o.events, prompts = d.prompts - o.prompts, responses = d.responses - o.responses,
        failed_responses = d.failed_responses - o.failed_responses, tool_calls = d.tool_calls - o.tool_calls,
        tool_approved = d.tool_approved - o.tool_approved, tool_denied = d.tool_denied - o.tool_denied, tool_aborted = d.tool_aborted - o.tool_aborted,
        input_tokens = d.input_tokens - o.input_tokens, cached_input_tokens = d.cached_input_tokens - o.cached_input_tokens,
        output_tokens = d.output_tokens - o.output_tokens, reasoning_output_tokens = d.reasoning_output_tokens - o.reasoning_output_tokens,
        findings = d.findings - o.findings
    FROM (
      SELECT day, client_id, model, count(*)::int AS rollups, sum(events) AS events, sum(prompts) AS prompts, sum(responses) AS responses,
        sum(failed_responses) AS failed_responses, sum(tool_calls) AS tool_calls, sum(tool_approved) AS tool_approved, sum(tool_denied) AS tool_denied,
        sum(tool_aborted) AS tool_aborted, sum(input_tokens) AS input_tokens, sum(cached_input_tokens) AS cached_input_tokens,
        sum(output_tokens) AS output_tokens, sum(reasoning_output_tokens) AS reasoning_output_tokens, sum(findings) AS findings
      FROM old_rows GROUP BY 1, 2, 3
    ) o
    WHERE d.day = o.day AND d.client_id = o.client_id AND d.model = o.model;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "daily_org_rollups" AS d (day, client_id, model, rollups, events, prompts, responses, failed_responses, tool_calls, tool_approved,
      tool_denied, tool_aborted, input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens, findings)
    SELECT day, client_id, model, count(*)::int, sum(events), sum(prompts), sum(responses), sum(failed_responses), sum(tool_calls), sum(tool_approved),
      sum(tool_denied), sum(tool_aborted), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), sum(reasoning_output_tokens), sum(findings)
    FROM new_rows GROUP BY 1, 2, 3
    -- One order for every writer, so two concurrent syncs lock shared rows in the same order.
    ORDER BY 1, 2, 3
    ON CONFLICT ON CONSTRAINT "daily_org_rollups_pk" DO UPDATE SET
      rollups = d.rollups + excluded.rollups, events = d.events + excluded.events, prompts = d.prompts + excluded.prompts,
      responses = d.responses + excluded.responses, failed_responses = d.failed_responses + excluded.failed_responses,
      tool_calls = d.tool_calls + excluded.tool_calls, tool_approved = d.tool_approved + excluded.tool_approved,
      tool_denied = d.tool_denied + excluded.tool_denied, tool_aborted = d.tool_aborted + excluded.tool_aborted,
      input_tokens = d.input_tokens + excluded.input_tokens, cached_input_tokens = d.cached_input_tokens + excluded.cached_input_tokens,
      output_tokens = d.output_tokens + excluded.output_tokens, reasoning_output_tokens = d.reasoning_output_tokens + excluded.reasoning_output_tokens,
      findings = d.findings + excluded.findings;
  END IF;
  IF TG_OP = 'INSERT' THEN
    -- Updates never add a (month, person, client, model): the key of a rollup row does not change.
    INSERT INTO "monthly_activity" AS m (month, openai_user_id, client_id, model, days)
    SELECT date_trunc('month', day)::date, openai_user_id, client_id, model, bit_or(1 << (extract(day FROM day)::int - 1))
    FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT "monthly_activity_pk" DO UPDATE SET days = m.days | excluded.days;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM "daily_org_rollups" WHERE rollups <= 0 AND day IN (SELECT DISTINCT day FROM old_rows);
    -- A deleted day's bit stays only if another row of the same key still has it: recompute the keys touched.
    DELETE FROM "monthly_activity" m USING (SELECT DISTINCT date_trunc('month', day)::date AS month, openai_user_id, client_id, model FROM old_rows) k
    WHERE m.month = k.month AND m.openai_user_id = k.openai_user_id AND m.client_id = k.client_id AND m.model = k.model;
    INSERT INTO "monthly_activity" (month, openai_user_id, client_id, model, days)
    SELECT k.month, k.openai_user_id, k.client_id, k.model, bit_or(1 << (extract(day FROM r.day)::int - 1))
    FROM (SELECT DISTINCT date_trunc('month', day)::date AS month, openai_user_id, client_id, model FROM old_rows) k JOIN "daily_rollups" r ON r.day >= k.month AND r.day < (k.month + interval '1 month')::date
      AND r.openai_user_id = k.openai_user_id AND r.client_id = k.client_id AND r.model = k.model
    GROUP BY 1, 2, 3, 4;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "daily_org_tool_rollups_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "daily_org_tool_rollups" d
    SET rollups = d.rollups - o.rollups, calls = d.calls - o.calls, approved = d.approved - o.approved, denied = d.denied - o.denied,
        aborted = d.aborted - o.aborted
    FROM (
      SELECT day, client_id, model, tool_name, count(*)::int AS rollups, sum(calls) AS calls, sum(approved) AS approved, sum(denied) AS denied,
        sum(aborted) AS aborted
      FROM old_rows GROUP BY 1, 2, 3, 4
    ) o
    WHERE d.day = o.day AND d.client_id = o.client_id AND d.model = o.model AND d.tool_name = o.tool_name;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "daily_org_tool_rollups" AS d (day, client_id, model, tool_name, rollups, calls, approved, denied, aborted)
    SELECT day, client_id, model, tool_name, count(*)::int, sum(calls), sum(approved), sum(denied), sum(aborted)
    FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT "daily_org_tool_rollups_pk" DO UPDATE SET
      rollups = d.rollups + excluded.rollups, calls = d.calls + excluded.calls, approved = d.approved + excluded.approved,
      denied = d.denied + excluded.denied, aborted = d.aborted + excluded.aborted;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "monthly_tool_activity" AS m (month, openai_user_id, client_id, model, tool_name, days)
    SELECT date_trunc('month', day)::date, openai_user_id, client_id, model, tool_name, bit_or(1 << (extract(day FROM day)::int - 1))
    FROM new_rows GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ON CONSTRAINT "monthly_tool_activity_pk" DO UPDATE SET days = m.days | excluded.days;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM "daily_org_tool_rollups" WHERE rollups <= 0 AND day IN (SELECT DISTINCT day FROM old_rows);
    DELETE FROM "monthly_tool_activity" m
    USING (SELECT DISTINCT date_trunc('month', day)::date AS month, openai_user_id, client_id, model, tool_name FROM old_rows) k
    WHERE m.month = k.month AND m.openai_user_id = k.openai_user_id AND m.client_id = k.client_id AND m.model = k.model AND m.tool_name = k.tool_name;
    INSERT INTO "monthly_tool_activity" (month, openai_user_id, client_id, model, tool_name, days)
    SELECT k.month, k.openai_user_id, k.client_id, k.model, k.tool_name, bit_or(1 << (extract(day FROM r.day)::int - 1))
    FROM (SELECT DISTINCT date_trunc('month', day)::date AS month, openai_user_id, client_id, model, tool_name FROM old_rows) k JOIN "daily_tool_rollups" r ON r.day >= k.month AND r.day < (k.month + interval '1 month')::date
      AND r.openai_user_id = k.openai_user_id AND r.client_id = k.client_id AND r.model = k.model AND r.tool_name = k.tool_name
    GROUP BY 1, 2, 3, 4, 5;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "daily_org_rollups_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'daily_rollups' THEN
    TRUNCATE "daily_org_rollups", "monthly_activity";
  ELSE
    TRUNCATE "daily_org_tool_rollups", "monthly_tool_activity";
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "daily_rollups_key_immutable" BEFORE UPDATE OF "day", "openai_user_id", "client_id", "model" ON "daily_rollups" FOR EACH ROW
  WHEN (OLD.day IS DISTINCT FROM NEW.day OR OLD.openai_user_id IS DISTINCT FROM NEW.openai_user_id OR OLD.client_id IS DISTINCT FROM NEW.client_id
        OR OLD.model IS DISTINCT FROM NEW.model)
  EXECUTE FUNCTION "rollup_key_immutable"();
--> statement-breakpoint
CREATE TRIGGER "daily_tool_rollups_key_immutable" BEFORE UPDATE OF "day", "openai_user_id", "client_id", "model", "tool_name" ON "daily_tool_rollups" FOR EACH ROW
  WHEN (OLD.day IS DISTINCT FROM NEW.day OR OLD.openai_user_id IS DISTINCT FROM NEW.openai_user_id OR OLD.client_id IS DISTINCT FROM NEW.client_id
        OR OLD.model IS DISTINCT FROM NEW.model OR OLD.tool_name IS DISTINCT FROM NEW.tool_name)
  EXECUTE FUNCTION "rollup_key_immutable"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_rollups_insert" AFTER INSERT ON "daily_rollups" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_rollups_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_rollups_update" AFTER UPDATE ON "daily_rollups" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_rollups_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_rollups_delete" AFTER DELETE ON "daily_rollups" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_rollups_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_rollups_truncate" AFTER TRUNCATE ON "daily_rollups" FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_rollups_truncate"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_tool_rollups_insert" AFTER INSERT ON "daily_tool_rollups" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_tool_rollups_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_tool_rollups_update" AFTER UPDATE ON "daily_tool_rollups" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_tool_rollups_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_tool_rollups_delete" AFTER DELETE ON "daily_tool_rollups" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_tool_rollups_apply"();
--> statement-breakpoint
CREATE TRIGGER "daily_org_tool_rollups_truncate" AFTER TRUNCATE ON "daily_tool_rollups" FOR EACH STATEMENT EXECUTE FUNCTION "daily_org_rollups_truncate"();
--> statement-breakpoint
INSERT INTO "daily_org_rollups" (day, client_id, model, rollups, events, prompts, responses, failed_responses, tool_calls, tool_approved,
  tool_denied, tool_aborted, input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens, findings)
SELECT day, client_id, model, count(*)::int, sum(events), sum(prompts), sum(responses), sum(failed_responses), sum(tool_calls), sum(tool_approved),
  sum(tool_denied), sum(tool_aborted), sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), sum(reasoning_output_tokens), sum(findings)
FROM "daily_rollups" GROUP BY 1, 2, 3;
--> statement-breakpoint
INSERT INTO "monthly_activity" (month, openai_user_id, client_id, model, days)
SELECT date_trunc('month', day)::date, openai_user_id, client_id, model, bit_or(1 << (extract(day FROM day)::int - 1))
FROM "daily_rollups" GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "daily_org_tool_rollups" (day, client_id, model, tool_name, rollups, calls, approved, denied, aborted)
SELECT day, client_id, model, tool_name, count(*)::int, sum(calls), sum(approved), sum(denied), sum(aborted)
FROM "daily_tool_rollups" GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO "monthly_tool_activity" (month, openai_user_id, client_id, model, tool_name, days)
SELECT date_trunc('month', day)::date, openai_user_id, client_id, model, tool_name, bit_or(1 << (extract(day FROM day)::int - 1))
FROM "daily_tool_rollups" GROUP BY 1, 2, 3, 4, 5;
