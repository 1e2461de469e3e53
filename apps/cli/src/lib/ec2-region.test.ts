import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  detectEc2Placement,
  ec2DetectionDisabled,
  metadataTimeoutMs,
  regionReport,
} from "./ec2-region.js";

const IMDS = "http://169.254.169.254";
const seen: string[] = [];
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

function answerImds(region: string, zone: string) {
  server.use(
    http.put(`${IMDS}/latest/api/token`, ({ request }) => {
      seen.push(`token ttl=${request.headers.get("x-aws-ec2-metadata-token-ttl-seconds")}`);
      return HttpResponse.text("tok");
    }),
    http.get(`${IMDS}/latest/meta-data/placement/:what`, ({ params, request }) => {
      if (request.headers.get("x-aws-ec2-metadata-token") !== "tok") {
        return new HttpResponse(null, { status: 401 });
      }
      seen.push(String(params.what));
      return HttpResponse.text(params.what === "region" ? region : zone);
    }),
  );
}

describe("detectEc2Placement", () => {
  it("reads the region and zone through IMDSv2", async () => {
    answerImds("eu-central-1", "eu-central-1a");
    expect(await detectEc2Placement({ env: {} })).toEqual({
      region: "eu-central-1",
      availabilityZone: "eu-central-1a",
    });
    expect(seen).toContain("token ttl=21600");
  });

  it("is off with DG_DISABLE_EC2_DETECTION or AWS_EC2_METADATA_DISABLED", async () => {
    answerImds("eu-central-1", "eu-central-1a");
    for (const env of [
      { DG_DISABLE_EC2_DETECTION: "true" },
      { DG_DISABLE_EC2_DETECTION: "YES" },
      { DG_DISABLE_EC2_DETECTION: "1" },
      { AWS_EC2_METADATA_DISABLED: "true" },
    ]) {
      expect(ec2DetectionDisabled(env)).toBe(true);
      expect(await detectEc2Placement({ env })).toBeUndefined();
    }
    expect(seen).toEqual([]);
    expect(ec2DetectionDisabled({ DG_DISABLE_EC2_DETECTION: "false" })).toBe(false);
  });

  it("says not-on-EC2 when the service refuses, errors or does not answer in time", async () => {
    server.use(http.put(`${IMDS}/latest/api/token`, () => new HttpResponse(null, { status: 403 })));
    expect(await detectEc2Placement({ env: {} })).toBeUndefined();
    server.use(http.put(`${IMDS}/latest/api/token`, () => HttpResponse.error()));
    expect(await detectEc2Placement({ env: {} })).toBeUndefined();
    server.use(
      http.put(`${IMDS}/latest/api/token`, async () => {
        await delay("infinite");
        return HttpResponse.text("never");
      }),
    );
    expect(await detectEc2Placement({ env: {}, timeoutMs: 20 })).toBeUndefined();
  });

  it("takes each request's timeout from AWS_METADATA_SERVICE_TIMEOUT (seconds), else 1 s", () => {
    expect(metadataTimeoutMs({})).toBe(1000);
    expect(metadataTimeoutMs({ AWS_METADATA_SERVICE_TIMEOUT: "5" })).toBe(5000);
    expect(metadataTimeoutMs({ AWS_METADATA_SERVICE_TIMEOUT: "0.5" })).toBe(500);
    expect(metadataTimeoutMs({ AWS_METADATA_SERVICE_TIMEOUT: "soon" })).toBe(1000);
    expect(metadataTimeoutMs({ AWS_METADATA_SERVICE_TIMEOUT: "0" })).toBe(1000);
  });

  it("honours AWS_EC2_METADATA_SERVICE_ENDPOINT", async () => {
    server.use(
      http.put("http://imds.test/latest/api/token", () => HttpResponse.text("tok")),
      http.get("http://imds.test/latest/meta-data/placement/:what", () =>
        HttpResponse.text("ap-south-1"),
      ),
    );
    const placement = await detectEc2Placement({
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://imds.test/" },
    });
    expect(placement?.region).toBe("ap-south-1");
  });
});

describe("regionReport", () => {
  it("prints nothing off EC2", () => {
    expect(regionReport(undefined, "us-east-1", false)).toEqual({ lines: [], aligned: true });
  });
  it("confirms aligned regions and advises on a mismatch", () => {
    expect(regionReport({ region: "us-east-1" }, "us-east-1", false).lines.at(-1)).toMatch(
      /Regions aligned/,
    );
    const advice = regionReport(
      { region: "eu-west-1", availabilityZone: "eu-west-1c" },
      "us-east-1",
      false,
    );
    expect(advice.aligned).toBe(false);
    expect(advice.lines).toEqual([
      "EC2 instance: eu-west-1c",
      "S3 client region: us-east-1",
      expect.stringContaining("consider --region eu-west-1"),
    ]);
    expect(regionReport({ region: "eu-west-1" }, "us-east-1", true).lines.at(-1)).toMatch(
      /^Warning: .* set by --region/,
    );
  });
});
