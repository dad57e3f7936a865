'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { useTRPC } from '@/trpc/react';
import type { Connection } from './types';

interface DisconnectDialogProps {
  connection: Connection;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function DisconnectDialog({ connection, open, onOpenChange }: DisconnectDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const disconnect = useMutation(
    trpc.connections.disconnect.mutationOptions({
      onSuccess: async () => {
        onOpenChange(false);
        await queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() });
      },
    }),
  );
  const provider = PROVIDER_LABELS[connection.provider];
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={`Disconnect ${connection.accountEmail}?`}>
      <div className="space-y-4 text-sm">
        {disconnect.error ? <Alert tone="error">{disconnect.error.message}</Alert> : null}
        <p>
          Tandem stops syncing with this {provider} account and deletes its copy of the account’s calendars
          and events: they no longer appear in your Tandem calendar or count towards your availability.
        </p>
        <p>Your Tandem meetings and tasks stay as they are, and nothing is deleted from {provider}.</p>
        <div className="flex justify-end gap-2 border-t border-slate-200 pt-4">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={disconnect.isPending}
            onClick={() => disconnect.mutate({ connectionId: connection.id })}
          >
            {disconnect.isPending ? 'Disconnecting…' : 'Disconnect'}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
