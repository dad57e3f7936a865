import { describe, expect, it } from 'vitest';
import type { NextConfig } from 'next';
import { securityHeaders } from './headers.mjs';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('security headers', () => {
  it('next.config.mjs sends them on every path', async () => {
    // A computed path: TypeScript does not type-check the plain-JavaScript config.
    const configPath: string = '../../../next.config.mjs';
    const { default: nextConfig } = (await import(configPath)) as { default: NextConfig };
    const rules = (await nextConfig.headers?.()) ?? [];
    expect(rules).toEqual([{ source: '/:path*', headers: expect.any(Array) }]);
    const names = rules[0]?.headers.map((header) => header.key);
    expect(names).toEqual(
      expect.arrayContaining([
        'Content-Security-Policy',
        'X-Content-Type-Options',
        'Referrer-Policy',
        'X-Frame-Options',
      ]),
    );
  });

  it('production: no framing, no other origins, no eval, no plugins', () => {
    const headers = new Map(
      securityHeaders({ development: false }).map((header) => [header.key, header.value]),
    );
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
    const csp = directives(headers.get('Content-Security-Policy') ?? '');
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).not.toContain("'unsafe-eval'");
    for (const sources of csp.values()) expect(sources).not.toContain('*');
  });

  it('development allows what next dev needs (eval for React refresh, the HMR websocket)', () => {
    const policy = securityHeaders({ development: true }).find(
      (header) => header.key === 'Content-Security-Policy',
    );
    const csp = directives(policy?.value ?? '');
    expect(csp.get('script-src')).toContain("'unsafe-eval'");
    expect(csp.get('connect-src')).toContain('ws:');
  });
});
