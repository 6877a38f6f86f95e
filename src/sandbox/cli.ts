// `npm run sandbox [-- --port 3999 --data sandbox.json --auto-approve]`: starts the sandbox and
// prints its login URL; with --data the org persists between runs.
import { parseArgs } from 'node:util';
import { startSandbox } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.SANDBOX_PORT ?? '0' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string' },
    'auto-approve': { type: 'boolean', default: false },
    // The newest version served; omitted, the current release (CURRENT_VERSION in rest.ts).
    'api-version': { type: 'string' },
  },
});

const sandbox = await startSandbox({
  port: Number(values.port),
  host: values.host,
  dataFile: values.data,
  autoApprove: values['auto-approve'],
  apiVersion: values['api-version'],
});
const org = await sandbox.control.org();
console.log(`Salesforce sandbox listening
  login URL:     ${sandbox.url}
  instance URL:  ${sandbox.url}
  control API:   ${sandbox.url}/__sandbox/
  org id:        ${org.organizationId}
  admin user:    ${org.adminUsername} (${org.adminUserId})${values.data ? `\n  data file:     ${values.data}` : ''}`);

async function stop() {
  await sandbox.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
