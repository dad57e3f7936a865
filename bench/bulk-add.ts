/**
 * `npm run bench -- --only=bulk-add` (issue 14, "Speed and scale"): bulk add of 500 learners
 * through a Google Workspace enterprise connection against the in-process Google emulator (JWT
 * bearer grant per member, the calendar list, the Admin SDK directory for the preview), on the
 * real set-up, preview and bulk-add job body (its steps run directly, one after another as the
 * inline driver would). Prints members/s, provider calls per member and the load average; the
 * initial imports the job queues are not run here. Asserts nothing.
 */
import { generateKeyPairSync } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startGoogleEmulator } from '../emulators/google/server';
import { createCaller } from '../src/server/api/root';
import { createEnterpriseAccess, GOOGLE_WORKSPACE_SCOPES } from '../src/server/enterprise/access';
import { bulkAdd } from '../src/server/jobs/functions/bulk-add';
import type { JobDeps } from '../src/server/jobs/definition';
import type { JobDispatcher } from '../src/server/jobs/events';
import { googleEndpointsAt } from '../src/server/providers/google';
import { provisionTenant } from '../src/server/tenants/provisioning';
import { TEST_KEY_RING, testContext } from '../tests/support/api';
import { offlineMailer } from '../tests/support/offline-mailer';
import { benchDatabases } from './bench-databases';

const MEMBERS = 500;
const DOMAIN = 'bulk-bench.test';

export async function bulkAddOnly(): Promise<void> {
  const emulator = await startGoogleEmulator({ port: 0, seed: { tenant: 'Bulk bench', accounts: [] } });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientId = '109000000000000000500';
  const clientEmail = 'tandem@bulk-bench.iam.gserviceaccount.com';
  emulator.control.addWorkspace({
    domain: DOMAIN,
    serviceAccount: {
      clientId,
      clientEmail,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    users: [{ email: `admin@${DOMAIN}`, name: 'Bench admin', isAdmin: true }],
    generate: { count: MEMBERS, prefix: 'learner' },
  });
  emulator.control.delegate(DOMAIN, clientId, [...GOOGLE_WORKSPACE_SCOPES]);
  const enterprise = createEnterpriseAccess({ microsoft: {}, google: googleEndpointsAt(emulator.url) });
  try {
    for (const target of benchDatabases()) {
      const fresh = await target.open();
      const db = fresh.handle.db;
      const { tenantId, userIds } = await provisionTenant(db, {
        name: 'Bulk bench',
        slug: `bulk-bench-${crypto.randomUUID().slice(0, 8)}`,
        calendarIntegrationEnabled: true,
        members: [
          {
            email: `admin@${DOMAIN}`,
            name: 'Bench admin',
            role: 'admin',
            permissions: ['manage_tenant_settings'],
            timeZone: 'Europe/London',
            passwordHash: 'x',
          },
          ...Array.from({ length: MEMBERS }, (_, i) => ({
            email: `learner${i + 1}@${DOMAIN}`,
            name: `Learner ${i + 1}`,
            role: 'learner' as const,
            timeZone: 'Europe/London',
            passwordHash: 'x',
          })),
        ],
      });
      const queued: string[] = [];
      const jobs: JobDispatcher = {
        send: (events) => {
          queued.push(...[events].flat().map((event) => event.name));
          return Promise.resolve();
        },
      };
      const caller = createCaller(
        testContext(
          db,
          { userId: userIds.get(`admin@${DOMAIN}`) ?? '', tenantId },
          { now: () => new Date(), enterprise, jobs },
        ),
      );
      await caller.enterprise.saveGoogle({
        domain: DOMAIN,
        directoryAdmin: `admin@${DOMAIN}`,
        keyJson: JSON.stringify({
          type: 'service_account',
          client_id: clientId,
          client_email: clientEmail,
          private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        }),
      });
      emulator.control.resetRequestCounts();
      const started = performance.now();
      const run = await caller.enterprise.startBulk({ provider: 'google', selection: { kind: 'learners' } });
      const previewMs = performance.now() - started;
      const deps: JobDeps = {
        db,
        providers: testContext(db, null).providers,
        now: () => new Date(),
        window: { pastDays: 30, futureDays: 90 },
        appUrl: 'http://127.0.0.1:3000',
        pollMinutes: 15,
        jobs,
        mailer: offlineMailer,
        answerLinkKey: Buffer.alloc(32),
        keyRing: () => TEST_KEY_RING,
        enterprise,
      };
      const outcomes = await bulkAdd.run(deps, { tenantId, runId: run.id }, { run: (_id, body) => body() });
      const seconds = (performance.now() - started) / 1000;
      const counts = emulator.control.requestCounts();
      const calls = counts.total;
      const byRoute = Object.entries(counts.byRoute)
        .map(([route, n]) => `${route} ${n}`)
        .join(', ');
      console.log(
        `bulk add (${target.name}, Google Workspace emulator): ${MEMBERS} members in ${seconds.toFixed(1)} s = ` +
          `${(MEMBERS / seconds).toFixed(1)} members/s (preview ${previewMs.toFixed(0)} ms); outcomes ${JSON.stringify(outcomes)}; ` +
          `${calls} provider calls = ${(calls / MEMBERS).toFixed(2)} per member; ${queued.filter((n) => n === 'tandem/connection.added').length} initial imports queued; ` +
          `load average ${loadavg()[0]?.toFixed(1)}\n  calls: ${byRoute}`,
      );
      await fresh.handle.close();
      await fresh.drop();
    }
  } finally {
    await emulator.close();
  }
}
