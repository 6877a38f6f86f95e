// Prints the Pothos schema to schema.graphql; with --check, fails when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from '../src/graphql/schema.ts';

// --file lets a test point the check at a stale copy.
const fileArg = process.argv.indexOf('--file');
const file =
  fileArg > 0
    ? path.resolve(process.argv[fileArg + 1]!)
    : path.resolve(import.meta.dirname, '../schema.graphql');
const printed = `${printSchema(lexicographicSortSchema(schema))}\n`;
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {}
  if (committed !== printed) {
    console.error(
      'schema.graphql is stale: the Pothos schema changed. Run `npm run schema:print` and commit the result.',
    );
    process.exit(1);
  }
  console.log('schema.graphql is up to date.');
} else {
  writeFileSync(file, printed);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
