-- The groups of a costs_monthly line as text beside the jsonb (docs/decisions/0016-monthly-cost-rollup.md, addendum): the
-- spend reports hash that text to find each line's team, and converting it on every read of a month cost ~1 µs a row.
-- Generated: the triggers of 0013 that write costs_monthly need no change.
ALTER TABLE "costs_monthly" ADD COLUMN "groups_text" text GENERATED ALWAYS AS (groups::text) STORED NOT NULL;
