-- COSTS summed per UTC month and line key (docs/decisions/0016-monthly-cost-rollup.md): costs_daily with the days folded,
-- for the spend reports of a month in which no price, rate or team assignment changes. Generated CREATE TABLE;
-- hand-written, as in 0011: statement triggers on costs_hourly that keep it in step in the same statement as every
-- insert, update, delete or truncate of hourly records, and a backfill from costs_daily (the hourly records summed per day).
CREATE TABLE "costs_monthly" (
	"month" date NOT NULL,
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
	CONSTRAINT "costs_monthly_pk" PRIMARY KEY("month","email","openai_user_id","product","client","surface","model","service_tier","groups")
);
--> statement-breakpoint
CREATE FUNCTION "costs_monthly_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "costs_monthly" m
    SET records = m.records - o.records, input_tokens = m.input_tokens - o.input_tokens, cached_input_tokens = m.cached_input_tokens - o.cached_input_tokens,
        output_tokens = m.output_tokens - o.output_tokens, credits = m.credits - o.credits
    FROM (
      SELECT date_trunc('month', hour AT TIME ZONE 'UTC')::date AS month, coalesce(openai_user_id, '') AS openai_user_id, lower(coalesce(email, '')) AS email, groups,
        coalesce(product, '') AS product, coalesce(client, '') AS client, coalesce(surface, '') AS surface, coalesce(model, '') AS model,
        coalesce(service_tier, '') AS service_tier, count(*)::int AS records, coalesce(sum(input_tokens), 0) AS input_tokens,
        coalesce(sum(cached_input_tokens), 0) AS cached_input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(credits), 0) AS credits
      FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ) o
    WHERE m.month = o.month AND m.openai_user_id = o.openai_user_id AND m.email = o.email AND m.groups = o.groups AND m.product = o.product
      AND m.client = o.client AND m.surface = o.surface AND m.model = o.model AND m.service_tier = o.service_tier;
    DELETE FROM "costs_monthly" WHERE records <= 0 AND month IN (SELECT DISTINCT date_trunc('month', hour AT TIME ZONE 'UTC')::date FROM old_rows);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "costs_monthly" AS m (month, openai_user_id, email, groups, product, client, surface, model, service_tier, person_id, records,
      input_tokens, cached_input_tokens, output_tokens, credits)
    SELECT date_trunc('month', hour AT TIME ZONE 'UTC')::date, coalesce(openai_user_id, ''), lower(coalesce(email, '')), groups, coalesce(product, ''), coalesce(client, ''),
      coalesce(surface, ''), coalesce(model, ''), coalesce(service_tier, ''), max(person_id::text)::uuid, count(*)::int,
      coalesce(sum(input_tokens), 0), coalesce(sum(cached_input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(credits), 0)
    FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    -- One order for every writer (the primary key's), so two concurrent syncs lock shared rows in the same order.
    ORDER BY 1, 3, 2, 5, 6, 7, 8, 9, 4
    ON CONFLICT ON CONSTRAINT "costs_monthly_pk" DO UPDATE SET
      person_id = coalesce(excluded.person_id, m.person_id), records = m.records + excluded.records, input_tokens = m.input_tokens + excluded.input_tokens,
      cached_input_tokens = m.cached_input_tokens + excluded.cached_input_tokens, output_tokens = m.output_tokens + excluded.output_tokens,
      credits = m.credits + excluded.credits;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "costs_monthly_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "costs_monthly";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "costs_monthly_insert" AFTER INSERT ON "costs_hourly" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "costs_monthly_apply"();
--> statement-breakpoint
CREATE TRIGGER "costs_monthly_update" AFTER UPDATE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "costs_monthly_apply"();
--> statement-breakpoint
CREATE TRIGGER "costs_monthly_delete" AFTER DELETE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "costs_monthly_apply"();
--> statement-breakpoint
CREATE TRIGGER "costs_monthly_truncate" AFTER TRUNCATE ON "costs_hourly" FOR EACH STATEMENT EXECUTE FUNCTION "costs_monthly_truncate"();
--> statement-breakpoint
INSERT INTO "costs_monthly" (month, openai_user_id, email, groups, product, client, surface, model, service_tier, person_id, records,
  input_tokens, cached_input_tokens, output_tokens, credits)
SELECT date_trunc('month', day)::date, openai_user_id, email, groups, product, client, surface, model, service_tier, max(person_id::text)::uuid, sum(records)::int,
  sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), sum(credits)
FROM "costs_daily" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
