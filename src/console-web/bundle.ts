// The console's browser code, bundled by esbuild (already here as tsx's bundler): TypeScript in, one ES module out.
// `npm run build:console` writes it to dist/console-web/assets/ for production; otherwise it is built in memory on
// first use (about a tenth of a second) and kept for the life of the process.
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
// The same folder from src/console-web (tsx) and from dist/console-web (the compiled service).
export const DIST = path.resolve(import.meta.dirname, '../../dist/console-web/assets');

export async function bundleConsole(): Promise<ConsoleAssets> {
  // Imported when needed: a production install serves the prebuilt assets and may not have esbuild (a dev dependency).
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

/** The assets `npm run build:console` wrote into `prebuiltDir` when there are some, else a fresh bundle. */
export async function loadConsoleAssets(options: { prebuiltDir?: string }): Promise<ConsoleAssets> {
  const dir = options.prebuiltDir;
  if (dir && existsSync(path.join(dir, 'app.js'))) {
    return withVersion(
      readFileSync(path.join(dir, 'app.js'), 'utf8'),
      readFileSync(path.join(dir, 'app.css'), 'utf8'),
    );
  }
  return bundleConsole();
}

function withVersion(js: string, css: string): ConsoleAssets {
  const version = createHash('sha256').update(js).update(css).digest('base64url').slice(0, 16);
  return { js, css, version };
}
