// Starts the listener, nothing more; stops gracefully on SIGINT/SIGTERM.
import { createServer } from 'node:http';
import { createApp } from './app.ts';
import { readConfig } from './config.ts';

const config = readConfig();
const app = await createApp(config);
const server = createServer(app.yoga);
server.listen(config.port, () => {
  app.log.info(
    { port: config.port, database: app.db.kind },
    `listening on http://localhost:${config.port}/graphql`,
  );
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
