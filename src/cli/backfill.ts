// `cx-salesforce backfill <chats.ndjson> --url <graphql url> --key <API key>`: records historical chats, one
// RecordChatInput per line, in batches, then follows their sync until nothing is left to do. Safe to run again: the
// service ignores chats (and events) it already has, so an interrupted backfill is resumed by re-running it.
// The file is streamed twice (check, then send), never held whole: memory stays flat however long it is, and at most
// WINDOW chats are followed at once (sending waits while that many are still syncing).

import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { type CliIo, type Command, EXIT, UsageError } from './command.ts';

/** The service takes at most 1,000 chats per request. */
const MAX_BATCH_CHATS = 1000;
/** Keeps a request well under the service's 48 MB body limit; a bigger chat goes alone. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** Sync records asked for per status poll. */
const POLL_PAGE = 100;
/** Statuses that will still change on their own. */
const OPEN_STATUSES = new Set(['PENDING', 'RUNNING', 'RETRYING']);
/** Chats sent and not yet synced that are followed at once; sending waits above it. Bounds memory and the queue. */
const WINDOW = 10_000;

const BACKFILL = /* GraphQL */ `
  mutation CliBackfillChats($input: BackfillChatsInput!) {
    backfillChats(input: $input) {
      __typename
      ... on MutationBackfillChatsSuccess {
        data { accepted duplicates rejected { index field message } syncRecordIds }
      }
      ... on InvalidInputError { message field }
    }
  }
`;

const STATUSES = /* GraphQL */ `
  query CliBackfillStatuses($ids: [ID!]!) {
    nodes(ids: $ids) { ... on SyncRecord { id status } }
  }
`;

type BackfillResult =
  | {
      __typename: 'MutationBackfillChatsSuccess';
      data: {
        accepted: number;
        duplicates: number;
        rejected: Array<{ index: number; field: string; message: string }>;
        syncRecordIds: string[];
      };
    }
  | { __typename: 'InvalidInputError'; message: string; field: string };

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string }>;
}

/** One chat read from the file, with its 1-based line number. */
interface Line {
  line: number;
  chat: Record<string, unknown>;
  bytes: number;
}

export interface BackfillDeps {
  /** The environment, read when the command runs (CXSF_KEY, CXSF_URL). */
  env: () => Record<string, string | undefined>;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

/** The service refused the request as a whole, or could not be reached: nothing more can be sent. */
class Unreachable extends Error {
  override name = 'Unreachable';
}

export function createBackfillCommand(deps: BackfillDeps): Command {
  return {
    name: 'backfill',
    summary: 'record historical chats from an NDJSON file (resumable)',
    help: `Usage: cx-salesforce backfill <chats.ndjson> --url <graphql url> [--key <API key>] [--batch 500] [--no-wait | --dry-run]

Sends the chats in the file, one RecordChatInput (as JSON) per line, to the service in batches, then follows their
sync to Salesforce until none is pending, printing progress as it goes. A line that is not a valid chat is reported
as "file:line  message" and skipped. Re-running the same file sends everything again, but the service ignores
the chats and events it already has: an interrupted backfill is resumed by running it again.

Options:
  --url <url>          the service's GraphQL endpoint, e.g. https://cx.example.com/graphql (default: $CXSF_URL)
  --key <key>          an ADMIN or INTEGRATION API key (default: $CXSF_KEY; prefer the variable, it stays out of logs)
  --batch <n>          chats per request, 1 to ${MAX_BATCH_CHATS} (default 500)
  --poll <seconds>     seconds between sync status checks (default 2)
  --no-wait            stop once everything is sent, without following the sync
  --dry-run            only check the file: report bad lines and count the chats, send nothing

Exit status: 0 every chat sent and synced, 1 some lines or chats were refused or some syncs gave up (dead),
2 usage error, refused key or unreachable service (run it again to resume).
`,
    async run(args, io) {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          url: { type: 'string' },
          key: { type: 'string' },
          batch: { type: 'string' },
          poll: { type: 'string' },
          'no-wait': { type: 'boolean' },
          'dry-run': { type: 'boolean' },
        },
      });
      const [file, ...extra] = positionals;
      if (!file || extra.length > 0) throw new UsageError('give one NDJSON file of chats');
      const env = deps.env();
      const url = values.url ?? env.CXSF_URL;
      const key = values.key ?? env.CXSF_KEY;
      const dryRun = values['dry-run'] === true;
      if (!url && !dryRun) throw new UsageError('give the GraphQL endpoint with --url (or set CXSF_URL)');
      if (!key && !dryRun) throw new UsageError('give an API key with --key (or set CXSF_KEY)');
      const batchSize = Number(values.batch ?? 500);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_CHATS)
        throw new UsageError(`--batch must be a whole number from 1 to ${MAX_BATCH_CHATS}`);
      const pollSeconds = Number(values.poll ?? 2);
      if (!(pollSeconds >= 0)) throw new UsageError('--poll must be a number of seconds');

      // First pass: check every line, report the bad ones and count the chats, so progress has a total.
      let total = 0;
      let badLines = 0;
      for await (const item of readChats(io, file)) {
        if (typeof item === 'string') {
          io.stdout(`${item}\n`);
          badLines++;
        } else total++;
      }
      if (dryRun || !url || !key) {
        io.stdout(`${file}: ${total} chats, ${badLines} bad lines; nothing sent (--dry-run)\n`);
        return badLines > 0 ? EXIT.invalid : EXIT.ok;
      }
      const post = graphqlPoster(deps.fetch, url, key, deps.sleep);
      const totals = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, badLines };
      const follow = values['no-wait'] ? undefined : new SyncFollower(post, pollSeconds, deps.sleep, io);
      const bar = io.progress ? progressBar(io.progress, total) : undefined;
      try {
        for await (const batch of batches(readChats(io, file), batchSize)) {
          const result = await sendBatch(post, file, batch, io);
          totals.badLines += result.badLines;
          totals.sent += result.sent;
          totals.accepted += result.accepted;
          totals.duplicates += result.duplicates;
          totals.rejected += result.rejected;
          const line =
            `sent ${totals.sent}/${total} chats: ${totals.accepted} accepted, ${totals.duplicates} duplicates, ` +
            `${totals.rejected} rejected`;
          if (bar) bar.increment(batch.length, { line });
          else io.stdout(`${line}\n`);
          if (follow) {
            follow.add(result.syncRecordIds);
            while (follow.open() > WINDOW) await follow.poll(true);
          }
        }
        bar?.stop();
        if (!follow) {
          io.stdout(`${file}: ${totals.sent} chats sent; not following the sync (--no-wait)\n`);
          return totals.badLines + totals.rejected > 0 ? EXIT.invalid : EXIT.ok;
        }
        while (follow.open() > 0) await follow.poll(false);
        const counts = follow.counts;
        const others = Object.entries(counts)
          .filter(([status]) => status !== 'SYNCED' && status !== 'DEAD')
          .map(([status, n]) => `, ${n} ${status.toLowerCase().replaceAll('_', ' ')}`)
          .join('');
        io.stdout(
          `${file}: ${totals.sent} chats sent (${totals.accepted} accepted, ${totals.duplicates} duplicates, ` +
            `${totals.rejected} rejected, ${totals.badLines} bad lines); ` +
            `${counts.SYNCED ?? 0} synced, ${counts.DEAD ?? 0} dead${others}\n`,
        );
        return totals.badLines + totals.rejected + (counts.DEAD ?? 0) > 0 ? EXIT.invalid : EXIT.ok;
      } catch (error) {
        bar?.stop();
        if (!(error instanceof Unreachable)) throw error;
        io.stderr(
          `cx-salesforce backfill: ${error.message}\n` +
            `${totals.sent} of ${total} chats were sent; run the same command again to resume.\n`,
        );
        return EXIT.usage;
      }
    },
  };
}

