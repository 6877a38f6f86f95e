-- AlterTable
ALTER TABLE "VisitorLink" ADD COLUMN     "visitorSeen" JSONB;
