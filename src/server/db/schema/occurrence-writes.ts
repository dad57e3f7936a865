import { integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { meetingOccurrences } from './meetings';
import { tenantIdColumn } from './tenants';

/**
 * What delivery last wrote of one occurrence exception to one place (delivery/occurrence-writes.ts):
 * `target` is a calendar id (the organiser's instance, or an instance in a copy Tandem placed) or
 * `email:<attendeeId>` (Tandem's iMIP with RECURRENCE-ID). A replayed step finds the version
 * already written and writes nothing twice; sync finds the etag it left and knows its own echo.
 */
export const meetingOccurrenceWrites = pgTable(
  'meeting_occurrence_writes',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    occurrenceId: uuid()
      .notNull()
      .references(() => meetingOccurrences.id, { onDelete: 'cascade' }),
    target: text().notNull(),
    /** The instance's id at the provider (calendar targets). */
    externalId: text(),
    etag: text(),
    /** meeting_occurrences.version written there. */
    writtenVersion: integer().notNull(),
    writtenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('meeting_occurrence_writes_uq').on(t.occurrenceId, t.target)],
);
