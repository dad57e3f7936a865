'use client';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { emptyGuestRow, MAX_GUESTS, type GuestRow } from './guests';

interface GuestFieldsProps {
  rows: GuestRow[];
  onChange: (rows: GuestRow[]) => void;
  /** By row key, from `parseGuests`. */
  errors: Map<string, string>;
}

/**
 * "Outside guests": people without a Tandem account (an employer's mentor), invited by email.
 * A controlled list of rows, so the form owning it validates with `parseGuests` before sending.
 */
export function GuestFields({ rows, onChange, errors }: GuestFieldsProps) {
  const update = (key: string, change: Partial<GuestRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">Outside guests</legend>
      <p className="text-xs text-slate-600">
        People without a Tandem account get an email invitation they can answer without signing in.
      </p>
      {rows.map((row, index) => (
        <div key={row.key} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
          <TextField
            label={`Guest ${index + 1} email`}
            type="email"
            autoComplete="off"
            value={row.email}
            error={errors.get(row.key)}
            onChange={(event) => update(row.key, { email: event.target.value })}
          />
          <TextField
            label={`Guest ${index + 1} name (optional)`}
            autoComplete="off"
            value={row.name}
            onChange={(event) => update(row.key, { name: event.target.value })}
          />
          <Button
            variant="ghost"
            className="mt-6"
            aria-label={`Remove guest ${index + 1}`}
            onClick={() => onChange(rows.filter((other) => other.key !== row.key))}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button
        variant="secondary"
        disabled={rows.length >= MAX_GUESTS}
        onClick={() => onChange([...rows, emptyGuestRow()])}
      >
        Add an outside guest
      </Button>
    </fieldset>
  );
}
