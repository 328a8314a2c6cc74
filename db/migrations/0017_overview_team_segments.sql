-- The Overview's team filter (docs/decisions/0017-overview-people-masks.md, last addendum): per person
-- and UTC day with COSTS records the latest record's groups, marked where they differ from the
-- person's previous such day, so a team's days come from the few rows where groups change; every
-- groups array COSTS has carried (cost_groups), and costs_daily indexed by its groups' hash and by
-- email, so the team's COSTS rows are read without the others'; groups as text beside the jsonb
-- on cost_groups and person_cost_groups, for joins that would otherwise hash jsonb row by row.
-- Generated: the tables, columns and indexes (the INCLUDE added by hand). Hand-written: statement
-- triggers on costs_hourly keeping both tables in the same statement as every insert, update,
-- delete or truncate, and the back-fill.
CREATE TABLE "cost_groups" (
	"groups" jsonb PRIMARY KEY NOT NULL,
	"groups_text" text GENERATED ALWAYS AS (groups::text) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_day_groups" (
	"person_id" uuid NOT NULL,
	"day" date NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"event_id" text NOT NULL,
	"groups" jsonb NOT NULL,
	"changed" boolean NOT NULL,
	CONSTRAINT "person_day_groups_pk" PRIMARY KEY("person_id","day")
);
--> statement-breakpoint
ALTER TABLE "person_cost_groups" ADD COLUMN "groups_text" text GENERATED ALWAYS AS (groups::text) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "person_day_groups_changes" ON "person_day_groups" USING btree ("person_id","day") INCLUDE ("groups") WHERE "person_day_groups"."changed";--> statement-breakpoint
CREATE INDEX "costs_daily_groups_day" ON "costs_daily" USING btree (jsonb_hash("groups"),"day");--> statement-breakpoint
CREATE INDEX "costs_daily_email_day" ON "costs_daily" USING btree ("email","day");--> statement-breakpoint
CREATE FUNCTION "person_day_groups_mark_changes"(p_person uuid[], p_day date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- A day's row starts a run when its groups differ from the person's previous day's with COSTS:
  -- the touched days and the day after each of them may have started or ended one.
  UPDATE "person_day_groups" g SET changed = c.changed
  FROM (
    SELECT a.person_id, a.day, g2.groups IS DISTINCT FROM (
        SELECT p.groups FROM "person_day_groups" p WHERE p.person_id = a.person_id AND p.day < a.day ORDER BY p.day DESC LIMIT 1) AS changed
    FROM (
      SELECT k.person_id, k.day FROM unnest(p_person, p_day) k(person_id, day)
      UNION
      SELECT k.person_id, nx.day FROM unnest(p_person, p_day) k(person_id, day)
      CROSS JOIN LATERAL (SELECT p.day FROM "person_day_groups" p WHERE p.person_id = k.person_id AND p.day > k.day ORDER BY p.day LIMIT 1) nx
    ) a
    JOIN "person_day_groups" g2 ON g2.person_id = a.person_id AND g2.day = a.day
  ) c
  WHERE g.person_id = c.person_id AND g.day = c.day AND g.changed IS DISTINCT FROM c.changed;
END $$;
--> statement-breakpoint
CREATE FUNCTION "person_day_groups_reread"(p_person uuid[], p_day date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "person_day_groups" g USING unnest(p_person, p_day) k(person_id, day) WHERE g.person_id = k.person_id AND g.day = k.day;
  INSERT INTO "person_day_groups" (person_id, day, hour, event_id, groups, changed)
  SELECT k.person_id, k.day, l.hour, l.event_id, l.groups, true
  FROM (SELECT DISTINCT person_id, day FROM unnest(p_person, p_day) k(person_id, day)) k
  CROSS JOIN LATERAL (
    SELECT c.hour, c.event_id, c.groups FROM "costs_hourly" c
    WHERE c.person_id = k.person_id AND c.hour >= (k.day::timestamp AT TIME ZONE 'UTC') AND c.hour < ((k.day + 1)::timestamp AT TIME ZONE 'UTC')
    ORDER BY c.hour DESC, c.event_id DESC LIMIT 1
  ) l
  ORDER BY 1, 2;
  PERFORM "person_day_groups_mark_changes"(p_person, p_day);
END $$;
--> statement-breakpoint
-- cost_groups only grows: a groups array no record carries any more costs an index probe that finds nothing.
CREATE FUNCTION "person_day_groups_from_costs"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_person uuid[];
  v_day date[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- New days arrive with `changed` as the statement's own rows and the stored day before them say, so
    -- that a bulk insert does not write every row twice (and leave the partial index full of dead
    -- entries); mark_changes below corrects the few it cannot know (a stored later day, a day replaced).
    INSERT INTO "person_day_groups" AS g (person_id, day, hour, event_id, groups, changed)
    SELECT l.person_id, l.day, l.hour, l.event_id, l.groups, l.groups IS DISTINCT FROM coalesce(
        lag(l.groups) OVER (PARTITION BY l.person_id ORDER BY l.day),
        (SELECT p.groups FROM "person_day_groups" p WHERE p.person_id = l.person_id AND p.day < l.day ORDER BY p.day DESC LIMIT 1))
    FROM (
      SELECT DISTINCT ON (person_id, day) person_id, day, hour, event_id, groups
      FROM (SELECT person_id, (hour AT TIME ZONE 'UTC')::date AS day, hour, event_id, groups FROM new_rows WHERE person_id IS NOT NULL) n
      ORDER BY person_id, day, hour DESC, event_id DESC
    ) l
    -- One order for every writer, so two concurrent syncs lock shared rows in the same order.
    ORDER BY 1, 2
    ON CONFLICT ON CONSTRAINT "person_day_groups_pk" DO UPDATE SET hour = excluded.hour, event_id = excluded.event_id, groups = excluded.groups
    WHERE (excluded.hour, excluded.event_id) > (g.hour, g.event_id);
    SELECT array_agg(person_id), array_agg(day) INTO v_person, v_day
    FROM (SELECT DISTINCT person_id, (hour AT TIME ZONE 'UTC')::date AS day FROM new_rows WHERE person_id IS NOT NULL) k;
    IF v_person IS NOT NULL THEN PERFORM "person_day_groups_mark_changes"(v_person, v_day); END IF;
    INSERT INTO "cost_groups" (groups) SELECT DISTINCT groups FROM new_rows WHERE groups IS NOT NULL ORDER BY 1 ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(person_id), array_agg(day) INTO v_person, v_day FROM (
      SELECT person_id, (hour AT TIME ZONE 'UTC')::date AS day FROM old_rows WHERE person_id IS NOT NULL
      UNION SELECT person_id, (hour AT TIME ZONE 'UTC')::date FROM new_rows WHERE person_id IS NOT NULL) k;
    IF v_person IS NOT NULL THEN PERFORM "person_day_groups_reread"(v_person, v_day); END IF;
    INSERT INTO "cost_groups" (groups) SELECT DISTINCT groups FROM new_rows WHERE groups IS NOT NULL ORDER BY 1 ON CONFLICT DO NOTHING;
  ELSE
    SELECT array_agg(person_id), array_agg(day) INTO v_person, v_day FROM (
      SELECT DISTINCT person_id, (hour AT TIME ZONE 'UTC')::date AS day FROM old_rows WHERE person_id IS NOT NULL) k;
    IF v_person IS NOT NULL THEN PERFORM "person_day_groups_reread"(v_person, v_day); END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "person_day_groups_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "person_day_groups", "cost_groups";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "person_day_groups_insert" AFTER INSERT ON "costs_hourly" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_day_groups_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "person_day_groups_update" AFTER UPDATE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_day_groups_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "person_day_groups_delete" AFTER DELETE ON "costs_hourly" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "person_day_groups_from_costs"();
--> statement-breakpoint
CREATE TRIGGER "person_day_groups_truncate" AFTER TRUNCATE ON "costs_hourly" FOR EACH STATEMENT EXECUTE FUNCTION "person_day_groups_truncate"();
--> statement-breakpoint
INSERT INTO "person_day_groups" (person_id, day, hour, event_id, groups, changed)
SELECT person_id, day, hour, event_id, groups, groups IS DISTINCT FROM lag(groups) OVER (PARTITION BY person_id ORDER BY day)
FROM (
  SELECT DISTINCT ON (person_id, day) person_id, day, hour, event_id, groups
  FROM (SELECT person_id, (hour AT TIME ZONE 'UTC')::date AS day, hour, event_id, groups FROM "costs_hourly" WHERE person_id IS NOT NULL) c
  ORDER BY person_id, day, hour DESC, event_id DESC
) l
ORDER BY 1, 2;
--> statement-breakpoint
INSERT INTO "cost_groups" (groups) SELECT DISTINCT groups FROM "costs_hourly" WHERE groups IS NOT NULL;
