// /console is served by the service itself: the page, its bundled script and styles, nothing from elsewhere, under
// a strict Content-Security-Policy; revalidated by ETag; other methods and paths refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSchema, createYoga } from 'graphql-yoga';
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { loadConsoleAssets } from '../../src/console-web/bundle.ts';
import { useConsole } from '../../src/console-web/use-console.ts';
import { type Demo, demoBanner } from '../../src/demo.ts';
import { createLogger } from '../../src/log.ts';

const yoga = createYoga({
  schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
  plugins: [useConsole({ log: createLogger('silent') })],
  logging: false,
});
const get = (path: string, init: RequestInit = {}) =>
  yoga.fetch(new Request(`http://console.test${path}`, init));

let page: Response;
let html: string;
beforeAll(async () => {
  page = await get('/console');
  html = await page.text();
});

describe('the sync console route', () => {
  it('answers the page with a strict policy, loading only its own script and styles', () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(references.map((r) => r!.replace(/\?v=.*/, ''))).toEqual([
      '/console/app.css',
      '/console/app.js',
      '#main',
    ]);
    expect(html).toMatch(/<main id="main"/);
    expect(html).toMatch(/role="status"/);
  });

  it('serves the bundled script, self-contained: no import from anywhere else', async () => {
    const script = await get('/console/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const js = await script.text();
    expect(js).toContain('query ConsoleSyncRecords');
    // ES module syntax that would load another file, and any address but the SVG namespace.
    expect(js).not.toMatch(/(?:^|[;}])\s*import\s*[{*"']|\bimport\s*\(|[}*]\s*from\s*["']/);
    expect(js.match(/\bhttps?:\/\/[^"'`\s]*/g)).toEqual(['http://www.w3.org/2000/svg']);
    const styles = await get('/console/app.css');
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await styles.text()).toContain(':focus-visible');
  });

  it('answers 304 to a request that has the current version', async () => {
    const etag = page.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{16}"$/);
    const again = await get('/console/app.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('refuses other methods and unknown paths, and leaves other routes alone', async () => {
    expect((await get('/console', { method: 'POST' })).status).toBe(405);
    expect((await get('/console/secrets.json')).status).toBe(404);
    const other = await get('/consoles');
    expect(other.headers.get('content-security-policy')).toBeNull();
  });
});

describe('the assets', () => {
  it('are the prebuilt ones of `npm run build:console` when there are some, else a fresh bundle', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'console-assets-'));
    try {
      expect((await loadConsoleAssets({ prebuiltDir: dir })).js).toContain('query ConsoleViewer');
      writeFileSync(path.join(dir, 'app.js'), 'console.log("prebuilt");');
      writeFileSync(path.join(dir, 'app.css'), 'body{}');
      const prebuilt = await loadConsoleAssets({ prebuiltDir: dir });
      expect([prebuilt.js, prebuilt.css]).toEqual(['console.log("prebuilt");', 'body{}']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the demo', () => {
  it('prints the console address with the key to sign in with', () => {
    const banner = demoBanner(
      { config: { port: 4567 } } as App,
      {
        key: 'cxsf_demo',
        sandbox: { url: 'http://127.0.0.1:4568' },
      } as Demo,
    );
    expect(banner).toContain(
      '  Sync console:        http://localhost:4567/console   (sign in with the demo ADMIN key)',
    );
    expect(banner).toContain('demo ADMIN key:      cxsf_demo');
  });
});
