-- CreateTable
CREATE TABLE "SyncAttachment" (
    "id" TEXT NOT NULL,
    "syncRecordId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contentType" TEXT,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncAttachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SyncAttachment_syncRecordId_name_key" ON "SyncAttachment"("syncRecordId", "name");

-- AddForeignKey
ALTER TABLE "SyncAttachment" ADD CONSTRAINT "SyncAttachment_syncRecordId_fkey" FOREIGN KEY ("syncRecordId") REFERENCES "SyncRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;
