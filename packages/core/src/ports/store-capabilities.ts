import type { OperationOptions } from "./common.js";

/** Who an ACL grant is for, as S3 describes it. */
export interface AclGrantee {
  readonly type: "CanonicalUser" | "AmazonCustomerByEmail" | "Group";
  readonly id?: string;
  readonly displayName?: string;
  readonly uri?: string;
  readonly emailAddress?: string;
}

export type AclPermission = "FULL_CONTROL" | "WRITE" | "WRITE_ACP" | "READ" | "READ_ACP";

export interface AclGrant {
  readonly grantee: AclGrantee;
  readonly permission: AclPermission;
}

export interface AclOwner {
  readonly id?: string;
  readonly displayName?: string;
}

/** A bucket's access control list. */
export interface BucketAcl {
  readonly owner?: AclOwner;
  readonly grants: readonly AclGrant[];
}

/** S3's canned bucket ACLs. */
export type CannedBucketAcl =
  | "private"
  | "public-read"
  | "public-read-write"
  | "authenticated-read";

/**
 * A new ACL for a bucket, in one of S3's three forms: a canned ACL, a full policy, or grant
 * headers (`id="…"`, `uri="…"`, `emailAddress="…"` lists).
 */
export interface BucketAclChange {
  readonly canned?: CannedBucketAcl;
  readonly policy?: { readonly owner?: AclOwner; readonly grants: readonly AclGrant[] };
  readonly grantFullControl?: string;
  readonly grantRead?: string;
  readonly grantReadAcp?: string;
  readonly grantWrite?: string;
  readonly grantWriteAcp?: string;
}

/** Bucket ACLs, for a store that has them. */
export interface BucketAclCapability {
  /** `NotFoundError` when there is no such bucket. */
  getBucketAcl(bucket: string, options?: OperationOptions): Promise<BucketAcl>;
  /** May refuse with `UnsupportedError` (a store whose ACL is fixed), with a hint. */
  putBucketAcl(bucket: string, change: BucketAclChange, options?: OperationOptions): Promise<void>;
}

export interface PresignGetOptions extends OperationOptions {
  /** Seconds the URL stays valid (already checked by the caller). */
  readonly expiresIn: number;
  /** Sets `Content-Disposition` on the response. */
  readonly responseContentDisposition?: string;
}

/**
 * One condition of a browser upload's policy, in S3's forms (the AWS SDK's
 * `@aws-sdk/s3-presigned-post` shapes): `{ field: value }` or `["eq", "$field", value]`,
 * `["starts-with", "$field", prefix]`, `["content-length-range", min, max]`.
 */
export type PostPolicyCondition =
  | Readonly<Record<string, string>>
  | readonly ["eq", string, string]
  | readonly ["starts-with", string, string]
  | readonly ["content-length-range", number, number];

export interface PresignPostOptions extends OperationOptions {
  /** Seconds the form stays valid (already checked by the caller). */
  readonly expiresIn: number;
  /** Form fields to send and sign (`Content-Type`, `acl`, `x-amz-meta-*`, …). */
  readonly fields?: Readonly<Record<string, string>>;
  /** Extra policy conditions; the bucket and key conditions are added by the store. */
  readonly conditions?: readonly PostPolicyCondition[];
}

/** Where a browser form posts, and the fields it sends before the file. */
export interface PresignedPost {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** URLs that let anyone holding them GET one stored object, or POST one, for a store that has them. */
export interface PresignCapability {
  presignGetObject(bucket: string, key: string, options: PresignGetOptions): Promise<string>;
  /** A signed browser-upload form (S3 POST policy) for `key`: the file lands there as sent. */
  presignPost(bucket: string, key: string, options: PresignPostOptions): Promise<PresignedPost>;
}

/** A multipart upload that was started and neither completed nor aborted. */
export interface PendingUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
}

/** Unfinished multipart uploads, for a store that has them (S3). */
export interface MultipartUploadsCapability {
  /** Every unfinished upload in the bucket (all pages), oldest first. */
  listMultipartUploads(
    bucket: string,
    options?: OperationOptions,
  ): Promise<readonly PendingUpload[]>;
  /** Abort one; an upload already gone is not an error. */
  abortMultipartUpload(
    bucket: string,
    key: string,
    uploadId: string,
    options?: OperationOptions,
  ): Promise<void>;
}

/**
 * What a store can do beyond the object store port, declared by the store (as unstorage
 * drivers do with their flags): a capability that is absent is not supported, and callers say
 * so instead of asking which adapter they hold.
 */
export interface StoreCapabilities {
  readonly acl?: BucketAclCapability;
  readonly presign?: PresignCapability;
  readonly multipartUploads?: MultipartUploadsCapability;
}
