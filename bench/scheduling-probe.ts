/**
 * A focused probe of availability's reads on one seeded PostgreSQL database kept between runs
 * (`PROBE_DB`, default tandem_availspeed_probe): `npx tsx bench/scheduling-probe.ts [seed]`.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/server/db/client';
import { migrateDatabase } from '../src/server/db/migrate';
import { clearExpansionCache, readMirrorRows } from '../src/server/calendar/mirror-occurrences';
import { readAvailability } from '../src/server/scheduling/availability';
import { busyMirrorScope, readMirrorBlocks } from '../src/server/scheduling/mirror-blocks';
import { findActor } from '../src/server/tenants/actor';
import { adminUrl, databaseUrlFor } from '../tests/support/postgres-urls';
import { seedWorld, type World } from './scheduling';

const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = process.env.PROBE_DB ?? 'tandem_availspeed_probe';
let seq = 0;
const WORLD_FILE = `/tmp/availspeed/${NAME}.json`;
const NOW = new Date('2026-03-02T07:00:00Z');
const FROM = new Date('2026-03-02T00:00:00Z');
const TO = new Date(FROM.getTime() + 14 * 86_400_000);
/** Runs per read (the first five warm up): `PROBE_RUNS`, default 25; more for a CPU profile. */
const RUNS = Math.max(Number(process.env.PROBE_RUNS ?? 25), 6);

async function main() {
  if (process.argv.includes('seed') || !existsSync(WORLD_FILE)) {
    const admin = await openDatabase({ kind: 'postgres', url: adminUrl(BASE), maxConnections: 1 });
    await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${NAME} WITH (FORCE)`));
    await admin.db.execute(sql.raw(`CREATE DATABASE ${NAME}`));
    await admin.close();
    const handle = await openDatabase({
      kind: 'postgres',
      url: databaseUrlFor(BASE, NAME),
      maxConnections: 4,
    });
    await migrateDatabase(handle);
    const world = await seedWorld(handle.db);
    writeFileSync(WORLD_FILE, JSON.stringify(world));
    await handle.close();
  }
  const world = JSON.parse(readFileSync(WORLD_FILE, 'utf8')) as World;
  const handle = await openDatabase({ kind: 'postgres', url: databaseUrlFor(BASE, NAME), maxConnections: 4 });
  let db = handle.db;
  if (process.argv.includes('log')) {
    const [{ default: postgres }, { drizzle }, schema] = await Promise.all([
      import('postgres'),
      import('drizzle-orm/postgres-js'),
      import('../src/server/db/schema'),
    ]);
    const client = postgres(databaseUrlFor(BASE, NAME), { max: 1 });
    db = drizzle({
      client,
      schema,
      casing: 'snake_case',
      logger: {
        logQuery: (query, params) =>
          writeFileSync(`/tmp/availspeed/q${(seq += 1)}.json`, JSON.stringify({ query, params })),
      },
    }) as unknown as typeof db;
  }
  const ids = [world.tutorId, ...world.learnerIds];
  const actor = await findActor(db, { userId: world.tutorId, tenantId: world.tenantId });
  if (!actor) throw new Error('no tutor');
  const zones = new Map(ids.map((id) => [id, 'Europe/London']));
  const input = {
    userIds: world.learnerIds,
    optionalUserIds: [],
    from: FROM.toISOString(),
    to: TO.toISOString(),
  };
  const runs: Record<string, () => Promise<unknown>> = {
    rows: () => readMirrorRows(db, busyMirrorScope(world.tenantId, ids), FROM, TO),
    blocks: () => readMirrorBlocks(db, world.tenantId, zones, FROM, TO),
    availability: () => readAvailability({ db, now: () => NOW }, actor, input, { ownTitles: true }),
    cold: () => {
      clearExpansionCache();
      return readAvailability({ db, now: () => NOW }, actor, input, { ownTitles: true });
    },
  };
  const only = process.argv.slice(2).filter((a) => a in runs);
  for (const [name, run] of Object.entries(runs)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const samples: number[] = [];
    // This process's CPU time per run (user + system): what a change to the JavaScript side saves,
    // much less blurred than wall time on a machine other work is loading.
    const cpu: number[] = [];
    let size = 0;
    for (let i = 0; i < (process.argv.includes('log') ? 1 : RUNS); i += 1) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const out = await run();
      const used = process.cpuUsage(cpuStarted);
      if (i >= 5) {
        samples.push(performance.now() - started);
        cpu.push((used.user + used.system) / 1000);
      }
      size = Array.isArray(out) ? out.length : 0;
    }
    samples.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    console.log(
      name,
      size,
      'min',
      samples[0]?.toFixed(1),
      'p50',
      at(samples, 0.5).toFixed(1),
      'p95',
      at(samples, 0.95).toFixed(1),
      'cpu p50',
      at(cpu, 0.5).toFixed(1),
    );
  }
  await handle.close();
}

/** The sorted samples' nearest-rank percentile. */
function at(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

void main();
