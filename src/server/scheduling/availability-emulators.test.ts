import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCalendar } from '@/server/sync/sync-calendar';
import { useTestDatabase } from '@/tests/support/database';
import {
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import { readAvailability } from './availability';
import type { PersonAvailability } from './contract';

/*
 * Availability over a mirror filled by real syncs: a Google series in New York time, a Microsoft
 * event and a Radicale all-day event, each written through the real adapter to the emulators /
 * Radicale and mirrored by syncCalendar. Reading availability then builds no provider at all.
 */

let t: DeliveryTestbed;
const DAY = 86_400_000;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'avail');
}, 60_000);
afterAll(() => t.close());

function stateAt(person: PersonAvailability | undefined, instant: number) {
  return person?.intervals.find((i) => Date.parse(i.start) <= instant && Date.parse(i.end) > instant)?.state;
}

describe('availability from synced Google, Microsoft and Radicale calendars', () => {
  it('shows each learner busy where their provider has events, titles kept on the server, no provider call', async () => {
    const tenant = await t.freshTenant('mirror');
    const google = await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    const microsoft = await t.connect(tenant.otherLearner, 'microsoft', MICROSOFT_ACCOUNTS.attendee);
    const rita = RADICALE_USERS[1];
    const radicale = await t.connect(tenant.admin, 'caldav', rita.address);
    // Two days from now at 14:00 UTC, inside every sync window.
    const base = Math.floor(Date.now() / DAY) * DAY + 2 * DAY + 14 * HOUR;
    const write = async (
      member: typeof tenant.learner,
      calendarId: string,
      event: Parameters<Awaited<ReturnType<typeof t.registry.forConnection>>['createEvent']>[1],
    ) => {
      const [row] = await t.database.db.query.calendars.findMany({
        where: (c, { eq }) => eq(c.id, calendarId),
      });
      const [connection] = await t.database.db.query.calendarConnections.findMany({
        where: (c, { eq }) => eq(c.id, row?.connectionId ?? ''),
      });
      if (!row || !connection) throw new Error('no calendar');
      const provider = await t.registry.forConnection(t.database.db, connection);
      await provider.createEvent(row.externalId, event);
      await syncCalendar(t.sync, { tenantId: member.tenantId, calendarId });
    };
    const common = {
      description: null,
      location: null,
      onlineUrl: null,
      attendees: [],
      tandemMeetingId: null,
      notifyAttendees: false,
    };
    await write(tenant.learner, google.calendarId, {
      ...common,
      title: 'secret google class',
      time: {
        kind: 'timed',
        start: new Date(base),
        end: new Date(base + HOUR),
        timeZone: 'America/New_York',
      },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    await write(tenant.otherLearner, microsoft.calendarId, {
      ...common,
      title: 'secret outlook appointment',
      time: {
        kind: 'timed',
        start: new Date(base + 2 * HOUR),
        end: new Date(base + 3 * HOUR),
        timeZone: 'UTC',
      },
      recurrence: null,
    });
    const date = new Date(base).toISOString().slice(0, 10);
    const next = new Date(base + DAY).toISOString().slice(0, 10);
    await write(tenant.admin, radicale.calendarId, {
      ...common,
      title: 'secret radicale day off',
      time: { kind: 'allDay', startDate: date, endDate: next },
      recurrence: null,
    });

    const built = t.registry.built;
    const from = new Date(base - 14 * HOUR).toISOString();
    const to = new Date(base - 14 * HOUR + 14 * DAY).toISOString();
    const { people } = await readAvailability({ db: t.database.db, now: () => new Date() }, tenant.tutor, {
      userIds: [tenant.learner.userId, tenant.otherLearner.userId, tenant.admin.userId],
      optionalUserIds: [],
      from,
      to,
    });
    expect(t.registry.built, 'availability built a provider').toBe(built);
    const [, learner, other, admin] = people;
    expect(stateAt(learner, base + HOUR / 2)).toBe('busy');
    expect(stateAt(learner, base + 7 * DAY + HOUR / 2)).toBe('busy');
    expect(stateAt(learner, base + 2.5 * HOUR)).not.toBe('busy');
    expect(stateAt(other, base + 2.5 * HOUR)).toBe('busy');
    expect(stateAt(other, base + HOUR / 2)).not.toBe('busy');
    // The all-day event covers the admin's own (London) day.
    expect(stateAt(admin, base - 2 * HOUR)).toBe('busy');
    expect(JSON.stringify(people)).not.toMatch(/secret|"title"/);
  }, 60_000);
});
