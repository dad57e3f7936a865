import { z } from 'zod';
import type { Executor } from '@/server/db/client';
import type { Actor } from '@/server/tenants/actor';
import { dateRangeSchema, type DateRange } from '@/server/time/range';
import { listenForCalendarChanges } from './change-bell';
import { readCalendarFeed } from './feed';
import { feedVersion } from './feed-version';

/** GET /api/calendar/changes?from=…&to=…&version=…: the range a Calendar page shows, and its feed version. */
export const feedChangesQuerySchema = dateRangeSchema.and(
  z.object({ version: z.string().max(64).optional() }),
);

export interface FeedChangeTiming {
  /** The periodic look, for changes no bell announces (another process wrote them). */
  checkEveryMs: number;
  /** After a ring: a short wait, so a burst of writes is looked at once. */
  settleMs: number;
  /** A comment line now and then, so proxies keep an idle stream open. */
  heartbeatMs: number;
}

export const FEED_CHANGE_TIMING: FeedChangeTiming = {
  checkEveryMs: 15_000,
  settleMs: 250,
  heartbeatMs: 25_000,
};

/**
 * A server-sent event stream that says `changed` (with the new version) whenever the actor's feed
 * for the range differs from the version the page holds, so the page fetches only then (issue 16).
 * Looks at once (a change between the page's fetch and this stream is not missed), on each ring
 * of the tenant's change bell, and periodically. Ends when `signal` aborts.
 */
export function feedChangeStream(
  db: Executor,
  actor: Actor,
  range: DateRange,
  knownVersion: string | undefined,
  signal: AbortSignal,
  timing: FeedChangeTiming = FEED_CHANGE_TIMING,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let last = knownVersion;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let looking = false;
  let again = false;
  let closed = false;
  const cleanups: (() => void)[] = [];

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        for (const cleanup of cleanups) cleanup();
        controller.close();
      };
      const look = async () => {
        if (closed) return;
        if (looking) {
          again = true;
          return;
        }
        looking = true;
        clearTimeout(timer);
        try {
          const version = feedVersion(await readCalendarFeed(db, actor, range));
          if (version !== last) {
            last = version;
            send(`event: changed\ndata: ${version}\n\n`);
          }
        } catch (error) {
          console.error('[calendar changes] could not read the feed:', error);
        } finally {
          looking = false;
        }
        if (again) {
          again = false;
          void look();
        } else if (!closed) {
          timer = setTimeout(() => void look(), timing.checkEveryMs);
        }
      };
      // EventSource reconnects after `retry` milliseconds if the stream drops.
      send(`retry: 5000\n\n`);
      const heartbeat = setInterval(() => send(': still here\n\n'), timing.heartbeatMs);
      cleanups.push(() => clearInterval(heartbeat));
      cleanups.push(
        listenForCalendarChanges(actor.tenantId, () => {
          clearTimeout(timer);
          timer = setTimeout(() => void look(), timing.settleMs);
        }),
      );
      if (signal.aborted) return close();
      signal.addEventListener('abort', close, { once: true });
      void look();
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
      for (const cleanup of cleanups) cleanup();
    },
  });
}
