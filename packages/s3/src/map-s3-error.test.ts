import { describe, expect, it } from "vitest";
import { mapS3Error } from "./map-s3-error.js";
import { tagRequestEndpoint } from "./request-endpoint.js";

function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${name} happened`), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
    ...extra,
  });
}

const context = { operation: "GetObject", bucket: "bkt", key: "k" };

describe("mapS3Error", () => {
  it.each([
    [sdkError("NoSuchKey", 404), "NOT_FOUND"],
    [sdkError("NotFound", 404), "NOT_FOUND"],
    [sdkError("NoSuchBucket", 404), "NOT_FOUND"],
    [sdkError("UnknownError", 404), "NOT_FOUND"],
    [sdkError("PreconditionFailed", 412), "CONFLICT"],
    [sdkError("ConditionalRequestConflict", 409), "UNAVAILABLE"],
    [sdkError("BucketNotEmpty", 409), "CONFLICT"],
    [sdkError("BucketAlreadyOwnedByYou", 409), "CONFLICT"],
    [sdkError("BucketAlreadyExists", 409), "CONFLICT"],
    [sdkError("AccessDenied", 403), "PERMISSION_DENIED"],
    [sdkError("InvalidAccessKeyId", 403), "PERMISSION_DENIED"],
    [sdkError("SignatureDoesNotMatch", 403), "PERMISSION_DENIED"],
    [sdkError("Forbidden", 403), "PERMISSION_DENIED"],
    [sdkError("CredentialsProviderError"), "PERMISSION_DENIED"],
    [sdkError("SlowDown", 503), "UNAVAILABLE"],
    [sdkError("ServiceUnavailable", 503), "UNAVAILABLE"],
    [sdkError("InternalError", 500), "UNAVAILABLE"],
    [sdkError("Weird", 502), "UNAVAILABLE"],
    [sdkError("Error", undefined, { code: "ECONNRESET" }), "UNAVAILABLE"],
    [sdkError("Error", undefined, { code: "ECONNREFUSED" }), "UNAVAILABLE"],
    [sdkError("TimeoutError"), "UNAVAILABLE"],
    [sdkError("AbortError"), "CANCELLED"],
    [sdkError("InvalidBucketName", 400), "INVALID_ARGUMENT"],
    [sdkError("InvalidRange", 416), "INVALID_ARGUMENT"],
    [sdkError("NotImplemented", 501), "UNSUPPORTED"],
    [sdkError("SomethingNew", 400), "INTERNAL"],
    [new TypeError("bug"), "INTERNAL"],
  ])("maps %s to %s", (error, code) => {
    const mapped = mapS3Error(error, context);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(error);
  });

  it("names the endpoint and the timeout that ran out", () => {
    const connect = tagRequestEndpoint(
      Object.assign(
        new Error(
          "@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 5000 ms.",
        ),
        { name: "TimeoutError" },
      ),
      "https://s3.example.net:9000",
    );
    const refused = tagRequestEndpoint(
      sdkError("Error", undefined, { code: "ECONNREFUSED" }),
      "http://127.0.0.1:1",
    );
    expect(mapS3Error(connect, context).message).toBe(
      "Could not connect to https://s3.example.net:9000 within 5 s (GetObject s3://bkt/k)",
    );
    expect(mapS3Error(connect, context).hint).toContain("--cli-connect-timeout");
    expect(mapS3Error(refused, context).message).toBe(
      "Network error (ECONNREFUSED) reaching http://127.0.0.1:1 on GetObject s3://bkt/k",
    );
  });

  it("marks throttling and network errors retryable", () => {
    expect(mapS3Error(sdkError("SlowDown", 503), context).retryable).toBe(true);
    expect(
      mapS3Error(sdkError("Error", undefined, { code: "ECONNRESET" }), context).retryable,
    ).toBe(true);
    expect(mapS3Error(sdkError("AccessDenied", 403), context).retryable).toBe(false);
  });

  it("names bucket or key in NOT_FOUND and hints at credentials without printing them", () => {
    expect(mapS3Error(sdkError("NoSuchBucket", 404), context).message).toContain("bkt");
    expect(mapS3Error(sdkError("NoSuchKey", 404), context).message).toContain("s3://bkt/k");
    const denied = mapS3Error(sdkError("InvalidAccessKeyId", 403), context);
    expect(denied.hint).toMatch(/AWS_ACCESS_KEY_ID/);
    const missing = mapS3Error(sdkError("CredentialsProviderError"), context);
    expect(missing.hint).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(missing.hint).toMatch(/--profile/);
  });
});
