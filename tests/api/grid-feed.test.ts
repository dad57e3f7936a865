import superjson from 'superjson';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VersionedCalendarFeed } from '@/server/calendar/feed-version';
import { externalEvents } from '@/server/db/schema';
import { createMeeting, updateMeeting } from '@/server/meetings/schedule';
import {
  ACTIVITY_WEEK,
  meetingInput,
  scheduleDeps,
  seedActivity,
  type TenantActivity,
} from '@/tests/support/activity';
import { callProcedure, describeOutcome, sessionOf } from '@/tests/support/api';
import {
  enableCalendarIntegration,
  seedConnection,
  type SeededConnection,
} from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';

/*
 * Issue 16: `calendar.feed` sends what the grid draws and no more — epoch-ms times (no superjson
 * metadata), flags only when true, each calendar's id once — and a dialog fetches the rest.
 */
let database: TestDatabase;
let tenant: TestTenant;
let activity: TenantActivity;
let connection: SeededConnection;
let seriesId: string;
const TUESDAY_10 = new Date('2026-03-03T10:00:00Z');

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'grid-feed');
  await enableCalendarIntegration(database.db, tenant.tenantId);
  activity = await seedActivity(database.db, tenant, 'Grid');
  connection = await seedConnection(database.db, tenant.learner, 'gridcal');
  await database.db.insert(externalEvents).values({
    tenantId: tenant.tenantId,
    calendarId: connection.readOnlyCalendarId,
    externalId: 'grid-holiday.ics',
    status: 'confirmed',
    title: 'Bank holiday',
    location: 'Everywhere',
    showAs: 'free',
    allDay: true,
    startDate: '2026-03-06',
    endDate: '2026-03-07',
    startAt: new Date('2026-03-06T00:00:00Z'),
    endAt: new Date('2026-03-07T00:00:00Z'),
  });
  const deps = scheduleDeps(database.db);
  const series = await createMeeting(deps, tenant.tutor, {
    ...meetingInput([tenant.learner.userId], 'Daily stand-up'),
    description: 'Series notes',
    startsAt: new Date('2026-03-04T08:00:00Z'),
    endsAt: new Date('2026-03-04T08:15:00Z'),
    recurrence: { frequency: 'daily', interval: 1, weekdays: [], ends: { type: 'count', count: 3 } },
  });
  seriesId = series.id;
  await updateMeeting(deps, tenant.tutor, {
    id: series.id,
    version: series.version,
    title: 'Stand-up (moved)',
    description: 'Only this one',
    startsAt: new Date('2026-03-05T09:00:00Z'),
    endsAt: new Date('2026-03-05T09:15:00Z'),
    occurrence: { scope: 'occurrence', originalStartsAt: new Date('2026-03-05T08:00:00Z') },
  });
});

async function learnerFeed(): Promise<VersionedCalendarFeed> {
  const outcome = await callProcedure(database.db, sessionOf(tenant.learner), 'calendar.feed', ACTIVITY_WEEK);
  if (!outcome.ok) throw new Error(describeOutcome(outcome));
  return outcome.value as VersionedCalendarFeed;
}

describe('the grid feed', () => {
  it('carries only what each item needs to be drawn, times as epoch ms', async () => {
    const feed = await learnerFeed();
    expect(Object.keys(feed).sort()).toEqual(['calendars', 'externalEvents', 'meetings', 'tasks', 'version']);
    expect(feed.tasks).toEqual([
      {
        id: activity.learnerTaskId,
        title: 'Grid learner task',
        start: Date.parse('2026-03-04T09:00:00Z'),
        minutes: 30,
        version: 1,
      },
    ]);
    const seeded = feed.meetings.find((meeting) => meeting.id === activity.meetingId);
    expect(seeded).toEqual({
      id: activity.meetingId,
      title: 'Grid meeting',
      start: TUESDAY_10.getTime(),
      end: Date.parse('2026-03-03T10:45:00Z'),
      kind: 'meeting',
      response: 'needs_action',
      invitees: 1,
      version: 1,
    });
    const occurrences = feed.meetings.filter((meeting) => meeting.id === seriesId);
    expect(occurrences.map(({ title, start, original }) => ({ title, start, original }))).toEqual([
      {
        title: 'Daily stand-up',
        start: Date.parse('2026-03-04T08:00:00Z'),
        original: Date.parse('2026-03-04T08:00:00Z'),
      },
      {
        title: 'Stand-up (moved)',
        start: Date.parse('2026-03-05T09:00:00Z'),
        original: Date.parse('2026-03-05T08:00:00Z'),
      },
      {
        title: 'Daily stand-up',
        start: Date.parse('2026-03-06T08:00:00Z'),
        original: Date.parse('2026-03-06T08:00:00Z'),
      },
    ]);
    // One entry per calendar, its id said once; a busy, timed event has no flags at all.
    expect(feed.externalEvents).toEqual([
      {
        calendarId: connection.writableCalendarId,
        events: [
          {
            id: connection.eventId,
            title: 'gridcal dentist',
            start: Date.parse('2026-03-03T09:00:00Z'),
            end: Date.parse('2026-03-03T10:00:00Z'),
          },
        ],
      },
      {
        calendarId: connection.readOnlyCalendarId,
        events: [
          expect.objectContaining({
            title: 'Bank holiday',
            days: { start: '2026-03-06', end: '2026-03-07' },
            showAs: 'free',
            location: 'Everywhere',
          }),
        ],
      },
    ]);
    // Nothing for superjson to describe: the whole answer is plain JSON.
    expect(superjson.serialize(feed).meta).toBeUndefined();
    expect(JSON.stringify(feed)).not.toMatch(/Before Friday|Series notes|attendees|organizer|learner@/);
  });

  it('leaves the rest to the dialog: the task’s notes, the meeting’s people, an occurrence as drawn', async () => {
    const learner = sessionOf(tenant.learner);
    const task = await callProcedure(database.db, learner, 'tasks.get', { id: activity.learnerTaskId });
    expect(task.ok && task.value).toMatchObject({ title: 'Grid learner task', notes: 'Before Friday' });
    const meeting = await callProcedure(database.db, learner, 'meetings.get', { id: activity.meetingId });
    expect(meeting.ok && meeting.value).toMatchObject({
      title: 'Grid meeting',
      occurrence: null,
      attendees: [expect.objectContaining({ userId: tenant.learner.userId, response: 'needs_action' })],
    });
    const moved = await callProcedure(database.db, learner, 'meetings.get', {
      id: seriesId,
      originalStartsAt: new Date('2026-03-05T08:00:00Z'),
    });
    expect(moved.ok && moved.value).toMatchObject({
      title: 'Stand-up (moved)',
      description: 'Only this one',
      startsAt: new Date('2026-03-05T09:00:00Z'),
      occurrence: { originalStartsAt: new Date('2026-03-05T08:00:00Z'), isException: true },
    });
    const notInSeries = await callProcedure(database.db, learner, 'meetings.get', {
      id: seriesId,
      originalStartsAt: new Date('2026-03-05T08:30:00Z'),
    });
    expect(describeOutcome(notInSeries)).toMatch(/^NOT_FOUND/);
  });

  it('gives no one else’s task', async () => {
    const outcome = await callProcedure(database.db, sessionOf(tenant.learner), 'tasks.get', {
      id: activity.tutorTaskId,
    });
    expect(describeOutcome(outcome)).toBe('NOT_FOUND: Task not found');
  });
});
