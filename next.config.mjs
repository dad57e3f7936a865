import { securityHeaders } from './src/server/security/headers.mjs';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships a WebAssembly build of PostgreSQL and its data files; argon2 is a native addon.
  // Bundling either breaks them, so Node loads them from node_modules at run time. The mail
  // libraries (inbound SMTP listener, MIME parsing) are plain Node code with lazy requires: loaded
  // the same way, they stay the one copy Node has. The EWS client's transport (@ewsjs/xhr) pulls
  // in a cookie agent with an optional `require('deasync')` the bundler cannot resolve.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@node-rs/argon2',
    'smtp-server',
    'mailparser',
    'nodemailer',
    'ews-javascript-api',
    '@ewsjs/xhr',
  ],
  // The test build (`npm run build:e2e`) skips Next's own TypeScript pass: `npm test` has run tsc
  // over the whole tree just before. Every other build checks types.
  typescript: { ignoreBuildErrors: process.env.TANDEM_BUILD_SKIPS_TYPECHECK === '1' },
  poweredByHeader: false,
  devIndicators: false,
  // forbidden() answers 403 with app/forbidden.tsx (the admin pages).
  experimental: { authInterrupts: true },
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders({ development: process.env.NODE_ENV !== 'production' }) },
    ];
  },
};

export default nextConfig;
