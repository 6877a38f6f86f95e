// `cx-salesforce backfill <chats.ndjson> --url <graphql url> --key <API key>`: records historical chats, one
// RecordChatInput per line, in batches, then follows their sync until nothing is left to do. Safe to run again: the
// service ignores chats (and events) it already has, so an interrupted backfill is resumed by re-running it.
import { parseArgs } from 'node:util';
import { type CliIo, type Command, EXIT, UsageError } from './command.ts';
import { readText } from './read.ts';

/** The service takes at most 1,000 chats per request. */
const MAX_BATCH_CHATS = 1000;
/** Keeps a request well under the service's 48 MB body limit; a bigger chat goes alone. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** Sync records asked for per status poll. */
const POLL_PAGE = 100;
/** Statuses that will still change on their own. */
const OPEN_STATUSES = new Set(['PENDING', 'RUNNING', 'RETRYING']);

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
    help: `Usage: cx-salesforce backfill <chats.ndjson> --url <graphql url> [--key <API key>] [--batch 500] [--no-wait]

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
        },
      });
      const [file, ...extra] = positionals;
      if (!file || extra.length > 0) throw new UsageError('give one NDJSON file of chats');
      const env = deps.env();
      const url = values.url ?? env.CXSF_URL;
      const key = values.key ?? env.CXSF_KEY;
      if (!url) throw new UsageError('give the GraphQL endpoint with --url (or set CXSF_URL)');
      if (!key) throw new UsageError('give an API key with --key (or set CXSF_KEY)');
      const batchSize = Number(values.batch ?? 500);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_CHATS)
        throw new UsageError(`--batch must be a whole number from 1 to ${MAX_BATCH_CHATS}`);
      const pollSeconds = Number(values.poll ?? 2);
      if (!(pollSeconds >= 0)) throw new UsageError('--poll must be a number of seconds');

      const { lines, bad } = parseLines(file, await readText(io, file));
      for (const problem of bad) io.stdout(`${problem}\n`);
      const post = graphqlPoster(deps.fetch, url, key, deps.sleep);
      const totals = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, badLines: bad.length };
      const recordIds = new Set<string>();
      try {
        for (const batch of batches(lines, batchSize)) {
          const result = await sendBatch(post, file, batch, io);
          totals.badLines += result.badLines;
          totals.sent += result.sent;
          totals.accepted += result.accepted;
          totals.duplicates += result.duplicates;
          totals.rejected += result.rejected;
          for (const id of result.syncRecordIds) recordIds.add(id);
          io.stdout(
            `sent ${totals.sent}/${lines.length} chats: ${totals.accepted} accepted, ${totals.duplicates} duplicates, ` +
              `${totals.rejected} rejected\n`,
          );
        }
        if (values['no-wait']) {
          io.stdout(`${file}: ${totals.sent} chats sent; not following the sync (--no-wait)\n`);
          return totals.badLines + totals.rejected > 0 ? EXIT.invalid : EXIT.ok;
        }
        const counts = await followSync(post, [...recordIds], pollSeconds, deps.sleep, io);
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
        if (!(error instanceof Unreachable)) throw error;
        io.stderr(
          `cx-salesforce backfill: ${error.message}\n` +
            `${totals.sent} of ${lines.length} chats were sent; run the same command again to resume.\n`,
        );
        return EXIT.usage;
      }
    },
  };
}

function parseLines(file: string, text: string): { lines: Line[]; bad: string[] } {
  const lines: Line[] = [];
  const bad: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const source = raw.replace(/\r$/, '');
    if (!source.trim()) return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      bad.push(`${file}:${line}  not JSON: ${(error as Error).message}`);
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      bad.push(`${file}:${line}  not a chat: give one JSON object (a RecordChatInput) per line`);
      return;
    }
    lines.push({ line, chat: value as Record<string, unknown>, bytes: Buffer.byteLength(source) });
  });
  return { lines, bad };
}

function* batches(lines: Line[], size: number): Generator<Line[]> {
  let batch: Line[] = [];
  let bytes = 0;
  for (const line of lines) {
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

/** Polls the sync records until none is open; prints the counts whenever they change. */
async function followSync(
  post: Post,
  ids: string[],
  pollSeconds: number,
  sleep: (ms: number) => Promise<void>,
  io: CliIo,
): Promise<Record<string, number>> {
  let last = '';
  for (;;) {
    const counts: Record<string, number> = {};
    for (let start = 0; start < ids.length; start += POLL_PAGE) {
      const body = await post<{ nodes: Array<{ status?: string } | null> }>(STATUSES, {
        ids: ids.slice(start, start + POLL_PAGE),
      });
      if (!body.data)
        throw new Unreachable(body.errors?.[0]?.message ?? 'the service refused the status query');
      for (const node of body.data.nodes) {
        const status = node?.status ?? 'MISSING';
        counts[status] = (counts[status] ?? 0) + 1;
      }
    }
    const open = Object.entries(counts)
      .filter(([status]) => OPEN_STATUSES.has(status))
      .reduce((sum, [, n]) => sum + n, 0);
    const line = `syncing ${ids.length} chats: ${counts.SYNCED ?? 0} synced, ${counts.DEAD ?? 0} dead, ${open} to do\n`;
    if (line !== last) io.stdout(line);
    last = line;
    if (open === 0) return counts;
    await sleep(pollSeconds * 1000);
  }
}

export const backfillCommand: Command = createBackfillCommand({
  env: () => process.env,
  fetch: (...args) => fetch(...args),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});
