import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { hashPassword } from '@/server/auth/passwords';
import type { Executor } from '@/server/db/client';
import { PERMISSIONS, ROLES } from '@/server/db/schema';
import { provisionTenant } from '@/server/tenants/provisioning';
import { timeZoneSchema } from '@/server/time/zones';

/*
 * Lets the Playwright specs make a fresh tenant and its people while the app under test runs: an
 * embedded PGlite database admits one process only, so the specs cannot write to it themselves.
 * Served only where TANDEM_TEST_PROVISIONING_TOKEN is set, which production refuses (src/env.ts).
 */

export const testTenantRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: z.string().regex(/^[a-z0-9-]{3,80}$/, 'Use lower-case letters, digits and hyphens'),
  calendarIntegrationEnabled: z.boolean().default(false),
  /** Everyone gets this password: the specs sign in through the real sign-in page. */
  password: z.string().min(8).max(200),
  members: z
    .array(
      z.strictObject({
        email: z.email(),
        name: z.string().trim().min(1).max(100),
        role: z.enum(ROLES),
        permissions: z.array(z.enum(PERMISSIONS)).default([]),
        timeZone: timeZoneSchema.default('Europe/London'),
      }),
    )
    .max(50),
});
export type TestTenantRequest = z.input<typeof testTenantRequestSchema>;

export interface ProvisionedTestTenant {
  tenantId: string;
  /** User id by (lower-cased) email. */
  userIds: Record<string, string>;
}

export async function provisionTestTenant(
  db: Executor,
  request: z.output<typeof testTenantRequestSchema>,
): Promise<ProvisionedTestTenant> {
  const passwordHash = await hashPassword(request.password);
  const { tenantId, userIds } = await provisionTenant(db, {
    name: request.name,
    slug: request.slug,
    calendarIntegrationEnabled: request.calendarIntegrationEnabled,
    members: request.members.map((member) => ({ ...member, passwordHash })),
  });
  return { tenantId, userIds: Object.fromEntries(userIds) };
}

export interface TestProvisioningDeps {
  /** TANDEM_TEST_PROVISIONING_TOKEN; null everywhere but the e2e app. */
  token: string | null;
  db: Executor;
}

/**
 * POST /api/testing/tenants. A 404 without the token, as if there were no such route, so that
 * nothing about it can be learnt where it is off.
 */
export async function answerTestTenantRequest(
  deps: TestProvisioningDeps,
  request: Request,
): Promise<Response> {
  if (!deps.token || !carriesToken(request.headers.get('authorization'), deps.token)) {
    return new Response(null, { status: 404 });
  }
  const parsed = testTenantRequestSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return Response.json({ error: z.prettifyError(parsed.error) }, { status: 400 });
  return Response.json(await provisionTestTenant(deps.db, parsed.data), { status: 201 });
}

function carriesToken(authorization: string | null, token: string): boolean {
  const given = Buffer.from(authorization?.replace(/^Bearer /, '') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
