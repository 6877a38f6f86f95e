// Generates src/mapping/generated/mapping.ts from mappings/mapping.schema.json (the DSL contract).
// Run: npm run mapping:types
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const root = new URL('../', import.meta.url);
const schema = JSON.parse(await readFile(new URL('mappings/mapping.schema.json', root), 'utf8'));
const banner = [
  '/* This file is generated from mappings/mapping.schema.json by scripts/generate-mapping-types.ts.',
  ' * Do not edit it by hand: change the schema, then run `npm run mapping:types`. */',
].join('\n');
const ts = await compile(schema, 'MappingDocument', {
  bannerComment: banner,
  additionalProperties: false,
  unreachableDefinitions: true,
  style: { singleQuote: true, printWidth: 110 },
  cwd: new URL('mappings/', root).pathname,
});
await writeFile(new URL('src/mapping/generated/mapping.ts', root), ts);
console.log('wrote src/mapping/generated/mapping.ts');
