import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/server/db/client';
import { memberships, users, type BulkSelection } from '@/server/db/schema';

/**
 * Who a bulk add is for: all learners, all tutors, picked members, or a CSV of addresses. Each
 * line of a CSV gets its own verdict, so an admin sees exactly what happens to every row.
 */

export interface ChosenMember {
  userId: string;
  email: string;
  name: string | null;
}

export type RejectedRow = { email: string; reason: 'malformed' | 'duplicate' | 'not_a_member' };

const emailSchema = z.email();

export { csvAddresses } from './csv';

export async function chooseMembers(
  db: Executor,
  tenantId: string,
  selection: BulkSelection,
): Promise<{ members: ChosenMember[]; rejected: RejectedRow[] }> {
  const columns = { userId: users.id, email: users.email, name: users.name };
  const inTenant = eq(memberships.tenantId, tenantId);
  const base = () => db.select(columns).from(memberships).innerJoin(users, eq(users.id, memberships.userId));
  if (selection.kind === 'learners' || selection.kind === 'tutors') {
    const role = selection.kind === 'learners' ? 'learner' : 'tutor';
    const rows = await base().where(and(inTenant, eq(memberships.role, role)));
    return { members: sortByEmail(rows), rejected: [] };
  }
  if (selection.kind === 'picked') {
    const ids = [...new Set(selection.userIds)];
    const rows = ids.length === 0 ? [] : await base().where(and(inTenant, inArray(users.id, ids)));
    return { members: sortByEmail(rows), rejected: [] };
  }
  const rejected: RejectedRow[] = [];
  const wanted: string[] = [];
  const seen = new Set<string>();
  for (const raw of selection.emails) {
    const email = raw.trim().toLowerCase();
    if (!emailSchema.safeParse(email).success) rejected.push({ email: raw.trim(), reason: 'malformed' });
    else if (seen.has(email)) rejected.push({ email, reason: 'duplicate' });
    else {
      seen.add(email);
      wanted.push(email);
    }
  }
  const rows = wanted.length === 0 ? [] : await base().where(and(inTenant, inArray(users.email, wanted)));
  const found = new Set(rows.map((row) => row.email.toLowerCase()));
  // Addresses of other organisations' members are "not a member" here, like unknown ones: nothing leaks.
  for (const email of wanted) if (!found.has(email)) rejected.push({ email, reason: 'not_a_member' });
  return { members: sortByEmail(rows), rejected };
}

function sortByEmail(rows: ChosenMember[]): ChosenMember[] {
  return rows
    .map((row) => ({ ...row, email: row.email.toLowerCase() }))
    .sort((a, b) => a.email.localeCompare(b.email));
}
