/**
 * The control API every emulator exposes under `/__control/` for tests, the demo and benchmarks
 * (never part of the emulated provider's API):
 *
 *   POST   /__control/reset            back to the seed the emulator started with; clears faults,
 *                                      counters and the clock offset
 *   POST   /__control/seed             replace all state with the seed in the body (seed.ts format)
 *   GET    /__control/requests         `{ total, byRoute }` request counts; DELETE resets them
 *   POST   /__control/faults           add a fault: a generic FaultSpec, or `{ preset, ...params }`
 *                                      for the emulator's named presets; GET lists, DELETE clears
 *   POST   /__control/clock            `{ advanceSeconds }` moves the emulator's clock forward
 *
 * Each emulator mounts this and adds its own routes under `/__control/<provider>/…`.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorClock } from './clock';
import { type FaultInjector, type FaultSpecInput, faultSpecSchema } from './faults';
import type { RequestCounter } from './request-counter';
import type { SeedFileInput } from './seed';
import { seedFileSchema } from './seed';

export interface ControlHooks {
  counter: RequestCounter;
  faults: FaultInjector;
  clock: EmulatorClock;
  /** Restore the start-up seed. */
  reset(): void | Promise<void>;
  /** Replace the state with this seed. */
  seed(seed: SeedFileInput): void | Promise<void>;
  /**
   * Named faults. A preset returns the generic fault to add, or null when it acted on state
   * directly (e.g. "expire every sync token", "revoke the grants").
   */
  presets?: Record<string, (params: Record<string, unknown>) => FaultSpecInput | null>;
}

const clockBody = z.object({ advanceSeconds: z.number() });
const presetBody = z.looseObject({ preset: z.string() });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Hono app, whatever its env
export function mountControlApi(app: Hono<any>, hooks: ControlHooks): void {
  app.post('/__control/reset', async (c) => {
    hooks.faults.clear();
    hooks.counter.reset();
    hooks.clock.reset();
    await hooks.reset();
    return c.json({ ok: true });
  });

  app.post('/__control/seed', async (c) => {
    const parsed = seedFileSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: z.prettifyError(parsed.error) }, 400);
    await hooks.seed(parsed.data);
    return c.json({ ok: true });
  });

  app.get('/__control/requests', (c) => c.json(hooks.counter.snapshot()));
  app.delete('/__control/requests', (c) => {
    hooks.counter.reset();
    return c.json({ ok: true });
  });

  app.get('/__control/faults', (c) => c.json({ faults: hooks.faults.list() }));
  app.delete('/__control/faults', (c) => {
    hooks.faults.clear();
    return c.json({ ok: true });
  });
  app.post('/__control/faults', async (c) => {
    const body: unknown = await c.req.json().catch(() => null);
    const preset = presetBody.safeParse(body);
    if (preset.success) {
      const make = hooks.presets?.[preset.data.preset];
      if (!make) {
        return c.json(
          { error: `unknown preset ${preset.data.preset}`, presets: Object.keys(hooks.presets ?? {}) },
          400,
        );
      }
      let spec: FaultSpecInput | null;
      try {
        spec = make(preset.data);
      } catch (error) {
        return c.json({ error: error instanceof Error ? error.message : String(error) }, 400);
      }
      return c.json({ ok: true, fault: spec ? hooks.faults.add(spec) : null });
    }
    const spec = faultSpecSchema.safeParse(body);
    if (!spec.success) return c.json({ error: z.prettifyError(spec.error) }, 400);
    return c.json({ ok: true, fault: hooks.faults.add(spec.data) });
  });

  app.post('/__control/clock', async (c) => {
    const parsed = clockBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: z.prettifyError(parsed.error) }, 400);
    hooks.clock.advance(parsed.data.advanceSeconds * 1000);
    return c.json({ ok: true, now: hooks.clock.now().toISOString() });
  });
}
