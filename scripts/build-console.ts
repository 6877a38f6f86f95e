// `npm run build:console`: bundles the sync console into dist/console-web/assets/, served as is when
// NODE_ENV=production.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleConsole, DIST } from '../src/console-web/bundle.ts';

const assets = await bundleConsole();
mkdirSync(DIST, { recursive: true });
writeFileSync(path.join(DIST, 'app.js'), assets.js);
writeFileSync(path.join(DIST, 'app.css'), assets.css);
console.log(
  `sync console: ${path.relative(process.cwd(), DIST)}/app.js (${Math.round(assets.js.length / 1024)} KiB)`,
);
