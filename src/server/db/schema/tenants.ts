import { boolean, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const PROVIDER_KINDS = ['google', 'microsoft', 'icloud', 'caldav', 'ews'] as const;
export type ProviderKindSetting = (typeof PROVIDER_KINDS)[number];

export const UNANSWERED_INVITATIONS_COUNT_AS = ['tentative', 'busy'] as const;
export type UnansweredInvitationsCountAs = (typeof UNANSWERED_INVITATIONS_COUNT_AS)[number];

export const tenants = pgTable('tenants', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  slug: text().notNull().unique(),
  /** Off until an admin with Manage Tenant Settings turns it on (DESIGN.md §1). */
  calendarIntegrationEnabled: boolean().notNull().default(false),
  allowedProviders: text()
    .array()
    .$type<ProviderKindSetting[]>()
    .notNull()
    .default(['google', 'microsoft', 'icloud', 'caldav']),
  /** How an invitation nobody has answered yet counts in the Scheduling Assistant (DESIGN.md §9). */
  unansweredInvitationsCountAs: text().$type<UnansweredInvitationsCountAs>().notNull().default('tentative'),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Every tenant-scoped row carries its tenant, and goes when the tenant goes. */
export function tenantIdColumn() {
  return uuid()
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });
}
