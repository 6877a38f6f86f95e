-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "cloudcxTenantId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_cloudcxTenantId_key" ON "Tenant"("cloudcxTenantId");
