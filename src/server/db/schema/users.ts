import { integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { DEFAULT_WORKING_HOURS, type WorkingHours } from '../../users/working-hours';
import { tenantIdColumn } from './tenants';

/**
 * `users`, `accounts`, `sessions` and `verification_tokens` follow the shape the Auth.js
 * drizzle adapter expects; Tandem adds the password hash, time zone and working hours.
 */
export const users = pgTable('users', {
  id: text()
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text(),
  email: text().notNull().unique(),
  emailVerified: timestamp({ withTimezone: true, mode: 'date' }),
  image: text(),
  /** argon2id (PHC string); null for users who only sign in through an identity provider. */
  passwordHash: text(),
  /** IANA zone, e.g. `Europe/London`. */
  timeZone: text().notNull().default('UTC'),
  workingHours: jsonb().$type<WorkingHours>().notNull().default(DEFAULT_WORKING_HOURS),
  /** How dates are written (a BCP 47 tag, e.g. `en-GB`); null: as the browser asks. */
  locale: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const accounts = pgTable(
  'accounts',
  {
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text().notNull(),
    provider: text().notNull(),
    providerAccountId: text().notNull(),
    refresh_token: text(),
    access_token: text(),
    expires_at: integer(),
    token_type: text(),
    scope: text(),
    id_token: text(),
    session_state: text(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.providerAccountId] })],
);

export const sessions = pgTable('sessions', {
  sessionToken: text().primaryKey(),
  userId: text()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expires: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
});

export const verificationTokens = pgTable(
  'verification_tokens',
  {
    identifier: text().notNull(),
    token: text().notNull(),
    expires: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

export const ROLES = ['admin', 'tutor', 'learner'] as const;
export type Role = (typeof ROLES)[number];
export const roleEnum = pgEnum('membership_role', ROLES);

export const PERMISSIONS = ['manage_tenant_settings'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const memberships = pgTable(
  'memberships',
  {
    tenantId: tenantIdColumn(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: roleEnum().notNull(),
    permissions: text().array().$type<Permission[]>().notNull().default([]),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] })],
);
