// Starts the listener, nothing more. The port is taken before anything else (a busy port is said before any
// migration) and answers 503 until the app is ready. A refused setting or a failed start is one line on stderr and a
// non-zero exit. SIGINT/SIGTERM stop gracefully (src/shutdown.ts); a second signal exits at once.
import { createServer, type Server } from 'node:http';
import { type App, createApp } from './app.ts';
import { type Config, ConfigError, EXIT_CONFIG, environment, readConfig } from './config.ts';
import { type Demo, demoBanner, demoConfig, startDemo } from './demo.ts';
import { stopGracefully } from './shutdown.ts';

/** Exit code of a start that failed for another reason than the configuration. */
const EXIT_START_FAILED = 1;

function fail(message: string, code: number): never {
  console.error(`cloudcx-salesforce: ${message}`);
  process.exit(code);
}

let config: Config;
try {
  config = readConfig(environment());
  // The demo's sandbox is an allowed Salesforce host.
  if (config.demo) config = demoConfig(config);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, EXIT_CONFIG);
  throw error;
}

let app: App | undefined;
let demo: Demo | undefined;
const server = createServer((req, res) => {
  if (app) return void app.yoga(req, res);
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end('{"status":"starting"}');
});

await listen(server, config);

let stopping: Promise<void> | undefined;
function onSignal(signal: NodeJS.Signals) {
  if (stopping || !app) {
    // The second signal (or one during start): the operator wants out now.
    console.error(`cloudcx-salesforce: ${signal} again, exiting at once`);
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  }
  stopping = stopGracefully({
    server,
    app,
    demo,
    signal,
    timeoutMs: config.shutdownTimeoutSeconds * 1000,
  }).then(
    () => process.exit(0),
    (error: unknown) => fail(`shutdown failed: ${(error as Error).message}`, EXIT_START_FAILED),
  );
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A dependency's stray failure (a pool's rejected promise during a database outage, a dropped socket inside
// jsforce) must not take every tenant down: it is logged, and the sweeper retries what it interrupted. Anything
// else thrown out of the event loop leaves the process in an unknown state: log it and exit for a restart.
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const report = (error: unknown, message: string) =>
  app ? app.log.error({ err: error }, message) : console.error(`cloudcx-salesforce: ${message}`, error);
const isNetworkFailure = (error: unknown) => {
  const e = error as { code?: string; message?: string } | undefined;
  return NETWORK_CODES.has(e?.code ?? '') || /socket hang up|Connection terminated/i.test(e?.message ?? '');
};
process.on('unhandledRejection', (reason) => {
  report(reason, 'unhandled rejection (kept running)');
});
process.on('uncaughtException', (error) => {
  if (isNetworkFailure(error)) {
    report(error, 'network failure outside a request (kept running)');
    return;
  }
  report(error, 'uncaught exception: exiting');
  process.exit(EXIT_START_FAILED);
});

try {
  app = await createApp(config);
  demo = config.demo ? await startDemo(app, config.sandboxPort) : undefined;
} catch (error) {
  fail(`could not start: ${(error as Error).message}`, EXIT_START_FAILED);
}
const shown = `http://${config.host && config.host !== '0.0.0.0' ? config.host : 'localhost'}:${config.port}`;
app.log.info({ port: config.port, database: app.db.kind }, `listening on ${shown}/graphql`);
if (demo) console.log(demoBanner(app, demo));

function listen(target: Server, { port, host }: Config): Promise<void> {
  return new Promise((resolve) => {
    target.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host ?? '*'}:${port}`;
      if (error.code === 'EADDRINUSE')
        fail(
          `PORT ${port} is already in use (${where}): stop the other process or set PORT`,
          EXIT_START_FAILED,
        );
      if (error.code === 'EACCES')
        fail(`PORT ${port} may not be used by this user (${where})`, EXIT_START_FAILED);
      if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
        fail(`HOST ${host} is not an address of this machine`, EXIT_CONFIG);
      fail(`cannot listen on ${where}: ${error.message}`, EXIT_START_FAILED);
    });
    // A burst of clients connects at once: Node's default backlog (511) resets the rest.
    target.listen({ port, host, backlog: 2048 }, () => resolve());
  });
}
