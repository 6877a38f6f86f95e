// The console's browser code, bundled by esbuild (already here as tsx's bundler): TypeScript in, one ES module out.
// `npm run build:console` writes it to dist/console/ for production; otherwise it is built in memory on first use
// (about a tenth of a second) and kept for the life of the process.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ConsoleAssets {
  js: string;
  css: string;
  /** A hash of both, for ETags. */
  version: string;
}

const CLIENT = path.join(import.meta.dirname, 'client');
export const DIST = path.resolve(import.meta.dirname, '../../dist/console');

export async function bundleConsole(): Promise<ConsoleAssets> {
  // Imported when needed: a production install serves dist/console and may not have esbuild (a dev dependency).
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(CLIENT, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const js = result.outputFiles[0]!.text;
  return withVersion(js, readFileSync(path.join(CLIENT, 'styles.css'), 'utf8'));
}

/** The prebuilt assets of `npm run build:console` when asked to (production), else a fresh bundle. */
export async function loadConsoleAssets(options: { prebuilt: boolean }): Promise<ConsoleAssets> {
  const js = path.join(DIST, 'app.js');
  if (options.prebuilt && existsSync(js)) {
    return withVersion(readFileSync(js, 'utf8'), readFileSync(path.join(DIST, 'app.css'), 'utf8'));
  }
  return bundleConsole();
}

function withVersion(js: string, css: string): ConsoleAssets {
  const version = createHash('sha256').update(js).update(css).digest('base64url').slice(0, 16);
  return { js, css, version };
}
