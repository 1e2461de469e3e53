import {
  AbortMultipartUploadCommand,
  GetBucketAclCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutBucketAclCommand,
  type Grant as S3Grant,
  type S3Client,
} from "@aws-sdk/client-s3";
import type {
  AclGrant,
  AclGrantee,
  AclOwner,
  AclPermission,
  BucketAcl,
  BucketAclChange,
  OperationOptions,
  PostPolicyCondition,
  PendingUpload,
  StoreCapabilities,
} from "@dg/core";
import { hasCode, optionalEntry } from "@dg/core";
import { mapS3Error } from "./map-s3-error.js";
import { requestSignal } from "./request-signal.js";

function sendOptions(options: OperationOptions | undefined): { abortSignal?: AbortSignal } {
  return options?.signal ? { abortSignal: requestSignal(options.signal) } : {};
}

/**
 * What an S3 store supports beyond the object store port: bucket ACLs (GetBucketAcl,
 * PutBucketAcl), presigned GET URLs and presigned POST forms (browser uploads), and
 * unfinished multipart uploads (ListMultipartUploads, AbortMultipartUpload), on the given
 * client. `createS3ObjectStore` declares
 * them; a program that injects a store of its own next to an `S3Client` can attach them.
 *
 * @example
 * ```ts
 * const { acl, presign } = createS3Capabilities(client);
 * const url = await presign?.presignGetObject("releases", "app.zip", { expiresIn: 600 });
 * ```
 */
export function createS3Capabilities(client: S3Client): StoreCapabilities {
  return {
    acl: {
      async getBucketAcl(bucket, options) {
        try {
          const out = await client.send(
            new GetBucketAclCommand({ Bucket: bucket }),
            sendOptions(options),
          );
          return {
            ...(out.Owner ? { owner: ownerOf(out.Owner) } : {}),
            grants: (out.Grants ?? []).flatMap((grant) => {
              const converted = grantOf(grant);
              return converted ? [converted] : [];
            }),
          } satisfies BucketAcl;
        } catch (error) {
          throw mapS3Error(error, { operation: "GetBucketAcl", bucket });
        }
      },
      async putBucketAcl(bucket, change, options) {
        try {
          await client.send(
            new PutBucketAclCommand({ Bucket: bucket, ...s3AclInput(change) }),
            sendOptions(options),
          );
        } catch (error) {
          throw mapS3Error(error, { operation: "PutBucketAcl", bucket });
        }
      },
    },
    multipartUploads: {
      async listMultipartUploads(bucket, options) {
        const found: PendingUpload[] = [];
        let keyMarker: string | undefined;
        let uploadIdMarker: string | undefined;
        try {
          for (;;) {
            const page = await client.send(
              new ListMultipartUploadsCommand({
                Bucket: bucket,
                ...optionalEntry("KeyMarker", keyMarker),
                ...optionalEntry("UploadIdMarker", uploadIdMarker),
              }),
              sendOptions(options),
            );
            for (const upload of page.Uploads ?? []) {
              if (upload.Key === undefined || upload.UploadId === undefined) continue;
              found.push({
                key: upload.Key,
                uploadId: upload.UploadId,
                initiated: upload.Initiated ?? new Date(0),
              });
            }
            if (page.IsTruncated !== true) break;
            keyMarker = page.NextKeyMarker;
            uploadIdMarker = page.NextUploadIdMarker;
            if (keyMarker === undefined && uploadIdMarker === undefined) break;
          }
        } catch (error) {
          throw mapS3Error(error, { operation: "ListMultipartUploads", bucket });
        }
        return found.sort((a, b) => a.initiated.getTime() - b.initiated.getTime());
      },
      async abortMultipartUpload(bucket, key, uploadId, options) {
        try {
          await client.send(
            new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
            sendOptions(options),
          );
        } catch (error) {
          const mapped = mapS3Error(error, { operation: "AbortMultipartUpload", bucket, key });
          // NoSuchUpload: completed or aborted meanwhile.
          if (!hasCode(mapped, "NOT_FOUND")) throw mapped;
        }
      },
    },
    presign: {
      async presignGetObject(bucket, key, options) {
        // The presigner loads only for this call.
        const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
        const command = new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...optionalEntry("ResponseContentDisposition", options.responseContentDisposition),
        });
        return getSignedUrl(client, command, { expiresIn: options.expiresIn });
      },
      async presignPost(bucket, key, options) {
        // Like the presigner, the POST policy signer loads only for this call.
        const { createPresignedPost } = await import("@aws-sdk/s3-presigned-post");
        try {
          const post = await createPresignedPost(client, {
            Bucket: bucket,
            Key: key,
            Expires: options.expiresIn,
            ...(options.fields === undefined ? {} : { Fields: { ...options.fields } }),
            ...(options.conditions === undefined
              ? {}
              : { Conditions: options.conditions.map(policyEntryOf) }),
          });
          return { url: post.url, fields: post.fields };
        } catch (error) {
          throw mapS3Error(error, { operation: "PresignPost", bucket, key });
        }
      },
    },
  };
}

