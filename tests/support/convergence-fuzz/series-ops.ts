/**
 * The occurrence operations of the randomized convergence run (issue 12: occurrence exceptions):
 * in Tandem, one occurrence or "this and following" moved, retitled or cancelled through the
 * scheduling service's scoped changes; in the organiser's own calendar, one instance moved or
 * cancelled through the real adapter (a Google instance, a Graph occurrence, a CalDAV override or
 * EXDATE). Each updates the model (series-model.ts) and checks who Tandem told.
 */
import type { OccurrenceScopeInput } from '@/server/meetings/inputs';
import { getMeeting } from '@/server/meetings/queries';
import { cancelMeeting, updateMeeting } from '@/server/meetings/schedule';
import type { ProviderEvent } from '@/server/providers/types';
import { LEARNERS, linkedCopyId, liveEvents, type WorldTenant } from '@/tests/support/convergence-world';
import { rewrite } from '@/tests/support/organizer-calendar';
import { asPerson } from './calendar-ops';
import type { ModelMeeting } from './model';
import { HOUR, type Op } from './ops';
import type { Run } from './run';
import {
  occurrenceAt,
  SERIES_ZONE,
  shiftedWallClock,
  weeklyStarts,
  type ModelOccurrence,
} from './series-model';
import { expectTold, toldAbout } from './told';

type TandemOccurrenceOp = Extract<Op, { t: 'tandemOccurrence' }>;
type OrganizerOccurrenceOp = Extract<Op, { t: 'organizerOccurrence' }>;

/** The original start an operation picks among the series' scheduled occurrences (`from` on). */
function pickOccurrence(
  meeting: ModelMeeting,
  o: number,
  options: { withPending: boolean; from: number },
): number | null {
  const candidates = meeting
    .series!.starts.slice(options.from)
    .filter((original) => occurrenceAt(meeting, original, options).status === 'scheduled');
  return candidates.length === 0 ? null : candidates[o % candidates.length]!;
}

function attendeeLabels(tenant: WorldTenant, meeting: ModelMeeting, kind: string): string[] {
  return LEARNERS.filter((who) => meeting.attendees.has(who)).map((who) => `${who}:${kind}`);
}

/** One occurrence, or it and every later one, changed in Tandem. */
export async function applyTandemOccurrence(run: Run, op: TandemOccurrenceOp): Promise<void> {
  const meeting = run.pick(op, 'series');
  // Over an unsynced deletion of the series in the calendar: not modelled (as for single meetings).
  if (!meeting?.series || meeting.pending) return;
  const series = meeting.series;
  // "This and following" from the first occurrence is the whole series: from the second on.
  const following = op.scope === 'following';
  // A split over the organiser's unsynced instance changes is not modelled (which survives the
  // master's new UNTIL is the provider's business); one occurrence over one is: Tandem's is later.
  if (following && series.pending.size > 0) return;
  const original = pickOccurrence(meeting, op.o, { withPending: false, from: following ? 1 : 0 });
  if (original === null) return;
  const tenant = run.tenant(meeting.tenant);
  const current = await getMeeting(run.t.database.db, tenant.tutor, meeting.id);
  const occurrence: OccurrenceScopeInput = { scope: op.scope, originalStartsAt: new Date(original) };
  const told = await toldAbout(run, tenant, meeting.id);
  const now = occurrenceAt(meeting, original);
  const everyone = (kind: string) => attendeeLabels(tenant, meeting, kind);
  if (!following) {
    let next: ModelOccurrence;
    let expected: string[];
    if (op.change === 'cancel') {
      await cancelMeeting(run.t.schedule, tenant.tutor, meeting.id, occurrence);
      next = { ...now, status: 'cancelled' };
      expected = everyone('meeting_cancelled');
    } else if (op.change === 'move') {
      const startsAt = now.startsAt + op.hours * HOUR;
      const endsAt = now.endsAt + op.hours * HOUR;
      await updateMeeting(run.t.schedule, tenant.tutor, {
        id: meeting.id,
        version: current.version,
        startsAt: new Date(startsAt),
        endsAt: new Date(endsAt),
        occurrence,
      });
      next = { ...now, startsAt, endsAt };
      expected = everyone('meeting_updated');
    } else {
      const title = `Tandem ${op.n}`;
      await updateMeeting(run.t.schedule, tenant.tutor, {
        id: meeting.id,
        version: current.version,
        title,
        occurrence,
      });
      next = { ...now, title: title === meeting.fields.title ? null : title };
      // Nothing changed: nobody is told.
      expected = (now.title ?? meeting.fields.title) === title ? [] : everyone('meeting_updated');
    }
    series.exceptions.set(original, next);
    // Tandem's change is the later one: the organiser's unsynced change of it is overwritten.
    series.pending.delete(original);
    await run.t.driver.idle();
    await expectTold(run, tenant, meeting, told, expected);
    run.applied += 1;
    return;
  }

  const index = series.starts.indexOf(original);
  const kept = series.starts.slice(0, index);
  const carried = series.starts.slice(index);
  const later = [...series.exceptions].filter(([start]) => start >= original);
  if (op.change === 'cancel') {
    await cancelMeeting(run.t.schedule, tenant.tutor, meeting.id, occurrence);
    series.starts = kept;
    for (const [start] of later) series.exceptions.delete(start);
    await run.t.driver.idle();
    await expectTold(run, tenant, meeting, told, everyone('meeting_cancelled'));
    run.applied += 1;
    return;
  }
  const length = meeting.fields.endsAt - meeting.fields.startsAt;
  const input =
    op.change === 'move'
      ? { startsAt: new Date(now.startsAt + op.hours * HOUR), endsAt: new Date(now.endsAt + op.hours * HOUR) }
      : { title: `Tandem ${op.n}` };
  const continuation = await updateMeeting(run.t.schedule, tenant.tutor, {
    id: meeting.id,
    version: current.version,
    ...input,
    occurrence,
  });
  // The rest carries on as a new meeting, moved as the occurrence was (wall-clock, series-model.ts).
  const startsAt =
    op.change === 'move'
      ? shiftedWallClock(original, now.startsAt, now.startsAt + op.hours * HOUR)
      : original;
  const endsAt =
    op.change === 'move'
      ? shiftedWallClock(original + length, now.endsAt, now.endsAt + op.hours * HOUR)
      : original + length;
  const title = op.change === 'edit' ? `Tandem ${op.n}` : meeting.fields.title;
  const starts = weeklyStarts(startsAt, carried.length);
  const exceptions = new Map<number, ModelOccurrence>();
  for (const [start, exception] of later) {
    const moved = shiftedWallClock(start, original, startsAt);
    const followedSeries = exception.startsAt === start && exception.endsAt - exception.startsAt === length;
    // The occurrence dragged lands where it was dragged; the others that followed the series follow it.
    const at =
      start === original && op.change === 'move'
        ? { startsAt: now.startsAt + op.hours * HOUR, endsAt: now.endsAt + op.hours * HOUR }
        : followedSeries
          ? { startsAt: moved, endsAt: moved + (endsAt - startsAt) }
          : { startsAt: exception.startsAt, endsAt: exception.endsAt };
    exceptions.set(moved, { ...exception, ...at });
    series.exceptions.delete(start);
  }
  series.starts = kept;
  run.model.meetings.push({
    id: continuation.id,
    icalUid: continuation.icalUid,
    tenant: meeting.tenant,
    fields: { title, location: meeting.fields.location, startsAt, endsAt },
    status: 'scheduled',
    attendees: new Set(meeting.attendees),
    answers: new Map([...meeting.attendees].map((who) => [who, 'needs_action' as const])),
    removedCopy: new Set(),
    copyGivenBack: new Set(),
    everRemoved: new Set(),
    unsyncedAnswers: new Set(),
    pending: null,
    history: [`${run.index}:split from ${meeting.id}`],
    series: { starts, exceptions, pending: new Map() },
  });
  run.model.unsynced.add(meeting.tenant);
  await run.t.driver.idle();
  // The series before the split is told nothing of its own; the continuation's people hear of it once.
  await expectTold(run, tenant, meeting, told, []);
  const unchanged = op.change === 'edit' && title === meeting.fields.title;
  await expectTold(
    run,
    tenant,
    run.model.meetings.at(-1)!,
    new Map(),
    unchanged ? [] : everyone('meeting_updated'),
  );
  run.applied += 1;
}

