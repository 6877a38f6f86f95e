// A graceful stop: stop accepting connections, let requests in flight finish (a recordChat waiting for its sync gets
// its answer, so the sync workers keep running meanwhile), then let the sync service finish its current batch, close
// the database, and last the demo's sandbox (the syncs in flight still write to it). All within one deadline.
import type { Server } from 'node:http';
import type { App } from './app.ts';
import type { Demo } from './demo.ts';

export async function stopGracefully(options: {
  server: Server;
  app: App;
  demo?: Demo;
  signal: string;
  timeoutMs: number;
}): Promise<void> {
  const { server, app, demo, signal, timeoutMs } = options;
  const deadline = Date.now() + timeoutMs;
  app.log.info(
    { signal, timeoutMs },
    'shutting down: finishing requests in flight (a second signal exits at once)',
  );
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections that go idle after their last answer would hold close() open.
  const reaper = setInterval(() => server.closeIdleConnections(), 100);
  server.closeIdleConnections();
  const drained = await within(closed, deadline);
  clearInterval(reaper);
  if (!drained) {
    app.log.warn('shutdown: requests still in flight at the deadline are cut');
    server.closeAllConnections();
  }
  if (!(await within(app.close(), deadline))) app.log.warn('shutdown: the sync batch did not finish in time');
  await demo?.sandbox.close();
  app.log.info('stopped');
}

/** Whether the promise settled before the deadline. */
async function within(promise: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
