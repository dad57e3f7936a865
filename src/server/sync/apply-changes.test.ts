import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calendarConnections, calendars, externalEvents } from '@/server/db/schema';
import type { EventChange, ProviderEvent } from '@/server/providers/types';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { applyChanges, sweepUnseenEvents, toMirrorRow, type MirrorTarget } from './apply-changes';

/**
 * The mirror's write path on its own (one jsonb_to_recordset upsert a page): every column lands
 * exactly as toMirrorRow made it, replays write nothing, pages larger than one statement land
 * whole, and a full sync's sweep keeps what it saw.
 */

let database: TestDatabase;
let tenant: TestTenant;
let connectionId: string;

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'mirror');
  const [connection] = await database.db
    .insert(calendarConnections)
    .values({
      tenantId: tenant.tenantId,
      userId: tenant.learner.userId,
      provider: 'google',
      accountEmail: 'mirror@example.org',
      encryptedCredentials: 'unused',
    })
    .returning();
  connectionId = connection?.id ?? '';
});

async function freshTarget(
  generation = 1,
  syncedAt = new Date('2030-01-01T00:00:00Z'),
): Promise<MirrorTarget> {
  const [calendar] = await database.db
    .insert(calendars)
    .values({ tenantId: tenant.tenantId, connectionId, externalId: crypto.randomUUID(), name: 'Mirror test' })
    .returning();
  return { tenantId: tenant.tenantId, calendarId: calendar?.id ?? '', generation, syncedAt };
}

function event(externalId: string, overrides: Partial<ProviderEvent> = {}): ProviderEvent {
  return {
    externalId,
    iCalUid: `${externalId}@example.org`,
    etag: '"1"',
    status: 'confirmed',
    title: `Event ${externalId}`,
    description: null,
    location: null,
    onlineUrl: null,
    time: {
      kind: 'timed',
      start: new Date('2030-03-04T09:00:00Z'),
      end: new Date('2030-03-04T09:45:00Z'),
      timeZone: 'Europe/London',
    },
    recurrence: null,
    seriesExternalId: null,
    originalStart: null,
    transparency: 'opaque',
    showAs: 'busy',
    organizer: { email: 'olive@example.org', name: 'Olive' },
    attendees: [],
    sequence: 0,
    updatedAt: new Date('2030-01-01T08:00:00.123Z'),
    tandemMeetingId: null,
    ...overrides,
  };
}

const upserts = (events: ProviderEvent[]): EventChange[] =>
  events.map((item) => ({ type: 'upsert', event: item }));

async function rowsOf(target: MirrorTarget) {
  return database.db
    .select()
    .from(externalEvents)
    .where(
      and(eq(externalEvents.tenantId, target.tenantId), eq(externalEvents.calendarId, target.calendarId)),
    );
}

