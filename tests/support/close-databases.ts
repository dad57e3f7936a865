/** A vitest setup file: runs in every test file, so each file's databases close when it ends. */
import { afterAll } from 'vitest';
import { closeTestDatabases } from './database';

afterAll(closeTestDatabases);
