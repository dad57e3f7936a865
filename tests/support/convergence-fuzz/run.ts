/**
 * One randomized convergence run: the world it acts on, the model, how jobs are sent and drained,
 * and each operation handed to its applier (tandem-ops.ts: Tandem's side; calendar-ops.ts: people's
 * own calendar apps; faults.ts) — or, for pushes, syncs, faults and replays, done here. Syncs of
 * nothing new must tell nobody anything; at the end everything settles and the oracle judges.
 */
import { eq, inArray } from 'drizzle-orm';
import { expect } from 'vitest';
import { calendarConnections, meetings } from '@/server/db/schema';
import type { JobEvent } from '@/server/jobs/events';
import type { RunRecord } from '@/server/jobs/inline-driver';
import { getMeeting } from '@/server/meetings/queries';
import {
  buildWorldTenant,
  notificationCount,
  TENANT_KINDS,
  type ConnectedCalendar,
  type TenantKind,
  type WorldTenant,
} from '@/tests/support/convergence-world';
import type { DeliveryTestbed } from '@/tests/support/delivery-testbed';
import { applyAttendeeAction, applyOrganizerChange } from './calendar-ops';
import { clearFaults, injectFault } from './faults';
import { live, organizerSynced, type Model, type ModelMeeting, type PickAmong } from './model';
import type { Op } from './ops';
import { expectConverged, expectNoJobGaveUp } from './oracle';
import { applyOrganizerOccurrence, applyTandemOccurrence } from './series-ops';
import { applyCreate, applyTandemAnswer, applyTandemCancel, applyTandemChange } from './tandem-ops';

let runNumber = 0;

export class Run {
  constructor(readonly t: DeliveryTestbed) {}

  readonly model: Model = { meetings: [], unsynced: new Set() };
  readonly held: JobEvent[] = [];
  readonly tenants = new Map<TenantKind, WorldTenant>();
  private sent: JobEvent[] = [];
  echoChecks = 0;
  notificationChecks = 0;
  failedRuns = 0;
  applied = 0;
  /** The index of the operation being applied. */
  index = 0;

  /** Transient faults (and one expired token) never cost anyone their connection. */
  async connectionsStayActive() {
    const ids = [...this.tenants.values()].flatMap((tenant) =>
      tenant.calendars.map((calendar) => calendar.connectionId),
    );
    const rows = await this.t.database.db
      .select({
        id: calendarConnections.id,
        status: calendarConnections.status,
        provider: calendarConnections.provider,
      })
      .from(calendarConnections)
      .where(inArray(calendarConnections.id, ids));
    expect(
      rows.filter((row) => row.status !== 'active'),
      'connections lost to a transient fault',
    ).toEqual([]);
  }

  /** The live meeting an operation picks, its history noted. */
  pick(op: Op & { m: number }, among: PickAmong = 'single'): ModelMeeting | null {
    const meeting = live(this.model, op.m, among);
    meeting?.history.push(`${this.index}:${op.t}`);
    return meeting;
  }

  /** Job runs already looked at (the driver keeps only its latest runs: look after every operation). */
  private readonly runsSeen = new WeakSet<RunRecord>();

  /** The job runs that finished since the last look. */
  newRuns(): RunRecord[] {
    const fresh = this.t.driver.runs.filter((run) => !this.runsSeen.has(run));
    for (const run of fresh) this.runsSeen.add(run);
    return fresh;
  }

  async start() {
    runNumber += 1;
    this.newRuns();
    for (const kind of TENANT_KINDS)
      this.tenants.set(kind, await buildWorldTenant(this.t, kind, `run${runNumber}`));
    await this.t.driver.idle();
    for (const tenant of this.tenants.values()) await this.syncTenant(tenant);
  }

  tenant(kind: TenantKind): WorldTenant {
    const tenant = this.tenants.get(kind);
    if (!tenant) throw new Error(`no ${kind} tenant`);
    return tenant;
  }

  syncEvent(tenant: WorldTenant, calendar: ConnectedCalendar): JobEvent {
    return {
      name: 'tandem/calendar.sync-requested',
      data: {
        tenantId: tenant.tenantId,
        calendarId: calendar.calendarId,
        reason: 'push',
        connectionId: calendar.connectionId,
      },
    };
  }

  /**
   * Sends the events and waits for every run; returns the calendars whose sync gave up (its
   * retries used up by injected faults): the model must not count those as synced.
   */
  async dispatch(events: JobEvent[]): Promise<Set<string>> {
    for (const event of events) this.sent.push(event);
    const seen = new Set(this.t.driver.runs);
    await this.t.driver.send(events);
    await this.t.driver.idle();
    const failed = new Set<string>();
    for (const run of this.t.driver.runs) {
      if (seen.has(run) || run.status !== 'failed') continue;
      this.failedRuns += 1;
      const data = run.event.data as { calendarId?: unknown };
      if (run.event.name === 'tandem/calendar.sync-requested' && typeof data.calendarId === 'string')
        failed.add(data.calendarId);
    }
    return failed;
  }

  /** The organiser's calendar synced (unless its run gave up): their changes are the meeting's. */
  organizerSyncedUnless(tenant: WorldTenant, failed: Set<string>) {
    if (!failed.has(tenant.organizerCalendar.calendarId)) organizerSynced(this.model, tenant.kind);
  }

