import { PermissionDeniedError } from "../errors.js";
import type { ObjectStore } from "../ports/object-store.js";

/**
 * Wrap an object store so that deleting the chosen stored keys fails (with
 * `PermissionDeniedError`, as a locked object in S3 would), one key at a time: a multi-delete
 * deletes the other keys and reports these in `errors`. Everything else goes to `inner`.
 *
 * @example
 * ```ts
 * const store = failingDeletes(createMemoryObjectStore({ buckets: ["b"] }), ["rel/a.zip.delta"]);
 * ```
 */
export function failingDeletes(inner: ObjectStore, keys: Iterable<string>): ObjectStore {
  const locked = new Set(keys);
  const refuse = (key: string) => new PermissionDeniedError(`Access denied (test): ${key}`);
  return {
    ...inner,
    async deleteObject(bucket, key, options) {
      if (locked.has(key)) throw refuse(key);
      return inner.deleteObject(bucket, key, options);
    },
    async deleteObjects(bucket, requested, options) {
      const result = await inner.deleteObjects(
        bucket,
        requested.filter((key) => !locked.has(key)),
        options,
      );
      return {
        deleted: result.deleted,
        errors: [
          ...result.errors,
          ...requested.filter((key) => locked.has(key)).map((key) => ({ key, error: refuse(key) })),
        ],
      };
    },
  };
}
