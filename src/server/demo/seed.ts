import { DateTime } from 'luxon';
import { hashPassword } from '@/server/auth/passwords';
import type { Database } from '@/server/db/client';
import { createMeeting } from '@/server/meetings/schedule';
import { respondToMeeting } from '@/server/meetings/responses';
import { createTask } from '@/server/tasks/tasks';
import { findActor, type Actor } from '@/server/tenants/actor';
import { findTenantIdBySlug, provisionTenant, type TenantSpec } from '@/server/tenants/provisioning';
import { wallTimeToInstant } from '@/server/time/zones';
import { DEMO_PASSWORD, NORTHBRIDGE_ACCOUNTS, RIVERSIDE_ACCOUNTS, type DemoAccount } from './accounts';

type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
type Answer = 'accepted' | 'declined' | 'tentative' | null;

interface MeetingPlan {
  organizer: string;
  title: string;
  kind: 'meeting' | 'review';
  weekday: Weekday;
  start: string;
  minutes: number;
  invitees: Record<string, Answer>;
  location?: string;
  onlineUrl?: string;
}

interface TaskPlan {
  owner: string;
  title: string;
  weekday: Weekday;
  time: string;
}

const NORTHBRIDGE_MEETINGS: MeetingPlan[] = [
  {
    organizer: 'tutor1',
    title: 'Weekly check-in',
    kind: 'meeting',
    weekday: 2,
    start: '10:00',
    minutes: 45,
    invitees: { learner1: 'accepted' },
    location: 'Room 2, Northbridge Centre',
  },
  {
    organizer: 'tutor1',
    title: 'CV workshop review',
    kind: 'review',
    weekday: 3,
    start: '14:00',
    minutes: 60,
    invitees: { learner2: 'accepted', learner3: 'tentative' },
    onlineUrl: 'https://meet.example.org/cv-workshop',
  },
  {
    organizer: 'tutor2',
    title: 'Interview practice',
    kind: 'meeting',
    weekday: 4,
    start: '15:00',
    minutes: 60,
    invitees: { learner4: null },
    onlineUrl: 'https://meet.example.org/interview-practice',
  },
  {
    organizer: 'tutor2',
    title: 'Progress review',
    kind: 'review',
    weekday: 5,
    start: '09:30',
    minutes: 30,
    invitees: { learner5: 'declined', learner6: null },
  },
];

const NORTHBRIDGE_TASKS: TaskPlan[] = [
  { owner: 'admin', title: 'Review calendar integration settings', weekday: 1, time: '11:00' },
  { owner: 'tutor1', title: 'Mark portfolio assignments', weekday: 1, time: '09:00' },
  { owner: 'tutor1', title: 'Prepare CV workshop notes', weekday: 3, time: '11:30' },
  { owner: 'tutor2', title: 'Write progress reports', weekday: 4, time: '10:00' },
  ...['learner1', 'learner2', 'learner3', 'learner4', 'learner5', 'learner6'].flatMap((learner) => [
    { owner: learner, title: 'Update my CV', weekday: 1 as Weekday, time: '12:00' },
    { owner: learner, title: 'Apply for two roles', weekday: 4 as Weekday, time: '16:00' },
  ]),
];

const RIVERSIDE_MEETINGS: MeetingPlan[] = [
  {
    organizer: 'tutor',
    title: 'Induction session',
    kind: 'meeting',
    weekday: 2,
    start: '11:00',
    minutes: 60,
    invitees: { learner1: 'accepted', learner2: null },
  },
];
const RIVERSIDE_TASKS: TaskPlan[] = [
  { owner: 'learner1', title: 'Read the course handbook', weekday: 3, time: '10:00' },
];

