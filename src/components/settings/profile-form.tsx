'use client';

import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/field';
import { CHOOSABLE_LOCALES, type ChoosableLocale } from '@/server/users/locale';
import { useTRPC } from '@/trpc/react';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const TIME_ZONES = Intl.supportedValuesOf('timeZone');
/** Shown beside each date format, so the choice is visible rather than named. */
const SAMPLE_DAY = new Date('2026-11-30T12:00:00Z');

const noSubscription = () => () => undefined;

/**
 * True once rendered in the browser. The date samples come from the browser's own ICU data, which
 * is what the calendar will use; the server's may differ (Chromium lacks some locales Node has),
 * and a sample rendered on both would not hydrate.
 */
function useInBrowser(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

export function ProfileForm() {
  const trpc = useTRPC();
  const inBrowser = useInBrowser();
  const queryClient = useQueryClient();
  const { data: profile } = useSuspenseQuery(trpc.me.profile.queryOptions());
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.me.updateProfile.mutationOptions({
      onSuccess: async (next) => {
        queryClient.setQueryData(trpc.me.profile.queryKey(), next);
        await queryClient.invalidateQueries({ queryKey: trpc.calendar.pathKey() });
        setSaved(true);
      },
    }),
  );
  const fieldErrors = update.error?.data?.zodError?.fieldErrors ?? {};

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    update.mutate({
      name: String(form.get('name') ?? ''),
      timeZone: String(form.get('timeZone') ?? ''),
      // The empty choice is "as my browser asks".
      locale: (String(form.get('locale') ?? '') || null) as ChoosableLocale | null,
      workingHours: {
        days: form.getAll('days').map(Number),
        start: String(form.get('start') ?? ''),
        end: String(form.get('end') ?? ''),
      },
    });
  }

  return (
    <form
      onSubmit={submit}
      className="mt-6 space-y-5 rounded-lg border border-slate-200 bg-white p-5"
      noValidate
    >
      {update.error ? <Alert tone="error">{update.error.message}</Alert> : null}
      {saved ? <Alert tone="success">Your settings are saved.</Alert> : null}
      <TextField label="Name" name="name" defaultValue={profile.name ?? ''} error={fieldErrors.name?.[0]} />
      <SelectField
        label="Time zone"
        name="timeZone"
        defaultValue={profile.timeZone}
        error={fieldErrors.timeZone?.[0]}
      >
        {(TIME_ZONES.includes(profile.timeZone) ? TIME_ZONES : [profile.timeZone, ...TIME_ZONES]).map(
          (zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ),
        )}
      </SelectField>
      <SelectField
        label="Date format"
        name="locale"
        defaultValue={profile.locale ?? ''}
        error={fieldErrors.locale?.[0]}
      >
        <option value="">As my browser’s language</option>
        {Object.entries(CHOOSABLE_LOCALES).map(([tag, name]) => (
          <option key={tag} value={tag}>
            {inBrowser ? `${name} — ${SAMPLE_DAY.toLocaleDateString(tag, { timeZone: 'UTC' })}` : name}
          </option>
        ))}
      </SelectField>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Working days</legend>
        <div className="mt-2 flex flex-wrap gap-3">
          {WEEKDAYS.map((day, index) => (
            <label key={day} className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                name="days"
                value={index + 1}
                defaultChecked={profile.workingHours.days.includes(index + 1)}
              />
              {day}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Working hours start"
          name="start"
          type="time"
          defaultValue={profile.workingHours.start}
        />
        <TextField label="Working hours end" name="end" type="time" defaultValue={profile.workingHours.end} />
      </div>
      <Button type="submit" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Save settings'}
      </Button>
    </form>
  );
}
