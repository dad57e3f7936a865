'use server';

import { AuthError } from 'next-auth';
import { signIn, signOut, SignInThrottled } from '@/server/auth/config';
import { credentialsSchema } from '@/server/auth/credentials';
import { throttledMessage } from '@/server/auth/sign-in-throttle';

export interface SignInState {
  error: string | null;
  email: string;
}

const WRONG_CREDENTIALS = 'The email or password is incorrect.';

export async function signInWithPassword(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get('email') ?? '');
  const parsed = credentialsSchema.safeParse({ email, password: form.get('password') });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? WRONG_CREDENTIALS, email };
  const next = String(form.get('next') ?? '');
  try {
    await signIn('credentials', {
      email: parsed.data.email,
      password: parsed.data.password,
      // Only same-site paths: an open redirect would let links send users anywhere.
      redirectTo: next.startsWith('/') && !next.startsWith('//') ? next : '/calendar',
    });
  } catch (error) {
    // A successful sign-in throws Next's redirect, which must propagate.
    if (error instanceof SignInThrottled) return { error: throttledMessage(error.retryAfterSeconds), email };
    if (error instanceof AuthError) return { error: WRONG_CREDENTIALS, email };
    throw error;
  }
  return { error: null, email };
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/sign-in' });
}
