CREATE TYPE "public"."bulk_run_status" AS ENUM('running', 'cancelled', 'finished');--> statement-breakpoint
CREATE TYPE "public"."enterprise_provider" AS ENUM('google', 'microsoft');--> statement-breakpoint
CREATE TYPE "public"."enterprise_status" AS ENUM('untested', 'working', 'error');--> statement-breakpoint
CREATE TABLE "bulk_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"enterprise_connection_id" uuid NOT NULL,
	"created_by" text,
	"selection" jsonb NOT NULL,
	"status" "bulk_run_status" DEFAULT 'running' NOT NULL,
	"total" integer NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"items" jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resumed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at_resume" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "enterprise_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"provider" "enterprise_provider" NOT NULL,
	"domain" text NOT NULL,
	"client_id" text NOT NULL,
	"service_account_email" text,
	"encrypted_secret" text NOT NULL,
	"status" "enterprise_status" DEFAULT 'untested' NOT NULL,
	"last_error" text,
	"last_tested_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enterprise_connections_provider_uq" UNIQUE("tenant_id","provider")
);
--> statement-breakpoint
ALTER TABLE "calendar_connections" ADD COLUMN "enterprise_connection_id" uuid;--> statement-breakpoint
ALTER TABLE "bulk_runs" ADD CONSTRAINT "bulk_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_runs" ADD CONSTRAINT "bulk_runs_enterprise_connection_id_enterprise_connections_id_fk" FOREIGN KEY ("enterprise_connection_id") REFERENCES "public"."enterprise_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_runs" ADD CONSTRAINT "bulk_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprise_connections" ADD CONSTRAINT "enterprise_connections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprise_connections" ADD CONSTRAINT "enterprise_connections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bulk_runs_tenant_idx" ON "bulk_runs" USING btree ("tenant_id","started_at");--> statement-breakpoint
ALTER TABLE "calendar_connections" ADD CONSTRAINT "calendar_connections_enterprise_connection_id_enterprise_connections_id_fk" FOREIGN KEY ("enterprise_connection_id") REFERENCES "public"."enterprise_connections"("id") ON DELETE restrict ON UPDATE no action;