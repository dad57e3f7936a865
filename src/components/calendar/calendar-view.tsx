'use client';

import type { DateSelectArg, DatesSetArg, EventClickArg, EventDropArg } from '@fullcalendar/core';
import type { EventResizeDoneArg } from '@fullcalendar/interaction';
import type FullCalendar from '@fullcalendar/react';
import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { StatusMessage } from '@/components/ui/status-message';
import type { OccurrenceScope } from '@/server/meetings/inputs';
import type { DateRange } from '@/server/time/range';
import { canOrganize } from '@/server/meetings/organizers';
import { useTRPC } from '@/trpc/react';
import { BrokenConnectionsAlert } from './broken-connections-alert';
import { CalendarGrid, type CalendarGridHandlers } from './calendar-grid';
import { CalendarLegend } from './calendar-legend';
import { toEventInputs, type CalendarItemRef } from './event-inputs';
import { ExternalEventDetails } from './external-event-details';
import { toExternalEventInputs, type ExternalEventRef } from './external-event-inputs';
import { ItemForm, type ItemFormProps } from './item-form';
import { MeetingDetails } from './meeting-details';
import { monthViewEvents, type MoreItemsRef } from './month-days';
import { MoveConfirmDialog } from './move-confirm-dialog';
import { ScopeDialog } from './occurrence-scope';
import { TaskDetails } from './task-details';
import { useCalendarFeed } from './use-calendar-feed';
import { useLatest } from './use-latest';
import { useLinkedMeeting } from './use-linked-meeting';
import { findGridMeeting, useOpenedItem } from './use-opened-item';
import { timedItemsOf, visibleHours, WHOLE_DAY } from './visible-hours';
import { instantFromCalendarString } from './wall-time';

/** A drag of a meeting with invitees, held until the organiser confirms it. */
interface PendingMove {
  meetingId: string;
  title: string;
  version: number;
  startsAt: Date;
  endsAt: Date;
  /** The occurrence dragged, for a recurring meeting: the organiser says which occurrences move. */
  originalStartsAt: Date | null;
  revert: () => void;
}

type Panel =
  | { mode: 'closed' }
  | { mode: 'view'; ref: CalendarItemRef }
  | { mode: 'edit'; ref: CalendarItemRef }
  | { mode: 'external'; id: string; calendarId: string }
  | { mode: 'new'; start: Date; end: Date };

const HOUR = 3_600_000;

/**
 * `locale`: the language tag dates are written in (from the request: see src/server/users/locale.ts);
 * `firstRange`: the range the page prefetched the feed for (first-range.ts), as ISO instants.
 */