describe('applyChanges', () => {
  it('stores every column exactly as the mirror row has it, awkward text and all', async () => {
    const target = await freshTarget();
    const events = [
      event('timed-series', {
        title: 'Quotes " and \\ backslash, commas, {braces} and ünïcödé 📅',
        location: 'Room "4", 2nd floor',
        recurrence: [
          'RRULE:FREQ=WEEKLY;COUNT=3',
          'EXDATE;TZID=Europe/London:20300311T090000,20300318T090000',
        ],
        attendees: [
          {
            email: 'lee@example.org',
            name: 'Lee "Four" O\'Neil',
            response: 'accepted',
            isOrganizer: false,
            isSelf: true,
            isOptional: false,
          },
          {
            email: 'gail@example.org',
            name: null,
            response: 'needs_action',
            isOrganizer: false,
            isSelf: false,
            isOptional: true,
          },
        ],
        tandemMeetingId: crypto.randomUUID(),
      }),
      event('all-day', {
        time: { kind: 'allDay', startDate: '2030-03-05', endDate: '2030-03-07' },
        transparency: 'transparent',
        showAs: 'free',
        organizer: null,
        etag: null,
        iCalUid: null,
        updatedAt: null,
      }),
      event('moved-instance', {
        seriesExternalId: 'timed-series',
        originalStart: {
          kind: 'timed',
          start: new Date('2030-03-11T09:00:00Z'),
          end: new Date('2030-03-11T09:45:00Z'),
          timeZone: 'Europe/London',
        },
        time: {
          kind: 'timed',
          start: new Date('2030-03-12T14:30:00Z'),
          end: new Date('2030-03-12T15:15:00Z'),
          timeZone: null,
        },
        status: 'tentative',
      }),
    ];
    expect(await applyChanges(database.db, target, upserts(events))).toMatchObject({
      upserted: 3,
      removed: 0,
    });
    const stored = new Map((await rowsOf(target)).map((row) => [row.externalId, row]));
    for (const item of events) {
      const { id: _id, ...row } = stored.get(item.externalId) ?? { id: '' };
      expect(row, item.externalId).toEqual(toMirrorRow(target, item));
    }
  });

  it('writes nothing for a replayed page and updates in place when the event changed', async () => {
    const target = await freshTarget();
    await applyChanges(database.db, target, upserts([event('a'), event('b')]));
    const [before] = (await rowsOf(target)).filter((row) => row.externalId === 'a');

    const replay = { ...target, syncedAt: new Date('2030-01-02T00:00:00Z') };
    await applyChanges(
      database.db,
      replay,
      upserts([event('a', { title: 'same etag, not rewritten' }), event('b')]),
    );
    const [replayed] = (await rowsOf(target)).filter((row) => row.externalId === 'a');
    expect(replayed).toEqual(before);

    await applyChanges(database.db, replay, upserts([event('a', { etag: '"2"', title: 'Renamed' })]));
    const [changed] = (await rowsOf(target)).filter((row) => row.externalId === 'a');
    expect(changed).toMatchObject({
      id: before?.id,
      etag: '"2"',
      title: 'Renamed',
      syncedAt: replay.syncedAt,
    });
  });

  it('lands a page larger than one statement whole, the later mention of an event winning', async () => {
    const target = await freshTarget();
    const events = Array.from({ length: 2_600 }, (_, index) => event(`bulk-${index}`));
    const changes = [
      ...upserts(events),
      { type: 'upsert', event: event('bulk-7', { etag: '"later"' }) } as const,
    ];
    expect(await applyChanges(database.db, target, changes)).toMatchObject({ upserted: 2_600, removed: 0 });
    const rows = await rowsOf(target);
    expect(rows).toHaveLength(2_600);
    expect(rows.find((row) => row.externalId === 'bulk-7')?.etag).toBe('"later"');
  });

  it('removes what a page deletes, and a full sync sweeps only what it did not see again', async () => {
    const first = await freshTarget(1);
    await applyChanges(database.db, first, upserts([event('keep'), event('gone'), event('deleted')]));
    await applyChanges(database.db, first, [{ type: 'removed', externalId: 'deleted' }]);
    const second = { ...first, generation: 2 };
    await applyChanges(database.db, second, upserts([event('keep')]));
    expect(await sweepUnseenEvents(database.db, second)).toBe(1);
    expect((await rowsOf(first)).map((row) => row.externalId)).toEqual(['keep']);
  });

  // Found by the convergence fuzz: the organiser deleted, in Outlook, an occurrence Tandem had
  // retitled; with no plain occurrence left in the window, delta brought only its removal.
  it('keeps an instance removed with instanceMeansCancelled as a cancelled exception of a series it still holds', async () => {
    const target = await freshTarget();
    const original = new Date('2030-03-11T09:00:00Z');
    const exception = (id: string, series: string) =>
      event(id, {
        seriesExternalId: series,
        originalStart: { kind: 'timed', start: original, end: original, timeZone: 'Europe/London' },
      });
    await applyChanges(
      database.db,
      target,
      upserts([
        event('series', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] }),
        exception('series_0311', 'series'),
        exception('orphan_0311', 'no-such-series'),
        event('single'),
      ]),
    );
    const result = await applyChanges(database.db, target, [
      { type: 'removed', externalId: 'series_0311', instanceMeansCancelled: true },
      { type: 'removed', externalId: 'orphan_0311', instanceMeansCancelled: true },
      { type: 'removed', externalId: 'single', instanceMeansCancelled: true },
      { type: 'removed', externalId: 'never-held', instanceMeansCancelled: true },
    ]);
    // The id it never held is a plain occurrence of some series (vanished-series.ts looks).
    expect(result).toEqual({
      upserted: 1,
      removed: 3,
      unplacedInstanceRemovals: 1,
      mastersOfRemovedInstances: ['series'],
    });
    const rows = await rowsOf(target);
    expect(rows.map((row) => row.externalId).sort()).toEqual(['series', 'series_0311']);
    expect(rows.find((row) => row.externalId === 'series_0311')).toMatchObject({
      status: 'cancelled',
      etag: null,
      originalStartAt: original,
      providerUpdatedAt: target.syncedAt,
    });
  });

  // Found by the convergence fuzz: a CalDAV override replaced by an EXDATE stayed in the mirror
  // (sync-collection reports the changed object, not the override it lost) and hid the EXDATE.
  it('drops the exceptions a wholeSeries master no longer has in its page', async () => {
    const target = await freshTarget();
    const override = (id: string) =>
      event(id, {
        seriesExternalId: 'object.ics',
        originalStart: {
          kind: 'timed',
          start: new Date('2030-03-11T09:00:00Z'),
          end: new Date('2030-03-11T09:45:00Z'),
          timeZone: 'Europe/London',
        },
      });
    const master = event('object.ics', { recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] });
    await applyChanges(
      database.db,
      target,
      upserts([master, override('object.ics#0311'), override('object.ics#0318')]),
    );
    // Without the flag the page says nothing of what it lacks.
    await applyChanges(database.db, target, upserts([master, override('object.ics#0318')]));
    expect(await rowsOf(target)).toHaveLength(3);
    const result = await applyChanges(database.db, target, [
      {
        type: 'upsert',
        event: { ...master, recurrence: [...master.recurrence!, 'EXDATE:20300311T090000Z'] },
        wholeSeries: true,
      },
      { type: 'upsert', event: override('object.ics#0318') },
    ]);
    expect(result.removed).toBe(1);
    expect((await rowsOf(target)).map((row) => row.externalId).sort()).toEqual([
      'object.ics',
      'object.ics#0318',
    ]);
  });
});
