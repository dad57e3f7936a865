import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { appDeps } from '@/server/app-deps';
import { currentIdentity } from '@/server/auth/config';
import { findActor, type Actor } from '@/server/tenants/actor';
import { getProfile, type Profile } from '@/server/users/profile';

/** For pages: the signed-in member and their profile, or a redirect to the sign-in page. */
export const requireSignedIn = cache(async (): Promise<{ actor: Actor; profile: Profile }> => {
  const identity = await currentIdentity();
  if (!identity) redirect('/sign-in');
  const { db } = await appDeps();
  const actor = await findActor(db, identity);
  if (!actor) redirect('/sign-in');
  return { actor, profile: await getProfile(db, actor) };
});
