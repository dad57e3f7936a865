/**
 * Security headers for every response (next.config.mjs `headers()`). Plain JavaScript so that
 * next.config.mjs can import it without a build step; the vitest suite pins what it answers.
 *
 * Scripts: Next's app router inlines its flight data as `<script>` tags, so a CSP without
 * 'unsafe-inline' needs a per-request nonce, which makes every page dynamic and breaks the
 * prerendered ones (the 404 page). Tandem keeps 'self' 'unsafe-inline' for scripts and relies on
 * React's escaping against injection; the policy still refuses scripts, styles, frames and
 * connections from any other origin, plugins, <base> hijacking and form posts elsewhere.
 * `next dev` evaluates code (React refresh) and talks to its HMR websocket: dev only.
 */

/** @param {{ development: boolean }} mode */
export function contentSecurityPolicy({ development }) {
  const directives = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'unsafe-inline'", ...(development ? ["'unsafe-eval'"] : [])],
    // FullCalendar and Radix set inline style attributes.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...(development ? ['ws:', 'wss:'] : [])],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** @param {{ development: boolean }} mode */
export function securityHeaders(mode) {
  return [
    { key: 'Content-Security-Policy', value: contentSecurityPolicy(mode) },
    // frame-ancestors covers current browsers; X-Frame-Options the older ones.
    { key: 'X-Frame-Options', value: 'DENY' },
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    // Links out (to providers' pages) must not carry our paths and their query strings.
    { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
    { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  ];
}
