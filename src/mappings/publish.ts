// Publishing a tenant's mapping: a new version (or the active one when the text is the same), its audit line, and
// the chats that waited for a mapping that compiles woken. Rolling back publishes an earlier version's text again.
import type { Prisma } from '../db/open.ts';
import type { MappingVersion } from '../generated/prisma/client.ts';
import { contentHash } from '../mapping/compile.ts';
import { type Diagnostic, loadMapping } from '../mapping/index.ts';
import { publishMapping, rollbackMapping } from '../sync/mapping-versions.ts';
import type { SyncService } from '../sync/service.ts';
import { MAPPING_FILE } from './check-against-org.ts';

export interface PublishDeps {
  prisma: Prisma;
  sync: Pick<SyncService, 'mappingPublished'>;
}

/** Who publishes: the tenant and the audit actor. */
export interface Publisher {
  tenantId: string;
  actor: string;
}

export interface Published {
  mappingVersion: MappingVersion;
  created: boolean;
  warnings: Diagnostic[];
}

const warningsOf = (yaml: string) =>
  loadMapping(yaml, MAPPING_FILE).diagnostics.filter((d) => d.severity === 'warning');

/** Publishes the YAML as the tenant's next version and writes the audit line. Throws MappingInvalidError with every
 *  problem. */
export async function publishAs(
  deps: PublishDeps,
  { tenantId, actor }: Publisher,
  yaml: string,
  audit: { action: string; details?: Record<string, unknown> },
): Promise<Published> {
  const { prisma } = deps;
  const warnings = warningsOf(yaml);
  const active = await prisma.mappingVersion.findFirst({ where: { tenantId, active: true } });
  if (active && active.hash === contentHash(yaml) && active.yaml === yaml)
    return { mappingVersion: active, created: false, warnings };
  const mappingVersion = await publishMapping(prisma, { tenantId, yaml, author: actor });
  await prisma.auditEvent.create({
    data: {
      tenantId,
      actor,
      action: audit.action,
      details: { version: mappingVersion.version, hash: mappingVersion.hash, ...audit.details },
    },
  });
  // Chats that waited for a mapping that compiles go on at once.
  await deps.sync.mappingPublished(tenantId);
  return { mappingVersion, created: true, warnings };
}

/** Activates an earlier version by publishing its text again; null when the tenant has no such version. */
export async function rollbackTo(
  { prisma }: Pick<PublishDeps, 'prisma'>,
  { tenantId, actor }: Publisher,
  version: number,
): Promise<Published | null> {
  const earlier = await prisma.mappingVersion.findUnique({
    where: { tenantId_version: { tenantId, version } },
  });
  if (!earlier) return null;
  const active = await prisma.mappingVersion.findFirst({ where: { tenantId, active: true } });
  if (active?.yaml === earlier.yaml) return { mappingVersion: active, created: false, warnings: [] };
  const mappingVersion = await rollbackMapping(prisma, { tenantId, version, author: actor });
  if (!mappingVersion) return null;
  await prisma.auditEvent.create({
    data: {
      tenantId,
      actor,
      action: 'mapping.rolled-back',
      details: { version: mappingVersion.version, from: version },
    },
  });
  return { mappingVersion, created: true, warnings: warningsOf(mappingVersion.yaml) };
}
