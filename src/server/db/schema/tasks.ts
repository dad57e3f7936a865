import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn } from './tenants';
import { users } from './users';

/** The in-built calendar's own to-dos. */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    ownerId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text().notNull(),
    notes: text(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    /** How long the task blocks on the calendar. */
    durationMinutes: integer().notNull().default(30),
    doneAt: timestamp({ withTimezone: true }),
    /** Bumped on every change; an edit names the version it started from, so a stale one is refused. */
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('tasks_owner_due_idx').on(t.tenantId, t.ownerId, t.dueAt),
    check('tasks_duration_positive', sql`${t.durationMinutes} > 0`),
  ],
);
