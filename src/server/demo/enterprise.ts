import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { KeyRing } from '@/server/crypto/secrets';
import type { Database } from '@/server/db/client';
import { memberships, users } from '@/server/db/schema';
import { createEnterpriseAccess, GOOGLE_WORKSPACE_SCOPES } from '@/server/enterprise/access';
import { findEnterpriseRow, openEnterpriseApp } from '@/server/enterprise/secrets';
import { saveGoogleSetup, saveMicrosoftSetup } from '@/server/enterprise/setup';
import { findActor } from '@/server/tenants/actor';
import { findTenantIdBySlug } from '@/server/tenants/provisioning';
import type { Actor } from '@/server/tenants/actor';
import { RIVERSIDE_ACCOUNTS } from './accounts';

/**
 * Both demo tenants come with an enterprise connection, saved as their admins would save it on
 * /admin/calendar (status "untested" until someone presses Test).
 *
 * Northbridge Training: Microsoft 365 application permission for its directory
 * northbridge-college.test, with the demo's Microsoft app (the emulator's seeded tenants have
 * consented to it, as their admin would have once).
 *
 * Riverside Skills: a Google Workspace enterprise connection (domain-wide delegation):
 * a service account key made here on first start — never committed — and saved the way an
 * admin saves the downloaded key file on /admin/calendar, so the key lives encrypted in the
 * database only. Google would remember the service account and the delegation; the emulator
 * forgets them on restart, so each start hands it what the Cloud console and the Admin console
 * hold: the directory, the key's public half and the authorised scopes.
 */

export const DEMO_WORKSPACE_DOMAIN = 'riverside.test';
const DIRECTORY_ADMIN = 'admin@riverside.test';
const SERVICE_ACCOUNT_EMAIL = 'tandem-calendar@riverside-skills.iam.gserviceaccount.com';
const SERVICE_ACCOUNT_CLIENT_ID = '104729000000000000007';

/** What the emulator needs to play Google Cloud and the Workspace Admin console for the demo. */
export interface DemoWorkspace {
  domain: string;
  users: { email: string; name: string; isAdmin: boolean }[];
  serviceAccount: { clientId: string; clientEmail: string; publicKeyPem: string };
  scopes: string[];
}

function serviceAccountKeyFile(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account',
    project_id: 'riverside-skills',
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: SERVICE_ACCOUNT_EMAIL,
    client_id: SERVICE_ACCOUNT_CLIENT_ID,
  });
}

/** The stored key's private half, or null when it is missing or this key ring cannot read it. */
async function storedPrivateKey(db: Database, keys: KeyRing, tenantId: string) {
  const row = await findEnterpriseRow(db, tenantId, { provider: 'google' });
  if (!row) return { row: null, privateKey: null };
  try {
    const { secret } = openEnterpriseApp(keys, row);
    return { row, privateKey: secret.provider === 'google' ? secret.privateKey : null };
  } catch {
    return { row, privateKey: null };
  }
}

type SetupDeps = Parameters<typeof saveGoogleSetup>[0];

async function adminOf(db: Database, tenantId: string, email: string): Promise<Actor> {
  const userId = await userIdOf(db, tenantId, email);
  const actor = userId ? await findActor(db, { userId, tenantId }) : null;
  if (!actor) throw new Error(`demo account ${email} is missing`);
  return actor;
}

/** The demo's Microsoft app (the one members connect through), registered in the Microsoft emulator. */
export interface DemoMicrosoftApp {
  clientId: string;
  clientSecret: string;
}

/**
 * Saves each demo tenant's enterprise set-up when it has none (Riverside's also when its key can
 * no longer be read) and returns what the Google emulator must be told about Riverside's; null
 * when Riverside is not seeded. An admin's own later change of domain or key is kept: the
 * emulator is then told about that one.
 */
export async function ensureDemoEnterpriseConnections(
  db: Database,
  keys: KeyRing,
  now: () => Date,
  microsoftApp: DemoMicrosoftApp,
): Promise<{ workspace: DemoWorkspace | null }> {
  // Only Microsoft set-ups read the enterprise endpoints (for their consent link, on the page).
  const deps: SetupDeps = {
    db,
    keyRing: () => keys,
    now,
    enterprise: createEnterpriseAccess({ microsoft: {} }),
    appUrl: 'http://127.0.0.1',
  };
  const northbridge = await findTenantIdBySlug(db, 'northbridge');
  if (northbridge && !(await findEnterpriseRow(db, northbridge, { provider: 'microsoft' }))) {
    await saveMicrosoftSetup(deps, await adminOf(db, northbridge, 'admin@northbridge.test'), {
      directory: 'northbridge-college.test',
      clientId: microsoftApp.clientId,
      clientSecret: microsoftApp.clientSecret,
    });
  }
  const riverside = await findTenantIdBySlug(db, 'riverside');
  return { workspace: riverside ? await ensureWorkspace(deps, riverside) : null };
}

async function ensureWorkspace(deps: SetupDeps, tenantId: string): Promise<DemoWorkspace> {
  const { db } = deps;
  const keys = deps.keyRing();
  let { row, privateKey } = await storedPrivateKey(db, keys, tenantId);
  if (!row || !privateKey) {
    await saveGoogleSetup(deps, await adminOf(db, tenantId, DIRECTORY_ADMIN), {
      domain: row?.domain ?? DEMO_WORKSPACE_DOMAIN,
      directoryAdmin: row?.directoryAdmin ?? DIRECTORY_ADMIN,
      keyJson: serviceAccountKeyFile(),
    });
    ({ row, privateKey } = await storedPrivateKey(db, keys, tenantId));
  }
  if (!row || !privateKey) throw new Error('the demo Workspace set-up was not saved');
  const { domain, directoryAdmin } = row;
  return {
    domain,
    users: RIVERSIDE_ACCOUNTS.filter((account) => account.email.endsWith(`@${domain}`)).map((account) => ({
      email: account.email,
      name: account.name,
      isAdmin: account.email === directoryAdmin,
    })),
    serviceAccount: {
      clientId: row.clientId,
      clientEmail: row.serviceAccountEmail ?? SERVICE_ACCOUNT_EMAIL,
      publicKeyPem: createPublicKey(createPrivateKey(privateKey))
        .export({ type: 'spki', format: 'pem' })
        .toString(),
    },
    scopes: [...GOOGLE_WORKSPACE_SCOPES],
  };
}

async function userIdOf(db: Database, tenantId: string, email: string): Promise<string | null> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(and(eq(memberships.tenantId, tenantId), eq(users.email, email)));
  return row?.id ?? null;
}
