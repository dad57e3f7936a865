import { appDeps } from '@/server/app-deps';
import { answerTestTenantRequest } from '@/server/testing/tenant-provisioning';

export const dynamic = 'force-dynamic';

/** Test-only: the Playwright specs make their tenants here (src/server/testing/tenant-provisioning.ts). */
export async function POST(request: Request): Promise<Response> {
  const app = await appDeps();
  return answerTestTenantRequest({ token: app.testProvisioningToken, db: app.db }, request);
}
