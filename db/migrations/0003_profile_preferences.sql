CREATE TABLE "profile_preferences" (
	"person_id" uuid PRIMARY KEY NOT NULL,
	"share_token" text,
	"share_fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"leaderboard_opt_in" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "profile_preferences_share_token_unique" UNIQUE("share_token")
);
--> statement-breakpoint
ALTER TABLE "profile_preferences" ADD CONSTRAINT "profile_preferences_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;