  async syncTenant(tenant: WorldTenant) {
    await this.dispatch(tenant.calendars.map((calendar) => this.syncEvent(tenant, calendar)));
    // A sync of an attendee's calendar can ask for one of the organiser's (and back): once more.
    const failed = await this.dispatch(tenant.calendars.map((calendar) => this.syncEvent(tenant, calendar)));
    this.organizerSyncedUnless(tenant, failed);
    this.model.unsynced.delete(tenant.kind);
    for (const meeting of this.model.meetings)
      if (meeting.tenant === tenant.kind) {
        meeting.unsyncedAnswers.clear();
        meeting.copyGivenBack.clear();
      }
  }

  /** Nothing is pending: syncing every calendar again changes no meeting and tells nobody. */
  async echoCheck(tenant: WorldTenant) {
    const before = await notificationCount(this.t, tenant.tenantId);
    const versions = await this.versions(tenant);
    await this.dispatch(tenant.calendars.map((calendar) => this.syncEvent(tenant, calendar)));
    expect(await notificationCount(this.t, tenant.tenantId), 'a sync of nothing new told someone').toBe(
      before,
    );
    expect(await this.versions(tenant), 'a sync of nothing new changed a meeting').toEqual(versions);
    this.echoChecks += 1;
  }

  /** Every meeting's version in one read (a getMeeting each grew with the run). */
  private async versions(tenant: WorldTenant) {
    const rows = await this.t.database.db
      .select({ id: meetings.id, version: meetings.version })
      .from(meetings)
      .where(eq(meetings.tenantId, tenant.tenantId));
    return Object.fromEntries(rows.map((row) => [row.id, row.version]));
  }

  async apply(op: Op): Promise<void> {
    switch (op.t) {
      case 'create':
        return applyCreate(this, op);
      case 'tandemMove':
      case 'tandemEdit':
      case 'tandemAttendees':
        return applyTandemChange(this, op);
      case 'tandemCancel':
        return applyTandemCancel(this, op);
      case 'tandemAnswer':
        return applyTandemAnswer(this, op);
      case 'tandemOccurrence':
        return applyTandemOccurrence(this, op);
      case 'organizerOccurrence':
        return applyOrganizerOccurrence(this, op);
      case 'organizerMove':
      case 'organizerEdit':
      case 'organizerDelete':
        return applyOrganizerChange(this, op);
      case 'attendeeAnswer':
      case 'attendeeDelete':
        return applyAttendeeAction(this, op);
      case 'push': {
        const tenant = this.tenant(op.tenant);
        const calendar = tenant.calendars[op.calendar]!;
        const event = this.syncEvent(tenant, calendar);
        if (op.mode === 'hold') {
          this.held.push(event);
          return;
        }
        const failed = await this.dispatch(op.mode === 'twice' ? [event, event] : [event]);
        if (calendar === tenant.organizerCalendar) this.organizerSyncedUnless(tenant, failed);
        this.applied += 1;
        return;
      }
      case 'releaseHeld': {
        // Late and out of order: the newest held push first.
        const held = this.held.splice(0).reverse();
        if (held.length === 0) return;
        const failed = await this.dispatch(held);
        for (const tenant of this.tenants.values()) {
          if (failed.has(tenant.organizerCalendar.calendarId)) continue;
          if (
            held.some(
              (event) =>
                'calendarId' in event.data && event.data.calendarId === tenant.organizerCalendar.calendarId,
            )
          )
            organizerSynced(this.model, tenant.kind);
        }
        this.applied += 1;
        return;
      }
      case 'syncTenant': {
        const tenant = this.tenant(op.tenant);
        await this.syncTenant(tenant);
        await this.echoCheck(tenant);
        this.applied += 1;
        return;
      }
      case 'fault': {
        // Radicale is a real server: nothing to inject there.
        if (op.tenant === 'caldav') return;
        injectFault(this.t, op);
        if (op.fault === 'token') {
          // The token expires just before the next push: Tandem's sync meets it (not a person's
          // request), refreshes and goes on. Two in a row would be a revoked grant instead.
          const tenant = this.tenant(op.tenant);
          this.organizerSyncedUnless(
            tenant,
            await this.dispatch([this.syncEvent(tenant, tenant.organizerCalendar)]),
          );
        }
        this.applied += 1;
        return;
      }
      case 'replayDelivery': {
        const meeting = this.pick(op, 'any');
        if (!meeting) return;
        const tenant = this.tenant(meeting.tenant);
        const current = await getMeeting(this.t.database.db, tenant.tutor, meeting.id);
        // Inngest delivers at least once: the same event again, and a stale one after it.
        const versions = [current.version, Math.max(1, current.version - 1)];
        await this.dispatch(
          versions.map((version) => ({
            name: 'tandem/meeting.changed' as const,
            data: { tenantId: tenant.tenantId, meetingId: meeting.id, version },
          })),
        );
        this.applied += 1;
        return;
      }
    }
  }
  async settle() {
    // Faults left over are cleared: the end state is judged without them.
    await clearFaults(this.t);
    await this.dispatch(this.held.splice(0));
    for (const tenant of this.tenants.values()) await this.syncTenant(tenant);
    for (const tenant of this.tenants.values()) await this.syncTenant(tenant);
  }
}

export async function runOps(t: DeliveryTestbed, ops: Op[]): Promise<Run> {
  const run = new Run(t);
  await run.start();
  for (const [index, op] of ops.entries()) {
    try {
      run.index = index;
      await run.apply(op);
      await run.connectionsStayActive();
      expectNoJobGaveUp(run.newRuns());
    } catch (error) {
      throw new Error(`op ${index} ${JSON.stringify(op)} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  await run.settle();
  expectNoJobGaveUp(run.newRuns());
  await expectConverged(t, run.model, run.tenants);
  return run;
}
