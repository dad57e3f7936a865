'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { Task } from '@/server/tasks/tasks';
import { useTRPC } from '@/trpc/react';
import { formatTimeRange } from './wall-time';

export function TaskDetails({
  task,
  zone,
  locale,
  onEdit,
  onClose,
}: {
  task: Task;
  zone: string;
  locale: string;
  onEdit: () => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() });
  const setDone = useMutation(
    trpc.tasks.setDone.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  const remove = useMutation(
    trpc.tasks.delete.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  const done = task.doneAt !== null;
  const error = setDone.error ?? remove.error;
  return (
    <div className="space-y-4 text-sm">
      {error ? <Alert tone="error">{error.message}</Alert> : null}
      <p>
        <span className="font-medium text-slate-700">Due: </span>
        {formatTimeRange(
          task.dueAt,
          new Date(task.dueAt.getTime() + task.durationMinutes * 60_000),
          zone,
          locale,
        )}
      </p>
      <p>
        <span className="font-medium text-slate-700">Status: </span>
        {done ? 'Done' : 'To do'}
      </p>
      {task.notes ? <p className="whitespace-pre-line">{task.notes}</p> : null}
      <div className="flex flex-wrap justify-end gap-2 border-t border-slate-200 pt-4">
        <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: task.id })}>
          Delete task
        </Button>
        <Button variant="secondary" onClick={onEdit}>
          Edit
        </Button>
        <Button disabled={setDone.isPending} onClick={() => setDone.mutate({ id: task.id, done: !done })}>
          {done ? 'Mark as not done' : 'Mark as done'}
        </Button>
      </div>
    </div>
  );
}
