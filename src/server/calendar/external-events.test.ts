import { beforeAll, describe, expect, it } from 'vitest';
import { calendarConnections, calendars, externalEvents } from '@/server/db/schema';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { listCalendarLegend } from './calendar-legend';
import { readMirroredEvents } from './external-events';
import { readCalendarFeed } from './feed';

let database: TestDatabase;
let north: TestTenant;
let south: TestTenant;
let shown: string;
let hidden: string;
let othersCalendar: string;
let southCalendar: string;

// Europe/London moves to BST on 2026-03-29: 09:00 local is 09:00Z before, 08:00Z after.
const march = { from: new Date('2026-03-16T00:00:00Z'), to: new Date('2026-04-13T00:00:00Z') };

async function addCalendar(tenantId: string, actor: Actor, name: string, show = true): Promise<string> {
  const [connection] = await database.db
    .insert(calendarConnections)
    .values({
      tenantId,
      userId: actor.userId,
      provider: 'google',
      accountEmail: `${name}@example.test`,
      encryptedCredentials: 'v1.unused',
    })
    .returning();
  const [calendar] = await database.db
    .insert(calendars)
    .values({
      tenantId,
      connectionId: connection?.id ?? '',
      externalId: `${name}-primary`,
      name,
      color: '#3366cc',
      show,
      isPrimary: true,
    })
    .returning();
  return calendar?.id ?? '';
}

type Row = typeof externalEvents.$inferInsert;
async function addEvent(
  calendarId: string,
  fields: Partial<Row> & Pick<Row, 'externalId' | 'startAt' | 'endAt'>,
  tenantId = north.tenantId,
) {
  await database.db
    .insert(externalEvents)
    .values({ tenantId, calendarId, status: 'confirmed', title: fields.externalId, ...fields });
}

beforeAll(async () => {
  database = await useTestDatabase();
  north = await createTestTenant(database.db, 'north');
  south = await createTestTenant(database.db, 'south');
  shown = await addCalendar(north.tenantId, north.learner, 'shown');
  hidden = await addCalendar(north.tenantId, north.learner, 'hidden', false);
  othersCalendar = await addCalendar(north.tenantId, north.otherLearner, 'others');
  southCalendar = await addCalendar(south.tenantId, south.learner, 'south');

  await addEvent(shown, {
    externalId: 'weekly',
    title: 'Weekly 09:00',
    startAt: new Date('2026-03-16T09:00:00Z'),
    endAt: new Date('2026-03-16T10:00:00Z'),
    timeZone: 'Europe/London',
    recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20260412T230000Z', 'EXDATE;TZID=Europe/London:20260323T090000'],
    seriesEndAt: new Date('2026-04-06T09:00:00Z'),
  });
  // The 2026-04-06 occurrence moved to Tuesday 14:00 London; the 2026-03-30 one cancelled.
  await addEvent(shown, {
    externalId: 'weekly_20260406',
    title: 'Weekly (moved)',
    startAt: new Date('2026-04-07T13:00:00Z'),
    endAt: new Date('2026-04-07T14:00:00Z'),
    seriesExternalId: 'weekly',
    originalStartAt: new Date('2026-04-06T08:00:00Z'),
  });
  await addEvent(shown, {
    externalId: 'weekly_20260330',
    status: 'cancelled',
    startAt: new Date('2026-03-30T08:00:00Z'),
    endAt: new Date('2026-03-30T08:00:00Z'),
    seriesExternalId: 'weekly',
    originalStartAt: new Date('2026-03-30T08:00:00Z'),
  });
  await addEvent(shown, {
    externalId: 'standup',
    title: 'Stand-up forever',
    startAt: new Date('2025-01-06T09:30:00Z'),
    endAt: new Date('2025-01-06T09:45:00Z'),
    timeZone: 'Europe/London',
    recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=WE'],
  });
  await addEvent(shown, {
    externalId: 'over',
    title: 'Series that ended',
    startAt: new Date('2025-01-06T09:30:00Z'),
    endAt: new Date('2025-01-06T09:45:00Z'),
    timeZone: 'Europe/London',
    recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
    seriesEndAt: new Date('2025-01-08T09:45:00Z'),
  });
  await addEvent(shown, {
    externalId: 'fortnightly-allday',
    title: 'Bin day',
    allDay: true,
    startDate: '2026-03-20',
    endDate: '2026-03-21',
    startAt: new Date('2026-03-20T00:00:00Z'),
    endAt: new Date('2026-03-21T00:00:00Z'),
    recurrence: ['RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2'],
    seriesEndAt: new Date('2026-04-04T00:00:00Z'),
  });
  await addEvent(shown, {
    externalId: 'trip',
    title: 'Trip',
    allDay: true,
    startDate: '2026-03-25',
    endDate: '2026-03-28',
    startAt: new Date('2026-03-25T00:00:00Z'),
    endAt: new Date('2026-03-28T00:00:00Z'),
    showAs: 'oof',
  });
  await addEvent(shown, {
    externalId: 'gone',
    status: 'cancelled',
    startAt: new Date('2026-03-18T12:00:00Z'),
    endAt: new Date('2026-03-18T13:00:00Z'),
  });
  await addEvent(shown, {
    externalId: 'outside',
    startAt: new Date('2026-05-18T12:00:00Z'),
    endAt: new Date('2026-05-18T13:00:00Z'),
  });
  await addEvent(hidden, {
    externalId: 'hidden-event',
    startAt: new Date('2026-03-18T12:00:00Z'),
    endAt: new Date('2026-03-18T13:00:00Z'),
  });
  await addEvent(othersCalendar, {
    externalId: 'others-event',
    startAt: new Date('2026-03-18T12:00:00Z'),
    endAt: new Date('2026-03-18T13:00:00Z'),
  });
  await addEvent(
    southCalendar,
    {
      externalId: 'south-event',
      startAt: new Date('2026-03-18T12:00:00Z'),
      endAt: new Date('2026-03-18T13:00:00Z'),
    },
    south.tenantId,
  );
});

