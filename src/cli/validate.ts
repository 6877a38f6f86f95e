// `cx-salesforce validate <files...>`: checks mappings; one line per problem, or JSON for CI.
import { parseArgs } from 'node:util';
import { type Diagnostic, formatDiagnostic, hasErrors, loadMapping } from '../mapping/index.ts';
import { type Command, EXIT, UsageError } from './command.ts';
import { readCatalog, readText } from './read.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check mapping files (schema, fields, templates, rules)',
  help: `Usage: cx-salesforce validate <files...> [--format text|json] [--describe describe.json]

Checks each mapping: YAML, the JSON Schema (mappings/mapping.schema.json), then the semantic checks
(CloudCX and Salesforce fields, templates, required fields, lengths, contradictory rules).

Options:
  --format text|json   text (default): one line per problem, "file:line:col  path  message";
                       json: {"ok": bool, "files": [{"file", "ok", "diagnostics": [...]}]}
  --describe <file>    check against an org: a JSON array of its sObject describe results
                       (default: the standard objects' catalog)

Exit status: 0 all valid, 1 a mapping has errors, 2 usage error (bad option, unreadable file).
`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'text' }, describe: { type: 'string' } },
    });
    if (values.format !== 'text' && values.format !== 'json')
      throw new UsageError(`--format must be text or json, not "${values.format}"`);
    if (positionals.length === 0) throw new UsageError('give at least one mapping file');
    const catalog = await readCatalog(io, values.describe);
    const files: Array<{ file: string; ok: boolean; diagnostics: Diagnostic[] }> = [];
    for (const file of positionals) {
      const { diagnostics } = loadMapping(await readText(io, file), file, catalog);
      files.push({ file, ok: !hasErrors(diagnostics), diagnostics });
    }
    const ok = files.every((f) => f.ok);
    if (values.format === 'json') io.stdout(`${JSON.stringify({ ok, files }, null, 2)}\n`);
    else {
      for (const f of files)
        for (const d of f.diagnostics)
          io.stdout(`${formatDiagnostic(d)}${d.severity === 'warning' ? '  (warning)' : ''}\n`);
      const bad = files.filter((f) => !f.ok).length;
      io.stderr(ok ? `${files.length} mapping(s) valid\n` : `${bad} of ${files.length} mapping(s) invalid\n`);
    }
    return ok ? EXIT.ok : EXIT.invalid;
  },
};