/** The organiser's copy's instances of the series, as their calendar app lists them. */
async function organizerInstances(run: Run, meeting: ModelMeeting): Promise<ProviderEvent[]> {
  const tenant = run.tenant(meeting.tenant);
  const calendar = tenant.organizerCalendar;
  const masterId = await linkedCopyId(run.t, meeting.id, calendar.calendarId);
  if (!masterId)
    throw new Error(`meeting ${meeting.id} has no organiser copy (ops ${meeting.history.join(' ')})`);
  const events = await asPerson(() => liveEvents(calendar));
  return events.filter((event) => event.seriesExternalId === masterId || event.externalId === masterId);
}

function originalOf(event: ProviderEvent): number | null {
  return event.originalStart?.kind === 'timed' ? event.originalStart.start.getTime() : null;
}

/** The organiser moves or cancels one instance in their own calendar app; no sync yet. */
export async function applyOrganizerOccurrence(run: Run, op: OrganizerOccurrenceOp): Promise<void> {
  const meeting = run.pick(op, 'series');
  if (!meeting?.series || meeting.pending) return;
  const original = pickOccurrence(meeting, op.o, { withPending: true, from: 0 });
  if (original === null) return;
  const now = occurrenceAt(meeting, original, { withPending: true });
  const instances = await organizerInstances(run, meeting);
  const instance =
    instances.find((event) => originalOf(event) === original) ??
    instances.find((event) => event.time.kind === 'timed' && event.time.start.getTime() === now.startsAt);
  if (!instance)
    throw new Error(
      `no instance of ${new Date(original).toISOString()} in the organiser's calendar: ${JSON.stringify(
        instances.map((event) => [event.externalId, event.originalStart, event.time]),
      )} (ops ${meeting.history.join(' ')})`,
    );
  const calendar = run.tenant(meeting.tenant).organizerCalendar;
  if (op.change === 'cancel') {
    await asPerson(() =>
      calendar.provider.cancelEvent(calendar.externalCalendarId, instance.externalId, {
        etag: instance.etag,
      }),
    );
    // A cancellation brings no times: Tandem keeps those it knew (an unsynced move there is lost).
    meeting.series.pending.set(original, { ...occurrenceAt(meeting, original), status: 'cancelled' });
  } else {
    const startsAt = now.startsAt + op.hours * HOUR;
    const endsAt = now.endsAt + op.hours * HOUR;
    await asPerson(() =>
      calendar.provider.updateEvent(
        calendar.externalCalendarId,
        instance.externalId,
        rewrite(instance, {
          time: { kind: 'timed', start: new Date(startsAt), end: new Date(endsAt), timeZone: SERIES_ZONE },
          recurrence: null,
        }),
        { etag: instance.etag },
      ),
    );
    meeting.series.pending.set(original, { ...now, startsAt, endsAt });
  }
  run.applied += 1;
}
