'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/field';
import { pageCount, Pager, usePagedFilters } from '@/components/ui/pager';
import { StatusMessage } from '@/components/ui/status-message';
import { PROVIDER_LABELS } from '@/server/providers/labels';
import { useTRPC } from '@/trpc/react';
import { ColumnHeads } from '@/components/ui/column-heads';

const FILTERS = {
  all: 'All connections',
  needs_reconnect: 'Needs reconnecting',
  errors: 'With errors',
  never_synced: 'Never synced',
} as const;
type Filter = keyof typeof FILTERS;

const STATUS_WORDS = { active: 'Working', needs_reauth: 'Needs reconnecting', error: 'Error' } as const;

function when(value: Date | null, never: string): string {
  return value ? value.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : never;
}

/** Every calendar connection in the tenant, with its health and what an admin can do about it. */
export function ConnectionHealthTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const { filters: filter, setFilters: setFilter, page, setPage } = usePagedFilters<Filter>('all');
  const [done, setDone] = useState<string | null>(null);
  const list = useQuery({
    ...trpc.connectionHealth.list.queryOptions({ filter, page }),
    placeholderData: keepPreviousData,
  });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.connectionHealth.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.auditLog.list.queryKey() }),
    ]);
  const options = (message: string) => ({
    onMutate: () => setDone(null),
    onSuccess: () => {
      setDone(message);
      return refresh();
    },
    onError: () => refresh(),
  });
  const syncNow = useMutation(trpc.connectionHealth.syncNow.mutationOptions(options('Sync requested.')));
  const ask = useMutation(
    trpc.connectionHealth.askToReconnect.mutationOptions(options('The member was asked to reconnect.')),
  );
  const remove = useMutation(
    trpc.connectionHealth.remove.mutationOptions(options('Connection removed. Meetings are kept.')),
  );
  const error = syncNow.error ?? ask.error ?? remove.error;
  const data = list.data;
  const pages = pageCount(data);

  return (
    <section aria-labelledby={headingId} className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={headingId} className="text-lg font-semibold">
        Connection health
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Every calendar connected in your organisation. You manage connections here, not their content: no
        event is shown.
      </p>
      <div className="mt-3 max-w-xs">
        <SelectField
          label="Show"
          value={filter}
          onChange={(event) => setFilter(event.target.value as Filter)}
        >
          {Object.entries(FILTERS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
      </div>
      {error ? <Alert tone="error">{error.message}</Alert> : null}
      <StatusMessage message={done} className="mt-3" />
      {list.error ? <Alert tone="error">{list.error.message}</Alert> : null}
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">
            Calendar connections, page {page} of {pages}
          </caption>
          <ColumnHeads
            names={[
              'Member',
              'Provider',
              'Account',
              'Made by',
              'Status',
              'Last sync',
              'Last error',
              'Push channel expires',
              'Throttled',
              'Actions',
            ]}
          />
          <tbody>
            {data?.rows.map((row) => {
              const who = `${row.member.name}’s ${PROVIDER_LABELS[row.provider]} (${row.accountEmail})`;
              return (
                <tr key={row.connectionId} className="border-b border-slate-100 align-top">
                  <th scope="row" className="py-2 pr-3 font-medium">
                    {row.member.name}
                    <div className="font-normal text-slate-600">{row.member.email}</div>
                  </th>
                  <td className="py-2 pr-3">{PROVIDER_LABELS[row.provider]}</td>
                  <td className="py-2 pr-3">{row.accountEmail}</td>
                  <td className="py-2 pr-3">
                    {row.madeBy === 'organisation' ? 'Your organisation' : 'The member'}
                  </td>
                  <td className="py-2 pr-3">{STATUS_WORDS[row.status]}</td>
                  <td className="py-2 pr-3">{when(row.lastSyncedAt, 'Never')}</td>
                  <td className="py-2 pr-3">{row.lastError ?? 'None'}</td>
                  <td className="py-2 pr-3">{when(row.pushExpiresAt, 'No channel')}</td>
                  <td className="py-2 pr-3">{row.throttled ? 'Yes: waiting' : 'No'}</td>
                  <td className="py-2 pr-3">
                    <div className="flex flex-wrap gap-1">
                      <Button
                        variant="secondary"
                        aria-label={`Sync now: ${who}`}
                        disabled={syncNow.isPending}
                        onClick={() => syncNow.mutate({ connectionId: row.connectionId })}
                      >
                        Sync now
                      </Button>
                      <Button
                        variant="secondary"
                        aria-label={`Ask to reconnect: ${who}`}
                        disabled={ask.isPending}
                        onClick={() => ask.mutate({ connectionId: row.connectionId })}
                      >
                        Ask to reconnect
                      </Button>
                      <Button
                        variant="danger"
                        aria-label={`Remove: ${who}`}
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(`Remove ${who}? Its meetings are kept.`))
                            remove.mutate({ connectionId: row.connectionId });
                        }}
                      >
                        Remove
                      </Button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {data && data.rows.length === 0 ? (
          <p className="py-3 text-slate-700">No connections to show.</p>
        ) : null}
      </div>
      <Pager
        label="Connection pages"
        page={page}
        pages={pages}
        totalText={data ? `${data.total} connections` : undefined}
        onPage={setPage}
      />
    </section>
  );
}
