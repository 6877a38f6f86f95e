// Starts the listener, nothing more; stops gracefully on SIGINT/SIGTERM.
import { createServer } from 'node:http';
import { createApp } from './app.ts';
import { readConfig } from './config.ts';
import { demoBanner, demoConfig, startDemo } from './demo.ts';

const env = readConfig();
const config = env.demo ? demoConfig(env) : env;
const app = await createApp(config);
const demo = config.demo ? await startDemo(app, config.sandboxPort) : undefined;
const server = createServer(app.yoga);
server.listen(config.port, () => {
  app.log.info(
    { port: config.port, database: app.db.kind },
    `listening on http://localhost:${config.port}/graphql`,
  );
  if (demo) console.log(demoBanner(app, demo));
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  await app.close();
  await demo?.sandbox.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
