/**
 * Connected third-party calendars, from the account down: connection → calendars → sync cursor
 * and mirrored events. `calendars` stays here because a calendar exists only through its
 * connection (deleted with it) and the sync tables hang off it.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { enterpriseConnections } from './enterprise';
import { tenantIdColumn } from './tenants';
import { users } from './users';

/** Providers a person can connect (`ews`: Exchange Server on premises). */
export const CONNECTION_PROVIDERS = ['google', 'microsoft', 'icloud', 'caldav', 'ews'] as const;
export type ConnectionProvider = (typeof CONNECTION_PROVIDERS)[number];
export const connectionProviderEnum = pgEnum('connection_provider', CONNECTION_PROVIDERS);

/** `needs_reauth`: the grant was revoked or the password changed; nothing is deleted. */
export const CONNECTION_STATUSES = ['active', 'needs_reauth', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];
export const connectionStatusEnum = pgEnum('connection_status', CONNECTION_STATUSES);

export const calendarConnections = pgTable(
  'calendar_connections',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: connectionProviderEnum().notNull(),
    /** The provider account's address (what the user signed in as). */
    accountEmail: text().notNull(),
    displayName: text(),
    /**
     * OAuth tokens or CalDAV / Exchange Server credentials, as JSON encrypted with AES-256-GCM
     * (src/server/crypto/secrets.ts); never stored or logged in clear.
     */
    encryptedCredentials: text().notNull(),
    status: connectionStatusEnum().notNull().default('active'),
    /** A plain-language reason shown to the user. */
    lastError: text(),
    lastSyncedAt: timestamp({ withTimezone: true }),
    /**
     * Set for connections the tenant made with its enterprise access (bulk add): the member
     * cannot remove them, the admin can; removing the enterprise access removes them.
     */
    enterpriseConnectionId: uuid().references(() => enterpriseConnections.id, { onDelete: 'restrict' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('calendar_connections_account_uq').on(t.tenantId, t.userId, t.provider, t.accountEmail),
    index('calendar_connections_user_idx').on(t.tenantId, t.userId),
    // The admin's health table pages through a tenant's connections in this order.
    index('calendar_connections_tenant_account_idx').on(t.tenantId, t.accountEmail, t.id),
  ],
);

export const CALENDAR_SYNC_STATES = ['pending', 'syncing', 'ready', 'error'] as const;
export type CalendarSyncState = (typeof CALENDAR_SYNC_STATES)[number];
export const calendarSyncStateEnum = pgEnum('calendar_sync_state', CALENDAR_SYNC_STATES);

export const calendars = pgTable(
  'calendars',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    connectionId: uuid()
      .notNull()
      .references(() => calendarConnections.id, { onDelete: 'cascade' }),
    externalId: text().notNull(),
    name: text().notNull(),
    color: text(),
    timeZone: text(),
    isPrimary: boolean().notNull().default(false),
    canWrite: boolean().notNull().default(false),
    /** Shown in the Calendar page. */
    show: boolean().notNull().default(true),
    /** Its events count as busy for availability. */
    busy: boolean().notNull().default(true),
    /** Receives new Tandem meetings (one per user at most). */
    isWriteTarget: boolean().notNull().default(false),
    syncState: calendarSyncStateEnum().notNull().default('pending'),
    lastError: text(),
    lastSyncedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('calendars_connection_external_uq').on(t.connectionId, t.externalId),
    index('calendars_tenant_connection_idx').on(t.tenantId, t.connectionId),
  ],
);

/** Where incremental sync resumes, and the push channel that wakes it. One row per calendar. */
export const syncCursors = pgTable(
  'sync_cursors',
  {
    calendarId: uuid()
      .primaryKey()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    tenantId: tenantIdColumn(),
    /** Google nextSyncToken, Graph deltaLink, CalDAV sync-token (or ctag+etags); null → full sync. */
    cursor: text(),
    /** The window the last full sync covered. */
    windowStart: timestamp({ withTimezone: true }),
    windowEnd: timestamp({ withTimezone: true }),
    /** Bumped by each full sync; rows it did not touch are gone at the provider (mark and sweep). */
    fullSyncGeneration: bigint({ mode: 'number' }).notNull().default(0),
    /** Google channel id or Graph subscription id. */
    channelId: text(),
    channelResourceId: text(),
    /** SHA-256 of the channel token / clientState we handed the provider (hex). */
    channelTokenHash: text(),
    channelExpiresAt: timestamp({ withTimezone: true }),
    /** The highest X-Goog-Message-Number seen on this channel: lower or equal ones are replays. */
    channelMessageNumber: bigint({ mode: 'number' }),
    /** Set when a push asked for a sync that has not started yet: more pushes until then add none. */
    pushSyncQueuedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sync_cursors_channel_uq')
      .on(t.channelId)
      .where(sql`${t.channelId} is not null`),
  ],
);