/** A condition in the mutable shape the AWS SDK's signer is typed with. */
function policyEntryOf(condition: PostPolicyCondition): PolicyEntry {
  if (!Array.isArray(condition)) return { ...(condition as Readonly<Record<string, string>>) };
  const [operator, first, second] = condition;
  if (operator === "content-length-range") return [operator, Number(first), Number(second)];
  return [operator, String(first), String(second)];
}

type PolicyEntry = NonNullable<
  Parameters<typeof import("@aws-sdk/s3-presigned-post").createPresignedPost>[1]["Conditions"]
>[number];

function s3AclInput(change: BucketAclChange) {
  return {
    ...optionalEntry("ACL", change.canned),
    ...(change.policy === undefined
      ? {}
      : {
          AccessControlPolicy: {
            ...(change.policy.owner ? { Owner: s3OwnerOf(change.policy.owner) } : {}),
            Grants: change.policy.grants.map((g) => ({
              Grantee: {
                Type: g.grantee.type,
                ...optionalEntry("ID", g.grantee.id),
                ...optionalEntry("DisplayName", g.grantee.displayName),
                ...optionalEntry("URI", g.grantee.uri),
                ...optionalEntry("EmailAddress", g.grantee.emailAddress),
              },
              Permission: g.permission,
            })),
          },
        }),
    ...optionalEntry("GrantFullControl", change.grantFullControl),
    ...optionalEntry("GrantRead", change.grantRead),
    ...optionalEntry("GrantReadACP", change.grantReadAcp),
    ...optionalEntry("GrantWrite", change.grantWrite),
    ...optionalEntry("GrantWriteACP", change.grantWriteAcp),
  };
}

function s3OwnerOf(owner: AclOwner) {
  return { ...optionalEntry("ID", owner.id), ...optionalEntry("DisplayName", owner.displayName) };
}

function ownerOf(owner: { ID?: string | undefined; DisplayName?: string | undefined }): AclOwner {
  return { ...optionalEntry("id", owner.ID), ...optionalEntry("displayName", owner.DisplayName) };
}

const PERMISSIONS: readonly AclPermission[] = [
  "FULL_CONTROL",
  "WRITE",
  "WRITE_ACP",
  "READ",
  "READ_ACP",
];
const GRANTEE_TYPES: readonly AclGrantee["type"][] = [
  "CanonicalUser",
  "AmazonCustomerByEmail",
  "Group",
];

/** A grant as S3 returns it, or `undefined` for one whose permission or type is unknown. */
function grantOf(grant: S3Grant): AclGrant | undefined {
  const permission = PERMISSIONS.find((p) => p === grant.Permission);
  const type = GRANTEE_TYPES.find((t) => t === grant.Grantee?.Type);
  if (!permission || !type || !grant.Grantee) return undefined;
  const g = grant.Grantee;
  return {
    permission,
    grantee: {
      type,
      ...optionalEntry("id", g.ID),
      ...optionalEntry("displayName", g.DisplayName),
      ...optionalEntry("uri", g.URI),
      ...optionalEntry("emailAddress", g.EmailAddress),
    },
  };
}
