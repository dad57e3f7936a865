'use server';

import { headers } from 'next/headers';
import { answerByLink, answerByLinkSchema } from '@/server/answers/answer-link';
import { appDeps } from '@/server/app-deps';
import { DomainError } from '@/server/errors';
import { clientAddress } from '@/server/security/client-address';
import { FixedWindowRateLimiter } from '@/server/security/rate-limit';

export interface AnswerFormState {
  error: string | null;
  /** Set once the answer is kept: the page then says so instead of showing the form again. */
  answered: 'accepted' | 'declined' | 'tentative' | null;
}

/** Answer links need no sign-in: a flood brake per address keeps guessing and hammering cheap. */
const perAddress = new FixedWindowRateLimiter({ limit: 20, windowMs: 60_000 });

export async function submitAnswer(
  token: string,
  _previous: AnswerFormState,
  form: FormData,
): Promise<AnswerFormState> {
  const app = await appDeps();
  const allowed = perAddress.take(clientAddress(await headers()), app.now());
  if (!allowed.allowed) {
    return {
      error: `Too many answers from your network. Try again in ${allowed.retryAfterSeconds} seconds.`,
      answered: null,
    };
  }
  const comment = String(form.get('comment') ?? '');
  const parsed = answerByLinkSchema.safeParse({
    response: form.get('response') ?? undefined,
    ...(comment.trim() ? { comment } : {}),
  });
  if (!parsed.success)
    return { error: parsed.error.issues[0]?.message ?? 'Check your answer', answered: null };
  try {
    const { response } = await answerByLink(app, token, parsed.data);
    return { error: null, answered: response };
  } catch (error) {
    // Plain domain refusals (a bad or expired link, a cancelled meeting) are shown as they are.
    if (error instanceof DomainError) return { error: error.message, answered: null };
    throw error;
  }
}
