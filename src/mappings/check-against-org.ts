// Checking a mapping against the connected org: the objects it uses are described there, and the mapping's checks
// run against those describe results instead of the standard objects. Reads only.
import { parse } from 'yaml';
import { asConnectionUnavailable, type SalesforceConnections } from '../connections/tenant-connections.ts';
import type { Prisma } from '../db/open.ts';
import { type Diagnostic, fromDescribe, loadMapping } from '../mapping/index.ts';
import { describeObjects } from '../salesforce/describe.ts';
import { activeMapping } from '../sync/mapping-versions.ts';

/** Name of the mapping in diagnostics; the API reports positions only. */
export const MAPPING_FILE = 'mapping.yaml';

export interface OrgCheck {
  diagnostics: Diagnostic[];
  /** The objects described in the org. */
  objects: string[];
  /** The version checked; null for a draft. */
  mappingVersion: number | null;
}

const SETUP_OBJECTS: Record<string, readonly string[]> = {
  sales: ['Lead', 'Task'],
  support: ['Contact', 'Case'],
  none: [],
};

/** Checks a draft, or the tenant's active mapping, against the tenant's org. A connection that is gone or needs
 *  re-authorizing fails with ConnectionUnavailableError. */
export async function checkMappingAgainstOrg(
  deps: { prisma: Prisma; connections: SalesforceConnections },
  tenantId: string,
  draft: string | null,
): Promise<OrgCheck> {
  const active = draft === null ? (await activeMapping(deps.prisma, tenantId)).version : undefined;
  const text = draft ?? active?.yaml ?? '';
  const mappingVersion = active?.version ?? null;
  const { conn } = await deps.connections.forTenant(tenantId);
  const objects = objectsUsed(text);
  // Text that is not YAML: its syntax problems, and nothing is asked of Salesforce.
  if (!objects)
    return { diagnostics: loadMapping(text, MAPPING_FILE).diagnostics, objects: [], mappingVersion };
  try {
    const present = await describeObjects(conn, objects);
    const { diagnostics } = loadMapping(text, MAPPING_FILE, fromDescribe(present));
    return { diagnostics, objects: present.map((d) => d.name), mappingVersion };
  } catch (error) {
    throw asConnectionUnavailable(error) ?? error;
  }
}

/** The standard objects the mapping names, sorted; null when the text does not parse. Only names the schema allows
 *  are sent to Salesforce: anything else is reported by the schema check. */
function objectsUsed(text: string): string[] | null {
  // biome-ignore lint/suspicious/noExplicitAny: read key by key; anything malformed is reported by loadMapping.
  let doc: any;
  try {
    doc = parse(text);
  } catch {
    return null;
  }
  const keys = (value: unknown) => (value && typeof value === 'object' ? Object.keys(value) : []);
  const used = new Set<string>([
    ...keys(doc?.objects),
    ...keys(doc?.identification),
    ...keys(doc?.overwrite?.fields),
    ...keys(doc?.display?.webChat),
    ...keys(doc?.display?.inbox),
    ...(SETUP_OBJECTS[doc?.sections?.webChat?.record] ?? []),
    ...(SETUP_OBJECTS[doc?.sections?.inbox?.record] ?? []),
  ]);
  return [...used].filter((name) => ['Lead', 'Contact', 'Account', 'Case', 'Task'].includes(name)).sort();
}
