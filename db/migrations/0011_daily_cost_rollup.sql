-- COSTS summed per UTC day and line key (docs/decisions/0014-daily-cost-rollup.md). Generated CREATE
-- TABLE; hand-written: the triggers that keep it in step with costs_hourly in the same statement as
-- every insert, update, delete or truncate of hourly records (whoever writes them: the sync, a
-- bench seed, a test), and a backfill from the records already stored.
CREATE TABLE "costs_daily" (
	"day" date NOT NULL,
	"openai_user_id" text NOT NULL,
	"email" text NOT NULL,
	"groups" jsonb NOT NULL,
	"product" text NOT NULL,
	"client" text NOT NULL,
	"surface" text NOT NULL,
	"model" text NOT NULL,
	"service_tier" text NOT NULL,
	"person_id" uuid,
	"records" integer NOT NULL,
	"input_tokens" bigint NOT NULL,
	"cached_input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"credits" numeric(20, 6) NOT NULL,
	CONSTRAINT "costs_daily_pk" PRIMARY KEY("day","openai_user_id","email","product","client","surface","model","service_tier","groups")
);
--> statement-breakpoint
CREATE FUNCTION "costs_daily_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "costs_daily" d
    SET records = d.records - o.records, input_tokens = d.input_tokens - o.input_tokens, cached_input_tokens = d.cached_input_tokens - o.cached_input_tokens,
        output_tokens = d.output_tokens - o.output_tokens, credits = d.credits - o.credits
    FROM (
      SELECT (hour AT TIME ZONE 'UTC')::date AS day, coalesce(openai_user_id, '') AS openai_user_id, lower(coalesce(email, '')) AS email, groups,
        coalesce(product, '') AS product, coalesce(client, '') AS client, coalesce(surface, '') AS surface, coalesce(model, '') AS model,
        coalesce(service_tier, '') AS service_tier, count(*)::int AS records, coalesce(sum(input_tokens), 0) AS input_tokens,
        coalesce(sum(cached_input_tokens), 0) AS cached_input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(credits), 0) AS credits
      FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ) o
    WHERE d.day = o.day AND d.openai_user_id = o.openai_user_id AND d.email = o.email AND d.groups = o.groups AND d.product = o.product
      AND d.client = o.client AND d.surface = o.surface AND d.model = o.model AND d.service_tier = o.service_tier;
    DELETE FROM "costs_daily" WHERE records <= 0 AND day IN (SELECT DISTINCT (hour AT TIME ZONE 'UTC')::date FROM old_rows);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "costs_daily" AS d (day, openai_user_id, email, groups, product, client, surface, model, service_tier, person_id, records,
      input_tokens, cached_input_tokens, output_tokens, credits)
    SELECT (hour AT TIME ZONE 'UTC')::date, coalesce(openai_user_id, ''), lower(coalesce(email, '')), groups, coalesce(product, ''), coalesce(client, ''),
      coalesce(surface, ''), coalesce(model, ''), coalesce(service_tier, ''), max(person_id::text)::uuid, count(*)::int,
      coalesce(sum(input_tokens), 0), coalesce(sum(cached_input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(credits), 0)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    -- One order for every writer, so two concurrent syncs lock shared rows in the same order.
    ORDER BY 1, 2, 3, 5, 6, 7, 8, 9, 4
    ON CONFLICT ON CONSTRAINT "costs_daily_pk" DO UPDATE SET
      person_id = coalesce(excluded.person_id, d.person_id), records = d.records + excluded.records, input_tokens = d.input_tokens + excluded.input_tokens,
      cached_input_tokens = d.cached_input_tokens + excluded.cached_input_tokens, output_tokens = d.output_tokens + excluded.output_tokens,
      credits = d.credits + excluded.credits;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "costs_daily_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "costs_daily";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "costs_daily_insert" AFTER INSERT ON "costs_hourly" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "costs_daily_apply"();
--> statement-breakpoint
CREATE TRIGGER "costs_daily_update" AFTER UPDATE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "costs_daily_apply"();
--> statement-breakpoint
CREATE TRIGGER "costs_daily_delete" AFTER DELETE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "costs_daily_apply"();
--> statement-breakpoint
CREATE TRIGGER "costs_daily_truncate" AFTER TRUNCATE ON "costs_hourly" FOR EACH STATEMENT EXECUTE FUNCTION "costs_daily_truncate"();
--> statement-breakpoint
INSERT INTO "costs_daily" (day, openai_user_id, email, groups, product, client, surface, model, service_tier, person_id, records,
  input_tokens, cached_input_tokens, output_tokens, credits)
SELECT (hour AT TIME ZONE 'UTC')::date, coalesce(openai_user_id, ''), lower(coalesce(email, '')), groups, coalesce(product, ''), coalesce(client, ''),
  coalesce(surface, ''), coalesce(model, ''), coalesce(service_tier, ''), max(person_id::text)::uuid, count(*)::int,
  coalesce(sum(input_tokens), 0), coalesce(sum(cached_input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(credits), 0)
FROM "costs_hourly" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
