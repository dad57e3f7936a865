'use client';

import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { pageCount, Pager, usePagedFilters } from '@/components/ui/pager';
import { AUDIT_ACTIONS, type AuditAction } from '@/server/audit/actions';
import { useTRPC } from '@/trpc/react';
import { ColumnHeads } from '@/components/ui/column-heads';

export const AUDIT_ACTION_WORDS: Record<AuditAction, string> = {
  'calendar.create': 'Meeting written to a calendar',
  'calendar.update': 'Meeting updated in a calendar',
  'calendar.cancel': 'Meeting cancelled in a calendar',
  'calendar.answer': 'Answer written to a calendar',
  'integration.enabled': 'Calendar integration turned on',
  'integration.disabled': 'Calendar integration turned off',
  'providers.changed': 'Allowed providers changed',
  'unanswered_invitations.changed': 'Unanswered invitations setting changed',
  'connection.removed': 'Connection removed by an admin',
  'connection.sync_requested': 'Sync requested by an admin',
  'connection.reconnect_requested': 'Member asked to reconnect',
  'enterprise.configured': 'Enterprise connection set up',
  'enterprise.removed': 'Enterprise connection removed',
  'enterprise.consent': 'Microsoft 365 admin consent',
  'bulk_run.started': 'Bulk add started',
  'bulk_run.cancelled': 'Bulk add cancelled',
  'bulk_run.resumed': 'Bulk add resumed',
  'bulk_run.finished': 'Bulk add finished',
};

interface Filters {
  personId?: string;
  action?: AuditAction;
  from?: string;
  to?: string;
}

function when(value: Date): string {
  return value.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The tenant's audit log: read, filter, page and download; nothing here can change it. */
export function AuditLogView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const { filters, setFilters, page, setPage } = usePagedFilters<Filters>({});
  const [exportError, setExportError] = useState<string | null>(null);
  const people = useQuery(trpc.auditLog.people.queryOptions());
  const list = useQuery({
    ...trpc.auditLog.list.queryOptions({ filters, page }),
    placeholderData: keepPreviousData,
  });
  const change = (next: Filters) =>
    setFilters(Object.fromEntries(Object.entries(next).filter(([, value]) => value)) as Filters);
  const download = async () => {
    setExportError(null);
    try {
      const file = await queryClient.fetchQuery(
        trpc.auditLog.exportCsv.queryOptions(filters, { staleTime: 0 }),
      );
      const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.filename;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : 'The export failed.');
    }
  };
  const data = list.data;
  const pages = pageCount(data);

  return (
    <section aria-labelledby={headingId} className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={headingId} className="text-lg font-semibold">
        Audit log
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Every write Tandem makes to someone&rsquo;s calendar and every admin action, with its result. It
        cannot be edited.
      </p>
      <div className="mt-3 grid gap-3 sm:grid-cols-4">
        <SelectField
          label="Person"
          value={filters.personId ?? ''}
          onChange={(event) => change({ ...filters, personId: event.target.value })}
        >
          <option value="">Anyone</option>
          {people.data?.map((person) => (
            <option key={person.userId} value={person.userId}>
              {person.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Action"
          value={filters.action ?? ''}
          onChange={(event) =>
            change({ ...filters, action: (event.target.value || undefined) as AuditAction })
          }
        >
          <option value="">Any action</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {AUDIT_ACTION_WORDS[action]}
            </option>
          ))}
        </SelectField>
        <TextField
          label="From"
          type="date"
          value={filters.from ?? ''}
          onChange={(event) => change({ ...filters, from: event.target.value })}
        />
        <TextField
          label="To"
          type="date"
          value={filters.to ?? ''}
          onChange={(event) => change({ ...filters, to: event.target.value })}
        />
      </div>
      <div className="mt-3">
        <Button variant="secondary" onClick={() => void download()}>
          Download CSV
        </Button>
      </div>
      {exportError ? <Alert tone="error">{exportError}</Alert> : null}
      {list.error ? <Alert tone="error">{list.error.message}</Alert> : null}
      <div className="mt-3 overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">
            Audit log, newest first, page {page} of {pages}
          </caption>
          <ColumnHeads names={['When', 'Who', 'What', 'Person', 'Meeting', 'Calendar or target', 'Result']} />
          <tbody>
            {data?.entries.map((entry) => (
              <tr key={entry.id} className="border-b border-slate-100 align-top">
                <td className="py-2 pr-3">{when(entry.at)}</td>
                <td className="py-2 pr-3">{entry.actor?.name ?? 'Tandem'}</td>
                <td className="py-2 pr-3">{AUDIT_ACTION_WORDS[entry.action] ?? entry.action}</td>
                <td className="py-2 pr-3">{entry.person?.name ?? ''}</td>
                <td className="py-2 pr-3">
                  {entry.meeting
                    ? entry.meeting.startsAt
                      ? `Meeting on ${when(entry.meeting.startsAt)}`
                      : 'A deleted meeting'
                    : ''}
                </td>
                <td className="py-2 pr-3">{entry.target ?? ''}</td>
                <td className="py-2 pr-3">
                  {entry.result === 'ok' ? 'Done' : 'Failed'}
                  {entry.reason ? `: ${entry.reason}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.entries.length === 0 ? <p className="py-3 text-slate-700">No entries.</p> : null}
      </div>
      <Pager
        label="Audit log pages"
        page={page}
        pages={pages}
        totalText={data ? `${data.total} entries` : undefined}
        onPage={setPage}
      />
    </section>
  );
}
