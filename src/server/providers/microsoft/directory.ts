import type { MicrosoftAppConfig } from './config';
import { GraphSession } from './graph-session';
import type { DirectoryUser } from '../types';
import type { AccessTokenSource } from './token-source';

export type { DirectoryUser };

/**
 * The people of a Microsoft 365 tenant, as an app with User.Read.All sees them (app-only):
 * `GET /users?$select=…&$top=999`, following `@odata.nextLink` to the end
 * (https://learn.microsoft.com/en-us/graph/api/user-list, https://learn.microsoft.com/en-us/graph/paging).
 */

interface GraphUser {
  mail?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
}

interface GraphUserPage {
  value?: GraphUser[];
  '@odata.nextLink'?: string;
}

export async function listDirectoryUsers(
  app: MicrosoftAppConfig,
  tokens: AccessTokenSource,
  options: { firstPageOnly?: boolean } = {},
): Promise<{ users: DirectoryUser[]; calls: number }> {
  const session = new GraphSession(app, tokens, '');
  const users: DirectoryUser[] = [];
  let calls = 0;
  let next: string | null = null;
  do {
    const link = next;
    const page: GraphUserPage = await session.call('list users', () =>
      link
        ? (session.client.api(link).get() as Promise<GraphUserPage>)
        : (session.client
            .api('/users')
            .select(['id', 'mail', 'userPrincipalName', 'accountEnabled'])
            .top(options.firstPageOnly ? 1 : 999)
            .get() as Promise<GraphUserPage>),
    );
    calls += 1;
    for (const user of page.value ?? []) {
      const email = (user.mail ?? user.userPrincipalName ?? '').toLowerCase();
      if (!email) continue;
      users.push({ email, hasMailbox: Boolean(user.mail), suspended: user.accountEnabled === false });
    }
    next = options.firstPageOnly ? null : (page['@odata.nextLink'] ?? null);
  } while (next);
  return { users, calls };
}
