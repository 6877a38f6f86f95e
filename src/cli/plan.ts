// `cx-salesforce plan <mapping> <event.json> [--lookups lookups.json]`: the DML plan an event would produce.
import { parseArgs } from 'node:util';
import {
  formatDiagnostic,
  type LookupResults,
  loadMapping,
  lookupsFor,
  type ManualAction,
  planEvent,
} from '../mapping/index.ts';
import { renderRead } from '../salesforce/read-path/index.ts';
import { type Command, EXIT, UsageError } from './command.ts';
import { readCatalog, readJson, readText } from './read.ts';
import { toCxEvent } from './record-input.ts';

const ACTIONS: readonly ManualAction[] = ['createLead', 'createContact', 'createTask', 'createCase'];

export const planCommand: Command = {
  name: 'plan',
  summary: 'print the Salesforce operations one chat event would produce (dry run)',
  help: `Usage: cx-salesforce plan <mapping.yaml> <event.json> [--lookups lookups.json] [--action <action>] [--queries]

<event.json> is a CloudCX event, or the input of recordChat / recordConversation (as sent to the API, also as
{"input": ...} or a whole GraphQL request {"query": ..., "variables": {"input": ...}}).

Prints, as JSON, the DML plan the mapping produces for the CloudCX event: identification result, the
ordered create/update/upload steps with their field values, skipped fields and notes. Nothing is sent.

Options:
  --lookups <file>     answers of the lookups: {"records": {"<key>": [rows]}, "ownerUserId": "005...",
                       "connectingUserId": "005...", "known": {"leadId": ...}}; default: nothing found
  --action <action>    a manual action from the agent console: ${ACTIONS.join(', ')}
  --queries            print the lookups (structured reads, their SOQL/SOSL and keys) instead of the plan
  --describe <file>    check the mapping against an org's describe results (JSON array)

Exit status: 0 plan printed, 1 the mapping is invalid, 2 usage error.
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        lookups: { type: 'string' },
        action: { type: 'string' },
        queries: { type: 'boolean', default: false },
        describe: { type: 'string' },
      },
    });
    const [mappingFile, eventFile, ...extra] = positionals;
    if (!mappingFile || !eventFile || extra.length > 0)
      throw new UsageError('give a mapping file and an event file');
    const action = values.action as ManualAction | undefined;
    if (action !== undefined && !ACTIONS.includes(action))
      throw new UsageError(`--action must be one of ${ACTIONS.join(', ')}`);
    const catalog = await readCatalog(io, values.describe);
    const { mapping, diagnostics } = loadMapping(await readText(io, mappingFile), mappingFile, catalog);
    if (!mapping) {
      for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
      return EXIT.invalid;
    }
    const event = toCxEvent(await readJson(io, eventFile));
    if (typeof event === 'string') throw new UsageError(`${eventFile}: ${event}`);
    const lookups = (values.lookups ? await readJson(io, values.lookups) : {}) as Partial<LookupResults>;
    const results: LookupResults = { records: {}, connectingUserId: '(connecting user)', ...lookups };
    const output = values.queries
      ? lookupsFor(mapping, event, results.known).map((l) => ({ ...l, soql: renderRead(l.read) }))
      : planEvent(mapping, event, results, action ? { action } : {});
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    return EXIT.ok;
  },
};
