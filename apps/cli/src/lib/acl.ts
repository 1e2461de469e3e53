import type { CannedBucketAcl, Grant, GetBucketAclOutput, PutBucketAclInput } from "@dg/sdk";
import { UsageError } from "./errors.js";

/** The canned ACLs S3 accepts on a bucket, in `--acl`'s order. */
export const CANNED_BUCKET_ACLS = [
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
] as const satisfies readonly CannedBucketAcl[];

const GRANTEE_TYPES = ["CanonicalUser", "AmazonCustomerByEmail", "Group"] as const;
const PERMISSIONS = ["FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"] as const;
const GRANTEE_FIELDS = ["ID", "DisplayName", "URI", "EmailAddress"] as const;

/** The `put-bucket-acl` flags, after parsing. */
export interface PutAclFlags {
  readonly acl?: string | undefined;
  readonly grantFullControl?: string | undefined;
  readonly grantRead?: string | undefined;
  readonly grantReadAcp?: string | undefined;
  readonly grantWrite?: string | undefined;
  readonly grantWriteAcp?: string | undefined;
  readonly accessControlPolicy?: string | undefined;
}

const POLICY_HINT =
  'Pass e.g. --access-control-policy \'{"Owner":{"ID":"…"},"Grants":[{"Grantee":{"Type":"CanonicalUser","ID":"…"},"Permission":"FULL_CONTROL"}]}\'.';

function policyError(detail: string): UsageError {
  return new UsageError(`Invalid JSON for --access-control-policy: ${detail}`, {
    hint: POLICY_HINT,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalStrings<K extends string>(
  value: Record<string, unknown>,
  fields: readonly K[],
  where: string,
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const field of fields) {
    const item = value[field];
    if (item === undefined) continue;
    if (typeof item !== "string") throw policyError(`${where}.${field} must be a string`);
    out[field] = item;
  }
  return out;
}

function grantOf(value: unknown, index: number): Grant {
  const where = `Grants[${index}]`;
  if (!isRecord(value)) throw policyError(`${where} must be an object`);
  const { Grantee: grantee, Permission: permission } = value;
  if (!isRecord(grantee)) throw policyError(`${where}.Grantee must be an object`);
  const type = grantee.Type;
  if (!GRANTEE_TYPES.includes(type as (typeof GRANTEE_TYPES)[number])) {
    throw policyError(`${where}.Grantee.Type must be one of ${GRANTEE_TYPES.join(", ")}`);
  }
  if (!PERMISSIONS.includes(permission as (typeof PERMISSIONS)[number])) {
    throw policyError(`${where}.Permission must be one of ${PERMISSIONS.join(", ")}`);
  }
  return {
    Grantee: {
      Type: type as (typeof GRANTEE_TYPES)[number],
      ...optionalStrings(grantee, GRANTEE_FIELDS, `${where}.Grantee`),
    },
    Permission: permission as (typeof PERMISSIONS)[number],
  };
}

/**
 * Parse `--access-control-policy`: a JSON object with an optional `Owner` (`ID`,
 * `DisplayName`) and `Grants`, as in S3's `PutBucketAcl`. Anything else is a usage error whose
 * message says what is wrong.
 *
 * @example
 * ```ts
 * parseAccessControlPolicy('{"Grants":[{"Grantee":{"Type":"Group","URI":"http://acs.amazonaws.com/groups/global/AllUsers"},"Permission":"READ"}]}');
 * ```
 */
export function parseAccessControlPolicy(
  text: string,
): NonNullable<PutBucketAclInput["AccessControlPolicy"]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw policyError(error instanceof Error ? error.message : String(error));
  }
  if (!isRecord(parsed)) throw policyError("expected a JSON object with Owner and Grants");
  const unknown = Object.keys(parsed).filter((key) => key !== "Owner" && key !== "Grants");
  if (unknown.length > 0) throw policyError(`unknown field ${unknown.join(", ")}`);
  const { Owner: owner, Grants: grants } = parsed;
  if (owner !== undefined && !isRecord(owner)) throw policyError("Owner must be an object");
  if (grants !== undefined && !Array.isArray(grants)) throw policyError("Grants must be a list");
  return {
    ...(owner === undefined
      ? {}
      : { Owner: optionalStrings(owner, ["ID", "DisplayName"], "Owner") }),
    ...(grants === undefined ? {} : { Grants: grants.map(grantOf) }),
  };
}

/**
 * Build the `PutBucketAcl` request of the flags: only the flags given are sent; none at all is a
 * usage error.
 *
 * @example
 * ```ts
 * putAclInput("b", { acl: "public-read" }); // { Bucket: "b", ACL: "public-read" }
 * ```
 */
export function putAclInput(bucket: string, flags: PutAclFlags): PutBucketAclInput {
  const acl = flags.acl;
  if (acl !== undefined && !CANNED_BUCKET_ACLS.includes(acl as CannedBucketAcl)) {
    throw new UsageError(`Invalid --acl: ${acl}`, {
      hint: `Use one of ${CANNED_BUCKET_ACLS.join(", ")}.`,
    });
  }
  const input: PutBucketAclInput = {
    Bucket: bucket,
    ...(acl === undefined ? {} : { ACL: acl as CannedBucketAcl }),
    ...(flags.grantFullControl === undefined ? {} : { GrantFullControl: flags.grantFullControl }),
    ...(flags.grantRead === undefined ? {} : { GrantRead: flags.grantRead }),
    ...(flags.grantReadAcp === undefined ? {} : { GrantReadACP: flags.grantReadAcp }),
    ...(flags.grantWrite === undefined ? {} : { GrantWrite: flags.grantWrite }),
    ...(flags.grantWriteAcp === undefined ? {} : { GrantWriteACP: flags.grantWriteAcp }),
    ...(flags.accessControlPolicy === undefined
      ? {}
      : { AccessControlPolicy: parseAccessControlPolicy(flags.accessControlPolicy) }),
  };
  if (Object.keys(input).length === 1) {
    throw new UsageError("put-bucket-acl needs an ACL to set", {
      hint: "Pass --acl private|public-read|public-read-write|authenticated-read, a --grant-* flag, or --access-control-policy JSON.",
    });
  }
  return input;
}

/**
 * The ACL as `get-bucket-acl` prints it: 2-space JSON with `Owner` and `Grants`.
 *
 * @example
 * ```ts
 * formatAcl({ Grants: [] }); // '{\n  "Grants": []\n}'
 * ```
 */
export function formatAcl(acl: GetBucketAclOutput): string {
  return JSON.stringify(
    { ...(acl.Owner === undefined ? {} : { Owner: acl.Owner }), Grants: acl.Grants },
    null,
    2,
  );
}
