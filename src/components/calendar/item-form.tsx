'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextAreaField, TextField } from '@/components/ui/field';
import type { CalendarMeeting } from '@/server/calendar/feed';
import type { OccurrenceScope } from '@/server/meetings/inputs';
import type { MeetingView } from '@/server/meetings/queries';
import type { Task } from '@/server/tasks/tasks';
import { useTRPC } from '@/trpc/react';
import { ClashWarning } from './clash-warning';
import { GuestFields } from './guest-fields';
import { emptyGuestRow, parseGuests, type GuestRow } from './guests';
import { KIND_LABELS } from './labels';
import { ScopeChoice } from './occurrence-scope';
import { RepeatsFields, recurrenceFromForm } from './repeats-fields';
import { fromWallTime, toWallTime } from './wall-time';

type Kind = 'task' | 'meeting' | 'review';

export interface ItemFormProps {
  zone: string;
  /** The person filling in the form, who organises what they send: never offered as an invitee. */
  organizerId: string;
  canOrganize: boolean;
  /** What is being edited, or the slot a new item starts from. */
  editing:
    | { type: 'meeting'; meeting: MeetingView & { occurrence?: CalendarMeeting['occurrence'] } }
    | { type: 'task'; task: Task }
    | {
        type: 'new';
        start: Date;
        end: Date;
        /** Already chosen (the Scheduling Assistant's people): ticked in "Invite". */
        attendeeUserIds?: string[];
      };
  /** Saved: what to tell the person. */
  onSaved: (message: string) => void;
  /** Closed without saving. */
  onDone: () => void;
  /** After a conflict: start again from the latest saved version (their input is dropped). */
  onReload: () => void;
}

