import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, stopProcess, waitUntilAnswering } from './local-server';

/**
 * Starts real Xandikos servers (Debian's `/usr/bin/xandikos`, 0.2.8; CI installs it with apt-get)
 * on free loopback ports, each with its own folder, for adapter, contract and sync tests.
 *
 * Xandikos serves one principal (`/user/`) and has no authentication: each user gets a server of
 * their own, and the credentials a client sends are ignored. Its sync tokens are the git tree ids
 * of a collection; a token it does not know makes it answer 500, not 403 (PROVIDERS.md). Its
 * supported-report-set lacks the `DAV:report` wrapper, so tsdav's own sync helpers
 * (`smartCollectionSync`, `syncCalendars`) pick `basic` sync unless told `webdav`; Tandem sends
 * `sync-collection` itself (calendar-objects.ts), so the quirk does not reach it.
 */

export interface XandikosUser {
  username: string;
  /** Calendars to create for the user (MKCALENDAR), by collection name. Default: `['calendar']`. */
  calendars?: string[];
}

export interface XandikosServers {
  /** Where discovery starts for a user, e.g. `http://127.0.0.1:41234/`. */
  serverUrl(username: string): string;
  /** URL of a user's calendar collection, with a trailing slash. */
  calendarUrl(username: string, calendar?: string): string;
  /** Rewrites every collection's history, so every sync-token issued so far is unknown (500). */
  forgetSyncTokens(): Promise<void>;
  close(): Promise<void>;
}

const XANDIKOS_BIN = process.env.XANDIKOS_BIN ?? '/usr/bin/xandikos';
const run = promisify(execFile);

interface Running {
  url: string;
  folder: string;
  child: ChildProcess;
}

export async function startXandikos(options: { users: XandikosUser[] }): Promise<XandikosServers> {
  const running = new Map<string, Running>();
  try {
    await Promise.all(
      options.users.map(async (user) => {
        running.set(user.username, await startOne());
      }),
    );
  } catch (error) {
    await Promise.all([...running.values()].map(stopOne));
    throw error;
  }
  const serverOf = (username: string): Running => {
    const server = running.get(username);
    if (!server) throw new Error(`no Xandikos server for ${username}`);
    return server;
  };
  const servers: XandikosServers = {
    serverUrl: (username) => serverOf(username).url,
    calendarUrl: (username, calendar = 'calendar') =>
      new URL(`user/calendars/${encodeURIComponent(calendar)}/`, serverOf(username).url).toString(),
    async forgetSyncTokens() {
      for (const server of running.values()) await rewriteHistories(server.folder);
    },
    async close() {
      await Promise.all([...running.values()].map(stopOne));
    },
  };
  for (const user of options.users) {
    for (const calendar of user.calendars ?? ['calendar'])
      await makeCalendar(servers.calendarUrl(user.username, calendar), calendar);
  }
  return servers;
}

async function startOne(): Promise<Running> {
  const folder = await mkdtemp(join(tmpdir(), 'tandem-xandikos-'));
  let lastError: unknown;
  // A free port found by binding port 0 may be taken before Xandikos binds it: retry on another.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child = spawn(
      XANDIKOS_BIN,
      ['-d', join(folder, 'data'), '--autocreate', '-l', '127.0.0.1', '-p', String(port)],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const output: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const url = `http://127.0.0.1:${port}/`;
    try {
      await waitUntilAnswering(url, child, output, 'Xandikos');
      return { url, folder, child };
    } catch (error) {
      lastError = error;
      await stopProcess(child);
    }
  }
  await rm(folder, { recursive: true, force: true });
  throw new Error(`Xandikos did not start (is ${XANDIKOS_BIN} installed?)`, { cause: lastError });
}

async function stopOne(server: Running): Promise<void> {
  await stopProcess(server.child);
  await rm(server.folder, { recursive: true, force: true });
}

async function makeCalendar(calendarUrl: string, name: string): Promise<void> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>' +
    `<D:displayname>${name}</D:displayname>` +
    '<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>' +
    '</D:prop></D:set></C:mkcalendar>';
  const response = await fetch(calendarUrl, {
    method: 'MKCALENDAR',
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body,
  });
  if (response.status !== 201)
    throw new Error(`MKCALENDAR ${calendarUrl} answered ${response.status}: ${await response.text()}`);
}

/**
 * Each collection is a git repository and each sync-token a tree id. Squashing the history into
 * one new commit and pruning drops every older tree, so older tokens become unknown; the current
 * tree survives, so callers change the collection first if the current token must go too.
 */
async function rewriteHistories(folder: string): Promise<void> {
  const entries = await readdir(join(folder, 'data'), { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name !== '.git') continue;
    const repository = entry.parentPath ?? (entry as { path?: string }).path ?? '';
    const git = (...args: string[]) =>
      run('git', [
        '-c',
        'user.name=tandem-tests',
        '-c',
        'user.email=tests@tandem.invalid',
        '-C',
        repository,
        ...args,
      ]);
    const branch = (await git('symbolic-ref', '--short', 'HEAD')).stdout.trim();
    // Collections nothing was ever written to (the address book, the inbox) have no commit.
    const tree = await git('rev-parse', '--verify', '--quiet', 'HEAD^{tree}').then(
      (result) => result.stdout.trim(),
      () => null,
    );
    if (!tree) continue;
    const commit = (await git('commit-tree', tree, '-m', 'history rewritten by the tests')).stdout.trim();
    await git('update-ref', `refs/heads/${branch}`, commit);
    await git('reflog', 'expire', '--expire=now', '--all');
    await git('gc', '--quiet', '--prune=now');
  }
}
