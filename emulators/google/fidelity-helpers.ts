/**
 * Raw-HTTP helpers for the emulator's fidelity tests: they speak to the emulator exactly as any
 * client would (fetch, JSON, headers), so the tests pin wire behaviour, not internals.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type GoogleTestbed, startGoogleTestbed } from './testbed';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Wire JSON: tests index into it freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface ApiClient {
  request(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse>;
  get(path: string): Promise<ApiResponse>;
  post(path: string, body?: unknown): Promise<ApiResponse>;
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  delete(path: string, headers?: Record<string, string>): Promise<ApiResponse>;
}

export async function startBed(): Promise<GoogleTestbed> {
  return startGoogleTestbed();
}

/** A client for one account (a fresh grant with the full calendar scope unless another is given). */
export function apiAs(
  bed: GoogleTestbed,
  email: string | null,
  scope = 'https://www.googleapis.com/auth/calendar',
): ApiClient {
  const token = email ? bed.tokens(email, scope).accessToken : null;
  const request: ApiClient['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${bed.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body };
  };
  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, { body }),
    patch: (path, body, headers) => request('PATCH', path, { body, headers }),
    put: (path, body, headers) => request('PUT', path, { body, headers }),
    delete: (path, headers) => request('DELETE', path, { headers }),
  };
}

export const events = (calendarId: string, rest = '') =>
  `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events${rest}`;

export function timed(startIso: string, endIso: string, timeZone = 'Europe/London') {
  return { start: { dateTime: startIso, timeZone }, end: { dateTime: endIso, timeZone } };
}

export interface ReceivedNotification {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on a free loopback port that records what it is sent. */
export async function startReceiver(): Promise<{
  url: string;
  received: ReceivedNotification[];
  close(): Promise<void>;
}> {
  const received: ReceivedNotification[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/google`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
