CREATE TABLE "budget_alerts" (
	"budget_id" bigint NOT NULL,
	"threshold" integer NOT NULL,
	"fired_at" timestamp with time zone DEFAULT now() NOT NULL,
	"spent" numeric(20, 6) NOT NULL,
	"delivered_at" timestamp with time zone,
	"delivery_error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "budget_alerts_budget_id_threshold_pk" PRIMARY KEY("budget_id","threshold")
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "budgets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"scope" text NOT NULL,
	"team" text DEFAULT '' NOT NULL,
	"month" date NOT NULL,
	"unit" text NOT NULL,
	"amount" numeric(20, 6) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "contract_rates" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "contract_rates_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"valid_from" date NOT NULL,
	"valid_to" date,
	"usd_per_credit" numeric(12, 6) NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	CONSTRAINT "contract_rates_valid_from_unique" UNIQUE("valid_from")
);
--> statement-breakpoint
CREATE TABLE "generated_reports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "generated_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"month" date NOT NULL,
	"path" text NOT NULL,
	"sha256" text NOT NULL,
	"bytes" integer NOT NULL,
	"named" boolean DEFAULT false NOT NULL,
	"generated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"generated_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_prices" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "model_prices_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"model" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"input_per_1m" numeric(14, 6) NOT NULL,
	"cached_input_per_1m" numeric(14, 6) NOT NULL,
	"output_per_1m" numeric(14, 6) NOT NULL,
	"priority_multiplier" numeric(8, 3) DEFAULT '2' NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid
);
--> statement-breakpoint
CREATE TABLE "team_assignments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "team_assignments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"email" text NOT NULL,
	"person_id" uuid,
	"team" text,
	"cost_centre" text,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"source" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_by" uuid
);
--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_updated_by_people_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_rates" ADD CONSTRAINT "contract_rates_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_prices" ADD CONSTRAINT "model_prices_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_assignments" ADD CONSTRAINT "team_assignments_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_assignments" ADD CONSTRAINT "team_assignments_imported_by_people_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "budgets_scope_team_month" ON "budgets" USING btree ("scope","team","month");--> statement-breakpoint
CREATE INDEX "generated_reports_month" ON "generated_reports" USING btree ("month");--> statement-breakpoint
CREATE UNIQUE INDEX "model_prices_model_from" ON "model_prices" USING btree ("model","valid_from");--> statement-breakpoint
CREATE UNIQUE INDEX "team_assignments_email_source_from" ON "team_assignments" USING btree ("email","source","valid_from");--> statement-breakpoint
CREATE INDEX "team_assignments_team" ON "team_assignments" USING btree ("team");