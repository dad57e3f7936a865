import { Button } from '@/components/ui/button';

/** Cancel and Connect at the foot of a connect form. */
export function ConnectFormActions({ pending, onCancel }: { pending: boolean; onCancel: () => void }) {
  return (
    <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" disabled={pending}>
        {pending ? 'Connecting…' : 'Connect'}
      </Button>
    </div>
  );
}
