-- AlterTable
ALTER TABLE "SyncRecord" ADD COLUMN     "visitorEmail" TEXT,
ADD COLUMN     "visitorName" TEXT,
ADD COLUMN     "visitorPhone" TEXT;

-- CreateTable
CREATE TABLE "SyncWrite" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "syncRecordId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "steps" JSONB NOT NULL,

    CONSTRAINT "SyncWrite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiUsageDay" (
    "tenantId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "used" INTEGER,
    "limit" INTEGER,
    "usageAt" TIMESTAMP(3),

    CONSTRAINT "ApiUsageDay_pkey" PRIMARY KEY ("tenantId","day")
);

-- CreateIndex
CREATE INDEX "SyncWrite_syncRecordId_at_idx" ON "SyncWrite"("syncRecordId", "at");

-- CreateIndex
CREATE INDEX "SyncWrite_tenantId_at_idx" ON "SyncWrite"("tenantId", "at");

-- AddForeignKey
ALTER TABLE "SyncWrite" ADD CONSTRAINT "SyncWrite_syncRecordId_fkey" FOREIGN KEY ("syncRecordId") REFERENCES "SyncRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiUsageDay" ADD CONSTRAINT "ApiUsageDay_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: the visitor of each chat recorded before, field by field from its latest event that names it.
UPDATE "SyncRecord" r SET
  "visitorName" = (SELECT nullif(btrim(coalesce(e."payload"->'visitor'->>'name',
                     concat_ws(' ', e."payload"->'visitor'->>'firstName', e."payload"->'visitor'->>'lastName'))), '')
                     FROM "SyncEvent" e
                    WHERE e."syncRecordId" = r."id" AND e."kind" NOT LIKE 'action.%'
                      AND nullif(btrim(coalesce(e."payload"->'visitor'->>'name',
                          concat_ws(' ', e."payload"->'visitor'->>'firstName', e."payload"->'visitor'->>'lastName'))), '') IS NOT NULL
                    ORDER BY e."receivedAt" DESC LIMIT 1),
  "visitorEmail" = (SELECT btrim(e."payload"->'visitor'->>'email') FROM "SyncEvent" e
                     WHERE e."syncRecordId" = r."id" AND e."kind" NOT LIKE 'action.%'
                       AND nullif(btrim(e."payload"->'visitor'->>'email'), '') IS NOT NULL
                     ORDER BY e."receivedAt" DESC LIMIT 1),
  "visitorPhone" = (SELECT btrim(e."payload"->'visitor'->>'phone') FROM "SyncEvent" e
                     WHERE e."syncRecordId" = r."id" AND e."kind" NOT LIKE 'action.%'
                       AND nullif(btrim(e."payload"->'visitor'->>'phone'), '') IS NOT NULL
                     ORDER BY e."receivedAt" DESC LIMIT 1);
