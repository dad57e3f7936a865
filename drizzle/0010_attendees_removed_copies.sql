ALTER TABLE "meeting_attendees" ADD COLUMN "declined_by_removal" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "meeting_links" ADD COLUMN "vanished_at" timestamp with time zone;