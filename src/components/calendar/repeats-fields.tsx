'use client';

import { useState } from 'react';
import { SelectField, TextField } from '@/components/ui/field';
import { MAX_COUNT } from '@/server/recurrence/limits';
import type { RecurrenceInput } from '@/server/recurrence/rule-input';

/** The repeat patterns the form offers (tutors' weekly check-ins, reviews every 12 weeks). */
const PATTERNS = {
  none: { label: 'Does not repeat', rule: null },
  weekly: { label: 'Every week', rule: { frequency: 'weekly', interval: 1 } },
  fortnightly: { label: 'Every 2 weeks', rule: { frequency: 'weekly', interval: 2 } },
  twelveWeeks: { label: 'Every 12 weeks', rule: { frequency: 'weekly', interval: 12 } },
  monthly: { label: 'Every month', rule: { frequency: 'monthly', interval: 1 } },
} as const satisfies Record<
  string,
  { label: string; rule: Pick<RecurrenceInput, 'frequency' | 'interval'> | null }
>;
type Pattern = keyof typeof PATTERNS;
type Ends = 'never' | 'count' | 'until';

/** "Repeats" and, when it does, how the series ends. Read back with `recurrenceFromForm`. */
export function RepeatsFields({ errors }: { errors?: { recurrence?: string } }) {
  const [pattern, setPattern] = useState<Pattern>('none');
  const [ends, setEnds] = useState<Ends>('never');
  return (
    <div className="space-y-3">
      <SelectField
        label="Repeats"
        name="repeats"
        value={pattern}
        onChange={(event) => setPattern(event.target.value as Pattern)}
        error={errors?.recurrence}
      >
        {(Object.keys(PATTERNS) as Pattern[]).map((key) => (
          <option key={key} value={key}>
            {PATTERNS[key].label}
          </option>
        ))}
      </SelectField>
      {pattern !== 'none' ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField
            label="Ends"
            name="repeatEnds"
            value={ends}
            onChange={(event) => setEnds(event.target.value as Ends)}
          >
            <option value="never">Never</option>
            <option value="count">After a number of times</option>
            <option value="until">On a date</option>
          </SelectField>
          {ends === 'count' ? (
            <TextField
              label="Number of times"
              name="repeatCount"
              type="number"
              min={1}
              max={MAX_COUNT}
              defaultValue={10}
              required
            />
          ) : null}
          {ends === 'until' ? <TextField label="Last date" name="repeatUntil" type="date" required /> : null}
        </div>
      ) : null}
    </div>
  );
}

/** The repeat rule the fields above describe; undefined: it does not repeat; a string: what to fix. */
export function recurrenceFromForm(form: FormData): RecurrenceInput | undefined | string {
  const pattern = String(form.get('repeats') ?? 'none') as Pattern;
  const rule = PATTERNS[pattern]?.rule;
  if (!rule) return undefined;
  const ends = String(form.get('repeatEnds') ?? 'never') as Ends;
  if (ends === 'count') {
    const count = Number(form.get('repeatCount'));
    if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT)
      return `Enter how many times it repeats, from 1 to ${MAX_COUNT}.`;
    return { ...rule, weekdays: [], ends: { type: 'count', count } };
  }
  if (ends === 'until') {
    const date = String(form.get('repeatUntil') ?? '');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'Enter the last date the meeting repeats on.';
    return { ...rule, weekdays: [], ends: { type: 'until', date } };
  }
  return { ...rule, weekdays: [], ends: { type: 'never' } };
}

const UNITS: Record<string, [string, string]> = {
  DAILY: ['day', 'days'],
  WEEKLY: ['week', 'weeks'],
  MONTHLY: ['month', 'months'],
  YEARLY: ['year', 'years'],
};

/** "Every 12 weeks, 5 times" / "Every week until 31 Jan 2027": a stored RRULE in plain words. */
export function describeRepeats(lines: string[] | null, locale: string, zone: string): string | null {
  const rule = lines?.find((line) => line.toUpperCase().startsWith('RRULE:'));
  if (!rule) return null;
  const parts = new Map(
    rule
      .slice(6)
      .split(';')
      .map((part) => part.split('=') as [string, string]),
  );
  const [one, many] = UNITS[parts.get('FREQ') ?? ''] ?? ['time', 'times'];
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const every = interval > 1 ? `Every ${interval} ${many}` : `Every ${one}`;
  const count = parts.get('COUNT');
  if (count) return `${every}, ${count} times`;
  const until = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(parts.get('UNTIL') ?? '');
  if (until) {
    const [, y, m, d, h = '00', mi = '00', s = '00'] = until;
    const at = new Date(`${y}-${m}-${d}T${h}:${mi}:${s}Z`);
    const date = new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium' }).format(at);
    return `${every} until ${date}`;
  }
  return every;
}