describe('readMirroredEvents', () => {
  it('expands series in their own zone across DST, applies EXDATE, moved and cancelled instances', async () => {
    const events = await readMirroredEvents(database.db, north.learner, march);
    const weekly = events.filter((event) => event.title?.startsWith('Weekly'));
    expect(
      weekly.map((event) => [event.title, event.startsAt.toISOString(), event.endsAt.toISOString()]),
    ).toEqual([
      ['Weekly 09:00', '2026-03-16T09:00:00.000Z', '2026-03-16T10:00:00.000Z'],
      // 23 March: EXDATE. 30 March: cancelled. 6 April: moved to the 7th, 14:00 London (BST).
      ['Weekly (moved)', '2026-04-07T13:00:00.000Z', '2026-04-07T14:00:00.000Z'],
    ]);
    const wider = await readMirroredEvents(database.db, north.learner, {
      from: new Date('2026-03-16T00:00:00Z'),
      to: new Date('2026-04-20T00:00:00Z'),
    });
    expect(wider.filter((event) => event.title === 'Weekly 09:00')).toHaveLength(1);

    const standups = events
      .filter((event) => event.title === 'Stand-up forever')
      .map((event) => event.startsAt.toISOString());
    // 09:30 London every Wednesday, before and after the clocks change.
    expect(standups).toEqual([
      '2026-03-18T09:30:00.000Z',
      '2026-03-25T09:30:00.000Z',
      '2026-04-01T08:30:00.000Z',
      '2026-04-08T08:30:00.000Z',
    ]);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('keeps all-day events as dates, expanded and multi-day', async () => {
    const events = await readMirroredEvents(database.db, north.learner, march);
    expect(
      events
        .filter((event) => event.allDay)
        .map((event) => [event.title, event.startDate, event.endDate, event.showAs]),
    ).toEqual([
      ['Bin day', '2026-03-20', '2026-03-21', 'busy'],
      ['Trip', '2026-03-25', '2026-03-28', 'oof'],
      ['Bin day', '2026-04-03', '2026-04-04', 'busy'],
    ]);
  });

  it("leaves out cancelled, out-of-range, ended, hidden, other users' and other tenants' events", async () => {
    const titles = (await readMirroredEvents(database.db, north.learner, march)).map((event) => event.title);
    for (const absent of [
      'gone',
      'outside',
      'Series that ended',
      'hidden-event',
      'others-event',
      'south-event',
    ]) {
      expect(titles).not.toContain(absent);
    }
    expect(await readMirroredEvents(database.db, north.otherLearner, march)).toEqual([
      expect.objectContaining({ title: 'others-event', calendarId: othersCalendar }),
    ]);
    expect(
      await readMirroredEvents(database.db, { ...south.learner, userId: north.learner.userId }, march),
    ).toEqual([]);
  });
});

describe('listCalendarLegend and the feed', () => {
  it("lists the actor's own calendars, hidden ones included, and nobody else's", async () => {
    const legend = await listCalendarLegend(database.db, north.learner);
    expect(legend.map((entry) => [entry.id, entry.name, entry.show, entry.provider]).sort()).toEqual(
      [
        [shown, 'shown', true, 'google'],
        [hidden, 'hidden', false, 'google'],
      ].sort(),
    );
    expect(await listCalendarLegend(database.db, { ...south.learner, userId: north.learner.userId })).toEqual(
      [],
    );
  });

  it('carries mirrored events and the legend in the Calendar feed', async () => {
    const feed = await readCalendarFeed(database.db, north.learner, march);
    expect(feed.calendars).toHaveLength(2);
    expect(feed.externalEvents.map((event) => event.title)).toContain('Trip');
    expect(feed.externalEvents.every((event) => event.calendarId === shown)).toBe(true);
  });
});
