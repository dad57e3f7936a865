'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import type { OccurrenceScope } from '@/server/meetings/inputs';

export const SCOPE_LABELS: Record<OccurrenceScope, string> = {
  occurrence: 'This occurrence',
  following: 'This and following',
  series: 'All occurrences',
};

/** A labelled radio group (arrow keys move between the choices): which occurrences a change is for. */
export function ScopeChoice({
  legend,
  value,
  onChange,
}: {
  legend: string;
  value: OccurrenceScope;
  onChange: (scope: OccurrenceScope) => void;
}) {
  return (
    <fieldset className="space-y-1.5">
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {(Object.keys(SCOPE_LABELS) as OccurrenceScope[]).map((scope) => (
        <label key={scope} className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="occurrence-scope"
            value={scope}
            checked={value === scope}
            onChange={() => onChange(scope)}
          />
          {SCOPE_LABELS[scope]}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Asked before a drag moves an occurrence of a recurring meeting: this one, it and the later ones,
 * or all of them. `title` null: closed.
 */
export function ScopeDialog({
  title,
  onConfirm,
  onCancel,
}: {
  title: string | null;
  onConfirm: (scope: OccurrenceScope) => void;
  onCancel: () => void;
}) {
  const [scope, setScope] = useState<OccurrenceScope>('occurrence');
  return (
    <Dialog
      open={title !== null}
      onOpenChange={(open) => !open && onCancel()}
      title={`Move “${title ?? ''}”?`}
      description="This meeting repeats. Everyone invited will be asked to answer again for the occurrences that move."
    >
      <form
        className="space-y-4 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm(scope);
        }}
      >
        <ScopeChoice legend="Which occurrences move?" value={scope} onChange={setScope} />
        <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit">Move</Button>
        </div>
      </form>
    </Dialog>
  );
}
