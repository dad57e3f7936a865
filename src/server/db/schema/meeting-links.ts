import { index, integer, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { calendars, connectionProviderEnum } from './connections';
import { users } from './users';
import { deliveryMethodEnum, meetingAttendees, meetings } from './meetings';
import { tenantIdColumn } from './tenants';

/** The organiser's copy (Tandem writes it) or an attendee's copy (delivered, then found in their mirror). */
export const MEETING_LINK_ROLES = ['organizer', 'attendee'] as const;
export type MeetingLinkRole = (typeof MEETING_LINK_ROLES)[number];
export const meetingLinkRoleEnum = pgEnum('meeting_link_role', MEETING_LINK_ROLES);

/** `pending`: not written yet (or waiting to be found in the mirror); `failed`: gave up, see lastError. */
export const MEETING_LINK_STATES = ['pending', 'written', 'failed'] as const;
export type MeetingLinkState = (typeof MEETING_LINK_STATES)[number];
export const meetingLinkStateEnum = pgEnum('meeting_link_state', MEETING_LINK_STATES);

/**
 * A Tandem meeting's copy in a connected calendar (DESIGN.md §3, §4 rules 3–5): meeting × calendar
 * × external event. The version and etag we last wrote recognise our own writes when sync brings
 * them back (echo suppression), and a linked copy is drawn as the meeting, never beside it.
 */
export const meetingLinks = pgTable(
  'meeting_links',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    meetingId: uuid()
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    calendarId: uuid()
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    role: meetingLinkRoleEnum().notNull(),
    /** For an attendee's copy: whose. Null on the organiser's copy. */
    attendeeId: uuid().references(() => meetingAttendees.id, { onDelete: 'cascade' }),
    /** The provider's event id; null until written (organiser) or found in the mirror (attendee). */
    externalId: text(),
    icalUid: text(),
    /** The provider's etag / changeKey after our last write or read: If-Match on the next write. */
    etag: text(),
    /** meetings.version when Tandem last wrote this copy: a synced copy at that version is our echo. */
    writtenVersion: integer(),
    /** meetings.sequence when Tandem last wrote this copy. */
    writtenSequence: integer(),
    state: meetingLinkStateEnum().notNull().default('pending'),
    /** Plain words for the last failure (shown on the meeting). */
    lastError: text(),
    attempts: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('meeting_links_meeting_calendar_uq').on(t.meetingId, t.calendarId),
    index('meeting_links_calendar_external_idx').on(t.tenantId, t.calendarId, t.externalId),
    index('meeting_links_ical_uid_idx').on(t.tenantId, t.icalUid),
  ],
);

/**
 * Inbound email Tandem has processed (iMIP REPLY / COUNTER), by Message-ID: a message delivered
 * twice (SMTP retry, webhook replay) is applied once.
 */
export const inboundMail = pgTable(
  'inbound_mail',
  {
    id: uuid().primaryKey().defaultRandom(),
    messageId: text().notNull().unique(),
    /** Set once the message was matched to a meeting. */
    tenantId: uuid(),
    meetingId: uuid(),
    /** applied, ignored_stale, refused: what happened, in a word; `detail` says why in plain words. */
    outcome: text().notNull(),
    detail: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('inbound_mail_received_idx').on(t.receivedAt)],
);

/**
 * Someone taken off a meeting who must be told (delivery/removals.ts): what the deliver-meeting
 * job needs once the attendee row is gone. `tandem_email`: Tandem sends them the iMIP CANCEL;
 * `tandem_copy`: the copy Tandem placed in their CalDAV calendar is removed. Those the organiser's
 * provider invited hear it from the provider when the organiser's copy drops them.
 * `doneAt` is set once they were told, so a replayed step tells nobody twice.
 */
export const meetingRemovals = pgTable(
  'meeting_removals',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    meetingId: uuid()
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    name: text(),
    method: deliveryMethodEnum().notNull(),
    /** `tandem_copy`: the calendar holding the copy, and the copy. */
    calendarId: uuid().references(() => calendars.id, { onDelete: 'cascade' }),
    externalId: text(),
    etag: text(),
    /** The meeting's SEQUENCE when they were removed: the CANCEL carries it. */
    sequence: integer().notNull(),
    doneAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('meeting_removals_meeting_idx').on(t.tenantId, t.meetingId)],
);

/**
 * A calendar holding a copy Tandem kept up to date (the organiser's, or one Tandem placed in an
 * attendee's CalDAV calendar) was disconnected: its links went with it, so this is what lets the
 * meeting say plainly which calendars it no longer updates. Cleared when the same account is
 * connected again (sync links the copies it finds there anew).
 */
export const meetingLostCalendars = pgTable(
  'meeting_lost_calendars',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    meetingId: uuid()
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    /** Whose calendar it was. */
    userId: text().references(() => users.id, { onDelete: 'cascade' }),
    provider: connectionProviderEnum().notNull(),
    accountEmail: text().notNull(),
    role: meetingLinkRoleEnum().notNull(),
    lostAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('meeting_lost_calendars_uq').on(t.meetingId, t.userId, t.provider, t.accountEmail),
    index('meeting_lost_calendars_account_idx').on(t.tenantId, t.userId, t.provider, t.accountEmail),
  ],
);
