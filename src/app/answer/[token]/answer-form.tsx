'use client';

import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextAreaField } from '@/components/ui/field';
import { submitAnswer, type AnswerFormState } from './actions';

const CHOICES = [
  { value: 'accepted', label: 'Accept' },
  { value: 'tentative', label: 'Tentative' },
  { value: 'declined', label: 'Decline' },
] as const;

const DONE: Record<NonNullable<AnswerFormState['answered']>, string> = {
  accepted: 'You accepted. The organiser can see your answer.',
  tentative: 'You answered tentative. The organiser can see your answer.',
  declined: 'You declined. The organiser can see your answer.',
};

export function AnswerForm({
  token,
  preselected,
  comment,
}: {
  token: string;
  preselected: string | null;
  comment: string | null;
}) {
  const [state, action, pending] = useActionState<AnswerFormState, FormData>(submitAnswer.bind(null, token), {
    error: null,
    answered: null,
  });
  if (state.answered) return <Alert tone="success">{DONE[state.answered]}</Alert>;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.error ? <Alert tone="error">{state.error}</Alert> : null}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Your answer</legend>
        {CHOICES.map((choice) => (
          <label key={choice.value} className="flex items-center gap-2 text-sm text-slate-900">
            <input
              type="radio"
              name="response"
              value={choice.value}
              defaultChecked={preselected === choice.value}
              required
            />
            {choice.label}
          </label>
        ))}
      </fieldset>
      <TextAreaField
        label="Comment (optional)"
        name="comment"
        maxLength={1000}
        defaultValue={comment ?? ''}
        hint="The organiser sees it with your answer."
      />
      <Button type="submit" disabled={pending}>
        {pending ? 'Sending…' : 'Send my answer'}
      </Button>
    </form>
  );
}
