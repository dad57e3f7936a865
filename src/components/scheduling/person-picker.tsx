'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useTRPC } from '@/trpc/react';

export interface ChosenPerson {
  userId: string;
  name: string;
  /** Optional guests are shown but never block a suggestion. */
  required: boolean;
}

const SEARCH_DELAY_MS = 250;
const SHOWN_MATCHES = 8;

/**
 * Who the meeting is for: the organiser always first (not removable), then the people added,
 * each required or optional. The search lists the organiser's own learners first (the server orders).
 */
export function PersonPicker({
  viewer,
  chosen,
  onChange,
}: {
  viewer: { id: string; name: string };
  chosen: ChosenPerson[];
  onChange: (chosen: ChosenPerson[]) => void;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [asked, setAsked] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setAsked(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);
  const people = useQuery({
    ...trpc.scheduling.people.queryOptions(asked ? { search: asked } : {}),
    placeholderData: keepPreviousData,
  });
  const taken = new Set([viewer.id, ...chosen.map((person) => person.userId)]);
  const matches = (people.data ?? []).filter((person) => !taken.has(person.userId)).slice(0, SHOWN_MATCHES);

  const update = (userId: string, change: Partial<ChosenPerson>) =>
    onChange(chosen.map((person) => (person.userId === userId ? { ...person, ...change } : person)));

  return (
    <section
      aria-labelledby="people-heading"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id="people-heading" className="text-base font-semibold">
        People
      </h2>
      <ul aria-label="Attendees" className="space-y-1.5 text-sm">
        <li className="flex flex-wrap items-center gap-2">
          <span className="font-medium">{viewer.name}</span>
          <span className="text-slate-700">(you, organiser)</span>
        </li>
        {chosen.map((person) => (
          <li key={person.userId} className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <span className="font-medium">{person.name}</span>
            <label className="flex items-center gap-1.5 text-slate-800">
              <input
                type="checkbox"
                checked={!person.required}
                onChange={(event) => update(person.userId, { required: !event.target.checked })}
              />
              Optional
              <span className="sr-only"> for {person.name}</span>
            </label>
            <Button
              variant="ghost"
              className="px-2 py-1 underline"
              onClick={() => onChange(chosen.filter((other) => other.userId !== person.userId))}
            >
              Remove<span className="sr-only"> {person.name}</span>
            </Button>
          </li>
        ))}
      </ul>
      <TextField
        label="Find a learner or colleague"
        type="search"
        autoComplete="off"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        hint="Your own learners are listed first."
      />
      {people.error ? <Alert tone="error">Could not search: {people.error.message}</Alert> : null}
      <ul aria-label="Matching people" aria-busy={people.isFetching} className="space-y-1 text-sm">
        {matches.map((person) => (
          <li key={person.userId} className="flex flex-wrap items-center gap-2">
            <Button
              variant="secondary"
              className="px-2 py-1"
              onClick={() => {
                onChange([...chosen, { userId: person.userId, name: person.name, required: true }]);
                setSearch('');
              }}
            >
              Add {person.name}
            </Button>
            <span className="text-slate-700">
              {person.role}
              {person.isOwnLearner ? ' · your learner' : ''}
              {person.hasCalendar ? '' : ' · no calendar connected'}
            </span>
          </li>
        ))}
        {people.data && matches.length === 0 ? (
          <li className="text-slate-700">No one else matches.</li>
        ) : null}
      </ul>
    </section>
  );
}
