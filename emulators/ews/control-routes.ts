import type { Hono } from 'hono';
import type { FaultQueue, EwsFault } from './faults';
import type { NodeEnv } from './http';
import type { EwsStore } from './store';

/**
 * The test and demo controls under `/__control/*` (not part of EWS): inject faults, reset to the
 * seed, add a mailbox, expire every SyncState.
 */
export function controlRoutes(
  app: Hono<NodeEnv>,
  deps: { store: EwsStore; faults: FaultQueue; reset: () => void },
): void {
  const { store, faults } = deps;
  app.post('/__control/faults', async (c) => {
    faults.add((await c.req.json()) as Partial<EwsFault>);
    return c.json({ ok: true });
  });
  app.post('/__control/reset', (c) => {
    deps.reset();
    return c.json({ ok: true });
  });
  // Adds a mailbox (an e2e suite's people, or a service account given `impersonates`); gone on reset.
  app.post('/__control/mailboxes', async (c) => {
    const body = (await c.req.json()) as {
      email?: unknown;
      name?: unknown;
      password?: unknown;
      impersonates?: unknown;
    };
    if (typeof body.email !== 'string' || !body.email.includes('@'))
      return c.json({ error: 'email is required' }, 400);
    const mailbox = store.addMailbox({
      email: body.email,
      name: typeof body.name === 'string' ? body.name : body.email,
      ...(typeof body.password === 'string' ? { password: body.password } : {}),
      ...(Array.isArray(body.impersonates)
        ? { impersonates: body.impersonates.filter((d): d is string => typeof d === 'string') }
        : {}),
    });
    return c.json({ email: mailbox.email, calendarFolderId: mailbox.calendarFolderId }, 201);
  });
  app.post('/__control/expire-sync-states', (c) => {
    store.expireSyncStates();
    return c.json({ ok: true });
  });
}
