// `npm run sandbox [-- --port 3999 --data sandbox.json --auto-approve]`: starts the sandbox and
// prints its login URL; with --data the org persists between runs.
import { parseArgs } from 'node:util';
import { startSandbox } from './server.ts';

const HELP = `Usage: npm run sandbox -- [--port <n>] [--host <addr>] [--data <file.json>] [--auto-approve] [--api-version <v>]

Starts the project's local Salesforce sandbox (OAuth, REST API, control API under /__sandbox/) and prints its URLs.

Options:
  --port <n>           port to listen on (default: SANDBOX_PORT, else a free port)
  --host <addr>        interface (default 127.0.0.1)
  --data <file.json>   keep the org in this file between runs
  --auto-approve       approve OAuth authorizations at once, without the consent page
  --api-version <v>    newest REST API version served (default: the current release)
  -h, --help           this help
`;

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      port: { type: 'string', default: process.env.SANDBOX_PORT ?? '0' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      // The newest version served; omitted, the current release (CURRENT_VERSION in rest.ts).
      'api-version': { type: 'string' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  console.error(`sandbox: ${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
  console.error(`sandbox: --port must be a port number, got "${values.port}"`);
  process.exit(2);
}

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