export function ItemForm({
  zone,
  organizerId,
  canOrganize,
  editing: openedWith,
  onSaved,
  onDone,
  onReload,
}: ItemFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // What the form opened with, held: the open item is read again when the feed moves, and new
  // defaults under an uncontrolled field would rewrite what this person is typing. Reload remounts.
  const [editing] = useState(openedWith);
  const initial = initialValues(editing);
  const [kind, setKind] = useState<Kind>(editing.type === 'new' && !canOrganize ? 'task' : initial.kind);
  const [clientError, setClientError] = useState<string | null>(null);
  const [guestRows, setGuestRows] = useState<GuestRow[]>(() => [emptyGuestRow()]);
  const [guestErrors, setGuestErrors] = useState<Map<string, string>>(() => new Map());
  // The version this edit starts from: sending a newer one would overwrite a change this person has not seen.
  const editedVersion = versionOf(editing);
  const occurrence = editing.type === 'meeting' ? (editing.meeting.occurrence ?? null) : null;
  const [scope, setScope] = useState<OccurrenceScope>('occurrence');
  const members = useQuery({ ...trpc.me.members.queryOptions(), enabled: canOrganize && kind !== 'task' });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.meetings.pathKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.tasks.pathKey() });
  };
  const savedWith = (message: (title: string) => string) => ({
    onSuccess: async (item: { title: string }) => {
      await refresh();
      onSaved(message(item.title));
    },
  });
  const createTask = useMutation(
    trpc.tasks.create.mutationOptions(savedWith((title) => `Task “${title}” created.`)),
  );
  const updateTask = useMutation(
    trpc.tasks.update.mutationOptions(savedWith((title) => `Task “${title}” saved.`)),
  );
  const createMeeting = useMutation(
    trpc.meetings.create.mutationOptions(
      savedWith((title) => `${KIND_LABELS[kind]} “${title}” sent to the people invited.`),
    ),
  );
  const updateMeeting = useMutation(
    trpc.meetings.update.mutationOptions(
      savedWith((title) => `Changes to “${title}” saved; the people invited were told.`),
    ),
  );
  const mutation = [createTask, updateTask, createMeeting, updateMeeting].find((m) => m.isPending || m.error);
  const conflict = mutation?.error?.data?.code === 'CONFLICT';
  const fieldErrors = mutation?.error?.data?.zodError?.fieldErrors ?? {};
  const start = toWallTime(initial.start, zone);
  const end = toWallTime(initial.end, zone);
  // What the clash check looks at: the chosen time and people, read from the form as it changes.
  const formRef = useRef<HTMLFormElement>(null);
  const [chosen, setChosen] = useState(() => ({
    ...start,
    end: end.time,
    attendees: [...invitedIds(editing)],
  }));
  const readChosen = () => {
    if (!formRef.current) return;
    const form = new FormData(formRef.current);
    const text = (name: string) => String(form.get(name) ?? '');
    setChosen({
      date: text('date'),
      time: text('start'),
      end: text('end'),
      attendees: form.getAll('attendees').map(String),
    });
  };
  // The clash warning's "next free time": same length, set into the form's own fields.
  const moveToTime = (next: Date) => {
    const form = formRef.current;
    const startsAt = fromWallTime(chosen.date, chosen.time, zone);
    const endsAt = fromWallTime(chosen.date, chosen.end, zone);
    if (!form || !startsAt || !endsAt) return;
    const from = toWallTime(next, zone);
    const to = toWallTime(new Date(next.getTime() + endsAt.getTime() - startsAt.getTime()), zone);
    const set = (name: string, value: string) => {
      const input = form.elements.namedItem(name);
      if (input instanceof HTMLInputElement) input.value = value;
    };
    set('date', from.date);
    set('start', from.time);
    set('end', to.time);
    readChosen();
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setClientError(null);
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const startsAt = fromWallTime(text('date'), text('start'), zone);
    const endsAt = fromWallTime(text('date'), text('end'), zone);
    if (!startsAt || !endsAt) return setClientError('Enter a valid date, start and end time.');
    if (endsAt <= startsAt) return setClientError('The end time must be after the start time.');
    const notes = text('notes') || null;
    if (kind === 'task') {
      const durationMinutes = Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000);
      const fields = { title: text('title'), notes, dueAt: startsAt, durationMinutes };
      if (editing.type === 'task')
        updateTask.mutate({ id: editing.task.id, version: editedVersion, ...fields });
      else createTask.mutate(fields);
      return;
    }
    const fields = {
      kind,
      title: text('title'),
      description: notes,
      location: text('location') || null,
      onlineUrl: text('onlineUrl') || null,
      startsAt,
      endsAt,
      timeZone: zone,
      attendeeUserIds: form.getAll('attendees').map(String),
    };
    if (fields.attendeeUserIds.length === 0) return setClientError('Choose at least one person to invite.');
    if (editing.type === 'meeting') {
      const id = editing.meeting.id;
      if (!occurrence) return updateMeeting.mutate({ id, version: editedVersion, ...fields });
      const which = { scope, originalStartsAt: occurrence.originalStartsAt };
      // One occurrence has its own time, title, place and notes; the rest belongs to the series.
      const { title, description, location } = fields;
      const change = scope === 'occurrence' ? { title, description, location, startsAt, endsAt } : fields;
      updateMeeting.mutate({ id, version: editedVersion, ...change, occurrence: which });
      return;
    }
    const recurrence = recurrenceFromForm(form);
    if (typeof recurrence === 'string') return setClientError(recurrence);
    const { guests, errors } = parseGuests(guestRows);
    setGuestErrors(errors);
    if (errors.size > 0) return setClientError('Check the outside guests’ email addresses.');
    createMeeting.mutate({ ...fields, guests, ...(recurrence ? { recurrence } : {}) });
  }

  const invited = invitedIds(editing);
  const reload = (
    <Button variant="secondary" className="ml-2" onClick={() => void refresh().then(onReload)}>
      Reload
    </Button>
  );
  // Said before they save, not only after: the item was saved elsewhere since this form opened.
  const changedElsewhere = !mutation && versionOf(openedWith) > editedVersion;
  return (
    <form ref={formRef} onSubmit={submit} onChange={readChosen} className="space-y-4" noValidate>
      {clientError ? <Alert tone="error">{clientError}</Alert> : null}
      {mutation?.error ? (
        <Alert tone="error">
          {mutation.error.message}
          {conflict ? reload : null}
        </Alert>
      ) : null}
      {changedElsewhere ? (
        <Alert>
          This {editing.type === 'task' ? 'task' : 'meeting'} was changed elsewhere after you opened it.
          Reload to see the change before you edit.
          {reload}
        </Alert>
      ) : null}
      {editing.type === 'new' && canOrganize ? (
        <SelectField label="Type" value={kind} onChange={(event) => setKind(event.target.value as Kind)}>
          <option value="meeting">Meeting</option>
          <option value="review">Review</option>
          <option value="task">Task</option>
        </SelectField>
      ) : null}
      <TextField
        label="Title"
        name="title"
        required
        maxLength={200}
        defaultValue={initial.title}
        error={fieldErrors.title?.[0]}
      />
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField label="Date" name="date" type="date" required defaultValue={start.date} />
        <TextField label="Start time" name="start" type="time" required defaultValue={start.time} />
        <TextField
          label="End time"
          name="end"
          type="time"
          required
          defaultValue={end.time}
          error={fieldErrors.endsAt?.[0]}
        />
      </div>
      {kind !== 'task' && canOrganize ? (
        <ClashWarning
          viewerId={organizerId}
          zone={zone}
          startsAt={fromWallTime(chosen.date, chosen.time, zone)}
          endsAt={fromWallTime(chosen.date, chosen.end, zone)}
          userIds={chosen.attendees}
          {...(editing.type === 'meeting' ? { ignoreMeetingId: editing.meeting.id } : {})}
          onUseTime={moveToTime}
        />
      ) : null}
      {kind !== 'task' && editing.type === 'new' ? <RepeatsFields /> : null}
      {occurrence ? (
        <div className="space-y-1">
          <ScopeChoice legend="Change which occurrences?" value={scope} onChange={setScope} />
          {scope === 'occurrence' ? (
            <p className="text-xs text-slate-600">
              One occurrence keeps the series’ invitees and online link; change those for all occurrences or
              this and following.
            </p>
          ) : null}
        </div>
      ) : null}
      {kind !== 'task' ? (
        <>
          <TextField label="Location" name="location" maxLength={500} defaultValue={initial.location} />
          <TextField
            label="Online meeting link"
            name="onlineUrl"
            type="url"
            placeholder="https://"
            defaultValue={initial.onlineUrl}
            error={fieldErrors.onlineUrl?.[0]}
          />
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Invite</legend>
            {members.isLoading ? <p className="text-sm text-slate-600">Loading people…</p> : null}
            <div className="mt-2 grid max-h-48 gap-1.5 overflow-y-auto sm:grid-cols-2">
              {(members.data ?? [])
                .filter(
                  (member) =>
                    member.id !== organizerId &&
                    member.id !== (editing.type === 'meeting' ? editing.meeting.organizerId : undefined),
                )
                .map((member) => (
                  <label key={member.id} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      name="attendees"
                      value={member.id}
                      defaultChecked={invited.has(member.id)}
                    />
                    {member.name ?? member.email} <span className="text-slate-600">({member.role})</span>
                  </label>
                ))}
            </div>
          </fieldset>
          {editing.type === 'new' ? (
            <GuestFields rows={guestRows} onChange={setGuestRows} errors={guestErrors} />
          ) : null}
        </>
      ) : null}
      <TextAreaField label="Notes" name="notes" maxLength={5000} defaultValue={initial.notes} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Discard
        </Button>
        {/* Until the people are listed, the form cannot say who is invited. */}
        <Button
          type="submit"
          disabled={Boolean(mutation?.isPending) || (kind !== 'task' && members.isLoading)}
        >
          {editing.type === 'new' ? (kind === 'task' ? 'Create task' : `Send ${kind}`) : 'Save changes'}
        </Button>
      </div>
    </form>
  );
}

