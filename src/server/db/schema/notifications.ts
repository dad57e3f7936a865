import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantIdColumn } from './tenants';
import { users } from './users';

export const notifications = pgTable(
  'notifications',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    /**
     * False when the person turned this kind off in Tandem but wants it by email: the row exists
     * for the email job and the bell never shows it.
     */
    shownInApp: boolean().notNull().default(true),
    readAt: timestamp({ withTimezone: true }),
    /** When the email copy was sent (the person's preference for this kind says whether to). */
    emailedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notifications_user_idx').on(t.tenantId, t.userId, t.createdAt)],
);

/** Per person and kind of notification: shown in the bell, sent by email. No row: the kind's default. */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    tenantId: tenantIdColumn(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text().notNull(),
    inApp: boolean().notNull().default(true),
    email: boolean().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.kind] })],
);
