import { describe, expect, it } from 'vitest';
import { CursorExpiredError } from '../errors';
import { changesFor, drain, eventWrite, inBatches, timed, uniqueTitle, upserts, window } from './fixtures';
import type { ContractContext } from './suite';

/** Incremental sync: create / update / delete once each, expired cursors, paging. */
export function describeSyncContract(ctx: ContractContext): void {
  describe('incremental changes', () => {
    it('reports a create, an update and a delete exactly once each after a full sync', async () => {
      const { organizer } = ctx.harness();
      const { provider, calendarId } = organizer;
      const range = window('2030-09-01T00:00:00Z', '2030-09-08T00:00:00Z');
      const title = uniqueTitle('incremental');
      const time = timed('2030-09-02T09:00:00Z', '2030-09-02T10:00:00Z', 'Europe/London');

      const full = await drain(organizer, null, range);
      const created = await ctx.created().create(organizer, eventWrite(title, time));

      const afterCreate = await drain(organizer, full.cursor, range);
      const createChanges = changesFor(afterCreate.changes, [created.externalId]);
      expect(createChanges).toHaveLength(1);
      expect(createChanges[0]?.type).toBe('upsert');
      expect(upserts(createChanges)[0]?.title).toBe(title);

      // Nothing changed: nothing new of ours comes back (a provider may replay the same version).
      const quiet = await drain(organizer, afterCreate.cursor, range);
      for (const change of changesFor(quiet.changes, [created.externalId])) {
        expect(change.type === 'upsert' && change.event.etag).toBe(created.etag);
      }

      const updated = await provider.updateEvent(
        calendarId,
        created.externalId,
        eventWrite(`${title} v2`, time),
        {
          etag: created.etag,
        },
      );
      const afterUpdate = await drain(organizer, quiet.cursor, range);
      const updateChanges = changesFor(afterUpdate.changes, [created.externalId]);
      expect(updateChanges).toHaveLength(1);
      const updatedSeen = upserts(updateChanges)[0];
      expect(updatedSeen?.title).toBe(`${title} v2`);
      expect(updatedSeen?.etag).toBe(updated.etag);

      await provider.cancelEvent(calendarId, created.externalId, { etag: updated.etag });
      const afterDelete = await drain(organizer, afterUpdate.cursor, range);
      // Graph marks every removal instanceMeansCancelled (it cannot tell an instance from an event).
      expect(changesFor(afterDelete.changes, [created.externalId])).toMatchObject([
        { type: 'removed', externalId: created.externalId },
      ]);
    });

    it('throws CursorExpiredError for an expired cursor, and a full sync then works again', async () => {
      const harness = ctx.harness();
      const { organizer } = harness;
      const range = window('2030-09-10T00:00:00Z', '2030-09-17T00:00:00Z');
      const title = uniqueTitle('expiry');
      const event = await ctx
        .created()
        .create(organizer, eventWrite(title, timed('2030-09-11T09:00:00Z', '2030-09-11T10:00:00Z', 'UTC')));

      const full = await drain(organizer, null, range);
      await harness.expireCursors();
      await expect(drain(organizer, full.cursor, range)).rejects.toBeInstanceOf(CursorExpiredError);

      const resync = await drain(organizer, null, range);
      expect(changesFor(resync.changes, [event.externalId])).toHaveLength(1);
      // The fresh cursor is accepted.
      const next = await drain(organizer, resync.cursor, range);
      for (const change of changesFor(next.changes, [event.externalId])) {
        expect(change.type === 'upsert' && change.event.etag).toBe(event.etag);
      }
    });

    it('pages a full sync larger than pageSize and returns every event exactly once', async () => {
      const harness = ctx.harness();
      const { organizer } = harness;
      const range = window('2030-11-10T00:00:00Z', '2030-11-12T00:00:00Z');
      const count = harness.pageSize + 3;
      const title = uniqueTitle('paging');
      const created = await inBatches(
        Array.from({ length: count }, (_, index) => index),
        4,
        (index) => {
          const start = Date.parse('2030-11-10T08:00:00Z') + index * 15 * 60_000;
          const write = eventWrite(
            `${title} #${index}`,
            timed(new Date(start).toISOString(), new Date(start + 10 * 60_000).toISOString(), 'UTC'),
          );
          return ctx.created().create(organizer, write);
        },
      );
      const ids = created.map((event) => event.externalId);
      expect(new Set(ids).size).toBe(count);

      const full = await drain(organizer, null, range);
      expect(full.pages.length).toBeGreaterThanOrEqual(2);
      const mine = changesFor(full.changes, ids);
      expect(mine.every((change) => change.type === 'upsert')).toBe(true);
      expect(mine).toHaveLength(count);
      expect(new Set(upserts(mine).map((event) => event.externalId)).size).toBe(count);
    });
  });
}
