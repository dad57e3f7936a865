/**
 * The oracle of the randomized convergence run: after settling, Tandem, every organiser's copy and
 * every attendee's copy agree with the model, one copy per calendar.
 */
import { check } from './check';
import type { RunRecord } from '@/server/jobs/inline-driver';
import { getMeeting } from '@/server/meetings/queries';
import type { ProviderEvent } from '@/server/providers/types';
import {
  LEARNERS,
  copiesOf,
  liveEvents,
  meetingUids,
  type ConnectedCalendar,
  type TenantKind,
  type WorldTenant,
} from '@/tests/support/convergence-world';
import type { DeliveryTestbed } from '@/tests/support/delivery-testbed';
import type { Model, ModelMeeting } from './model';
import { expectInstances, expectTandemOccurrences, nothingLeft, seriesCopiesIn } from './series-oracle';

export async function expectConverged(
  t: DeliveryTestbed,
  model: Model,
  tenants: Map<TenantKind, WorldTenant>,
) {
  for (const tenant of tenants.values()) {
    const events = new Map<ConnectedCalendar, ProviderEvent[]>();
    for (const calendar of tenant.calendars) events.set(calendar, await liveEvents(calendar));
    for (const meeting of model.meetings.filter((candidate) => candidate.tenant === tenant.kind)) {
      const where = `meeting ${meeting.id} (${tenant.kind}; ops ${meeting.history.join(' ')})`;
      const view = await getMeeting(t.database.db, tenant.tutor, meeting.id);
      // A series whose every occurrence the organiser cancelled in Outlook has nothing left to
      // attend: Graph's delta lists a series only through its occurrences, so a full sync no
      // longer sees it and Tandem cancels the meeting. For everyone that is the same thing.
      if (meeting.series && view.status === 'cancelled' && nothingLeft(meeting)) meeting.status = 'cancelled';
      const uids = await meetingUids(t, meeting.id, meeting.icalUid);
      const copiesIn = (calendar: ConnectedCalendar | ProviderEvent[]) =>
        copiesOf(Array.isArray(calendar) ? calendar : (events.get(calendar) ?? []), meeting.id, uids);
      const inTandem = {
        status: view.status,
        title: view.title,
        startsAt: view.startsAt.getTime(),
        endsAt: view.endsAt.getTime(),
      };
      check(
        {
          status: view.status,
          title: view.title,
          startsAt: view.startsAt.getTime(),
          endsAt: view.endsAt.getTime(),
          attendees: view.attendees.map((attendee) => attendee.userId).sort(),
        },
        `${where} in Tandem ${JSON.stringify(inTandem)}, model ${JSON.stringify({ status: meeting.status, ...meeting.fields })}`,
      ).toEqual({
        status: meeting.status,
        title: meeting.fields.title,
        startsAt: meeting.fields.startsAt,
        endsAt: meeting.fields.endsAt,
        attendees: [...meeting.attendees].map((who) => tenant.learners[who].userId).sort(),
      });
      if (meeting.status === 'scheduled') {
        const answers = Object.fromEntries(
          [...meeting.attendees]
            .filter((who) => meeting.answers.get(who) !== 'unknown')
            .map((who) => [
              who,
              view.attendees.find((attendee) => attendee.userId === tenant.learners[who].userId)?.response,
            ]),
        );
        const wanted = Object.fromEntries([...meeting.answers].filter(([, answer]) => answer !== 'unknown'));
        check(
          answers,
          `${where}: answers in Tandem ${JSON.stringify(answers)}, model ${JSON.stringify(wanted)}`,
        ).toEqual(wanted);
      }

      if (meeting.series) {
        if (meeting.status === 'scheduled')
          await expectTandemOccurrences(t, view, meeting, where, tenant.tutor);
        for (const calendar of tenant.calendars) {
          const who = LEARNERS.find((role) => tenant.learnerCalendars[role] === calendar);
          const label = `${where}: ${who ?? 'organiser'}'s copy (${calendar.kind})`;
          const instances = await seriesCopiesIn(t, calendar, events.get(calendar) ?? [], meeting, copiesIn);
          if (who && !meeting.attendees.has(who)) check(instances, `${label} should be gone`).toEqual([]);
          else expectInstances(instances, meeting, label);
        }
        continue;
      }
      const organizerCopies = copiesIn(tenant.organizerCalendar);
      if (meeting.status === 'cancelled') {
        check(organizerCopies, `${where}: organiser copy of a cancelled meeting`).toHaveLength(0);
      } else {
        check(
          organizerCopies,
          `${where}: one organiser copy (${JSON.stringify(view.organizerCopy)})`,
        ).toHaveLength(1);
        expectCopy(organizerCopies[0]!, meeting, `${where}: organiser copy`);
      }
      for (const who of LEARNERS) {
        const calendar = tenant.learnerCalendars[who];
        const found = copiesIn(calendar);
        const label = `${where}: ${who}'s copy (${calendar.kind})`;
        if (meeting.status === 'cancelled' || !meeting.attendees.has(who)) {
          check(found, `${label} should be gone`).toHaveLength(0);
        } else if (meeting.removedCopy.has(who)) {
          check(found.length, `${label}: at most one`).toBeLessThanOrEqual(1);
        } else {
          check(found, `${label}: exactly one`).toHaveLength(1);
          expectCopy(found[0]!, meeting, label);
          const self = found[0]!.attendees.find((attendee) => attendee.isSelf);
          const answer = meeting.answers.get(who);
          if (self && answer !== 'unknown')
            check(self.response, `${label}: own answer; runs ${runsAbout(t, meeting.id)}`).toBe(answer);
        }
      }
    }
  }
}

/** The job runs that acted on one meeting, for a failure message. */
function runsAbout(t: DeliveryTestbed, meetingId: string): string {
  return t.driver.runs
    .filter((run) => (run.event.data as { meetingId?: unknown }).meetingId === meetingId)
    .map(
      (run) =>
        `${run.functionId}(${JSON.stringify(run.event.data)}):${run.status}:${run.attempts}:${JSON.stringify(run.result ?? String(run.error)).slice(0, 300)}`,
    )
    .join('\n');
}

function expectCopy(copy: ProviderEvent, meeting: ModelMeeting, label: string) {
  if (copy.time.kind !== 'timed') throw new Error(`${label} is not timed`);
  check(
    { title: copy.title, startsAt: copy.time.start.getTime(), endsAt: copy.time.end.getTime() },
    label,
  ).toEqual({
    title: meeting.fields.title,
    startsAt: meeting.fields.startsAt,
    endsAt: meeting.fields.endsAt,
  });
}

/**
 * No job but a sync gave up (its retries used up) during the run: injected faults may exhaust a
 * sync, which the next one makes good, but a delivery or an answer written that gives up is lost.
 */
export function expectNoJobGaveUp(runs: RunRecord[]) {
  const gaveUp = runs.filter(
    (run) => run.status === 'failed' && run.event.name !== 'tandem/calendar.sync-requested',
  );
  check(
    gaveUp.map(
      (run) =>
        `${run.functionId}(${JSON.stringify(run.event.data)}) after ${run.attempts} attempts: ${String(run.error).slice(0, 300)}`,
    ),
    'jobs that gave up',
  ).toEqual([]);
}
