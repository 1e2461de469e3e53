import type { PostPolicyCondition } from "@dg/core";

export interface GetSignedUrlInput {
  readonly Bucket: string;
  readonly Key: string;
  /** Seconds the URL stays valid; default 3600, at most 604800 (7 days). */
  readonly ExpiresIn?: number;
  /**
   * Sets `Content-Disposition` on the response, e.g. `attachment; filename="app.zip"`. A link
   * to a rehydrated copy gets `attachment` with the file's name unless this says otherwise.
   */
  readonly ResponseContentDisposition?: string;
  /**
   * A delta-stored object is rebuilt into `.deltaglider/tmp/` for the link (default `true`);
   * `false` refuses such objects with `UnsupportedError` instead of writing a copy.
   */
  readonly Rehydrate?: boolean;
}

export interface RehydrateForDownloadInput {
  readonly Bucket: string;
  readonly Key: string;
  /** Seconds the copy lives (its `dg-expires-at`); default 3600, at most 604800 (7 days). */
  readonly ExpiresIn?: number;
}

export interface RehydrateForDownloadOutput {
  readonly Bucket: string;
  /** The stored key a plain GET reads: the copy under `.deltaglider/tmp/`, or the object itself. */
  readonly Key: string;
  /** True when the object is a delta and `Key` is a rebuilt copy. */
  readonly Rehydrated: boolean;
  /** True when a live copy of the same version was reused instead of rebuilt. */
  readonly Reused: boolean;
  /** When the copy expires and purges may delete it (copies only). */
  readonly ExpiresAt?: Date;
}

/** A condition of a browser upload's policy, as `@aws-sdk/s3-presigned-post` takes them. */
export type PresignedPostCondition = PostPolicyCondition;

/** `createPresignedPost`'s input, in `@aws-sdk/s3-presigned-post`'s shape. */
export interface CreatePresignedPostInput {
  readonly Bucket: string;
  /** The key the file lands under; `${filename}` is replaced by the uploaded file's name. */
  readonly Key: string;
  /** Extra policy conditions (`content-length-range`, `starts-with`, `eq`, `{ field: value }`). */
  readonly Conditions?: readonly PresignedPostCondition[];
  /** Fields the form sends and the policy signs: `Content-Type`, `x-amz-meta-*`, `acl`, … */
  readonly Fields?: Readonly<Record<string, string>>;
  /** Seconds the form stays valid; default 3600, at most 604800 (7 days). */
  readonly Expires?: number;
}

/** Where the form posts and the fields it sends before the file (`file` goes last). */
export interface CreatePresignedPostOutput {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}
