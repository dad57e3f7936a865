/**
 * The world the randomized convergence test acts on: two tenants on the delivery testbed (the
 * Google and Microsoft emulators, a real Radicale), each with an organiser and two learners whose
 * own calendars are connected — one on the organiser's provider (it invites them), one on a plain
 * CalDAV calendar (Tandem places their copy) — and a third tenant whose tutor is on plain CalDAV
 * too (Tandem the organiser of record, both learners' copies placed by Tandem). It gives the test the people, their calendars, the
 * real adapters to act as each person in their own calendar, and reads of every copy.
 */
import { and, eq } from 'drizzle-orm';
import { calendarConnections, calendars, meetingLinks, notifications } from '@/server/db/schema';
import type { CalendarProvider, ProviderEvent } from '@/server/providers/types';
import type { Actor } from '@/server/tenants/actor';
import {
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  RADICALE_USERS,
  type CalendarKind,
  type DeliveryTestbed,
} from './delivery-testbed';

export const LEARNERS = ['learner', 'other'] as const;
export type LearnerRole = (typeof LEARNERS)[number];
/** `caldav`: a tutor on plain CalDAV (Radicale), Tandem the organiser of record, placing both learners' copies. */
export const TENANT_KINDS = ['google', 'microsoft', 'caldav'] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

export interface ConnectedCalendar {
  kind: CalendarKind;
  calendarId: string;
  connectionId: string;
  provider: CalendarProvider;
  externalCalendarId: string;
}

export interface WorldTenant {
  kind: TenantKind;
  tenantId: string;
  tutor: Actor;
  learners: Record<LearnerRole, Actor>;
  organizerCalendar: ConnectedCalendar;
  learnerCalendars: Record<LearnerRole, ConnectedCalendar>;
  /** Every calendar of the tenant, organiser's first. */
  calendars: ConnectedCalendar[];
}

/** Who is connected where: same-provider learners are invited by the provider, CalDAV ones get Tandem's copy. */
const ACCOUNTS: Record<TenantKind, { tutor: string; learner: string; other: string }> = {
  google: {
    tutor: GOOGLE_ACCOUNTS.organizer,
    learner: GOOGLE_ACCOUNTS.attendee,
    other: RADICALE_USERS[0].address,
  },
  microsoft: {
    tutor: MICROSOFT_ACCOUNTS.organizer,
    learner: MICROSOFT_ACCOUNTS.attendee,
    other: RADICALE_USERS[1].address,
  },
  caldav: {
    tutor: RADICALE_USERS[2].address,
    learner: RADICALE_USERS[1].address,
    other: RADICALE_USERS[0].address,
  },
};

/** The kind of calendar each role of a tenant uses. */
export function learnerCalendarKind(tenant: TenantKind, who: LearnerRole): CalendarKind {
  return who === 'other' ? 'caldav' : tenant;
}

async function connected(
  t: DeliveryTestbed,
  member: Actor,
  kind: CalendarKind,
  account: string,
): Promise<ConnectedCalendar> {
  const { calendarId, connectionId } = await t.connect(member, kind, account);
  const [row] = await t.database.db
    .select({ connection: calendarConnections, externalId: calendars.externalId })
    .from(calendars)
    .innerJoin(calendarConnections, eq(calendarConnections.id, calendars.connectionId))
    .where(eq(calendars.id, calendarId));
  if (!row) throw new Error('no such calendar');
  const provider = await t.registry.forConnection(t.database.db, row.connection);
  return { kind, calendarId, connectionId, provider, externalCalendarId: row.externalId };
}

export async function buildWorldTenant(
  t: DeliveryTestbed,
  kind: TenantKind,
  label: string,
): Promise<WorldTenant> {
  const tenant = await t.freshTenant(`${label}-${kind}`);
  const accounts = ACCOUNTS[kind];
  const organizerCalendar = await connected(t, tenant.tutor, kind, accounts.tutor);
  const learnerCalendars = {
    learner: await connected(t, tenant.learner, learnerCalendarKind(kind, 'learner'), accounts.learner),
    other: await connected(t, tenant.otherLearner, learnerCalendarKind(kind, 'other'), accounts.other),
  };
  return {
    kind,
    tenantId: tenant.tenantId,
    tutor: tenant.tutor,
    learners: { learner: tenant.learner, other: tenant.otherLearner },
    organizerCalendar,
    learnerCalendars,
    calendars: [organizerCalendar, learnerCalendars.learner, learnerCalendars.other],
  };
}

/** The external id of the meeting's copy in that calendar, as delivery and sync linked it. */
export async function linkedCopyId(
  t: DeliveryTestbed,
  meetingId: string,
  calendarId: string,
): Promise<string | null> {
  const rows = await t.database.db
    .select({ externalId: meetingLinks.externalId })
    .from(meetingLinks)
    .where(and(eq(meetingLinks.meetingId, meetingId), eq(meetingLinks.calendarId, calendarId)));
  return rows.find((row) => row.externalId)?.externalId ?? null;
}

/** Live (not cancelled) events of a calendar in the window the test uses. */
export async function liveEvents(calendar: ConnectedCalendar): Promise<ProviderEvent[]> {
  const DAY = 86_400_000;
  const events = await calendar.provider.readEvents(calendar.externalCalendarId, {
    start: new Date(Date.now() - DAY),
    end: new Date(Date.now() + 90 * DAY),
  });
  return events.filter((event) => event.status !== 'cancelled');
}

/**
 * The UIDs the meeting goes by: Tandem's own, and the one a provider gave the organiser's copy
 * (Graph assigns its own iCalUId; the attendees' copies carry that one), as the links recorded.
 */
export async function meetingUids(
  t: DeliveryTestbed,
  meetingId: string,
  icalUid: string,
): Promise<Set<string>> {
  const rows = await t.database.db
    .select({ icalUid: meetingLinks.icalUid })
    .from(meetingLinks)
    .where(eq(meetingLinks.meetingId, meetingId));
  return new Set([icalUid, ...rows.flatMap((row) => (row.icalUid ? [row.icalUid] : []))]);
}

/** Copies of the meeting among a calendar's events: by our tag, else by UID. */
export function copiesOf(events: ProviderEvent[], meetingId: string, uids: Set<string>): ProviderEvent[] {
  return events.filter(
    (event) => event.tandemMeetingId === meetingId || (event.iCalUid !== null && uids.has(event.iCalUid)),
  );
}

export async function notificationCount(t: DeliveryTestbed, tenantId: string): Promise<number> {
  const rows = await t.database.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(eq(notifications.tenantId, tenantId));
  return rows.length;
}

export async function notificationKinds(t: DeliveryTestbed, tenantId: string) {
  return t.database.db
    .select({ kind: notifications.kind, userId: notifications.userId, payload: notifications.payload })
    .from(notifications)
    .where(eq(notifications.tenantId, tenantId));
}

/** Provider calls so far, all emulators (Radicale is a real server and counts nothing). */
export function providerCalls(t: DeliveryTestbed): number {
  return t.google.emulator.control.requestCounts().total + t.microsoft.emulator.control.snapshot().total;
}