export function CalendarView({
  locale,
  firstRange,
}: {
  locale: string;
  firstRange: { from: string; to: string };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: profile } = useSuspenseQuery(trpc.me.profile.queryOptions());
  const zone = profile.timeZone;
  const mayOrganize = canOrganize(profile.role);
  const [range, setRange] = useState<DateRange>(() => ({
    from: new Date(firstRange.from),
    to: new Date(firstRange.to),
  }));
  const [panel, setPanel] = useState<Panel>({ mode: 'closed' });
  // Remounts the form with the latest data after a conflict ("Reload").
  const [formGeneration, setFormGeneration] = useState(0);
  const [pendingMove, setPendingMove] = useState<PendingMove | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const feed = useCalendarFeed(range);
  // Month view is handed only what each day shows (month-days.ts).
  const [monthView, setMonthView] = useState(false);
  const allEvents = useMemo(
    () => [...toEventInputs(feed.data), ...toExternalEventInputs(feed.data)],
    [feed.data],
  );
  const events = useMemo(
    () => (monthView ? monthViewEvents(allEvents, zone) : allEvents),
    [monthView, allEvents, zone],
  );
  const hasAllDayEvents = useMemo(() => allEvents.some((event) => event.allDay === true), [allEvents]);
  const [wholeDay, setWholeDay] = useState(false);
  const workingHours = profile.workingHours;
  const hours = useMemo(
    () => (wholeDay ? WHOLE_DAY : visibleHours(workingHours, timedItemsOf(feed.data), zone)),
    [wholeDay, workingHours, feed.data, zone],
  );
  const refresh = useCallback(
    () => queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() }),
    [queryClient, trpc],
  );
  const moveMeeting = useMutation(
    trpc.meetings.update.mutationOptions({
      onSuccess: (moved) => setStatus(`Moved “${moved.title}”. Everyone invited was asked to answer again.`),
      onSettled: refresh,
    }),
  );
  const moveTask = useMutation(
    trpc.tasks.update.mutationOptions({
      onSuccess: (moved) => setStatus(`Moved task “${moved.title}”.`),
      onSettled: refresh,
    }),
  );
  const moveError = moveMeeting.error ?? moveTask.error;
  const calendarRef = useRef<FullCalendar>(null);
  // A notification's link: show the meeting's week (so the feed holds it), then open it.
  useLinkedMeeting((linked, at) => {
    calendarRef.current?.getApi().gotoDate(at ?? linked.startsAt);
    setPanel({ mode: 'view', ref: { type: 'meeting', id: linked.id, ...(at ? { at } : {}) } });
  });

  const selected = panel.mode === 'view' || panel.mode === 'edit' ? panel.ref : null;
  const opened = useOpenedItem(feed.data, selected);
  const { meeting, task } = opened;
  const external =
    panel.mode === 'external'
      ? feed.data?.externalEvents
          .find((group) => group.calendarId === panel.calendarId)
          ?.events.find((e) => e.id === panel.id)
      : undefined;
  const externalCalendar =
    panel.mode === 'external' ? feed.data?.calendars.find((c) => c.id === panel.calendarId) : undefined;

  function onDatesSet(arg: DatesSetArg) {
    const from = instantFromCalendarString(arg.startStr, zone);
    const to = instantFromCalendarString(arg.endStr, zone);
    setMonthView(arg.view.type === 'dayGridMonth');
    // The first call repeats the prefetched range: keep the state (and the render) as it is.
    setRange((held) =>
      held.from.getTime() === from.getTime() && held.to.getTime() === to.getTime() ? held : { from, to },
    );
  }

  function onSelect(arg: DateSelectArg) {
    const start = instantFromCalendarString(arg.startStr, zone);
    // A day cell in month view: propose 10:00–11:00 that day rather than a 24-hour meeting.
    const proposedStart = arg.allDay ? new Date(start.getTime() + 10 * HOUR) : start;
    const end = arg.allDay
      ? new Date(proposedStart.getTime() + HOUR)
      : instantFromCalendarString(arg.endStr, zone);
    setPanel({ mode: 'new', start: proposedStart, end });
    arg.view.calendar.unselect();
  }

  function onEventClick(arg: EventClickArg) {
    arg.jsEvent.preventDefault();
    const ref = arg.event.extendedProps.ref as CalendarItemRef | ExternalEventRef | MoreItemsRef;
    // A crowded day's "+N more" in Month view: that day, every item of it.
    if (ref.type === 'more') {
      arg.view.calendar.changeView('timeGridDay', ref.date);
      return;
    }
    setPanel(
      ref.type === 'external'
        ? { mode: 'external', id: ref.id, calendarId: ref.calendarId }
        : { mode: 'view', ref },
    );
  }

  function onEventChange(arg: EventDropArg | EventResizeDoneArg) {
    const ref = arg.event.extendedProps.ref as CalendarItemRef;
    // The version of what was dragged, as drawn: a change made since then is not overwritten.
    const version = arg.event.extendedProps.version as number;
    const startsAt = instantFromCalendarString(arg.event.startStr, zone);
    const endsAt = instantFromCalendarString(arg.event.endStr || arg.event.startStr, zone);
    setStatus(null);
    if (ref.type === 'task') {
      const durationMinutes = Math.max(5, Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000));
      moveTask.mutate(
        { id: ref.id, version, dueAt: startsAt, durationMinutes },
        { onError: () => arg.revert() },
      );
      return;
    }
    const moved = findGridMeeting(feed.data, ref);
    const move = {
      meetingId: ref.id,
      title: moved?.title ?? '',
      version,
      startsAt,
      endsAt,
      originalStartsAt: ref.originalStartsAt ?? null,
      revert: () => arg.revert(),
    };
    if (move.originalStartsAt || (moved && moved.invitees > 0)) setPendingMove(move);
    else confirmMove(move);
  }

  function confirmMove(move: PendingMove, scope?: OccurrenceScope) {
    setPendingMove(null);
    const { meetingId, version, startsAt, endsAt, originalStartsAt } = move;
    const occurrence = originalStartsAt && scope ? { occurrence: { scope, originalStartsAt } } : {};
    moveMeeting.mutate({ id: meetingId, version, startsAt, endsAt, ...occurrence }, { onError: move.revert });
  }

  function cancelMove() {
    pendingMove?.revert();
    setPendingMove(null);
  }

  const handlers = useLatest<CalendarGridHandlers>({ onDatesSet, onSelect, onEventClick, onEventChange });

  function startNew() {
    const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR);
    setPanel({ mode: 'new', start, end: new Date(start.getTime() + HOUR) });
  }

  const close = () => setPanel({ mode: 'closed' });
  const saved = (message: string) => {
    setStatus(message);
    close();
  };
  const editing: ItemFormProps['editing'] | null =
    panel.mode === 'new'
      ? { type: 'new', start: panel.start, end: panel.end }
      : panel.mode === 'edit' && meeting
        ? { type: 'meeting', meeting }
        : panel.mode === 'edit' && task
          ? { type: 'task', task }
          : null;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Calendar</h1>
        <div className="flex items-center gap-3">
          <p className="text-sm text-slate-700">Times in {zone.replaceAll('_', ' ')}</p>
          <Button variant="secondary" aria-pressed={wholeDay} onClick={() => setWholeDay(!wholeDay)}>
            Whole day
          </Button>
          <Button onClick={startNew}>{mayOrganize ? 'New meeting or task' : 'New task'}</Button>
        </div>
      </div>
      <StatusMessage message={status} />
      <BrokenConnectionsAlert enabled={profile.tenant.calendarIntegrationEnabled} />
      {moveError ? <Alert tone="error">Could not move that item: {moveError.message}</Alert> : null}
      {feed.error ? <Alert tone="error">Could not load your calendar: {feed.error.message}</Alert> : null}
      {feed.data ? <CalendarLegend calendars={feed.data.calendars} /> : null}
      <div
        className="rounded-lg border border-slate-200 bg-white p-3"
        // Busy while a new range loads (placeholder data is shown only then). Not `isFetching`:
        // reading it re-renders the page at the start and end of every refresh, changed or not.
        aria-busy={feed.isLoading || feed.isPlaceholderData}
      >
        <CalendarGrid
          calendarRef={calendarRef}
          zone={zone}
          locale={locale}
          events={events}
          hours={hours}
          allDaySlot={hasAllDayEvents}
          workingHours={workingHours}
          handlers={handlers}
        />
      </div>
      <p className="text-sm text-slate-700">
        Click or drag across empty time to create; drag an item to move it; press Enter on an item to open it.
        Events from connected calendars are read-only.
      </p>

      <Dialog
        open={panel.mode !== 'closed'}
        onOpenChange={(open) => !open && close()}
        title={
          panel.mode === 'new'
            ? 'New item'
            : (meeting?.title ??
              opened.gridMeeting?.title ??
              task?.title ??
              opened.gridTask?.title ??
              (external ? (external.title ?? 'Busy') : 'Item'))
        }
      >
        {external ? (
          <ExternalEventDetails event={external} calendar={externalCalendar} zone={zone} locale={locale} />
        ) : editing ? (
          <ItemForm
            key={`${panel.mode}:${selected?.key ?? selected?.id ?? 'new'}:${formGeneration}`}
            zone={zone}
            organizerId={profile.id}
            canOrganize={mayOrganize}
            editing={editing}
            onSaved={saved}
            onDone={close}
            onReload={() => setFormGeneration((generation) => generation + 1)}
          />
        ) : meeting ? (
          <MeetingDetails
            meeting={meeting}
            zone={zone}
            locale={locale}
            onEdit={() =>
              setPanel({
                mode: 'edit',
                ref: {
                  type: 'meeting',
                  id: meeting.id,
                  key: meeting.feedKey,
                  ...(meeting.occurrence ? { originalStartsAt: meeting.occurrence.originalStartsAt } : {}),
                },
              })
            }
            onClose={close}
          />
        ) : task ? (
          <TaskDetails
            task={task}
            zone={zone}
            locale={locale}
            onEdit={() => setPanel({ mode: 'edit', ref: { type: 'task', id: task.id } })}
            onClose={close}
          />
        ) : opened.loading ? (
          <p role="status">Loading…</p>
        ) : (
          <p>This item is no longer in your calendar.</p>
        )}
      </Dialog>
      <MoveConfirmDialog
        title={pendingMove && !pendingMove.originalStartsAt ? pendingMove.title : null}
        onMove={() => pendingMove && confirmMove(pendingMove)}
        onCancel={cancelMove}
      />
      <ScopeDialog
        key={pendingMove?.originalStartsAt?.toISOString() ?? 'closed'}
        title={pendingMove?.originalStartsAt ? pendingMove.title : null}
        onConfirm={(scope) => pendingMove && confirmMove(pendingMove, scope)}
        onCancel={cancelMove}
      />
    </div>
  );
}