/** The file's lines, streamed when the I/O can (the bin), else split from the whole text. */
async function* readLines(io: CliIo, file: string): AsyncGenerator<string> {
  try {
    if (io.readLines) yield* io.readLines(file);
    else yield* (await io.readFile(file)).split('\n');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as { code?: string }).code ?? (e as Error).message}`);
  }
}

/** Each chat of the file with its line number, or the problem with a line as "file:line  message". */
async function* readChats(io: CliIo, file: string): AsyncGenerator<Line | string> {
  let line = 0;
  for await (const raw of readLines(io, file)) {
    line++;
    const source = raw.replace(/\r$/, '');
    if (!source.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      yield `${file}:${line}  not JSON: ${(error as Error).message}`;
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield `${file}:${line}  not a chat: give one JSON object (a RecordChatInput) per line`;
      continue;
    }
    yield { line, chat: value as Record<string, unknown>, bytes: Buffer.byteLength(source) };
  }
}

/** A progress bar with rate and ETA (cli-progress), drawn on a terminal only. */
function progressBar(stream: NodeJS.WritableStream, total: number): SingleBar {
  const bar = new SingleBar({
    stream,
    format: '{bar} {percentage}% | {value}/{total} chats | {speed} chats/s | ETA {eta_formatted} | {line}',
    etaBuffer: 50,
    hideCursor: true,
    noTTYOutput: true, // the caller passes a stream only when it is a terminal (and tests pass their own)
    barsize: 30,
  });
  bar.start(total, 0, { line: '', speed: 0 });
  const started = Date.now();
  const increment = bar.increment.bind(bar);
  bar.increment = ((step: number, payload: object) =>
    increment(step, {
      ...payload,
      speed: Math.round((bar.getProgress() * total + step) / Math.max(0.001, (Date.now() - started) / 1000)),
    })) as typeof bar.increment;
  return bar;
}

async function* batches(lines: AsyncIterable<Line | string>, size: number): AsyncGenerator<Line[]> {
  let batch: Line[] = [];
  let bytes = 0;
  for await (const line of lines) {
    if (typeof line === 'string') continue; // reported by the first pass
    if (batch.length > 0 && (batch.length >= size || bytes + line.bytes > MAX_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(line);
    bytes += line.bytes;
  }
  if (batch.length > 0) yield batch;
}

type Post = <T>(query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse<T>>;

/** A busy service answers 503 with Retry-After: waited for, this many times, before giving up. */
const BUSY_RETRIES = 5;

function graphqlPoster(
  fetchFn: typeof fetch,
  url: string,
  key: string,
  sleep: (ms: number) => Promise<void>,
): Post {
  return async <T>(query: string, variables: Record<string, unknown>) => {
    let response: Response;
    try {
      for (let attempt = 0; ; attempt++) {
        response = await fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ query, variables }),
        });
        if (response.status !== 503 || attempt >= BUSY_RETRIES) break;
        await response.body?.cancel();
        await sleep(Math.min(30, Number(response.headers.get('retry-after')) || 1) * 1000);
      }
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Unreachable(
        `cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      );
    }
    try {
      return (await response.json()) as GraphQLResponse<T>;
    } catch {
      throw new Unreachable(
        `${url} answered ${response.status} without a GraphQL response: is it the /graphql endpoint?`,
      );
    }
  };
}

