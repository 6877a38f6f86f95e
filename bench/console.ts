// Benchmark of the agent console's customer view: Salesforce API calls per lookup when many agents' consoles ask at
// once. The bench harness's service and tenant, connected to a local sandbox org; AGENTS consoles each ask
// `salesforceCustomer` for a different visitor at the same moment, then ask again (served from the cache).
// Run: npm run bench:console [-- <agents>]
import { createApiKey } from '../src/auth/api-keys.ts';
import { startBenchOrg } from './harness.ts';

const AGENTS = Number(process.argv[2] ?? 200);
const QUERY = `query BenchConsole($visitor: VisitorInput!) {
  salesforceCustomer(visitor: $visitor) { connected matches { object id rule url fields { name value } } }
}`;

const org = await startBenchOrg();
const { sandbox, app } = org;
try {
  const { key } = await createApiKey(app.db.prisma, {
    tenantId: org.tenantId,
    role: 'AGENT',
    name: 'bench agent',
  });

  // Half the visitors are Leads in the org; every fifth gives only a phone.
  const visitors = Array.from({ length: AGENTS }, (_, i) => ({
    name: `Visitor ${i}`,
    ...(i % 5 === 4 ? {} : { email: `visitor${i}@bench.example` }),
    phone: `+1 415 555 ${String(1000 + i).padStart(4, '0')}`,
  }));
  for (let i = 0; i < AGENTS; i += 2) {
    await sandbox.control.insert('Lead', {
      LastName: `Visitor ${i}`,
      Company: 'Bench Inc',
      Email: `visitor${i}@bench.example`,
      Phone: visitors[i]!.phone,
    });
  }

  const ask = async (visitor: (typeof visitors)[number]) => {
    const response = await app.yoga.fetch('http://bench/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: QUERY, variables: { visitor } }),
    });
    const body = (await response.json()) as {
      data?: { salesforceCustomer: { matches: unknown[] } };
      errors?: unknown[];
    };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data.salesforceCustomer.matches.length;
  };
  const round = async (label: string) => {
    await sandbox.control.resetApiCalls();
    const start = performance.now();
    const matched = (await Promise.all(visitors.map(ask))).filter((n) => n > 0).length;
    const ms = performance.now() - start;
    const { total } = await sandbox.control.apiCalls();
    console.log(
      `${label}: ${AGENTS} concurrent lookups, ${matched} matched, ${total} Salesforce API call(s) = ` +
        `${(total / AGENTS).toFixed(3)} per lookup, ${ms.toFixed(0)} ms`,
    );
  };
  await round('first ask  ');
  await round('asked again');
  // Without coalescing, each lookup would read each applicable rule on its own: a query per rule and visitor.
  const naive = visitors.reduce((n, v) => n + (v.email ? 2 : 1), 0);
  console.log(
    `for comparison: ${naive} queries one by one, or ${Math.ceil(naive / 5)} calls in composites of five without coalescing`,
  );
} finally {
  await org.close();
}
