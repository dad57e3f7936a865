/**
 * Runs once when a Next.js server process starts (DESIGN.md §5): a bad or missing setting stops
 * the app here with a message naming it, rather than at the first request that needs it; in
 * inline jobs mode the in-process crons (channel renewal, polling) start with the server, and so
 * does the inbound iMIP SMTP listener when INBOUND_SMTP_PORT is set.
 */
export async function register(): Promise<void> {
  // The Edge runtime has no database, no provider adapters and no timers worth starting.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getEnv } = await import('./env');
  getEnv();
  const { appDeps } = await import('./server/app-deps');
  const app = await appDeps();
  app.startInlineCrons();
  await app.startInboundMail();
}
