CREATE TABLE "meeting_removals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text,
	"method" "delivery_method" NOT NULL,
	"calendar_id" uuid,
	"external_id" text,
	"etag" text,
	"sequence" integer NOT NULL,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "answer_written_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meeting_removals" ADD CONSTRAINT "meeting_removals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_removals" ADD CONSTRAINT "meeting_removals_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_removals" ADD CONSTRAINT "meeting_removals_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meeting_removals_meeting_idx" ON "meeting_removals" USING btree ("tenant_id","meeting_id");