/**
 * Google Workspace as an enterprise app sees it: Workspace domains with their directory users,
 * service accounts (client id, address, public key) and the domain-wide delegation a Workspace
 * admin grants a client id for a list of scopes (Admin console → Security → API controls). The
 * JWT bearer grant (RFC 7523) is checked here. Facts pinned in workspace.fidelity.test.ts:
 * - https://developers.google.com/identity/protocols/oauth2/service-account (the JWT, its claims,
 *   `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`, delegation with `sub`)
 * - https://developers.google.com/workspace/guides/create-credentials#optional_set_up_domain-wide_delegation_for_a_service_account
 * - https://developers.google.com/admin-sdk/directory/reference/rest/v1/users/list
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { OAuthError } from './oauth-grants';
import type { GoogleStore } from './store';

/** The token URL googleapis hard-codes as the JWT's `aud` (PROVIDERS.md "Libraries against the emulators"). */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface DirectoryUser {
  email: string;
  name: string;
  suspended: boolean;
  isAdmin: boolean;
  /** `isMailboxSetup` in the Directory API: false = no Gmail/Calendar for this user. */
  hasMailbox: boolean;
  aliases: string[];
}

export interface WorkspaceDomain {
  domain: string;
  /** The `customerId` (`my_customer` resolves to the caller's). */
  customerId: string;
  users: Map<string, DirectoryUser>;
}

interface ServiceAccount {
  clientId: string;
  clientEmail: string;
  publicKey: KeyObject;
}

