/**
 * The people of a Google Workspace domain, read through the Admin SDK Directory API as a Workspace
 * administrator (the service account acting as that admin by delegation):
 * `users.list?customer=my_customer&maxResults=500`, following `nextPageToken` to the end
 * (https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list).
 */
import { admin } from 'googleapis/build/src/apis/admin';
import type { DirectoryUser } from '../microsoft/directory';
import { resolveEndpoints, type GoogleEndpoints } from './config';
import { ServiceAccountSession, type JwtClient } from './service-account';

export const DIRECTORY_READ_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';

export async function listWorkspaceUsers(
  client: JwtClient,
  options: { endpoints?: Partial<GoogleEndpoints>; firstPageOnly?: boolean } = {},
): Promise<{ users: DirectoryUser[]; calls: number }> {
  const session = new ServiceAccountSession(client);
  const api = admin({
    version: 'directory_v1',
    auth: client,
    rootUrl: resolveEndpoints({ endpoints: options.endpoints }).apiRootUrl,
    retry: false,
    timeout: 30_000,
  });
  const users: DirectoryUser[] = [];
  let calls = 0;
  let pageToken: string | undefined;
  do {
    const { data } = await session.run(() =>
      api.users.list({ customer: 'my_customer', maxResults: options.firstPageOnly ? 1 : 500, pageToken }),
    );
    calls += 1;
    for (const user of data.users ?? []) {
      // Matched on the primary address: it is also the `sub` Tandem then acts as.
      const email = user.primaryEmail?.toLowerCase();
      if (email)
        users.push({ email, hasMailbox: user.isMailboxSetup !== false, suspended: user.suspended === true });
    }
    pageToken = options.firstPageOnly ? undefined : (data.nextPageToken ?? undefined);
  } while (pageToken);
  return { users, calls };
}
