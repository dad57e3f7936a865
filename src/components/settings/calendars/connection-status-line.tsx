import { describeConnectionStatus, type StatusTone } from './connection-status';
import type { Connection } from './types';

const TONES: Record<StatusTone, string> = {
  ok: 'text-emerald-800',
  busy: 'text-slate-700',
  warning: 'text-amber-800',
  error: 'text-red-700',
};

const MARKS: Record<StatusTone, string> = { ok: '✓', busy: '↻', warning: '!', error: '✕' };

export function ConnectionStatusLine({ connection, zone }: { connection: Connection; zone: string }) {
  const status = describeConnectionStatus(connection, zone);
  return (
    <p className={`mt-1 text-sm font-medium ${TONES[status.tone]}`} aria-live="polite">
      <span aria-hidden="true">{MARKS[status.tone]} </span>
      Status: {status.text}
    </p>
  );
}
