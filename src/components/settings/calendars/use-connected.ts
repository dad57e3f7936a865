'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/react';

/** After a connect form succeeds: the connection list and the calendar reload, then the form closes. */
export function useAfterConnect(onConnected: () => void): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() });
    onConnected();
  };
}
