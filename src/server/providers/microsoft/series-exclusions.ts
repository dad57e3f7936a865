import { DateTime } from 'luxon';
import { valueListOf } from './errors';
import type { GraphEvent } from './event-mapping';
import type { GraphSession } from './graph-session';

/**
 * Graph's patternedRecurrence has no EXDATE. A series written with EXDATE lines is created
 * whole, then the excluded occurrences are deleted one by one (which is what Outlook does when
 * a user deletes an occurrence).
 */

/** `EXDATE;TZID=Europe/London:20300312T140000,…` → instants (ms) or dates, per value. */
export function parseExdates(lines: string[]): { at: number | null; date: string | null }[] {
  return lines.flatMap((line) => {
    const [head = '', values = ''] = line.split(/:(.*)/s);
    const zone = /TZID=([^;:]+)/i.exec(head)?.[1] ?? 'UTC';
    return values
      .split(',')
      .filter(Boolean)
      .map((value) => {
        const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value.trim());
        if (!match) return { at: null, date: null };
        const [, y, mo, d, h, mi, s, utc] = match;
        if (!h) return { at: null, date: `${y}-${mo}-${d}` };
        const at = DateTime.fromObject(
          {
            year: Number(y),
            month: Number(mo),
            day: Number(d),
            hour: Number(h),
            minute: Number(mi),
            second: Number(s),
          },
          { zone: utc ? 'utc' : zone },
        );
        return { at: at.toMillis(), date: null };
      });
  });
}

export async function cancelExcludedOccurrences(
  session: GraphSession,
  master: GraphEvent,
  lines: string[],
): Promise<void> {
  for (const exdate of parseExdates(lines)) {
    const center = exdate.at ?? (exdate.date ? Date.parse(`${exdate.date}T12:00:00Z`) : null);
    if (center === null) continue;
    const start = new Date(center - 36 * 3600_000).toISOString();
    const end = new Date(center + 36 * 3600_000).toISOString();
    const page = await session.call(
      'read series instances',
      () =>
        session
          .api(`${session.eventPath(master.id)}/instances?startDateTime=${start}&endDateTime=${end}`)
          .get() as Promise<{ value: GraphEvent[] }>,
    );
    const matches = valueListOf(page, 'read series instances').filter((instance) => {
      if (!instance.originalStart) return false;
      return exdate.at !== null
        ? Date.parse(instance.originalStart) === exdate.at
        : instance.originalStart.slice(0, 10) === exdate.date;
    });
    for (const instance of matches) {
      await session.call('delete excluded occurrence', () =>
        session.api(session.eventPath(instance.id)).delete(),
      );
    }
  }
}