/** Seeds the two demo tenants once; running it again leaves existing data alone. */
export async function seedDemoData(db: Database, now: Date): Promise<{ created: string[] }> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const created: string[] = [];
  const tenants = [
    {
      name: 'Northbridge Training',
      slug: 'northbridge',
      domain: 'northbridge.test',
      accounts: NORTHBRIDGE_ACCOUNTS,
      meetings: NORTHBRIDGE_MEETINGS,
      tasks: NORTHBRIDGE_TASKS,
    },
    {
      name: 'Riverside Skills',
      slug: 'riverside',
      domain: 'riverside.test',
      accounts: RIVERSIDE_ACCOUNTS,
      meetings: RIVERSIDE_MEETINGS,
      tasks: RIVERSIDE_TASKS,
    },
  ];
  for (const tenant of tenants) {
    if (await findTenantIdBySlug(db, tenant.slug)) continue;
    const spec: TenantSpec = {
      name: tenant.name,
      slug: tenant.slug,
      // On from the start: `npm run demo` connects the demo people's emulated calendars.
      calendarIntegrationEnabled: true,
      members: tenant.accounts.map((account) => memberSpec(account, passwordHash)),
    };
    const { tenantId, userIds } = await provisionTenant(db, spec);
    const actorFor = async (handle: string): Promise<Actor> => {
      const userId = userIds.get(`${handle}@${tenant.domain}`);
      const actor = userId ? await findActor(db, { userId, tenantId }) : null;
      if (!actor) throw new Error(`demo account ${handle}@${tenant.domain} is missing`);
      return actor;
    };
    for (const weekOffset of [0, 1]) {
      for (const plan of tenant.meetings)
        await seedMeeting(db, now, weekOffset, plan, actorFor, userIds, tenant.domain);
      for (const plan of tenant.tasks) {
        const owner = await actorFor(plan.owner);
        await createTask(db, owner, {
          title: plan.title,
          notes: null,
          dueAt: onWeekday(now, weekOffset, plan.weekday, plan.time, owner.timeZone),
          durationMinutes: 30,
        });
      }
    }
    created.push(tenant.name);
  }
  return { created };
}

async function seedMeeting(
  db: Database,
  now: Date,
  weekOffset: number,
  plan: MeetingPlan,
  actorFor: (handle: string) => Promise<Actor>,
  userIds: Map<string, string>,
  domain: string,
): Promise<void> {
  const organizer = await actorFor(plan.organizer);
  const startsAt = onWeekday(now, weekOffset, plan.weekday, plan.start, organizer.timeZone);
  // Seeded meetings are history from before anyone connected a calendar: nothing to deliver.
  const seeding = { db, now: () => now, jobs: { send: async () => {} } };
  const meeting = await createMeeting(seeding, organizer, {
    kind: plan.kind,
    title: plan.title,
    description: `${plan.title} with your tutor.`,
    location: plan.location ?? null,
    onlineUrl: plan.onlineUrl ?? null,
    startsAt,
    endsAt: new Date(startsAt.getTime() + plan.minutes * 60_000),
    timeZone: organizer.timeZone,
    attendeeUserIds: Object.keys(plan.invitees).map((handle) => userIds.get(`${handle}@${domain}`) ?? handle),
    guests: [],
  });
  // Next week's invitations are still waiting for answers.
  if (weekOffset > 0) return;
  for (const [handle, answer] of Object.entries(plan.invitees)) {
    if (!answer) continue;
    await respondToMeeting(db, await actorFor(handle), { id: meeting.id, response: answer }, now);
  }
}

/** A wall time on a weekday of this week (offset 0) or a later one, in the person's zone. */
function onWeekday(now: Date, weekOffset: number, weekday: Weekday, time: string, zone: string): Date {
  const monday = DateTime.fromJSDate(now, { zone }).startOf('week').plus({ weeks: weekOffset });
  const date = monday.plus({ days: weekday - 1 }).toISODate() ?? '';
  return wallTimeToInstant(date, time, zone);
}

function memberSpec(account: DemoAccount, passwordHash: string) {
  return {
    email: account.email,
    name: account.name,
    role: account.role,
    permissions: account.manageTenantSettings ? (['manage_tenant_settings'] as const).slice() : [],
    timeZone: account.timeZone,
    ...(account.workingHours ? { workingHours: account.workingHours } : {}),
    passwordHash,
  };
}
