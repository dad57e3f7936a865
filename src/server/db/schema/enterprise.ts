/**
 * Enterprise access (DESIGN.md §3, §10): a tenant's app credentials with Google Workspace,
 * Microsoft 365 or Exchange Server (an impersonating service account), and the bulk runs that
 * connect members' calendars with them.
 */
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn } from './tenants';
import { users } from './users';

export const ENTERPRISE_PROVIDERS = ['google', 'microsoft', 'ews_impersonation'] as const;
export type EnterpriseProvider = (typeof ENTERPRISE_PROVIDERS)[number];
export const enterpriseProviderEnum = pgEnum('enterprise_provider', ENTERPRISE_PROVIDERS);

/** `untested` until Test succeeds once; `error` keeps the last plain reason in `lastError`. */
export const ENTERPRISE_STATUSES = ['untested', 'working', 'error'] as const;
export type EnterpriseStatus = (typeof ENTERPRISE_STATUSES)[number];
export const enterpriseStatusEnum = pgEnum('enterprise_status', ENTERPRISE_STATUSES);

export const enterpriseConnections = pgTable(
  'enterprise_connections',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    provider: enterpriseProviderEnum().notNull(),
    /**
     * Google: the Workspace domain; Microsoft: the directory (tenant) id or verified domain;
     * Exchange: the EWS endpoint (`https://…/EWS/Exchange.asmx`).
     */
    domain: text().notNull(),
    /**
     * Shown to the admin (what to authorise): Google's service account client id, Microsoft's app
     * id, Exchange's service account user name (`user@domain` or `DOMAIN\user`).
     */
    clientId: text().notNull(),
    /** Google: the service account's address; Exchange: the address Autodiscover was asked for; null for Microsoft. */
    serviceAccountEmail: text(),
    /** Google: the Workspace administrator Tandem acts as to read the directory (users.list); null for Microsoft. */
    directoryAdmin: text(),
    /**
     * The service account key, the client secret or the Exchange service account's password,
     * encrypted (crypto/secrets.ts); never shown again.
     */
    encryptedSecret: text().notNull(),
    status: enterpriseStatusEnum().notNull().default('untested'),
    lastError: text(),
    lastTestedAt: timestamp({ withTimezone: true }),
    createdBy: text().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('enterprise_connections_provider_uq').on(t.tenantId, t.provider)],
);

export const BULK_RUN_STATUSES = ['running', 'cancelled', 'finished'] as const;
export type BulkRunStatus = (typeof BULK_RUN_STATUSES)[number];
export const bulkRunStatusEnum = pgEnum('bulk_run_status', BULK_RUN_STATUSES);

/** One person of a bulk run: what the preview matched, and what the run did. */
export interface BulkRunItem {
  /** Null for CSV rows that match no member (their reason says why). */
  userId: string | null;
  email: string;
  name: string | null;
  /** pending: not yet tried; connected; skipped (reason); failed (reason). */
  outcome: 'pending' | 'connected' | 'skipped' | 'failed';
  reason: string | null;
}

/** Who was chosen, as the admin chose (for the report and a re-run). */
export type BulkSelection =
  | { kind: 'learners' }
  | { kind: 'tutors' }
  | { kind: 'picked'; userIds: string[] }
  | { kind: 'csv'; emails: string[] };

export const bulkRuns = pgTable(
  'bulk_runs',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    enterpriseConnectionId: uuid()
      .notNull()
      .references(() => enterpriseConnections.id, { onDelete: 'cascade' }),
    createdBy: text().references(() => users.id, { onDelete: 'set null' }),
    selection: jsonb().$type<BulkSelection>().notNull(),
    status: bulkRunStatusEnum().notNull().default('running'),
    total: integer().notNull(),
    done: integer().notNull().default(0),
    /** The people to connect, in order; each step records its outcome here. */
    items: jsonb().$type<BulkRunItem[]>().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the current (or last) stretch of work began: speed and time left are measured from it. */
    resumedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Items done when the current stretch began. */
    doneAtResume: integer().notNull().default(0),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('bulk_runs_tenant_idx').on(t.tenantId, t.startedAt)],
);
