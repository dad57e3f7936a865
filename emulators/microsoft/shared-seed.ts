import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { toGraphRecurrence } from '../../src/server/providers/microsoft/recurrence-mapping';
import { resolveSeed, seedFileSchema, type SeedFileInput } from '../shared/seed';
import { recurrenceInput } from './event-input';
import { createEvent } from './event-writes';
import { addAccount, CONSUMERS_TENANT } from './seed';
import type { MicrosoftStore } from './store';

/**
 * Loads the demo seed shared with the Google emulator (emulators/seed/demo.json, format in
 * emulators/shared/seed.ts), so both emulators show the same accounts and events.
 */

export function isSharedSeed(value: unknown): value is SeedFileInput {
  return seedFileSchema.safeParse(value).success;
}

function tenantIdOf(name: string): string {
  const hex = createHash('sha256').update(`tenant:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function applySharedSeed(
  store: MicrosoftStore,
  seed: SeedFileInput,
  clients: { clientId: string; clientSecret: string; redirectUris: string[] }[],
  now = new Date(),
): void {
  const resolved = resolveSeed(seed, now, 'microsoft');
  store.clear();
  for (const client of clients) store.clients.set(client.clientId, client);
  for (const account of resolved.accounts) {
    // Each organisation is its own Microsoft 365 tenant (by mail domain); Outlook.com is the consumers tenant.
    const domain = account.email.split('@')[1] ?? resolved.tenant;
    addAccount(store, {
      email: account.email,
      displayName: account.name,
      kind: account.kind,
      tenantId: account.kind === 'personal' ? CONSUMERS_TENANT : tenantIdOf(domain),
      timeZone: account.timeZone,
      calendars: [
        { name: 'Calendar', color: 'auto', hexColor: account.color },
        ...account.calendars.map((c) => ({ name: c.name, color: 'auto', hexColor: c.color })),
      ],
    });
  }
  for (const account of resolved.accounts) {
    const owner = store.accountByIdOrEmail(account.email);
    if (!owner) continue;
    for (const event of account.events) {
      const calendar = store
        .calendarsOf(owner.id)
        .find((c) => (event.calendar ? c.name === event.calendar : c.isDefault));
      if (!calendar) continue;
      const time = event.time;
      const local = (date: Date) =>
        DateTime.fromJSDate(date).setZone(account.timeZone).toFormat("yyyy-MM-dd'T'HH:mm:ss");
      const start =
        time.kind === 'timed'
          ? { dateTime: local(time.start), timeZone: account.timeZone }
          : { dateTime: `${time.startDate}T00:00:00`, timeZone: account.timeZone };
      const end =
        time.kind === 'timed'
          ? { dateTime: local(time.end), timeZone: account.timeZone }
          : { dateTime: `${time.endDate}T00:00:00`, timeZone: account.timeZone };
      const startDate =
        time.kind === 'timed'
          ? (DateTime.fromJSDate(time.start).setZone(account.timeZone).toISODate() ?? '')
          : time.startDate;
      createEvent(
        store,
        owner,
        calendar,
        {
          subject: event.title,
          body: { contentType: 'text', content: event.description ?? '' },
          start,
          end,
          isAllDay: time.kind === 'allDay',
          ...(event.location ? { location: { displayName: event.location } } : {}),
          showAs:
            event.transparency === 'transparent'
              ? 'free'
              : event.status === 'tentative'
                ? 'tentative'
                : 'busy',
          attendees: event.attendees.map((email) => ({
            emailAddress: { address: email, name: store.accountByIdOrEmail(email)?.displayName ?? email },
            type: 'required' as const,
          })),
          ...(event.recurrence
            ? {
                recurrence: recurrenceInput.parse(
                  toGraphRecurrence(event.recurrence, startDate, account.timeZone),
                ),
              }
            : {}),
        },
        now,
      );
    }
  }
}
