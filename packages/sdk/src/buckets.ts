import type { Grant as S3Grant } from "@aws-sdk/client-s3";
import { NotFoundError, UnsupportedError } from "@dg/core";
import type {
  BucketInput,
  CreateBucketInput,
  CreateBucketOutput,
  GetBucketAclOutput,
  Grant,
  Grantee,
  ListBucketsOutput,
  Permission,
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

/** The ACL of a local-directory bucket: the local user owns it, with full control. */
const DIR_OWNER = { ID: "local", DisplayName: "local" } as const;

/** The raw S3 client, the AWS SDK's commands and our error mapping, all loaded on demand. */
async function s3ClientFor(ctx: ClientContext, what: string) {
  if (ctx.s3) {
    const [client, commands, { mapS3Error }] = await Promise.all([
      ctx.s3(),
      import("@aws-sdk/client-s3"),
      import("@dg/s3"),
    ]);
    return { client, commands, mapS3Error };
  }
  throw new UnsupportedError(
    `${what} needs an S3 endpoint; this client stores in ${ctx.store.description}`,
    {
      hint:
        ctx.storeKind === "dir"
          ? "A local directory has no ACLs: its files are protected by the file system's permissions (chmod)."
          : "Create the client with an S3 endpoint or pass `s3Client`.",
    },
  );
}

export async function getBucketAcl(
  ctx: ClientContext,
  input: BucketInput,
  options: RequestOptions = {},
): Promise<GetBucketAclOutput> {
  if (ctx.storeKind === "dir") {
    await headBucket(ctx, input, options);
    return {
      Owner: DIR_OWNER,
      Grants: [{ Grantee: { Type: "CanonicalUser", ...DIR_OWNER }, Permission: "FULL_CONTROL" }],
    };
  }
  const { client, commands, mapS3Error } = await s3ClientFor(ctx, "getBucketAcl");
  try {
    const out = await client.send(
      new commands.GetBucketAclCommand({ Bucket: input.Bucket }),
      abortOption(options.signal),
    );
    return {
      ...(out.Owner ? { Owner: ownerOf(out.Owner) } : {}),
      Grants: (out.Grants ?? []).flatMap((grant) => {
        const converted = grantOf(grant);
        return converted ? [converted] : [];
      }),
    };
  } catch (error) {
    throw mapS3Error(error, { operation: "GetBucketAcl", bucket: input.Bucket });
  }
}

export async function putBucketAcl(
  ctx: ClientContext,
  input: PutBucketAclInput,
  options: RequestOptions = {},
): Promise<void> {
  const { client, commands, mapS3Error } = await s3ClientFor(ctx, "putBucketAcl");
  try {
    await client.send(
      new commands.PutBucketAclCommand({
        Bucket: input.Bucket,
        ...(input.ACL === undefined ? {} : { ACL: input.ACL }),
        ...(input.AccessControlPolicy === undefined
          ? {}
          : {
              AccessControlPolicy: {
                ...(input.AccessControlPolicy.Owner
                  ? { Owner: { ...input.AccessControlPolicy.Owner } }
                  : {}),
                Grants: (input.AccessControlPolicy.Grants ?? []).map((g) => ({
                  Grantee: { ...g.Grantee },
                  Permission: g.Permission,
                })),
              },
            }),
        ...(input.GrantFullControl === undefined
          ? {}
          : { GrantFullControl: input.GrantFullControl }),
        ...(input.GrantRead === undefined ? {} : { GrantRead: input.GrantRead }),
        ...(input.GrantReadACP === undefined ? {} : { GrantReadACP: input.GrantReadACP }),
        ...(input.GrantWrite === undefined ? {} : { GrantWrite: input.GrantWrite }),
        ...(input.GrantWriteACP === undefined ? {} : { GrantWriteACP: input.GrantWriteACP }),
      }),
      abortOption(options.signal),
    );
  } catch (error) {
    throw mapS3Error(error, { operation: "PutBucketAcl", bucket: input.Bucket });
  }
}

/** The AWS SDK's `send` option for cancellation. */
export function abortOption(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}

function ownerOf(owner: { ID?: string | undefined; DisplayName?: string | undefined }) {
  return {
    ...(owner.ID === undefined ? {} : { ID: owner.ID }),
    ...(owner.DisplayName === undefined ? {} : { DisplayName: owner.DisplayName }),
  };
}

const PERMISSIONS: readonly Permission[] = [
  "FULL_CONTROL",
  "WRITE",
  "WRITE_ACP",
  "READ",
  "READ_ACP",
];
const GRANTEE_TYPES: readonly Grantee["Type"][] = [
  "CanonicalUser",
  "AmazonCustomerByEmail",
  "Group",
];

function grantOf(grant: S3Grant): Grant | undefined {
  const permission = PERMISSIONS.find((p) => p === grant.Permission);
  const type = GRANTEE_TYPES.find((t) => t === grant.Grantee?.Type);
  if (!permission || !type || !grant.Grantee) return undefined;
  const g = grant.Grantee;
  return {
    Permission: permission,
    Grantee: {
      Type: type,
      ...(g.ID === undefined ? {} : { ID: g.ID }),
      ...(g.DisplayName === undefined ? {} : { DisplayName: g.DisplayName }),
      ...(g.URI === undefined ? {} : { URI: g.URI }),
      ...(g.EmailAddress === undefined ? {} : { EmailAddress: g.EmailAddress }),
    },
  };
}
