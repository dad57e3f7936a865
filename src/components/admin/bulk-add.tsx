'use client';

import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextAreaField } from '@/components/ui/field';
import { csvAddresses } from '@/server/enterprise/csv';
import { useTRPC } from '@/trpc/react';

type Choice = 'learners' | 'tutors' | 'csv';

const PREVIEW_LABELS: Record<string, string> = {
  matched: 'Will be connected',
  already_connected: 'Already connected',
  no_mailbox: 'No mailbox',
  suspended: 'Suspended',
  not_in_directory: 'Not in the directory',
  not_a_member: 'Not a member',
  duplicate: 'Listed twice',
  malformed: 'Not an email address',
};

/** Each enterprise connection: its provider, its name, and its key in the overview. */
const PROVIDERS = [
  ['microsoft', 'Microsoft 365', 'microsoft'],
  ['google', 'Google Workspace', 'google'],
  ['ews_impersonation', 'Exchange Server', 'exchange'],
] as const;

type BulkProvider = (typeof PROVIDERS)[number][0];

/** Bulk add with an enterprise connection: choose, preview, run with live progress, report. */
export function BulkAdd() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const headingId = useId();
  const { data: overview } = useSuspenseQuery(trpc.enterprise.overview.queryOptions());
  const available = PROVIDERS.filter(([, , key]) => overview[key] !== null);
  const [picked, setPicked] = useState<BulkProvider | null>(null);
  const provider = picked ?? available[0]?.[0] ?? 'microsoft';
  const [choice, setChoice] = useState<Choice>('learners');
  const [csv, setCsv] = useState('');
  const selection = choice === 'csv' ? { kind: 'csv' as const, emails: csvAddresses(csv) } : { kind: choice };
  const preview = useMutation(trpc.enterprise.preview.mutationOptions());
  const latest = useQuery({
    ...trpc.enterprise.latestBulkRun.queryOptions(),
    // Live progress while a run is going.
    refetchInterval: (query) => (query.state.data?.status === 'running' ? 1000 : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.enterprise.latestBulkRun.queryKey() });
  const start = useMutation(trpc.enterprise.startBulk.mutationOptions({ onSuccess: refresh }));
  const cancel = useMutation(trpc.enterprise.cancelBulk.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.enterprise.resumeBulk.mutationOptions({ onSuccess: refresh }));
  const run = latest.data;
  const error = preview.error ?? start.error ?? cancel.error ?? resume.error;

  function downloadReport() {
    if (!run) return;
    const cell = (value: string | null) => `"${(value ?? '').replace(/"/g, '""')}"`;
    const text = [
      'email,name,outcome,reason',
      ...run.items.map((i) => [i.email, i.name, i.outcome, i.reason].map(cell).join(',')),
    ].join('\n');
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    link.download = `bulk-add-${run.id}.csv`;
    link.click();
  }

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={headingId} className="text-lg font-semibold">
        Bulk add calendars
      </h2>
      {error ? <Alert tone="error">{error.message}</Alert> : null}
      {available.length > 1 ? (
        <fieldset className="mt-3 space-y-2">
          <legend className="text-sm font-medium">Through</legend>
          {available.map(([value, label]) => (
            <label key={value} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="bulk-provider"
                value={value}
                checked={provider === value}
                onChange={() => setPicked(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
      ) : null}
      <fieldset className="mt-3 space-y-2">
        <legend className="text-sm font-medium">Whose calendars</legend>
        {(
          [
            ['learners', 'All learners'],
            ['tutors', 'All tutors'],
            ['csv', 'A list of email addresses (CSV)'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name="bulk-choice"
              value={value}
              checked={choice === value}
              onChange={() => setChoice(value)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      {choice === 'csv' ? (
        <div className="mt-3">
          <TextAreaField
            label="Email addresses, one per line (the first column of a CSV)"
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            rows={6}
          />
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label="Upload a CSV of email addresses"
            className="mt-2 text-sm"
            onChange={(e) => void e.target.files?.[0]?.text().then(setCsv)}
          />
        </div>
      ) : null}
      <div className="mt-3 flex gap-2">
        <Button
          variant="secondary"
          disabled={preview.isPending}
          onClick={() => preview.mutate({ provider, selection })}
        >
          {preview.isPending ? 'Matching…' : 'Preview'}
        </Button>
        <Button
          disabled={start.isPending || run?.status === 'running'}
          onClick={() => start.mutate({ provider, selection })}
        >
          Run bulk add
        </Button>
      </div>
      {preview.data ? (
        <table className="mt-4 w-full text-left text-sm">
          <caption className="text-left font-medium">Preview against the directory</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {preview.data.rows.map((row, index) => (
              <tr key={`${row.email}-${index}`}>
                <td>{row.email}</td>
                <td>{PREVIEW_LABELS[row.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {run ? (
        <div className="mt-5 space-y-2">
          <h3 className="font-semibold">Latest bulk add</h3>
          <progress className="w-full" max={run.total} value={run.done} aria-label="Bulk add progress" />
          <p role="status" className="text-sm">
            {run.done} of {run.total}
            {run.status === 'running'
              ? `${run.perMinute ? ` · ${Math.round(run.perMinute)} a minute` : ''}${run.secondsLeft !== null ? ` · about ${run.secondsLeft} s left` : ''}`
              : run.status === 'cancelled'
                ? ' · cancelled'
                : ' · finished'}
            {` · connected ${run.counts.connected}, skipped ${run.counts.skipped}, failed ${run.counts.failed}`}
          </p>
          <div className="flex gap-2">
            {run.status === 'running' ? (
              <Button variant="danger" onClick={() => cancel.mutate({ runId: run.id })}>
                Cancel
              </Button>
            ) : null}
            {run.status === 'cancelled' ? (
              <Button onClick={() => resume.mutate({ runId: run.id })}>Resume</Button>
            ) : null}
            <Button variant="secondary" onClick={downloadReport}>
              Download report (CSV)
            </Button>
          </div>
          <table className="w-full text-left text-sm">
            <caption className="text-left font-medium">Report</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {run.items.map((item, index) => (
                <tr key={`${item.email}-${index}`}>
                  <td>{item.email}</td>
                  <td>{item.outcome}</td>
                  <td>{item.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
