// A tenant's published mappings: every version kept, one active, compiled once per content hash.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Prisma } from '../db/open.ts';
import type { MappingVersion } from '../generated/prisma/client.ts';
import { type CompiledMapping, type Diagnostic, loadMapping } from '../mapping/index.ts';

export const DEFAULT_MAPPINGS_DIR = path.resolve(import.meta.dirname, '../../mappings/defaults');

export class MappingInvalidError extends Error {
  override name = 'MappingInvalidError';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`The mapping has ${diagnostics.length} problem(s): ${diagnostics[0]?.message ?? ''}`);
  }
}

export interface ActiveMapping {
  version: MappingVersion;
  compiled: CompiledMapping;
}

const compiledByHash = new Map<string, CompiledMapping>();

function compileVersion(version: MappingVersion): CompiledMapping {
  const cached = compiledByHash.get(version.hash);
  if (cached) return cached;
  const { mapping, diagnostics } = loadMapping(version.yaml, `mapping v${version.version}`);
  if (!mapping) throw new MappingInvalidError(diagnostics.filter((d) => d.severity === 'error'));
  compiledByHash.set(version.hash, mapping);
  return mapping;
}

/** The tenant's active mapping; a tenant that never published one starts on the default sales setup. */
export async function activeMapping(prisma: Prisma, tenantId: string): Promise<ActiveMapping> {
  let version = await prisma.mappingVersion.findFirst({ where: { tenantId, active: true } });
  if (!version) {
    const yaml = readFileSync(path.join(DEFAULT_MAPPINGS_DIR, 'sales.yaml'), 'utf8');
    version = await publishMapping(prisma, { tenantId, yaml, author: 'default (sales)' }).catch(async () => {
      // Another worker published the default at the same moment.
      return prisma.mappingVersion.findFirstOrThrow({ where: { tenantId, active: true } });
    });
  }
  return { version, compiled: compileVersion(version) };
}

/** Validates, stores as the next version and activates it. Throws MappingInvalidError with every problem. */
export async function publishMapping(
  prisma: Prisma,
  input: { tenantId: string; yaml: string; author: string },
): Promise<MappingVersion> {
  const { mapping, diagnostics } = loadMapping(input.yaml, 'mapping.yaml');
  if (!mapping) throw new MappingInvalidError(diagnostics.filter((d) => d.severity === 'error'));
  return prisma.$transaction(async (tx) => {
    const last = await tx.mappingVersion.findFirst({
      where: { tenantId: input.tenantId },
      orderBy: { version: 'desc' },
    });
    await tx.mappingVersion.updateMany({
      where: { tenantId: input.tenantId, active: true },
      data: { active: false },
    });
    const version = await tx.mappingVersion.create({
      data: {
        tenantId: input.tenantId,
        version: (last?.version ?? 0) + 1,
        yaml: input.yaml,
        hash: mapping.version,
        author: input.author,
        active: true,
      },
    });
    compiledByHash.set(version.hash, mapping);
    return version;
  });
}

/**
 * Activates an earlier version by publishing its YAML again as the next version: history is never rewritten, and
 * every sync record keeps naming the version that produced it. Null when the tenant has no such version.
 */
export async function rollbackMapping(
  prisma: Prisma,
  input: { tenantId: string; version: number; author: string },
): Promise<MappingVersion | null> {
  const earlier = await prisma.mappingVersion.findUnique({
    where: { tenantId_version: { tenantId: input.tenantId, version: input.version } },
  });
  if (!earlier) return null;
  return publishMapping(prisma, { tenantId: input.tenantId, yaml: earlier.yaml, author: input.author });
}
