import { beforeAll, describe, expect, it } from 'vitest';
import { listMutationPaths, sessionOf } from '@/tests/support/api';
import {
  BAD_MUTATION_INPUTS,
  MALFORMED_FOR_EVERY_MUTATION,
  seedScene,
  type Scene,
} from '@/tests/support/bad-mutation-inputs';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant } from '@/tests/support/fixtures';
import { postMutation, postRaw, type HttpOutcome } from '@/tests/support/http';
import { snapshotDatabase } from '@/tests/support/snapshot';

const MUTATIONS = listMutationPaths();

let database: TestDatabase;
/** Bad inputs target this tenant's rows, which must never change. */
let scene: Scene;

beforeAll(async () => {
  database = await useTestDatabase();
  const tenant = await createTestTenant(database.db, 'bad-input');
  scene = await seedScene(database.db, tenant, 'bad-input');
});

/** A refusal a person can act on: 400, BAD_REQUEST, a short sentence rather than a dump. */
function expectClearBadRequest(outcome: HttpOutcome, label: string): void {
  expect({ label, status: outcome.status, code: outcome.code }).toEqual({
    label,
    status: 400,
    code: 'BAD_REQUEST',
  });
  expect(outcome.message, label).toMatch(/^[A-Z][^\n]{5,300}$/);
  expect(outcome.message, label).not.toMatch(/internal server error|^\s*[[{]/i);
}

function casesFor(path: string) {
  const cases = BAD_MUTATION_INPUTS[path];
  if (!cases)
    throw new Error(`no bad-input cases for ${path}: add them to tests/support/bad-mutation-inputs.ts`);
  return cases;
}

it('has bad-input cases for exactly the mutations of the router', () => {
  expect(Object.keys(BAD_MUTATION_INPUTS).sort()).toEqual(MUTATIONS);
});

describe.each(MUTATIONS)('%s', (path) => {
  it('answers every malformed, oversized or out-of-range input with a clear BAD_REQUEST and changes nothing', async () => {
    const cases = casesFor(path);
    const session = sessionOf(scene.tenant[cases.as]);
    const valid = cases.valid(scene);
    const inputs = [
      ...Object.entries(MALFORMED_FOR_EVERY_MUTATION).map(([name, make]) => [name, make(valid)] as const),
      ...Object.entries(cases.bad).map(([name, make]) => [name, make(scene)] as const),
    ];
    const before = await snapshotDatabase(database.db);
    for (const [name, input] of inputs) {
      expectClearBadRequest(await postMutation(database.db, session, path, input), `${path}: ${name}`);
    }
    expect(await snapshotDatabase(database.db)).toEqual(before);
  });

  it('accepts the valid input the bad ones are made from', async () => {
    const cases = casesFor(path);
    // A tenant of its own, so that valid changes (a cancel, a delete) cannot disturb other cases.
    const tenant = await createTestTenant(database.db, 'valid');
    const spare = await seedScene(database.db, tenant, 'valid');
    const outcome = await postMutation(database.db, sessionOf(tenant[cases.as]), path, cases.valid(spare));
    expect(outcome).toEqual({ status: 200 });
  });
});

it('answers a body that is not JSON with a 400, not a 500', async () => {
  const before = await snapshotDatabase(database.db);
  const outcome = await postRaw(
    database.db,
    sessionOf(scene.tenant.learner),
    'tasks.create',
    '{"json": {"title": ',
  );
  expect(outcome.status).toBe(400);
  expect(outcome.message).not.toMatch(/internal server error/i);
  expect(await snapshotDatabase(database.db)).toEqual(before);
});
