import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn } from './tenants';
import { users } from './users';

export const MEETING_KINDS = ['meeting', 'review'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const meetingKindEnum = pgEnum('meeting_kind', MEETING_KINDS);

export const MEETING_STATUSES = ['scheduled', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const meetingStatusEnum = pgEnum('meeting_status', MEETING_STATUSES);

export const meetings = pgTable(
  'meetings',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    organizerId: text()
      .notNull()
      .references(() => users.id),
    kind: meetingKindEnum().notNull().default('meeting'),
    title: text().notNull(),
    description: text(),
    location: text(),
    onlineUrl: text(),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    /** The zone the organiser scheduled in: recurrence and invitations are expressed in it. */
    timeZone: text().notNull(),
    recurrence: text().array(),
    status: meetingStatusEnum().notNull().default('scheduled'),
    /** Stable for the life of the meeting (iCalendar UID, iMIP, matching attendees' copies). */
    icalUid: text().notNull().unique(),
    /** Incremented on every significant change (RFC 5545 SEQUENCE). */
    sequence: integer().notNull().default(0),
    /**
     * Bumped on every change, unlike SEQUENCE (significant changes only, and shared with providers):
     * an edit names the version it started from, so a stale one is refused instead of lost.
     */
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('meetings_tenant_start_idx').on(t.tenantId, t.startsAt),
    index('meetings_organizer_idx').on(t.tenantId, t.organizerId, t.startsAt),
    check('meetings_end_after_start', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

export const ATTENDEE_RESPONSES = ['needs_action', 'accepted', 'declined', 'tentative'] as const;
export type AttendeeResponseValue = (typeof ATTENDEE_RESPONSES)[number];
export const attendeeResponseEnum = pgEnum('attendee_response', ATTENDEE_RESPONSES);

export const RESPONSE_CHANNELS = ['provider', 'in_app', 'email'] as const;
export const responseChannelEnum = pgEnum('response_channel', RESPONSE_CHANNELS);

export const meetingAttendees = pgTable(
  'meeting_attendees',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    meetingId: uuid()
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    /** Null for an external invitee known only by email. */
    userId: text().references(() => users.id, { onDelete: 'set null' }),
    email: text().notNull(),
    response: attendeeResponseEnum().notNull().default('needs_action'),
    respondedAt: timestamp({ withTimezone: true }),
    respondedVia: responseChannelEnum(),
  },
  (t) => [
    unique('meeting_attendees_meeting_email_uq').on(t.meetingId, t.email),
    index('meeting_attendees_user_idx').on(t.tenantId, t.userId),
  ],
);
