-- Credits per UTC day and OpenAI user for the reconciliation, COSTS (product codex) against the Analytics API
-- (docs/decisions/0016-monthly-cost-rollup.md, addendum). Generated CREATE TABLE; hand-written: statement triggers on
-- costs_hourly and analytics_usage_daily that keep it in step in the same statement as every insert, update (the
-- Analytics upsert too), delete or truncate of either source, and a back-fill from costs_daily and analytics_usage_daily.
CREATE TABLE "reconciliation_daily" (
	"day" date NOT NULL,
	"openai_user_id" text NOT NULL,
	"costs_records" integer NOT NULL,
	"costs_credits" bigint NOT NULL,
	"analytics_rows" integer NOT NULL,
	"analytics_credits" bigint NOT NULL,
	CONSTRAINT "reconciliation_daily_pk" PRIMARY KEY("day","openai_user_id")
);

--> statement-breakpoint
CREATE FUNCTION "reconciliation_daily_from_costs"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "reconciliation_daily" r SET costs_records = r.costs_records - o.records, costs_credits = r.costs_credits - o.credits
    FROM (
      SELECT (hour AT TIME ZONE 'UTC')::date AS day, openai_user_id, count(*)::int AS records, coalesce(sum((credits * 1000000)::bigint), 0) AS credits
      FROM old_rows WHERE openai_user_id <> '' AND lower(product) = 'codex' GROUP BY 1, 2
    ) o
    WHERE r.day = o.day AND r.openai_user_id = o.openai_user_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "reconciliation_daily" AS r (day, openai_user_id, costs_records, costs_credits, analytics_rows, analytics_credits)
    SELECT (hour AT TIME ZONE 'UTC')::date, openai_user_id, count(*)::int, coalesce(sum((credits * 1000000)::bigint), 0), 0, 0
    FROM new_rows WHERE openai_user_id <> '' AND lower(product) = 'codex' GROUP BY 1, 2
    -- One order for every writer (the primary key's), so two concurrent syncs lock shared rows in the same order.
    ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT "reconciliation_daily_pk" DO UPDATE SET
      costs_records = r.costs_records + excluded.costs_records, costs_credits = r.costs_credits + excluded.costs_credits;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM "reconciliation_daily" r
    USING (SELECT DISTINCT (hour AT TIME ZONE 'UTC')::date AS day, openai_user_id FROM old_rows WHERE openai_user_id <> '' AND lower(product) = 'codex') k
    WHERE r.day = k.day AND r.openai_user_id = k.openai_user_id AND r.costs_records <= 0 AND r.analytics_rows <= 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "reconciliation_daily_from_analytics"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE "reconciliation_daily" r SET analytics_rows = r.analytics_rows - o.records, analytics_credits = r.analytics_credits - o.credits
    FROM (
      SELECT day, openai_user_id, count(*)::int AS records, coalesce(sum((credits * 1000000)::bigint), 0) AS credits
      FROM old_rows WHERE openai_user_id <> '' GROUP BY 1, 2
    ) o
    WHERE r.day = o.day AND r.openai_user_id = o.openai_user_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "reconciliation_daily" AS r (day, openai_user_id, costs_records, costs_credits, analytics_rows, analytics_credits)
    SELECT day, openai_user_id, 0, 0, count(*)::int, coalesce(sum((credits * 1000000)::bigint), 0)
    FROM new_rows WHERE openai_user_id <> '' GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT "reconciliation_daily_pk" DO UPDATE SET
      analytics_rows = r.analytics_rows + excluded.analytics_rows, analytics_credits = r.analytics_credits + excluded.analytics_credits;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    DELETE FROM "reconciliation_daily" r
    USING (SELECT DISTINCT day, openai_user_id FROM old_rows WHERE openai_user_id <> '') k
    WHERE r.day = k.day AND r.openai_user_id = k.openai_user_id AND r.costs_records <= 0 AND r.analytics_rows <= 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A truncated source's side drops to zero; person-days only it had go.
CREATE FUNCTION "reconciliation_daily_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'costs_hourly' THEN
    UPDATE "reconciliation_daily" SET costs_records = 0, costs_credits = 0 WHERE costs_records <> 0 OR costs_credits <> 0;
  ELSE
    UPDATE "reconciliation_daily" SET analytics_rows = 0, analytics_credits = 0 WHERE analytics_rows <> 0 OR analytics_credits <> 0;
  END IF;
  DELETE FROM "reconciliation_daily" WHERE costs_records <= 0 AND analytics_rows <= 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "reconciliation_daily_insert" AFTER INSERT ON "costs_hourly" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "reconciliation_daily_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "reconciliation_daily_update" AFTER UPDATE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "reconciliation_daily_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "reconciliation_daily_delete" AFTER DELETE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "reconciliation_daily_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "reconciliation_daily_truncate" AFTER TRUNCATE ON "costs_hourly" FOR EACH STATEMENT EXECUTE FUNCTION "reconciliation_daily_truncate"();
--> statement-breakpoint
CREATE TRIGGER "reconciliation_daily_insert" AFTER INSERT ON "analytics_usage_daily" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "reconciliation_daily_from_analytics"();
--> statement-breakpoint
CREATE TRIGGER "reconciliation_daily_update" AFTER UPDATE ON "analytics_usage_daily" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "reconciliation_daily_from_analytics"();
--> statement-breakpoint
CREATE TRIGGER "reconciliation_daily_delete" AFTER DELETE ON "analytics_usage_daily" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "reconciliation_daily_from_analytics"();
--> statement-breakpoint
CREATE TRIGGER "reconciliation_daily_truncate" AFTER TRUNCATE ON "analytics_usage_daily" FOR EACH STATEMENT EXECUTE FUNCTION "reconciliation_daily_truncate"();
--> statement-breakpoint
INSERT INTO "reconciliation_daily" (day, openai_user_id, costs_records, costs_credits, analytics_rows, analytics_credits)
SELECT day, openai_user_id, sum(costs_records)::int, sum(costs_credits)::bigint, sum(analytics_rows)::int, sum(analytics_credits)::bigint
FROM (
  SELECT day, openai_user_id, sum(records) AS costs_records, sum((credits * 1000000)::bigint) AS costs_credits, 0 AS analytics_rows, 0 AS analytics_credits
  FROM "costs_daily" WHERE openai_user_id <> '' AND lower(product) = 'codex' GROUP BY 1, 2
  UNION ALL
  SELECT day, openai_user_id, 0, 0, count(*), sum((credits * 1000000)::bigint)
  FROM "analytics_usage_daily" WHERE openai_user_id <> '' GROUP BY 1, 2
) s
GROUP BY 1, 2;
