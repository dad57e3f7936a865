CREATE TABLE "meeting_lost_calendars" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"user_id" text,
	"provider" "connection_provider" NOT NULL,
	"account_email" text NOT NULL,
	"role" "meeting_link_role" NOT NULL,
	"lost_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_lost_calendars_uq" UNIQUE("meeting_id","user_id","provider","account_email")
);
--> statement-breakpoint
ALTER TABLE "meeting_lost_calendars" ADD CONSTRAINT "meeting_lost_calendars_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_lost_calendars" ADD CONSTRAINT "meeting_lost_calendars_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_lost_calendars" ADD CONSTRAINT "meeting_lost_calendars_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meeting_lost_calendars_account_idx" ON "meeting_lost_calendars" USING btree ("tenant_id","user_id","provider","account_email");