/**
 * One attendee in a mirrored event. `comment`, `respondedAt` and `proposedTime` are present only
 * where the provider reports them (absent: the provider does not say; null: it says there is none).
 */
export interface MirrorAttendee {
  email: string;
  name: string | null;
  response: string;
  comment?: string | null;
  /** ISO instant. */
  respondedAt?: string | null;
  /** ISO instants. */
  proposedTime?: { start: string; end: string } | null;
}

/** The local mirror of third-party events; pages and availability read only this. */
export const externalEvents = pgTable(
  'external_events',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    calendarId: uuid()
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    externalId: text().notNull(),
    icalUid: text(),
    etag: text(),
    status: text().$type<'confirmed' | 'tentative' | 'cancelled'>().notNull(),
    title: text(),
    location: text(),
    /** Timed events: instants; all-day events: midnight UTC of startDate/endDate for range queries. */
    startAt: timestamp({ withTimezone: true }).notNull(),
    endAt: timestamp({ withTimezone: true }).notNull(),
    allDay: boolean().notNull().default(false),
    /** All-day events: dates (end exclusive). */
    startDate: date(),
    endDate: date(),
    timeZone: text(),
    /** Series masters: RRULE/EXDATE/RDATE lines; expanded when read. */
    recurrence: text().array(),
    /** Series masters: the last instant any occurrence can end (null: no end). */
    seriesEndAt: timestamp({ withTimezone: true }),
    /** Instances and exceptions: the master's external id, and the start they replace. */
    seriesExternalId: text(),
    originalStartAt: timestamp({ withTimezone: true }),
    transparency: text().$type<'opaque' | 'transparent'>().notNull().default('opaque'),
    showAs: text()
      .$type<'free' | 'tentative' | 'busy' | 'oof' | 'working_elsewhere' | 'unknown'>()
      .notNull()
      .default('busy'),
    organizerEmail: text(),
    /** Who is invited and how each answered, as the provider shows it (answers/answers-from-mirror.ts). */
    attendees: jsonb().$type<MirrorAttendee[]>().notNull().default([]),
    tandemMeetingId: uuid(),
    /** The event's iCalendar SEQUENCE where the provider reports one (CalDAV, Google); null: it does not. */
    sequence: integer(),
    providerUpdatedAt: timestamp({ withTimezone: true }),
    fullSyncGeneration: bigint({ mode: 'number' }).notNull().default(0),
    syncedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('external_events_calendar_external_uq').on(t.calendarId, t.externalId),
    index('external_events_calendar_start_idx').on(t.tenantId, t.calendarId, t.startAt),
    // Range reads (calendar/mirror-occurrences.ts): events longer than a day by their end, series
    // masters on their own, exceptions by the occurrence they replace. The predicates must match the
    // reader's exactly, or the planner cannot use these partial indexes.
    index('external_events_long_end_idx')
      .on(t.tenantId, t.calendarId, t.endAt)
      .where(sql`${t.recurrence} IS NULL AND (${t.endAt} - ${t.startAt}) > interval '1 day'`),
    index('external_events_series_start_idx')
      .on(t.tenantId, t.calendarId, t.startAt)
      .where(sql`${t.recurrence} IS NOT NULL`),
    index('external_events_exception_idx')
      .on(t.tenantId, t.calendarId, t.originalStartAt)
      .where(sql`${t.seriesExternalId} IS NOT NULL`),
    index('external_events_ical_uid_idx').on(t.tenantId, t.icalUid),
  ],
);

/** An OAuth connect in progress: `state` binds the callback to the user's session; PKCE verifier. */
export const oauthStates = pgTable('oauth_states', {
  state: text().primaryKey(),
  tenantId: tenantIdColumn(),
  userId: text()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  provider: connectionProviderEnum().notNull(),
  /** Encrypted like credentials. */
  encryptedCodeVerifier: text().notNull(),
  /** Set when reconnecting an existing connection. */
  connectionId: uuid().references(() => calendarConnections.id, { onDelete: 'cascade' }),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});
