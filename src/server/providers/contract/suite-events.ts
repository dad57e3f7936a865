import { describe, expect, it } from 'vitest';
import { ProviderConflictError, ProviderNotFoundError } from '../errors';
import type { EventTime, ProviderEvent } from '../types';
import { allDay, byTitle, eventWrite, timed, uniqueTitle, window } from './fixtures';
import type { ContractContext } from './suite';

/** Calendars, single events in every time shape, the tag, etags and missing events. */
export function describeEventContract(ctx: ContractContext): void {
  describe('calendars and single events', () => {
    it('lists the calendars, including the writable one the suite uses', async () => {
      const { organizer } = ctx.harness();
      const calendars = await organizer.provider.listCalendars();
      const mine = calendars.find((calendar) => calendar.externalId === organizer.calendarId);
      expect(mine, 'organizer.calendarId is among listCalendars()').toBeDefined();
      expect(mine?.canWrite).toBe(true);
      expect(typeof mine?.name).toBe('string');
      for (const calendar of calendars) {
        if (calendar.color !== null) expect(calendar.color).toMatch(/^#[0-9a-f]{6}$/i);
      }
    });

    it('round-trips a timed event with its time zone through get, readEvents and readChanges', async () => {
      const { organizer } = ctx.harness();
      const title = uniqueTitle('timed');
      const time = timed('2030-03-05T14:00:00Z', '2030-03-05T15:30:00Z', 'America/New_York');
      const created = await ctx
        .created()
        .create(
          organizer,
          eventWrite(title, time, { description: 'Bring the portfolio', location: 'Room 4' }),
        );
      expectTime(created.time, time);
      expect(created.title).toBe(title);
      expect(created.etag).toBeTruthy();
      expect(created.status).not.toBe('cancelled');

      const fetched = await organizer.provider.getEvent(organizer.calendarId, created.externalId);
      expect(fetched.title).toBe(title);
      expect(fetched.description).toBe('Bring the portfolio');
      expect(fetched.location).toBe('Room 4');
      expect(fetched.iCalUid).toBeTruthy();
      expect(fetched.recurrence).toBeNull();
      expect(fetched.seriesExternalId).toBeNull();
      expectTime(fetched.time, time);

      const listed = byTitle(
        await organizer.provider.readEvents(
          organizer.calendarId,
          window('2030-03-04T00:00:00Z', '2030-03-07T00:00:00Z'),
        ),
        title,
      );
      expect(listed).toHaveLength(1);
      expectTime(listed[0]!.time, time);
      const outside = byTitle(
        await organizer.provider.readEvents(
          organizer.calendarId,
          window('2030-03-06T00:00:00Z', '2030-03-08T00:00:00Z'),
        ),
        title,
      );
      expect(outside).toHaveLength(0);
    });

    it('round-trips a one-day and a multi-day all-day event (end date exclusive)', async () => {
      const { organizer } = ctx.harness();
      const oneDay = uniqueTitle('all-day');
      const threeDays = uniqueTitle('multi-day all-day');
      await ctx.created().create(organizer, eventWrite(oneDay, allDay('2030-04-10', '2030-04-11')));
      await ctx.created().create(organizer, eventWrite(threeDays, allDay('2030-04-10', '2030-04-13')));

      const events = await organizer.provider.readEvents(
        organizer.calendarId,
        window('2030-04-09T00:00:00Z', '2030-04-15T00:00:00Z'),
      );
      expect(byTitle(events, oneDay).map((event) => event.time)).toEqual([
        allDay('2030-04-10', '2030-04-11'),
      ]);
      expect(byTitle(events, threeDays).map((event) => event.time)).toEqual([
        allDay('2030-04-10', '2030-04-13'),
      ]);

      // A window that only touches the last day still finds the multi-day event.
      const lastDay = await organizer.provider.readEvents(
        organizer.calendarId,
        window('2030-04-12T06:00:00Z', '2030-04-12T18:00:00Z'),
      );
      expect(byTitle(lastDay, threeDays)).toHaveLength(1);
      expect(byTitle(lastDay, oneDay)).toHaveLength(0);
    });

    it('round-trips a multi-day timed event', async () => {
      const { organizer } = ctx.harness();
      const title = uniqueTitle('multi-day timed');
      const time = timed('2030-04-20T16:00:00Z', '2030-04-22T10:00:00Z', 'Europe/Paris');
      const created = await ctx.created().create(organizer, eventWrite(title, time));
      expectTime((await organizer.provider.getEvent(organizer.calendarId, created.externalId)).time, time);
      const middle = await organizer.provider.readEvents(
        organizer.calendarId,
        window('2030-04-21T08:00:00Z', '2030-04-21T12:00:00Z'),
      );
      expect(byTitle(middle, title)).toHaveLength(1);
    });

    it('keeps exact instants across the end of summer time (Europe/London, late October)', async () => {
      const { organizer } = ctx.harness();
      const title = uniqueTitle('dst single');
      // 00:30 BST (UTC+1) to 02:00 GMT (UTC+0) on 27 Oct 2030: 2.5 hours, not 1.5.
      const time = timed('2030-10-26T23:30:00Z', '2030-10-27T02:00:00Z', 'Europe/London');
      const created = await ctx.created().create(organizer, eventWrite(title, time));
      const fetched = await organizer.provider.getEvent(organizer.calendarId, created.externalId);
      expectTime(fetched.time, time);
    });

    it('round-trips our tandemMeetingId tag on get, readEvents and readChanges', async () => {
      const { organizer } = ctx.harness();
      const title = uniqueTitle('tagged');
      const meetingId = `mtg-${crypto.randomUUID()}`;
      const range = window('2030-05-01T00:00:00Z', '2030-05-02T00:00:00Z');
      const created = await ctx.created().create(
        organizer,
        eventWrite(title, timed('2030-05-01T09:00:00Z', '2030-05-01T10:00:00Z', 'UTC'), {
          tandemMeetingId: meetingId,
        }),
      );
      expect(created.tandemMeetingId).toBe(meetingId);
      expect(
        (await organizer.provider.getEvent(organizer.calendarId, created.externalId)).tandemMeetingId,
      ).toBe(meetingId);
      expect(
        byTitle(await organizer.provider.readEvents(organizer.calendarId, range), title)[0]?.tandemMeetingId,
      ).toBe(meetingId);

      const seen: ProviderEvent[] = [];
      for await (const page of organizer.provider.readChanges(organizer.calendarId, null, range)) {
        for (const change of page.changes)
          if (change.type === 'upsert' && change.event.title === title) seen.push(change.event);
      }
      expect(seen.map((event) => event.tandemMeetingId)).toEqual([meetingId]);

      const untagged = await ctx
        .created()
        .create(
          organizer,
          eventWrite(uniqueTitle('untagged'), timed('2030-05-01T11:00:00Z', '2030-05-01T12:00:00Z', 'UTC')),
        );
      expect(untagged.tandemMeetingId).toBeNull();
    });

    it('updates with the current etag, and refuses a stale etag with ProviderConflictError', async () => {
      const { organizer } = ctx.harness();
      const title = uniqueTitle('etag');
      const time = timed('2030-05-02T09:00:00Z', '2030-05-02T10:00:00Z', 'UTC');
      const created = await ctx.created().create(organizer, eventWrite(title, time));
      const updated = await organizer.provider.updateEvent(
        organizer.calendarId,
        created.externalId,
        eventWrite(`${title} v2`, time),
        { etag: created.etag },
      );
      expect(updated.title).toBe(`${title} v2`);
      expect(updated.etag).toBeTruthy();
      expect(updated.etag).not.toBe(created.etag);

      await expect(
        organizer.provider.updateEvent(
          organizer.calendarId,
          created.externalId,
          eventWrite(`${title} v3`, time),
          { etag: created.etag },
        ),
      ).rejects.toBeInstanceOf(ProviderConflictError);
      await expect(
        organizer.provider.cancelEvent(organizer.calendarId, created.externalId, { etag: created.etag }),
      ).rejects.toBeInstanceOf(ProviderConflictError);
      // The refused writes changed nothing.
      expect((await organizer.provider.getEvent(organizer.calendarId, created.externalId)).title).toBe(
        `${title} v2`,
      );
    });

    it('answers ProviderNotFoundError for a missing event, and for a cancelled one is gone or cancelled', async () => {
      const { organizer } = ctx.harness();
      await expect(
        organizer.provider.getEvent(organizer.calendarId, 'missing0000000000'),
      ).rejects.toBeInstanceOf(ProviderNotFoundError);

      const created = await organizer.provider.createEvent(
        organizer.calendarId,
        eventWrite(uniqueTitle('cancelled'), timed('2030-05-03T09:00:00Z', '2030-05-03T10:00:00Z', 'UTC')),
      );
      await organizer.provider.cancelEvent(organizer.calendarId, created.externalId);
      const after = await organizer.provider.getEvent(organizer.calendarId, created.externalId).then(
        (event) => event.status,
        (error: unknown) => (error instanceof ProviderNotFoundError ? 'not_found' : error),
      );
      expect(['cancelled', 'not_found']).toContain(after);
    });
  });
}

/** Same instants; the zone, when the provider reports one, is the zone we wrote. */
export function expectTime(actual: EventTime, expected: EventTime): void {
  if (expected.kind === 'allDay') {
    expect(actual).toEqual(expected);
    return;
  }
  expect(actual.kind).toBe('timed');
  if (actual.kind !== 'timed') return;
  expect(actual.start.toISOString()).toBe(expected.start.toISOString());
  expect(actual.end.toISOString()).toBe(expected.end.toISOString());
  if (expected.timeZone && expected.timeZone !== 'UTC') expect(actual.timeZone).toBe(expected.timeZone);
}
