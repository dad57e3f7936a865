import { existsSync, readFileSync } from 'node:fs';
import type { SeedFileInput as SharedSeed } from '../shared/seed';
import {
  applySeed,
  loadSeedFile,
  MICROSOFT_SEED_PATH,
  CONSUMERS_TENANT,
  seedFile,
  SHARED_DEMO_SEED_PATH,
  type SeedFile,
} from './seed';
import { consentSeededTenants } from './directory';
import { applySharedSeed, isSharedSeed } from './shared-seed';
import type { MicrosoftStore } from './store';

/**
 * The emulator takes either seed format: the demo seed shared with the Google emulator (the
 * default, so `npm run emulators` shows the same people on both), or its own Microsoft seed
 * (which adds a personal account; its tests use it).
 */

export type AnySeed = SeedFile | SharedSeed;

export function readSeed(source?: AnySeed | string): AnySeed {
  if (source && typeof source !== 'string') return source;
  const path = source ?? (existsSync(SHARED_DEMO_SEED_PATH) ? SHARED_DEMO_SEED_PATH : MICROSOFT_SEED_PATH);
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return isSharedSeed(raw) ? raw : seedFile.parse(raw);
}

export function parseSeed(raw: unknown): AnySeed | null {
  if (isSharedSeed(raw)) return raw;
  const own = seedFile.safeParse(raw);
  return own.success ? own.data : null;
}

export function applyAnySeed(store: MicrosoftStore, seed: AnySeed, now = new Date()): void {
  // Seeding is not news: no invitation leaves for anyone outside.
  const mailer = store.mailer;
  store.mailer = null;
  try {
    if (isSharedSeed(seed)) {
      // The shared format has no OAuth clients: register the demo app of the Microsoft seed.
      applySharedSeed(store, seed, seedFile.parse(loadSeedFile(MICROSOFT_SEED_PATH)).clients, now);
    } else applySeed(store, seed, now);
    consentSeededTenants(store, CONSUMERS_TENANT);
  } finally {
    store.mailer = mailer;
    store.outbox = [];
  }
}
