// Dispatches `cx-salesforce <command> [args]` to a registered command.
import { readFileSync } from 'node:fs';
import { type CliIo, type Command, EXIT, type ExitCode, UsageError } from './command.ts';
import { commands as registered } from './commands.ts';

// The deployed package.json sits at the same depth from dist/cli/ as from src/cli/.
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
export const CLI_VERSION = version;

export function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: cx-salesforce <command> [options]',
    '',
    'CloudCX Salesforce connector tools for admins; they run without the server (publish talks to it).',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --help, --version.',
    "Run `cx-salesforce <command> --help` for a command's options.",
    '',
  ].join('\n');
}

export async function runCli(
  argv: string[],
  io: CliIo,
  commands: readonly Command[] = registered,
): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage(commands));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`cx-salesforce ${CLI_VERSION}\n`);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`cx-salesforce: unknown command "${name}"\n\n${usage(commands)}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(
        `cx-salesforce ${command.name}: ${(e as Error).message}\nRun \`cx-salesforce ${command.name} --help\`.\n`,
      );
      return EXIT.usage;
    }
    throw e;
  }
}
