import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitUntilAnswering } from './local-server';

/**
 * Starts a real Radicale (Debian's `/usr/bin/radicale`, 3.1.x; CI installs it with apt-get) on a
 * free loopback port, with its own storage folder and a plain-text htpasswd file, for adapter and
 * contract tests. Each caller gets a private server: no state is shared between test files.
 */

export interface RadicaleUser {
  username: string;
  password: string;
  /** Calendars to create for the user (MKCALENDAR), by collection name. Default: `['calendar']`. */
  calendars?: string[];
}

export interface RadicaleServer {
  /** Base URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** The storage folder (`collection-root/<user>/<calendar>/…` below it). */
  storageFolder: string;
  /** URL of a user's calendar collection, with a trailing slash. */
  calendarUrl(username: string, calendar?: string): string;
  /** Makes every sync-token issued so far unknown to the server, so it answers 403 valid-sync-token. */
  forgetSyncTokens(): Promise<void>;
  close(): Promise<void>;
}

const RADICALE_BIN = process.env.RADICALE_BIN ?? '/usr/bin/radicale';

export async function startRadicale(options: { users: RadicaleUser[] }): Promise<RadicaleServer> {
  const folder = await mkdtemp(join(tmpdir(), 'tandem-radicale-'));
  const storageFolder = join(folder, 'storage');
  const htpasswd = join(folder, 'users');
  await writeFile(htpasswd, options.users.map((user) => `${user.username}:${user.password}\n`).join(''));

  let lastError: unknown;
  // The free port is found by binding port 0 and releasing it; another process may grab it in
  // between, so a failed start is retried on a new port.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const configFile = join(folder, 'config');
    await writeFile(configFile, radicaleConfig(port, htpasswd, storageFolder));
    const child = spawn(RADICALE_BIN, ['--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    const output: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const url = `http://127.0.0.1:${port}/`;
    try {
      await waitUntilAnswering(url, child, output, 'Radicale');
      const server = makeServer(url, storageFolder, folder, child);
      for (const user of options.users) {
        for (const calendar of user.calendars ?? ['calendar']) {
          await makeCalendar(server.calendarUrl(user.username, calendar), user, calendar);
        }
      }
      return server;
    } catch (error) {
      lastError = error;
      await stopProcess(child);
    }
  }
  await rm(folder, { recursive: true, force: true });
  throw new Error(`Radicale did not start (is ${RADICALE_BIN} installed?)`, { cause: lastError });
}

function radicaleConfig(port: number, htpasswd: string, storageFolder: string): string {
  // auth delay 0: the default one-second delay after a wrong password would slow the error tests.
  return [
    '[server]',
    `hosts = 127.0.0.1:${port}`,
    '[auth]',
    'type = htpasswd',
    `htpasswd_filename = ${htpasswd}`,
    'htpasswd_encryption = plain',
    'delay = 0',
    '[rights]',
    'type = owner_only',
    '[storage]',
    `filesystem_folder = ${storageFolder}`,
    '[web]',
    'type = none',
    '[logging]',
    'level = warning',
    'mask_passwords = True',
    '',
  ].join('\n');
}

function makeServer(url: string, storageFolder: string, folder: string, child: ChildProcess): RadicaleServer {
  return {
    url,
    storageFolder,
    calendarUrl: (username, calendar = 'calendar') =>
      new URL(`${encodeURIComponent(username)}/${encodeURIComponent(calendar)}/`, url).toString(),
    async forgetSyncTokens() {
      // Radicale keeps each issued token's state under `.Radicale.cache/sync-token/` in the
      // collection; without that file it refuses the token with 403 valid-sync-token. (A token
      // equal to the collection's current state is still accepted, so callers change something.)
      const entries = await readdir(storageFolder, { recursive: true, withFileTypes: true });
      for (const entry of entries) {
        // `parentPath` is Node ≥ 20.12; `path` is its older name.
        const parent = entry.parentPath ?? (entry as { path?: string }).path ?? '';
        if (entry.isDirectory() && entry.name === 'sync-token' && parent.endsWith('.Radicale.cache')) {
          await rm(join(parent, entry.name), { recursive: true, force: true });
        }
      }
    },
    async close() {
      await stopProcess(child);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function makeCalendar(calendarUrl: string, user: RadicaleUser, name: string): Promise<void> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>' +
    `<D:displayname>${name}</D:displayname>` +
    '<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>' +
    '</D:prop></D:set></C:mkcalendar>';
  const response = await fetch(calendarUrl, {
    method: 'MKCALENDAR',
    headers: { authorization: basicAuth(user), 'content-type': 'application/xml; charset=utf-8' },
    body,
  });
  if (response.status !== 201) {
    throw new Error(`MKCALENDAR ${calendarUrl} answered ${response.status}: ${await response.text()}`);
  }
}

export function basicAuth(user: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
}
