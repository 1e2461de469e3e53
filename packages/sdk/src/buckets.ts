import type { AclOwner, BucketAclChange } from "@dg/core";
import { NotFoundError, optionalEntry, UnsupportedError } from "@dg/core";
import type {
  BucketInput,
  CreateBucketInput,
  CreateBucketOutput,
  GetBucketAclOutput,
  ListBucketsOutput,
  Owner,
  PutBucketAclInput,
} from "./bucket-types.js";
import { type ClientContext, signalOption } from "./context.js";
import type { RequestOptions } from "./object-types.js";

export async function createBucket(
  ctx: ClientContext,
  input: CreateBucketInput,
  options: RequestOptions = {},
): Promise<CreateBucketOutput> {
  await ctx.store.createBucket(input.Bucket, signalOption(options.signal));
  return { Location: `/${input.Bucket}` };
}

export async function deleteBucket(
  ctx: ClientContext,
  input: BucketInput,
  options: RequestOptions = {},
): Promise<void> {
  await ctx.store.deleteBucket(input.Bucket, signalOption(options.signal));
}

export async function listBuckets(
  ctx: ClientContext,
  options: RequestOptions = {},
): Promise<ListBucketsOutput> {
  const buckets = await ctx.store.listBuckets(signalOption(options.signal));
  return {
    Buckets: buckets.map((b) => ({
      Name: b.name,
      ...(b.creationDate === undefined ? {} : { CreationDate: b.creationDate }),
    })),
  };
}

export async function headBucket(
  ctx: ClientContext,
  input: BucketInput,
  options: RequestOptions = {},
): Promise<void> {
  if (!(await ctx.store.headBucket(input.Bucket, signalOption(options.signal)))) {
    throw new NotFoundError(`Bucket not found: s3://${input.Bucket}`, {
      hint: "Check the name, the endpoint and the credentials; `deltaglider ls` lists your buckets.",
    });
  }
}

/**
 * The store's bucket ACLs, or `UnsupportedError` when it declares none (a memory store, an
 * injected store without an S3 client).
 */
function aclOf(ctx: ClientContext, what: string) {
  const acl = ctx.store.capabilities?.acl;
  if (acl) return acl;
  throw new UnsupportedError(
    `${what} needs an S3 endpoint; this client stores in ${ctx.store.description}`,
    {
      hint: "This store has no bucket ACLs: create the client with an S3 endpoint, or pass `s3Client`.",
    },
  );
}

export async function getBucketAcl(
  ctx: ClientContext,
  input: BucketInput,
  options: RequestOptions = {},
): Promise<GetBucketAclOutput> {
  const acl = await aclOf(ctx, "getBucketAcl").getBucketAcl(
    input.Bucket,
    signalOption(options.signal),
  );
  return {
    ...(acl.owner ? { Owner: ownerOf(acl.owner) } : {}),
    Grants: acl.grants.map((grant) => ({
      Grantee: {
        Type: grant.grantee.type,
        ...optionalEntry("ID", grant.grantee.id),
        ...optionalEntry("DisplayName", grant.grantee.displayName),
        ...optionalEntry("URI", grant.grantee.uri),
        ...optionalEntry("EmailAddress", grant.grantee.emailAddress),
      },
      Permission: grant.permission,
    })),
  };
}

export async function putBucketAcl(
  ctx: ClientContext,
  input: PutBucketAclInput,
  options: RequestOptions = {},
): Promise<void> {
  const policy = input.AccessControlPolicy;
  const change: BucketAclChange = {
    ...optionalEntry("canned", input.ACL),
    ...(policy === undefined
      ? {}
      : {
          policy: {
            ...(policy.Owner ? { owner: aclOwnerOf(policy.Owner) } : {}),
            grants: (policy.Grants ?? []).map((g) => ({
              grantee: {
                type: g.Grantee.Type,
                ...optionalEntry("id", g.Grantee.ID),
                ...optionalEntry("displayName", g.Grantee.DisplayName),
                ...optionalEntry("uri", g.Grantee.URI),
                ...optionalEntry("emailAddress", g.Grantee.EmailAddress),
              },
              permission: g.Permission,
            })),
          },
        }),
    ...optionalEntry("grantFullControl", input.GrantFullControl),
    ...optionalEntry("grantRead", input.GrantRead),
    ...optionalEntry("grantReadAcp", input.GrantReadACP),
    ...optionalEntry("grantWrite", input.GrantWrite),
    ...optionalEntry("grantWriteAcp", input.GrantWriteACP),
  };
  await aclOf(ctx, "putBucketAcl").putBucketAcl(input.Bucket, change, signalOption(options.signal));
}

function ownerOf(owner: AclOwner): Owner {
  return { ...optionalEntry("ID", owner.id), ...optionalEntry("DisplayName", owner.displayName) };
}

function aclOwnerOf(owner: Owner): AclOwner {
  return { ...optionalEntry("id", owner.ID), ...optionalEntry("displayName", owner.DisplayName) };
}