function invitedIds(editing: ItemFormProps['editing']): Set<string> {
  return new Set(
    editing.type === 'meeting'
      ? editing.meeting.attendees.flatMap((attendee) => (attendee.userId ? [attendee.userId] : []))
      : editing.type === 'new'
        ? (editing.attendeeUserIds ?? [])
        : [],
  );
}

function initialValues(editing: ItemFormProps['editing']) {
  if (editing.type === 'meeting') {
    const m = editing.meeting;
    return {
      kind: m.kind as Kind,
      title: m.title,
      start: m.startsAt,
      end: m.endsAt,
      location: m.location ?? '',
      onlineUrl: m.onlineUrl ?? '',
      notes: m.description ?? '',
    };
  }
  if (editing.type === 'task') {
    const t = editing.task;
    return {
      kind: 'task' as Kind,
      title: t.title,
      start: t.dueAt,
      end: new Date(t.dueAt.getTime() + t.durationMinutes * 60_000),
      location: '',
      onlineUrl: '',
      notes: t.notes ?? '',
    };
  }
  return {
    kind: 'meeting' as Kind,
    title: '',
    start: editing.start,
    end: editing.end,
    location: '',
    onlineUrl: '',
    notes: '',
  };
}

function versionOf(editing: ItemFormProps['editing']): number {
  return editing.type === 'meeting'
    ? editing.meeting.version
    : editing.type === 'task'
      ? editing.task.version
      : 0;
}
