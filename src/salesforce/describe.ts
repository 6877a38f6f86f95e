// Describe calls: what the org's objects and fields are. One API call per object.
import type { Connection, DescribeSObjectResult } from 'jsforce';
import type { DescribeResult } from '../mapping/index.ts';

/** The objects' describe results, in parallel; an object the org does not have is left out (NOT_FOUND). */
export async function describeObjects(conn: Connection, names: readonly string[]): Promise<DescribeResult[]> {
  const described = await Promise.all(
    names.map((name) =>
      conn
        .sobject(name)
        .describe()
        .catch((error: { errorCode?: string }) => {
          if (error.errorCode === 'NOT_FOUND') return undefined;
          throw error;
        }),
    ),
  );
  return described.filter((d) => d !== undefined).map(asDescribeResult);
}

/** The parts the mapping's checks read (jsforce types an absent picklist as null). */
function asDescribeResult(d: DescribeSObjectResult): DescribeResult {
  return {
    name: d.name,
    fields: d.fields.map((f) => ({
      name: f.name,
      type: f.type,
      length: f.length,
      nillable: f.nillable,
      createable: f.createable,
      updateable: f.updateable,
      defaultedOnCreate: f.defaultedOnCreate,
      custom: f.custom,
      restrictedPicklist: f.restrictedPicklist,
      picklistValues: f.picklistValues ?? undefined,
    })),
  };
}
