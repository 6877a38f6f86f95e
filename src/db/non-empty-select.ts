// Pothos builds a Prisma `select` from the fields a query asks for; a query that asks only for `__typename` yields
// `select: {}`, which Prisma refuses. Every model here has an `id`, so an empty select becomes `{ id: true }`.
import type { Prisma } from './open.ts';

export function withNonEmptySelect(prisma: Prisma): Prisma {
  return prisma.$extends({
    query: {
      $allModels: {
        $allOperations({ args, query }) {
          const select = (args as { select?: Record<string, unknown> } | undefined)?.select;
          if (select && Object.keys(select).length === 0) (args as { select: object }).select = { id: true };
          return query(args);
        },
      },
    },
  }) as unknown as Prisma;
}
