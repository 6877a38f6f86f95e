-- AlterTable
ALTER TABLE "SyncRecord" ADD COLUMN     "inflightAt" TIMESTAMP(3);
