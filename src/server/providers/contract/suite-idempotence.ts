import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { byTitle, eventWrite, timed, uniqueTitle, window } from './fixtures';
import type { ContractContext } from './suite';

/**
 * A create replayed with the same idempotency key (a job step retried after a timeout) returns the
 * first event and stores no second one: Google client-chosen ids, Graph transactionId, CalDAV
 * resource name with If-None-Match.
 */
export function describeIdempotenceContract(ctx: ContractContext): void {
  describe('idempotent creates', () => {
    it('a create replayed with the same key returns the first event and stores one', async () => {
      const { organizer } = ctx.harness();
      const title = uniqueTitle('idempotent');
      const key = randomUUID();
      const write = eventWrite(
        title,
        timed('2030-04-02T09:00:00Z', '2030-04-02T10:00:00Z', 'Europe/London'),
        {
          tandemMeetingId: randomUUID(),
        },
      );
      const first = await organizer.provider.createEvent(organizer.calendarId, write, {
        idempotencyKey: key,
      });
      ctx.created().track(organizer, first.externalId);
      // The replay may carry a later edit: it still finds the first event rather than adding one.
      const replay = await organizer.provider.createEvent(
        organizer.calendarId,
        { ...write, description: 'edited before the replay' },
        { idempotencyKey: key },
      );
      expect(replay.externalId).toBe(first.externalId);
      expect(replay.iCalUid).toBe(first.iCalUid);
      const listed = byTitle(
        await organizer.provider.readEvents(
          organizer.calendarId,
          window('2030-04-01T00:00:00Z', '2030-04-03T00:00:00Z'),
        ),
        title,
      );
      expect(listed).toHaveLength(1);

      // Another key is another event.
      const other = await organizer.provider.createEvent(organizer.calendarId, write, {
        idempotencyKey: randomUUID(),
      });
      ctx.created().track(organizer, other.externalId);
      expect(other.externalId).not.toBe(first.externalId);
    });

    it('takes the iCalendar UID the client chose where the provider lets it (Google, CalDAV)', async () => {
      const { organizer } = ctx.harness();
      const uid = `${randomUUID()}@tandem`;
      const created = await organizer.provider.createEvent(
        organizer.calendarId,
        eventWrite(uniqueTitle('uid'), timed('2030-04-03T09:00:00Z', '2030-04-03T10:00:00Z', null), {
          iCalUid: uid,
        }),
        { idempotencyKey: randomUUID() },
      );
      ctx.created().track(organizer, created.externalId);
      // Graph assigns its own iCalUId: delivery stores the one Graph returns.
      if (organizer.provider.kind === 'microsoft') expect(created.iCalUid).not.toBe(uid);
      else expect(created.iCalUid).toBe(uid);
      expect(created.iCalUid).toBeTruthy();
    });
  });
}
