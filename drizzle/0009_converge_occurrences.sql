CREATE TABLE "meeting_occurrence_answers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"occurrence_id" uuid NOT NULL,
	"attendee_id" uuid NOT NULL,
	"response" "attendee_response" NOT NULL,
	"responded_at" timestamp with time zone NOT NULL,
	"responded_via" "response_channel",
	"responded_provider" text,
	"comment" text,
	CONSTRAINT "meeting_occurrence_answers_uq" UNIQUE("occurrence_id","attendee_id")
);
--> statement-breakpoint
CREATE TABLE "meeting_occurrences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"original_starts_at" timestamp with time zone NOT NULL,
	"status" "meeting_status" DEFAULT 'scheduled' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"title" text,
	"description" text,
	"location" text,
	"sequence" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	"changed_in" text DEFAULT 'tandem' NOT NULL,
	CONSTRAINT "meeting_occurrences_meeting_original_uq" UNIQUE("meeting_id","original_starts_at"),
	CONSTRAINT "meeting_occurrences_end_after_start" CHECK ("meeting_occurrences"."ends_at" > "meeting_occurrences"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "updated_by" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "changed_in" text DEFAULT 'tandem' NOT NULL;--> statement-breakpoint
ALTER TABLE "meeting_occurrence_answers" ADD CONSTRAINT "meeting_occurrence_answers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_occurrence_answers" ADD CONSTRAINT "meeting_occurrence_answers_occurrence_id_meeting_occurrences_id_fk" FOREIGN KEY ("occurrence_id") REFERENCES "public"."meeting_occurrences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_occurrence_answers" ADD CONSTRAINT "meeting_occurrence_answers_attendee_id_meeting_attendees_id_fk" FOREIGN KEY ("attendee_id") REFERENCES "public"."meeting_attendees"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_occurrences" ADD CONSTRAINT "meeting_occurrences_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_occurrences" ADD CONSTRAINT "meeting_occurrences_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_occurrences" ADD CONSTRAINT "meeting_occurrences_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meeting_occurrences_tenant_meeting_idx" ON "meeting_occurrences" USING btree ("tenant_id","meeting_id");--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;