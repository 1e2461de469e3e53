import { CANNED_BUCKET_ACLS, formatAcl, putAclInput } from "../lib/acl.js";
import { singleFlag } from "../lib/flag-values.js";
import { EXIT, UsageError } from "../lib/errors.js";
import { parseBucketArg } from "../lib/locations.js";
import { defineCommand } from "./define.js";

const BUCKET_DESCRIPTION = "bucket, s3://bucket or s3://bucket/any/prefix (the prefix is ignored)";

function bucketOf(text: string): string {
  const { bucket } = parseBucketArg(text);
  if (bucket === "") {
    throw new UsageError("Invalid bucket name", { hint: "Name a bucket: s3://bucket or bucket." });
  }
  return bucket;
}

/** `deltaglider put-bucket-acl`: set a bucket's ACL (S3 `PutBucketAcl`). */
export const putBucketAclCommand = defineCommand({
  command: "put-bucket-acl <bucket>",
  describe: "Set the access control list of a bucket",
  builder: (yargs) =>
    yargs
      .positional("bucket", { type: "string", demandOption: true, describe: BUCKET_DESCRIPTION })
      .option("acl", {
        type: "string",
        choices: CANNED_BUCKET_ACLS,
        describe:
          "A canned ACL: the owner keeps full control, and the name says who else may read/write",
      })
      .option("grant-full-control", {
        type: "string",
        describe:
          'Give read, write, read-ACP and write-ACP, e.g. id="<canonical id>" or uri="http://acs.amazonaws.com/groups/global/AllUsers" (comma-separated for several)',
      })
      .option("grant-read", {
        type: "string",
        describe: "Allow listing the bucket's objects (same grantee form)",
      })
      .option("grant-read-acp", {
        type: "string",
        describe: "Allow reading the bucket's ACL (same grantee form)",
      })
      .option("grant-write", {
        type: "string",
        describe: "Allow creating, overwriting and deleting objects (same grantee form)",
      })
      .option("grant-write-acp", {
        type: "string",
        describe: "Allow changing the bucket's ACL (same grantee form)",
      })
      .option("access-control-policy", {
        type: "string",
        describe:
          'The whole ACL as JSON: {"Owner":{"ID":"…"},"Grants":[{"Grantee":{"Type":"CanonicalUser","ID":"…"},"Permission":"READ"}]}',
      })
      .epilogue(
        "Only the flags given are sent to S3; at least one is needed. A local-directory store (file://) has no ACLs: this fails there, as its files are protected by the file system.",
      )
      .example([
        ["$0 put-bucket-acl releases --acl private", "Only the owner has access"],
        ["$0 put-bucket-acl releases --acl public-read", "Everyone may list the bucket"],
      ]),
  async run(ctx, args) {
    const bucket = bucketOf(args.bucket);
    // Repeated string flags reach us as arrays: refuse them rather than send "a,b".
    const input = putAclInput(bucket, {
      acl: singleFlag("--acl", args.acl),
      grantFullControl: singleFlag("--grant-full-control", args.grantFullControl),
      grantRead: singleFlag("--grant-read", args.grantRead),
      grantReadAcp: singleFlag("--grant-read-acp", args.grantReadAcp),
      grantWrite: singleFlag("--grant-write", args.grantWrite),
      grantWriteAcp: singleFlag("--grant-write-acp", args.grantWriteAcp),
      accessControlPolicy: singleFlag("--access-control-policy", args.accessControlPolicy),
    });
    await ctx.client().putBucketAcl(input, { signal: ctx.signal });
    ctx.out.line(`ACL updated for bucket: ${bucket}`);
    return EXIT.ok;
  },
});

/** `deltaglider get-bucket-acl`: print a bucket's ACL (S3 `GetBucketAcl`) as JSON. */
export const getBucketAclCommand = defineCommand({
  command: "get-bucket-acl <bucket>",
  describe: "Print the access control list of a bucket as JSON",
  builder: (yargs) =>
    yargs
      .positional("bucket", { type: "string", demandOption: true, describe: BUCKET_DESCRIPTION })
      .epilogue(
        "Prints the Owner and the Grants as 2-space JSON. A local-directory store (file://) shows a fixed private ACL: the local user owns the bucket with full control.",
      )
      .example([["$0 get-bucket-acl releases", "Who may do what in releases"]]),
  async run(ctx, args) {
    const bucket = bucketOf(args.bucket);
    const acl = await ctx.client().getBucketAcl({ Bucket: bucket }, { signal: ctx.signal });
    ctx.out.line(formatAcl(acl));
    return EXIT.ok;
  },
});
