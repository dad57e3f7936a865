import { ProviderNotFoundError, ProviderProtocolError } from '../errors';
import type { ChangesPage, EventChange, TimeWindow } from '../types';
import { valueListOf } from './errors';
import { toProviderEvent, type GraphEvent } from './event-mapping';
import type { GraphSession } from './graph-session';
import { readSeriesMaster } from './series-master';
import { TagLookup } from './tag-lookup';

/**
 * calendarView/delta as ChangesPage pages. The cursor is the absolute `@odata.deltaLink`; a 410
 * (expired sync state) surfaces as CursorExpiredError through the error mapping.
 *
 * Graph's delta is expanded (occurrences, exceptions, single events). Like the other adapters,
 * this reports series as masters (RRULE + EXDATE of cancelled occurrences) plus exceptions: plain
 * occurrences are folded into their master, which is read once per call. A removed occurrence
 * comes as a `removed` of an id the mirror never stored; the master, whose change key moved,
 * comes again with the new EXDATE when a plain occurrence of it is left to report it. A removed
 * exception is kept as a cancelled one (`instanceMeansCancelled`, apply-changes.ts). A series
 * deleted whole comes only as such removals (delta never names a master): sync reads the masters
 * that may be gone again afterwards (sync/vanished-series.ts).
 */

interface DeltaPage {
  value: GraphEvent[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export async function* readDeltaPages(
  session: GraphSession,
  calendarId: string,
  cursor: string | null,
  window: TimeWindow,
  pageSize: number,
): AsyncGenerator<ChangesPage> {
  const tags = new TagLookup(session, calendarId, window);
  const self = await session.selfEmail();
  const mastersDone = new Set<string>();
  let url =
    cursor ??
    `${session.calendarPath(calendarId)}/calendarView/delta?startDateTime=${window.start.toISOString()}&endDateTime=${window.end.toISOString()}`;
  for (;;) {
    const requestUrl = url;
    const page = await session.call(
      'read changes',
      () => session.api(requestUrl, [`odata.maxpagesize=${pageSize}`]).get() as Promise<DeltaPage>,
    );
    const items = valueListOf(page, 'read changes');
    const reported = items.filter((item) => !item['@removed'] && item.type !== 'occurrence');
    const tagOf = await tags.tagsFor(reported);
    const changes: EventChange[] = [];
    for (const item of items) {
      if (item['@removed']) {
        // A deleted exception comes only as this: when no plain occurrence is left in the window,
        // nothing else of the series changes key, so its master (and EXDATE) does not come again.
        changes.push({ type: 'removed', externalId: item.id, instanceMeansCancelled: true });
        continue;
      }
      const masterId = item.type === 'seriesMaster' ? item.id : item.seriesMasterId;
      if (masterId && !mastersDone.has(masterId)) {
        mastersDone.add(masterId);
        try {
          changes.push({ type: 'upsert', event: await readSeriesMaster(session, masterId, window, self) });
        } catch (error) {
          // The series went away after the page was cut: its removal comes next round.
          if (!(error instanceof ProviderNotFoundError)) throw error;
        }
      }
      if (item.type === 'occurrence' || item.type === 'seriesMaster') continue;
      changes.push({ type: 'upsert', event: toProviderEvent(item, self, tagOf.get(item.id) ?? null) });
    }
    const next = page['@odata.nextLink'];
    if (next) {
      yield { changes, nextCursor: null };
      url = next;
      continue;
    }
    const deltaLink = page['@odata.deltaLink'];
    if (!deltaLink)
      throw new ProviderProtocolError('Microsoft Graph delta page had neither nextLink nor deltaLink');
    yield { changes, nextCursor: deltaLink };
    return;
  }
}
