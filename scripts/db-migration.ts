// Writes the next migration: the SQL that takes the database from prisma/migrations to prisma/schema.prisma.
// Usage: npm run db:migration -- <name>
// Uses Prisma's schema engine as WebAssembly (the native engine cannot be downloaded here, see ../shared/TOOLCHAIN.md)
// The engine wants a database adapter even for a pure diff: it is given the PostgreSQL of DATABASE_URL (default: local).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { SchemaEngine } from '@prisma/schema-engine-wasm';

const name = process.argv[2]?.replace(/[^a-z0-9_]+/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: npm run db:migration -- <name>');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
const migrationsDir = path.join(root, 'prisma/migrations');
const schemaPath = path.join(root, 'prisma/schema.prisma');
const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

mkdirSync(migrationsDir, { recursive: true });
const directories = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const schema = { path: schemaPath, content: readFileSync(schemaPath, 'utf8') };
const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: url }));
const engine = await SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, () => {}, adapter);
// The migrations' end state is kept as a snapshot beside them: diffing two datamodels needs no shadow database
// (the Wasm engine cannot yet read a shadow database's catalog back through the pg adapter).
const snapshotPath = path.join(migrationsDir, 'schema.snapshot.prisma');
const snapshot = directories.length > 0 ? readFileSync(snapshotPath, 'utf8') : null;
const result = await engine.diff({
  from: snapshot
    ? { tag: 'schemaDatamodel', files: [{ path: snapshotPath, content: snapshot }] }
    : { tag: 'empty' },
  to: { tag: 'schemaDatamodel', files: [schema] },
  script: true,
  exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
});
const sql = result.stdout ?? '';
if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
  console.log('The schema matches the migrations: nothing to write.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
mkdirSync(dir);
writeFileSync(path.join(dir, 'migration.sql'), sql);
writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
writeFileSync(snapshotPath, schema.content ?? '');
console.log(`Wrote ${path.relative(root, dir)}/migration.sql`);
process.exit(0);
