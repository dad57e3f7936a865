import { and, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '@/server/app-deps/types';
import { calendarConnections, type BulkSelection, type EnterpriseProvider } from '@/server/db/schema';
import { CalendarServiceUnavailableError, NotFoundError } from '@/server/errors';
import { CONNECTION_PROVIDER_OF } from './connection-provider';
import { explainEnterpriseFailure } from './test-access';
import { chooseMembers } from './selection';
import { findEnterpriseRow, openEnterpriseApp, type EnterpriseRow } from './secrets';

/** What bulk add will do for one row, matched against the directory. */
export type PreviewStatus =
  | 'matched'
  | 'already_connected'
  | 'no_mailbox'
  | 'suspended'
  | 'not_in_directory'
  | 'not_a_member'
  | 'duplicate'
  | 'malformed';

export interface PreviewRow {
  userId: string | null;
  email: string;
  name: string | null;
  status: PreviewStatus;
}

export const PREVIEW_WORDS: Record<PreviewStatus, string> = {
  matched: 'will be connected',
  already_connected: 'already connected',
  no_mailbox: 'no mailbox in the directory',
  suspended: 'suspended in the directory',
  not_in_directory: 'not found in the directory',
  not_a_member: 'not a member of this organisation',
  duplicate: 'listed twice',
  malformed: 'not an email address',
};

export interface Preview {
  rows: PreviewRow[];
  counts: Record<PreviewStatus, number>;
  /** Provider calls the directory listing took. */
  directoryCalls: number;
}

type PreviewDeps = Pick<AppDeps, 'db' | 'keyRing' | 'enterprise'>;

export async function requireEnterpriseRow(
  deps: Pick<AppDeps, 'db'>,
  tenantId: string,
  provider: EnterpriseProvider,
): Promise<EnterpriseRow> {
  const row = await findEnterpriseRow(deps.db, tenantId, { provider });
  if (!row) throw new NotFoundError('Set up the enterprise connection first.');
  return row;
}

export async function previewBulkAdd(
  deps: PreviewDeps,
  tenantId: string,
  input: { provider: EnterpriseProvider; selection: BulkSelection },
): Promise<Preview & { enterprise: EnterpriseRow }> {
  const enterprise = await requireEnterpriseRow(deps, tenantId, input.provider);
  const { members, rejected } = await chooseMembers(deps.db, tenantId, input.selection);
  // Nobody chosen (a CSV of rejected rows only): nothing to match, no directory call.
  const directory =
    members.length === 0
      ? { users: [], calls: 0 }
      : await deps.enterprise
          // Exchange lists no directory: it is asked about the chosen people only.
          .directory(openEnterpriseApp(deps.keyRing(), enterprise), {
            candidates: members.map((member) => member.email),
          })
          .catch((error: unknown) => {
            throw new CalendarServiceUnavailableError(
              `Could not read the directory: ${explainEnterpriseFailure(enterprise.provider, error, {
                directory: enterprise.domain,
                address: '',
                serviceAccount: enterprise.clientId,
              })}`,
            );
          });
  const byEmail = new Map(directory.users.map((user) => [user.email, user]));
  const connected = new Set(
    members.length === 0
      ? []
      : (
          await deps.db
            .select({ userId: calendarConnections.userId, accountEmail: calendarConnections.accountEmail })
            .from(calendarConnections)
            .where(
              and(
                eq(calendarConnections.tenantId, tenantId),
                eq(calendarConnections.provider, CONNECTION_PROVIDER_OF[input.provider]),
                inArray(
                  calendarConnections.userId,
                  members.map((member) => member.userId),
                ),
              ),
            )
        ).map((row) => `${row.userId}\n${row.accountEmail.toLowerCase()}`),
  );
  const rows: PreviewRow[] = members.map((member) => {
    const user = byEmail.get(member.email);
    const status: PreviewStatus = !user
      ? 'not_in_directory'
      : connected.has(`${member.userId}\n${member.email}`)
        ? 'already_connected'
        : user.suspended
          ? 'suspended'
          : !user.hasMailbox
            ? 'no_mailbox'
            : 'matched';
    return { ...member, status };
  });
  for (const row of rejected) rows.push({ userId: null, email: row.email, name: null, status: row.reason });
  const counts = Object.fromEntries(Object.keys(PREVIEW_WORDS).map((key) => [key, 0])) as Record<
    PreviewStatus,
    number
  >;
  for (const row of rows) counts[row.status] += 1;
  return { rows, counts, directoryCalls: directory.calls, enterprise };
}
