// What a CLI command is. Commands get their I/O passed in, so tests run them without a process.

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
  /** A file's lines, streamed (commands that read big files use it when given, else readFile). */
  readLines?: (path: string) => AsyncIterable<string>;
  /** Where a progress bar may be drawn: set only when that stream is a terminal. */
  progress?: NodeJS.WritableStream;
}

/** Exit codes: 0 ok, 1 the input is invalid, 2 usage error (bad arguments, unreadable file). */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full help text for `cx-salesforce <name> --help`. */
  help: string;
  run(args: string[], io: CliIo): Promise<ExitCode>;
}

/** A usage error: printed with the command's help hint, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
