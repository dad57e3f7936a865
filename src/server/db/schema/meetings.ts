import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
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
    /** When the meeting last changed, wherever the change was made: conflicts go to the later one. */
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Who made the last change (Tandem user), so the person whose change lost a conflict is told. */
    updatedBy: text().references(() => users.id, { onDelete: 'set null' }),
    /**
     * Where the last change was made: `tandem`, or the provider of the organiser's calendar
     * (`google`, `microsoft`, `caldav`, `icloud`, `ews`) when it came back through sync.
     */
    changedIn: text().notNull().default('tandem'),
  },
  (t) => [
    index('meetings_tenant_start_idx').on(t.tenantId, t.startsAt),
    index('meetings_organizer_idx').on(t.tenantId, t.organizerId, t.startsAt),
    check('meetings_end_after_start', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/**
 * Who delivers an invitation (DESIGN.md §4 rule 3): `organizer_provider` (the organiser's calendar
 * provider invites, directly or by its own iMIP email), `tandem_copy` (Tandem places the copy in
 * the attendee's CalDAV calendar that cannot take invitations by email), `tandem_email` (Tandem
 * sends the iMIP email itself: no organiser calendar, or no attendee calendar).
 */
export const DELIVERY_METHODS = ['organizer_provider', 'tandem_copy', 'tandem_email'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];
export const deliveryMethodEnum = pgEnum('delivery_method', DELIVERY_METHODS);

/** `retrying`: a write or send failed and the job retries; `failed`: it cannot succeed without the person acting. */
export const DELIVERY_STATES = ['pending', 'delivered', 'retrying', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
export const deliveryStateEnum = pgEnum('delivery_state', DELIVERY_STATES);

export const ATTENDEE_RESPONSES = ['needs_action', 'accepted', 'declined', 'tentative'] as const;
export type AttendeeResponseValue = (typeof ATTENDEE_RESPONSES)[number];
export const attendeeResponseEnum = pgEnum('attendee_response', ATTENDEE_RESPONSES);

/**
 * How an answer reached Tandem: `provider` (the attendee's or organiser's copy in Google, Outlook,
 * iCloud…; `respondedProvider` says which), `in_app`, `email` (an iMIP REPLY by email) or
 * `email_link` (the signed Accept / Tentative / Decline links in an invitation email).
 */
export const RESPONSE_CHANNELS = ['provider', 'in_app', 'email', 'email_link'] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];
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
    /**
     * The address the invitation goes to: the attendee's calendar address (their write-target
     * account) when invited, else their Tandem email; an outside guest's own address.
     */
    email: text().notNull(),
    /** An outside guest's name as the organiser typed it; members' names come from `users`. */
    name: text(),
    isOptional: boolean().notNull().default(false),
    response: attendeeResponseEnum().notNull().default('needs_action'),
    respondedAt: timestamp({ withTimezone: true }),
    respondedVia: responseChannelEnum(),
    /** With `respondedVia = 'provider'`: whose calendar it came from (google, microsoft, caldav…). */
    respondedProvider: text(),
    /** A comment sent with the answer. */
    comment: text(),
    /** A counter-proposal (iMIP COUNTER, Graph proposedNewTime) travelling with the answer. */
    proposedStartsAt: timestamp({ withTimezone: true }),
    proposedEndsAt: timestamp({ withTimezone: true }),
    /** How the invitation reaches this person (delivery/decide.ts) and how far it got. */
    deliveryMethod: deliveryMethodEnum(),
    deliveryState: deliveryStateEnum().notNull().default('pending'),
    /** Plain words for the person: "in Outlook", "could not deliver: reconnect your calendar". */
    deliveryDetail: text(),
    /** The meeting SEQUENCE last delivered to this person (iMIP sent, copy placed, provider written). */
    deliveredSequence: integer(),
    deliveredAt: timestamp({ withTimezone: true }),
    /**
     * The `respondedAt` of the answer last written to the attendee's copy or sent as a REPLY
     * (answers/write-answer.ts): a replayed write job finds it and writes nothing twice.
     */
    answerWrittenFor: timestamp({ withTimezone: true }),
  },
  (t) => [
    unique('meeting_attendees_meeting_email_uq').on(t.meetingId, t.email),
    index('meeting_attendees_user_idx').on(t.tenantId, t.userId),
  ],
);

/**
 * One occurrence of a recurring meeting that differs from its series (DESIGN.md §4 rule 5): moved,
 * retitled or cancelled, in Tandem or in the organiser's calendar (Google instance, Graph exception,
 * CalDAV override). `originalStartsAt` is the start the series gives it (RECURRENCE-ID); null
 * fields follow the series.
 */
export const meetingOccurrences = pgTable(
  'meeting_occurrences',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    meetingId: uuid()
      .notNull()
      .references(() => meetings.id, { onDelete: 'cascade' }),
    originalStartsAt: timestamp({ withTimezone: true }).notNull(),
    status: meetingStatusEnum().notNull().default('scheduled'),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    title: text(),
    description: text(),
    location: text(),
    /** RFC 5545 SEQUENCE of this occurrence's own invitations (iMIP with RECURRENCE-ID). */
    sequence: integer().notNull().default(0),
    /** The meeting version that last changed this occurrence: delivery writes it when behind. */
    version: integer().notNull().default(1),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedBy: text().references(() => users.id, { onDelete: 'set null' }),
    changedIn: text().notNull().default('tandem'),
  },
  (t) => [
    unique('meeting_occurrences_meeting_original_uq').on(t.meetingId, t.originalStartsAt),
    index('meeting_occurrences_tenant_meeting_idx').on(t.tenantId, t.meetingId),
    check('meeting_occurrences_end_after_start', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/** An attendee's answer for one occurrence, where it differs from their answer to the series. */
export const meetingOccurrenceAnswers = pgTable(
  'meeting_occurrence_answers',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    occurrenceId: uuid()
      .notNull()
      .references(() => meetingOccurrences.id, { onDelete: 'cascade' }),
    attendeeId: uuid()
      .notNull()
      .references(() => meetingAttendees.id, { onDelete: 'cascade' }),
    response: attendeeResponseEnum().notNull(),
    respondedAt: timestamp({ withTimezone: true }).notNull(),
    respondedVia: responseChannelEnum(),
    respondedProvider: text(),
    comment: text(),
  },
  (t) => [unique('meeting_occurrence_answers_uq').on(t.occurrenceId, t.attendeeId)],
);
