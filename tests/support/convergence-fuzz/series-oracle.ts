/**
 * The oracle's part for recurring meetings: after settling, Tandem's occurrences (exceptions and
 * cancelled ones applied, as the calendar draws them), the organiser's copy's instances and each
 * attendee's copy's instances agree with the model (series-model.ts).
 */
import { check } from './check';
import { meetingsAsDrawn } from '@/server/calendar/meeting-occurrences';
import type { MeetingView } from '@/server/meetings/queries';
import type { ProviderEvent } from '@/server/providers/types';
import { linkedCopyId, type ConnectedCalendar } from '@/tests/support/convergence-world';
import type { DeliveryTestbed } from '@/tests/support/delivery-testbed';
import type { ModelMeeting } from './model';
import { expectedOccurrences } from './series-model';

const DAY = 86_400_000;

/** Every occurrence of the series is cancelled. */
export function nothingLeft(meeting: ModelMeeting): boolean {
  return expectedOccurrences(meeting).every((occurrence) => occurrence.status === 'cancelled');
}

/** The occurrences Tandem draws for the series, in the window the run uses. */
export async function expectTandemOccurrences(
  t: DeliveryTestbed,
  view: MeetingView,
  meeting: ModelMeeting,
  where: string,
  tutor: Parameters<typeof meetingsAsDrawn>[1],
) {
  const range = { from: new Date(Date.now() - DAY), to: new Date(Date.now() + 120 * DAY) };
  const drawn = (await meetingsAsDrawn(t.database.db, tutor, [view], range))
    .map((occurrence) => ({
      originalStartsAt: occurrence.occurrence?.originalStartsAt.getTime() ?? null,
      status: occurrence.status,
      startsAt: occurrence.startsAt.getTime(),
      endsAt: occurrence.endsAt.getTime(),
      title: occurrence.title,
    }))
    .sort((a, b) => (a.originalStartsAt ?? 0) - (b.originalStartsAt ?? 0));
  const wanted = expectedOccurrences(meeting);
  check(
    drawn.map(readable),
    `${where}: occurrences in Tandem ${JSON.stringify(drawn.map(readable))}, model ${JSON.stringify(wanted.map(readable))}`,
  ).toEqual(wanted.map(readable));
}

/** A calendar's copy of the series: the instances of the series it linked, or any by tag or UID. */
export async function seriesCopiesIn(
  t: DeliveryTestbed,
  calendar: ConnectedCalendar,
  events: ProviderEvent[],
  meeting: ModelMeeting,
  byTagOrUid: (events: ProviderEvent[]) => ProviderEvent[],
): Promise<ProviderEvent[]> {
  const masterId = await linkedCopyId(t, meeting.id, calendar.calendarId);
  const tagged = new Set(byTagOrUid(events));
  return events.filter(
    (event) =>
      tagged.has(event) ||
      (masterId !== null && (event.seriesExternalId === masterId || event.externalId === masterId)),
  );
}

/** The live instances of a copy are the series' scheduled occurrences, each where the model has it. */
export function expectInstances(instances: ProviderEvent[], meeting: ModelMeeting, label: string) {
  const shown = instances
    .map((event) => {
      if (event.time.kind !== 'timed') throw new Error(`${label}: an instance is not timed`);
      return { startsAt: event.time.start.getTime(), endsAt: event.time.end.getTime(), title: event.title };
    })
    .sort((a, b) => a.startsAt - b.startsAt);
  const wanted =
    meeting.status === 'cancelled'
      ? []
      : expectedOccurrences(meeting)
          .filter((occurrence) => occurrence.status === 'scheduled')
          .map(({ startsAt, endsAt, title }) => ({ startsAt, endsAt, title }))
          .sort((a, b) => a.startsAt - b.startsAt);
  check(
    shown.map(readable),
    `${label}: occurrences ${JSON.stringify(shown.map(readable))}, model ${JSON.stringify(wanted.map(readable))}`,
  ).toEqual(wanted.map(readable));
}

/** Instants as ISO strings, for a failure message a person can read. */
function readable<T extends { startsAt: number; endsAt: number; originalStartsAt?: number | null }>(
  occurrence: T,
) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    ...occurrence,
    startsAt: iso(occurrence.startsAt),
    endsAt: iso(occurrence.endsAt),
    ...(occurrence.originalStartsAt ? { originalStartsAt: iso(occurrence.originalStartsAt) } : {}),
  };
}
