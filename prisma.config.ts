import { defineConfig } from 'prisma/config';

// The CLI reads this; the service itself connects through a driver adapter (src/db.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/postgres' },
});
