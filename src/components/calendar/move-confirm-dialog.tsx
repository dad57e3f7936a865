'use client';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';

export const MOVE_RESETS_ANSWERS = 'Moving this meeting will ask everyone to answer again.';

/** Asked before a drag moves a meeting with invitees: their answers were for the old time. */
export function MoveConfirmDialog({
  title,
  onMove,
  onCancel,
}: {
  title: string | null;
  onMove: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog
      open={title !== null}
      onOpenChange={(open) => !open && onCancel()}
      title={`Move “${title ?? ''}”?`}
    >
      <div className="space-y-4 text-sm">
        <p>{MOVE_RESETS_ANSWERS}</p>
        <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
          <Button onClick={onMove}>Move</Button>
        </div>
      </div>
    </Dialog>
  );
}
