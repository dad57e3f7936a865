'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';

export interface AcceptProposedTimeInput {
  id: string;
  attendeeId: string;
  version: number;
}

interface AcceptProposedTimeProps {
  meeting: { id: string; version: number };
  attendee: { id: string; name: string | null; email: string };
  /**
   * `meetings.acceptProposedTime` (the answers helper's procedure), e.g. a mutation's
   * `mutateAsync`: taken as a prop so this compiles before that procedure exists.
   */
  accept: (input: AcceptProposedTimeInput) => Promise<unknown>;
}

/** The organiser takes an invitee's proposed time in one click: the meeting moves to it. */
export function AcceptProposedTime({ meeting, attendee, accept }: AcceptProposedTimeProps) {
  const [state, setState] = useState<{ pending: boolean; error: string | null }>({
    pending: false,
    error: null,
  });
  const name = attendee.name ?? attendee.email;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button
        variant="secondary"
        aria-label={`Accept this time proposed by ${name}`}
        disabled={state.pending}
        onClick={() => {
          setState({ pending: true, error: null });
          accept({ id: meeting.id, attendeeId: attendee.id, version: meeting.version }).then(
            () => setState({ pending: false, error: null }),
            (error: unknown) =>
              setState({
                pending: false,
                error: error instanceof Error ? error.message : 'Could not move the meeting',
              }),
          );
        }}
      >
        Accept this time
      </Button>
      {state.error ? (
        <span role="alert" className="text-sm text-red-700">
          {state.error}
        </span>
      ) : null}
    </span>
  );
}
