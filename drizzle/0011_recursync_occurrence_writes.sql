CREATE TABLE "meeting_occurrence_writes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"occurrence_id" uuid NOT NULL,
	"target" text NOT NULL,
	"external_id" text,
	"etag" text,
	"written_version" integer NOT NULL,
	"written_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_occurrence_writes_uq" UNIQUE("occurrence_id","target")
);
--> statement-breakpoint
ALTER TABLE "meeting_occurrence_writes" ADD CONSTRAINT "meeting_occurrence_writes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_occurrence_writes" ADD CONSTRAINT "meeting_occurrence_writes_occurrence_id_meeting_occurrences_id_fk" FOREIGN KEY ("occurrence_id") REFERENCES "public"."meeting_occurrences"("id") ON DELETE cascade ON UPDATE no action;