export const workspaceSchema = z.object({
  domain: z.string().min(3),
  customerId: z.string().min(1).optional(),
  users: z
    .array(
      z.object({
        email: z.string().min(3),
        name: z.string().min(1),
        suspended: z.boolean().default(false),
        isAdmin: z.boolean().default(false),
        hasMailbox: z.boolean().default(true),
        aliases: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  /** Also `count` generated users `{prefix}{n}@{domain}` (benches). */
  generate: z.object({ count: z.number().int().min(1).max(20_000), prefix: z.string().min(1) }).optional(),
  /** A service account created in a Google Cloud project (its key's public half). */
  serviceAccount: z
    .object({ clientId: z.string().min(1), clientEmail: z.string().min(3), publicKeyPem: z.string().min(1) })
    .optional(),
});
export type WorkspaceSpec = z.input<typeof workspaceSchema>;

export const delegationSchema = z.object({
  domain: z.string().min(3),
  clientId: z.string().min(1),
  /** The scopes authorised; an empty list removes the delegation. */
  scopes: z.array(z.string().min(1)),
});

const unauthorizedClient = () =>
  new OAuthError(
    'unauthorized_client',
    'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    401,
  );
const invalidGrant = (description: string) => new OAuthError('invalid_grant', description, 400);

const claimsSchema = z.object({
  iss: z.string(),
  scope: z.string().default(''),
  aud: z.string(),
  iat: z.number(),
  exp: z.number(),
  sub: z.string().optional(),
});

export class Workspaces {
  readonly domains = new Map<string, WorkspaceDomain>();
  private readonly serviceAccounts = new Map<string, ServiceAccount>();
  /** `${domain}|${clientId}` → scopes the Workspace admin authorised. */
  private readonly delegations = new Map<string, Set<string>>();

  constructor(private readonly store: GoogleStore) {}

  clear(): void {
    this.domains.clear();
    this.serviceAccounts.clear();
    this.delegations.clear();
  }

  /** Adds (or extends) a Workspace domain; users with a mailbox get a Google account (primary calendar). */
  addWorkspace(input: WorkspaceSpec): { users: number } {
    const spec = workspaceSchema.parse(input);
    const domain = spec.domain.toLowerCase();
    const workspace = this.domains.get(domain) ?? {
      domain,
      customerId: spec.customerId ?? `C0${Buffer.from(domain).toString('hex').slice(0, 7)}`,
      users: new Map<string, DirectoryUser>(),
    };
    this.domains.set(domain, workspace);
    const generated = Array.from({ length: spec.generate?.count ?? 0 }, (_, i) => ({
      email: `${spec.generate?.prefix ?? 'user'}${i + 1}@${domain}`,
      name: `${spec.generate?.prefix ?? 'user'} ${i + 1}`,
      suspended: false,
      isAdmin: false,
      hasMailbox: true,
      aliases: [],
    }));
    const users = [...spec.users, ...generated];
    for (const user of users) {
      const email = user.email.toLowerCase();
      if (domainOf(email) !== domain) throw new Error(`${email} is not in ${domain}`);
      workspace.users.set(email, { ...user, email });
      if (user.hasMailbox && !this.store.accounts.has(email))
        this.store.addAccount(email, user.name, 'Europe/London');
    }
    if (spec.serviceAccount) this.addServiceAccount(spec.serviceAccount);
    return { users: users.length };
  }

  addServiceAccount(input: { clientId: string; clientEmail: string; publicKeyPem: string }): void {
    this.serviceAccounts.set(input.clientEmail.toLowerCase(), {
      clientId: input.clientId,
      clientEmail: input.clientEmail.toLowerCase(),
      publicKey: createPublicKey(input.publicKeyPem),
    });
  }

  /** What the Workspace admin does in Admin console → Security → API controls → Domain-wide delegation. */
  delegate(input: z.input<typeof delegationSchema>): void {
    const spec = delegationSchema.parse(input);
    const key = `${spec.domain.toLowerCase()}|${spec.clientId}`;
    if (spec.scopes.length === 0) this.delegations.delete(key);
    else this.delegations.set(key, new Set(spec.scopes));
  }

  /** The directory user behind an address (primary or alias), with its domain. */
  findUser(email: string): { workspace: WorkspaceDomain; user: DirectoryUser } | null {
    const lower = email.toLowerCase();
    const workspace = this.domains.get(domainOf(lower));
    const user = workspace?.users.get(lower);
    return workspace && user ? { workspace, user } : null;
  }

  /**
   * Checks a JWT bearer assertion the way Google's token endpoint does, in its order: signature
   * by a key of the issuing service account, audience, a lifetime of at most an hour around now,
   * the subject in a Workspace domain, then the delegation of every requested scope.
   */
  verifyAssertion(assertion: string, nowSeconds: number): { email: string; scope: string; clientId: string } {
    const parts = assertion.split('.');
    const [header64, payload64, signature64] = parts;
    if (parts.length !== 3 || !header64 || !payload64 || !signature64)
      throw invalidGrant('Invalid JWT: Token must be a short-lived token (60 minutes)');
    const header = decodeJson(header64);
    const claims = claimsSchema.safeParse(decodeJson(payload64));
    if (!header || header['alg'] !== 'RS256' || !claims.success) throw invalidGrant('Invalid JWT Signature.');
    const account = this.serviceAccounts.get(claims.data.iss.toLowerCase());
    if (!account) throw invalidGrant('Invalid grant: account not found');
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header64}.${payload64}`),
      account.publicKey,
      Buffer.from(signature64, 'base64url'),
    );
    if (!signed) throw invalidGrant('Invalid JWT Signature.');
    const { aud, iat, exp, sub, scope } = claims.data;
    if (aud !== GOOGLE_TOKEN_AUDIENCE)
      throw invalidGrant('Invalid JWT: audience does not match the token URL.');
    // Google allows a little clock skew; an hour at most between iat and exp, and not expired.
    if (exp - iat > 3600 || exp <= nowSeconds || iat > nowSeconds + 300)
      throw invalidGrant(
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      );
    if (!sub) throw unauthorizedClient();
    const found = this.findUser(sub);
    if (!found || found.user.suspended) throw invalidGrant('Invalid email or User ID');
    const granted = this.delegations.get(`${found.workspace.domain}|${account.clientId}`);
    const requested = scope.split(/\s+/).filter(Boolean);
    if (!granted || requested.length === 0 || !requested.every((s) => granted.has(s)))
      throw unauthorizedClient();
    return { email: found.user.email, scope: requested.join(' '), clientId: account.clientId };
  }
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
