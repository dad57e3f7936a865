'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { TextAreaField } from '@/components/ui/field';
import type { AttendeeResponseValue } from '@/server/db/schema';

export type Answer = Exclude<AttendeeResponseValue, 'needs_action'>;

const ANSWERS = [
  { response: 'accepted', label: 'Accept' },
  { response: 'tentative', label: 'Tentative' },
  { response: 'declined', label: 'Decline' },
] as const satisfies readonly { response: Answer; label: string }[];

/** What the answers helper's `meetings.respond` accepts as a comment. */
export const MAX_ANSWER_COMMENT = 1000;

interface AnswerFormProps {
  current: AttendeeResponseValue | null;
  pending: boolean;
  /**
   * Offers the optional comment (sent with the answer). Off until `meetings.respond` takes a
   * `comment`: a box whose words were dropped would mislead.
   */
  withComment: boolean;
  onAnswer: (answer: { response: Answer; comment?: string }) => void;
}

/** The invitee's answer: three buttons, and an optional note for the organiser. */
export function AnswerForm({ current, pending, withComment, onAnswer }: AnswerFormProps) {
  const [comment, setComment] = useState('');
  const tooLong = comment.trim().length > MAX_ANSWER_COMMENT;
  return (
    <div className="mt-2 space-y-2">
      {withComment ? (
        <TextAreaField
          label="Note for the organiser (optional)"
          name="comment"
          rows={2}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          error={tooLong ? `Keep the note under ${MAX_ANSWER_COMMENT} characters` : undefined}
        />
      ) : null}
      <div className="flex flex-wrap gap-2" role="group" aria-label="Answer the invitation">
        {ANSWERS.map(({ response, label }) => (
          <Button
            key={response}
            variant={current === response ? 'primary' : 'secondary'}
            aria-pressed={current === response}
            disabled={pending || tooLong}
            onClick={() =>
              onAnswer(withComment && comment.trim() ? { response, comment: comment.trim() } : { response })
            }
          >
            {label}
          </Button>
        ))}
      </div>
    </div>
  );
}
