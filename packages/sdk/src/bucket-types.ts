export interface BucketInput {
  readonly Bucket: string;
}

export interface CreateBucketInput extends BucketInput {
  /** Region constraint for AWS S3 outside us-east-1. */
  readonly CreateBucketConfiguration?: { readonly LocationConstraint?: string };
}

export interface CreateBucketOutput {
  readonly Location?: string;
}

export interface ListBucketsOutput {
  readonly Buckets: readonly { readonly Name: string; readonly CreationDate?: Date }[];
}

/** A grantee of an ACL grant, as S3 describes it. */
export interface Grantee {
  readonly Type: "CanonicalUser" | "AmazonCustomerByEmail" | "Group";
  readonly ID?: string;
  readonly DisplayName?: string;
  readonly URI?: string;
  readonly EmailAddress?: string;
}

export type Permission = "FULL_CONTROL" | "WRITE" | "WRITE_ACP" | "READ" | "READ_ACP";

export interface Grant {
  readonly Grantee: Grantee;
  readonly Permission: Permission;
}

export interface Owner {
  readonly ID?: string;
  readonly DisplayName?: string;
}

export interface GetBucketAclOutput {
  readonly Owner?: Owner;
  readonly Grants: readonly Grant[];
}

export type CannedBucketAcl =
  | "private"
  | "public-read"
  | "public-read-write"
  | "authenticated-read";

export interface PutBucketAclInput extends BucketInput {
  readonly ACL?: CannedBucketAcl;
  readonly AccessControlPolicy?: { readonly Owner?: Owner; readonly Grants?: readonly Grant[] };
  readonly GrantFullControl?: string;
  readonly GrantRead?: string;
  readonly GrantReadACP?: string;
  readonly GrantWrite?: string;
  readonly GrantWriteACP?: string;
}
