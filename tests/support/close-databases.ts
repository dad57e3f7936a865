/**
 * A vitest setup file: runs before every test file. The workers run many files in one process
 * (vitest.config.ts, `isolate: false`), so each file starts from fresh copies of our own modules —
 * a route imported by an earlier file would otherwise keep that file's `vi.mock` of its
 * dependencies — while the SDKs in node_modules, the costly part, stay loaded. Each file's
 * databases close when it ends.
 */
import { afterAll, vi } from 'vitest';
import { closeTestDatabases } from './database';

vi.resetModules();
afterAll(closeTestDatabases);
