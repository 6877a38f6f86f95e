// File reading for commands: an unreadable or malformed input file is a usage error (exit 2).
import { fromDescribe } from '../mapping/catalog/from-describe.ts';
import type { FieldCatalog } from '../mapping/catalog/types.ts';
import { standardCatalog } from '../mapping/index.ts';
import { type CliIo, UsageError } from './command.ts';

export async function readText(io: CliIo, path: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as { code?: string }).code ?? (e as Error).message}`);
  }
}

export async function readJson(io: CliIo, path: string): Promise<unknown> {
  const text = await readText(io, path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not JSON: ${(e as Error).message}`);
  }
}

/** The standard catalog, or one built from a JSON array of an org's describe results. */
export async function readCatalog(io: CliIo, path: string | undefined): Promise<FieldCatalog> {
  if (!path) return standardCatalog;
  const json = await readJson(io, path);
  if (!Array.isArray(json)) throw new UsageError(`${path} must be a JSON array of describe results`);
  return fromDescribe(json);
}
