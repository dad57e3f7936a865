import { DateTime } from 'luxon';
import type { RowInfo } from './grid-model';

const ROLE_WORDS: Record<'tutor' | 'learner' | 'admin', string> = {
  tutor: 'tutor',
  learner: 'learner',
  admin: 'admin',
};

/** "synced 4 minutes ago", or why there is nothing to sync. */
export function lastSyncWords(lastSyncedAt: string | null, now: Date, locale: string): string {
  if (!lastSyncedAt) return 'no calendar connected';
  const synced = DateTime.fromISO(lastSyncedAt).setLocale(locale);
  return `synced ${synced.toRelative({ base: DateTime.fromJSDate(now) }) ?? 'just now'}`;
}

/** A row's header: the person, their local time now and when their calendars last synced. */
export function RowLabel({
  title,
  info,
  now,
  locale,
}: {
  title: string;
  info: RowInfo;
  now: Date;
  locale: string;
}) {
  if (info.kind === 'all')
    return (
      <div>
        <strong>{title}</strong>
        <div className="text-xs text-slate-700">
          {info.count} {info.count === 1 ? 'person' : 'people'}
        </div>
      </div>
    );
  const local = DateTime.fromJSDate(now, { zone: info.timeZone }).setLocale(locale);
  return (
    <div>
      <strong>{title}</strong>
      {info.required ? null : <span className="text-xs text-slate-700"> (optional)</span>}
      <div className="text-xs text-slate-700">
        {ROLE_WORDS[info.role]} · {local.toFormat('HH:mm')} local
      </div>
      <div className="text-xs text-slate-700">{lastSyncWords(info.lastSyncedAt, now, locale)}</div>
    </div>
  );
}
