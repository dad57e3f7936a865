import type { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../app-env';
import { faultRule, type ControlState } from '../control-state';
import { sendLifecycleNotification } from '../notifications';
import { applyAnySeed, parseSeed, type AnySeed } from '../any-seed';
import { addDirectoryTenant, directoryTenantSchema } from '../directory';

/**
 * Test and demo controls under /__control/ (no auth; loopback only by deployment):
 * reset, seed, faults, request counts, delta expiry, grant revocation, lifecycle events,
 * Microsoft 365 tenants for enterprise access.
 */

export interface ControlDeps {
  control: ControlState;
  currentSeed: () => AnySeed;
  setSeed: (seed: AnySeed) => void;
}

const lifecycleRequest = z.object({
  subscriptionId: z.string(),
  lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
});

export function registerControlRoutes(app: Hono<EmulatorEnv>, deps: ControlDeps): void {
  const base = '/__control';

  app.post(`${base}/reset`, (c) => {
    applyAnySeed(c.get('store'), deps.currentSeed());
    deps.control.clearFaults();
    deps.control.counts.clear();
    return c.json({ ok: true });
  });

  // The iMIP email sent to people the emulator does not host (also sent over SMTP when relaying).
  app.get(`${base}/outbox`, (c) => c.json({ messages: c.get('store').outbox }));
  app.delete(`${base}/outbox`, (c) => {
    c.get('store').outbox = [];
    return c.body(null, 204);
  });

  app.post(`${base}/seed`, async (c) => {
    const seed = parseSeed(await c.req.json().catch(() => null));
    if (!seed)
      return c.json({ error: 'not a seed (shared demo format or the Microsoft emulator format)' }, 400);
    deps.setSeed(seed);
    applyAnySeed(c.get('store'), seed);
    return c.json({ ok: true });
  });

  app.get(`${base}/accounts`, (c) => {
    const store = c.get('store');
    const value = [...store.accounts.values()].map((account) => ({
      ...account,
      calendars: store
        .calendarsOf(account.id)
        .map((calendar) => ({ id: calendar.id, name: calendar.name, isDefault: calendar.isDefault })),
    }));
    return c.json({ value });
  });

  app.post(`${base}/faults`, async (c) => {
    const parsed = faultRule.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    deps.control.addFault(parsed.data);
    return c.json({ ok: true }, 201);
  });
  app.delete(`${base}/faults`, (c) => {
    deps.control.clearFaults();
    return c.body(null, 204);
  });

  app.get(`${base}/requests`, (c) => c.json(deps.control.snapshot()));
  app.delete(`${base}/requests`, (c) => {
    deps.control.counts.clear();
    return c.body(null, 204);
  });

  app.post(`${base}/expire-delta`, (c) => {
    c.get('store').deltaTokens.expireAll();
    return c.json({ ok: true });
  });

  app.post(`${base}/revoke`, async (c) => {
    const parsed = z.object({ email: z.string() }).safeParse(await c.req.json().catch(() => null));
    const account = parsed.success ? c.get('store').accountByIdOrEmail(parsed.data.email) : undefined;
    if (!account) return c.json({ error: 'unknown account' }, 404);
    c.get('store').revokeAccount(account.id);
    return c.json({ ok: true });
  });

  // A Microsoft 365 tenant for enterprise tests: users (some without mailbox or disabled), an
  // admin, and an app registration awaiting admin consent (directory.ts). Reset removes it.
  app.post(`${base}/directory-tenant`, async (c) => {
    const parsed = directoryTenantSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    return c.json({ ok: true, ...addDirectoryTenant(c.get('store'), parsed.data) }, 201);
  });

  app.post(`${base}/token-lifetime`, async (c) => {
    const parsed = z
      .object({ seconds: z.number().int().min(1) })
      .safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    c.get('store').accessTokenLifetimeSeconds = parsed.data.seconds;
    return c.json({ ok: true });
  });

  app.post(`${base}/lifecycle`, async (c) => {
    const parsed = lifecycleRequest.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.issues }, 400);
    const subscription = c.get('store').subscriptions.get(parsed.data.subscriptionId);
    if (!subscription) return c.json({ error: 'unknown subscription' }, 404);
    const sent = await sendLifecycleNotification(c.get('store'), subscription, parsed.data.lifecycleEvent);
    return c.json({ ok: true, sent });
  });
}