/** graphql-js names the chat a variable error is about: `... at "input.chats[3].event"; Value "X" does not exist...`. */
const CHAT_ERROR = /at "input\.chats\[(\d+)\]\.?([^"]*)"; (.*)$/s;

/**
 * Sends one batch. A chat the schema refuses (unknown enum value, wrong type, missing field) fails the whole
 * request: those lines are reported, dropped, and the rest is sent again.
 */
async function sendBatch(post: Post, file: string, batch: Line[], io: CliIo) {
  let pending = batch;
  let badLines = 0;
  for (;;) {
    if (pending.length === 0)
      return { badLines, sent: 0, accepted: 0, duplicates: 0, rejected: 0, syncRecordIds: [] };
    const body = await post<{ backfillChats: BackfillResult }>(BACKFILL, {
      input: { chats: pending.map((l) => l.chat) },
    });
    const result = body.data?.backfillChats;
    if (result?.__typename === 'MutationBackfillChatsSuccess') {
      for (const r of result.data.rejected) {
        io.stdout(`${file}:${pending[r.index]!.line}  ${r.field}  ${r.message}\n`);
      }
      return {
        badLines,
        sent: pending.length,
        accepted: result.data.accepted,
        duplicates: result.data.duplicates,
        rejected: result.data.rejected.length,
        syncRecordIds: result.data.syncRecordIds,
      };
    }
    if (result?.__typename === 'InvalidInputError') throw new Unreachable(`refused: ${result.message}`);
    const refused = new Map<number, string>();
    for (const error of body.errors ?? []) {
      const match = CHAT_ERROR.exec(error.message);
      if (match && pending[Number(match[1])]) {
        const where = match[2] ? `${match[2]}  ` : '';
        refused.set(Number(match[1]), `${where}${match[3]}`);
      }
    }
    if (refused.size === 0)
      throw new Unreachable(body.errors?.[0]?.message ?? 'the service refused the request');
    for (const [index, message] of [...refused].sort(([a], [b]) => a - b)) {
      io.stdout(`${file}:${pending[index]!.line}  ${message}\n`);
    }
    badLines += refused.size;
    pending = pending.filter((_, index) => !refused.has(index));
  }
}

/**
 * Follows the sync of the chats sent: keeps only the ids still open (at most about WINDOW), counts the others by
 * final status, and prints the counts whenever they change.
 */
class SyncFollower {
  readonly counts: Record<string, number> = {};
  private pending: string[] = [];
  private last = '';

  constructor(
    private readonly post: Post,
    private readonly pollSeconds: number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly io: CliIo,
  ) {}

  add(ids: string[]): void {
    for (const id of ids) this.pending.push(id);
  }

  open(): number {
    return this.pending.length;
  }

  /** Asks the status of every open chat once (100 a request), then waits the poll interval if some are open. */
  async poll(quiet: boolean): Promise<void> {
    const still: string[] = [];
    for (let start = 0; start < this.pending.length; start += POLL_PAGE) {
      const ids = this.pending.slice(start, start + POLL_PAGE);
      const body = await this.post<{ nodes: Array<{ status?: string } | null> }>(STATUSES, { ids });
      if (!body.data)
        throw new Unreachable(body.errors?.[0]?.message ?? 'the service refused the status query');
      body.data.nodes.forEach((node, i) => {
        const status = node?.status ?? 'MISSING';
        if (OPEN_STATUSES.has(status)) still.push(ids[i]!);
        else this.counts[status] = (this.counts[status] ?? 0) + 1;
      });
    }
    this.pending = still;
    if (!quiet) {
      const line = `syncing: ${this.counts.SYNCED ?? 0} synced, ${this.counts.DEAD ?? 0} dead, ${still.length} to do\n`;
      if (line !== this.last) this.io.stdout(line);
      this.last = line;
    }
    if (still.length > 0) await this.sleep(this.pollSeconds * 1000);
  }
}

export const backfillCommand: Command = createBackfillCommand({
  env: () => process.env,
  fetch: (...args) => fetch(...args),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
