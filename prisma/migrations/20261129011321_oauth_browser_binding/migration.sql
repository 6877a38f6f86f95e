-- AlterTable
ALTER TABLE "SalesforceConnection" ADD COLUMN     "tokenLoginUrl" TEXT;

-- AlterTable
ALTER TABLE "OAuthState" ADD COLUMN     "browserNonceHash" TEXT;

-- Connections made before this column existed: their tokens came from the account server the configuration named.
UPDATE "SalesforceConnection" AS c
SET "tokenLoginUrl" = CASE
  WHEN c."configurationKind" = 'SYSTEM' THEN COALESCE((SELECT p."loginUrl" FROM "PlatformApp" p WHERE p."id" = 'default'), c."loginUrl")
  ELSE c."loginUrl"
END
WHERE c."refreshTokenEnc" IS NOT NULL OR c."accessTokenEnc" IS NOT NULL;
