CREATE TYPE "public"."delivery_method" AS ENUM('organizer_provider', 'tandem_copy', 'tandem_email');--> statement-breakpoint
CREATE TYPE "public"."delivery_state" AS ENUM('pending', 'delivered', 'retrying', 'failed');--> statement-breakpoint
CREATE TYPE "public"."meeting_link_role" AS ENUM('organizer', 'attendee');--> statement-breakpoint
CREATE TYPE "public"."meeting_link_state" AS ENUM('pending', 'written', 'failed');--> statement-breakpoint
ALTER TYPE "public"."response_channel" ADD VALUE 'email_link';--> statement-breakpoint
CREATE TABLE "notification_preferences" (
	"tenant_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"in_app" boolean DEFAULT true NOT NULL,
	"email" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_preferences_tenant_id_user_id_kind_pk" PRIMARY KEY("tenant_id","user_id","kind")
);
--> statement-breakpoint
CREATE TABLE "inbound_mail" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" text NOT NULL,
	"tenant_id" uuid,
	"meeting_id" uuid,
	"outcome" text NOT NULL,
	"detail" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_mail_messageId_unique" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "meeting_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"calendar_id" uuid NOT NULL,
	"role" "meeting_link_role" NOT NULL,
	"attendee_id" uuid,
	"external_id" text,
	"ical_uid" text,
	"etag" text,
	"written_version" integer,
	"written_sequence" integer,
	"state" "meeting_link_state" DEFAULT 'pending' NOT NULL,
	"last_error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_links_meeting_calendar_uq" UNIQUE("meeting_id","calendar_id")
);
--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "is_optional" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "responded_provider" text;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "comment" text;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "proposed_starts_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "proposed_ends_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "delivery_method" "delivery_method";--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "delivery_state" "delivery_state" DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "delivery_detail" text;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "delivered_sequence" integer;--> statement-breakpoint
ALTER TABLE "meeting_attendees" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "emailed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_preferences" ADD CONSTRAINT "notification_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_links" ADD CONSTRAINT "meeting_links_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_links" ADD CONSTRAINT "meeting_links_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_links" ADD CONSTRAINT "meeting_links_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_links" ADD CONSTRAINT "meeting_links_attendee_id_meeting_attendees_id_fk" FOREIGN KEY ("attendee_id") REFERENCES "public"."meeting_attendees"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_mail_received_idx" ON "inbound_mail" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "meeting_links_calendar_external_idx" ON "meeting_links" USING btree ("tenant_id","calendar_id","external_id");--> statement-breakpoint
CREATE INDEX "meeting_links_ical_uid_idx" ON "meeting_links" USING btree ("tenant_id","ical_uid");