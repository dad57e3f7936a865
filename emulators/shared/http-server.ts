/**
 * Starts a Hono app on a loopback port (0 = any free port), over HTTP or HTTPS, and hands back its
 * URL and a `close()` that also drops keep-alive sockets, so tests can start and stop emulators
 * in-process without leaking handles.
 *
 * Used by every emulator (`emulators/google`, `emulators/microsoft`). Dev and test tool only.
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface ListenOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: emulators never listen beyond loopback unless asked. */
  host?: string;
  /** PEM key and certificate: serve HTTPS instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4501`. */
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

// Hono apps are generic over their env; any app can be served, so the variables type is irrelevant here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHono = Hono<any>;

export function listen(app: AnyHono, options: ListenOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = options.tls
      ? serve(
          {
            fetch: app.fetch,
            port: options.port ?? 0,
            hostname: host,
            createServer: createHttpsServer,
            serverOptions: { key: options.tls.key, cert: options.tls.cert },
          },
          onListening,
        )
      : serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, onListening);
    server.once('error', reject);

    function onListening(info: AddressInfo): void {
      const scheme = options.tls ? 'https' : 'http';
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `${scheme}://${shownHost}:${info.port}`,
        port: info.port,
        host,
        close: () =>
          new Promise<void>((done) => {
            // Keep-alive connections from fetch() would otherwise hold close() open for seconds.
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    }
  });
}
