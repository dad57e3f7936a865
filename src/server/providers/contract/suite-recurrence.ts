import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../types';
import { byTitle, drain, eventWrite, startMs, timed, uniqueTitle, upserts, window } from './fixtures';
import type { ContractContext } from './suite';

/** Recurring series: expansion across DST, a moved and a cancelled instance, masters in changes. */
export function describeRecurrenceContract(ctx: ContractContext): void {
  describe('recurring series', () => {
    it('expands a daily series at 09:00 Europe/London across the end of summer time', async () => {
      const { organizer } = ctx.harness();
      const title = uniqueTitle('dst series');
      const master = await ctx.created().create(
        organizer,
        eventWrite(title, timed('2030-10-25T08:00:00Z', '2030-10-25T09:00:00Z', 'Europe/London'), {
          recurrence: ['RRULE:FREQ=DAILY;COUNT=4'],
        }),
      );
      expect(master.recurrence?.some((line) => line.startsWith('RRULE:'))).toBe(true);

      const instances = byTitle(
        await organizer.provider.readEvents(
          organizer.calendarId,
          window('2030-10-24T00:00:00Z', '2030-10-31T00:00:00Z'),
        ),
        title,
      );
      // 09:00 local stays 09:00 local: 08:00Z while BST lasts, 09:00Z from 27 October.
      expect(instances.map((event) => isoStart(event))).toEqual([
        '2030-10-25T08:00:00.000Z',
        '2030-10-26T08:00:00.000Z',
        '2030-10-27T09:00:00.000Z',
        '2030-10-28T09:00:00.000Z',
      ]);
      for (const instance of instances) {
        expect(instance.seriesExternalId).toBe(master.externalId);
        expect(instance.recurrence).toBeNull();
        expect(instance.originalStart && startMs(instance.originalStart)).toBe(startMs(instance.time));
        expect(
          instance.time.kind === 'timed' && instance.time.end.getTime() - instance.time.start.getTime(),
        ).toBe(3_600_000);
      }
    });

    it('moves one instance and cancels another; readEvents and readChanges agree', async () => {
      const { organizer } = ctx.harness();
      const { provider, calendarId } = organizer;
      const title = uniqueTitle('series');
      const range = window('2030-06-01T00:00:00Z', '2030-07-10T00:00:00Z');
      // Mondays 10:00 Europe/Berlin (UTC+2 in summer), five weeks from 3 June 2030.
      const master = await ctx.created().create(
        organizer,
        eventWrite(title, timed('2030-06-03T08:00:00Z', '2030-06-03T09:00:00Z', 'Europe/Berlin'), {
          recurrence: ['RRULE:FREQ=WEEKLY;COUNT=5'],
        }),
      );
      const before = byTitle(await provider.readEvents(calendarId, range), title);
      expect(before.map(isoStart)).toEqual([
        '2030-06-03T08:00:00.000Z',
        '2030-06-10T08:00:00.000Z',
        '2030-06-17T08:00:00.000Z',
        '2030-06-24T08:00:00.000Z',
        '2030-07-01T08:00:00.000Z',
      ]);
      const second = before[1]!;
      const third = before[2]!;

      // Move the second instance to Tuesday 11:00 Berlin, with a title of its own.
      const movedTime = timed('2030-06-11T09:00:00Z', '2030-06-11T10:00:00Z', 'Europe/Berlin');
      const moved = await provider.updateEvent(
        calendarId,
        second.externalId,
        eventWrite(`${title} moved`, movedTime),
        {
          etag: second.etag,
        },
      );
      expect(moved.seriesExternalId).toBe(master.externalId);
      expect(isoStart(moved)).toBe('2030-06-11T09:00:00.000Z');
      // Cancel the third instance.
      await provider.cancelEvent(calendarId, third.externalId);

      const after = (await provider.readEvents(calendarId, range))
        .filter((event) => event.title?.startsWith(title))
        .sort((a, b) => startMs(a.time) - startMs(b.time));
      expect(after.map((event) => [isoStart(event), event.title])).toEqual([
        ['2030-06-03T08:00:00.000Z', title],
        ['2030-06-11T09:00:00.000Z', `${title} moved`],
        ['2030-06-24T08:00:00.000Z', title],
        ['2030-07-01T08:00:00.000Z', title],
      ]);
      const movedInstance = after[1]!;
      expect(movedInstance.seriesExternalId).toBe(master.externalId);
      expect(
        movedInstance.originalStart && new Date(startMs(movedInstance.originalStart)).toISOString(),
      ).toBe('2030-06-10T08:00:00.000Z');

      // A full sync returns the master (not expanded) plus its exceptions.
      const { changes } = await drain(organizer, null, range);
      const mine = upserts(changes).filter(
        (event) => event.externalId === master.externalId || event.seriesExternalId === master.externalId,
      );
      const masters = mine.filter((event) => event.externalId === master.externalId);
      expect(masters).toHaveLength(1);
      const masterEvent = masters[0]!;
      expect(masterEvent.recurrence?.some((line) => line.startsWith('RRULE:'))).toBe(true);
      expect(isoStart(masterEvent)).toBe('2030-06-03T08:00:00.000Z');

      const exceptions = mine.filter((event) => event.seriesExternalId === master.externalId);
      const movedException = exceptions.filter((event) => event.status !== 'cancelled');
      expect(movedException.map((event) => [isoStart(event), event.title, originalIso(event)])).toEqual([
        ['2030-06-11T09:00:00.000Z', `${title} moved`, '2030-06-10T08:00:00.000Z'],
      ]);
      // The cancelled instance is an EXDATE on the master or a cancelled exception: either will do.
      const exdated = (masterEvent.recurrence ?? []).some(
        (line) => line.startsWith('EXDATE') && line.includes('20300617'),
      );
      const cancelledExceptions = exceptions.filter((event) => event.status === 'cancelled').map(originalIso);
      expect(exdated || cancelledExceptions.includes('2030-06-17T08:00:00.000Z')).toBe(true);
    });

    it('cancelling the master removes the whole series', async () => {
      const { organizer } = ctx.harness();
      const title = uniqueTitle('series cancel');
      const range = window('2030-08-01T00:00:00Z', '2030-08-10T00:00:00Z');
      const master = await organizer.provider.createEvent(
        organizer.calendarId,
        eventWrite(title, timed('2030-08-01T12:00:00Z', '2030-08-01T13:00:00Z', 'UTC'), {
          recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
        }),
      );
      expect(byTitle(await organizer.provider.readEvents(organizer.calendarId, range), title)).toHaveLength(
        3,
      );
      await organizer.provider.cancelEvent(organizer.calendarId, master.externalId, { etag: master.etag });
      const left = byTitle(await organizer.provider.readEvents(organizer.calendarId, range), title);
      expect(left.filter((event) => event.status !== 'cancelled')).toHaveLength(0);
    });
  });
}

function isoStart(event: ProviderEvent): string {
  return new Date(startMs(event.time)).toISOString();
}

function originalIso(event: ProviderEvent): string | null {
  return event.originalStart ? new Date(startMs(event.originalStart)).toISOString() : null;
}
