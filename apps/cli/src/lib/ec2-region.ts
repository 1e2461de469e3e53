/** Where an EC2 instance runs, from its metadata service. */
export interface Ec2Placement {
  readonly region: string;
  readonly availabilityZone?: string;
}

const DEFAULT_ENDPOINT = "http://169.254.169.254";
const TRUE = new Set(["1", "true", "yes"]);

/** Whether `DG_DISABLE_EC2_DETECTION` (or the AWS SDK's `AWS_EC2_METADATA_DISABLED`) is set. */
export function ec2DetectionDisabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return (
    TRUE.has((env.DG_DISABLE_EC2_DETECTION ?? "").trim().toLowerCase()) ||
    TRUE.has((env.AWS_EC2_METADATA_DISABLED ?? "").trim().toLowerCase())
  );
}

/**
 * Milliseconds each metadata request may take: `AWS_METADATA_SERVICE_TIMEOUT` seconds (the AWS
 * CLI's variable) when it is a positive number, else 1 s.
 *
 * @example
 * ```ts
 * metadataTimeoutMs({ AWS_METADATA_SERVICE_TIMEOUT: "5" }); // 5000
 * ```
 */
export function metadataTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  const seconds = Number(env.AWS_METADATA_SERVICE_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
}

/**
 * Ask the instance metadata service (IMDSv2: a token, then the placement) where this machine
 * runs; `undefined` when it is not an EC2 instance, when detection is disabled, or on any
 * failure. Every request has a short timeout (1 s by default, or `AWS_METADATA_SERVICE_TIMEOUT`
 * seconds, as in the AWS CLI), so off EC2 this costs at most that. The endpoint can be moved with `AWS_EC2_METADATA_SERVICE_ENDPOINT`, as in the AWS SDK.
 *
 * @example
 * ```ts
 * const placement = await detectEc2Placement({ env: process.env });
 * if (placement) console.log(placement.region);
 * ```
 */
export async function detectEc2Placement(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}): Promise<Ec2Placement | undefined> {
  if (ec2DetectionDisabled(options.env)) return undefined;
  const base = (options.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? DEFAULT_ENDPOINT).replace(
    /\/+$/,
    "",
  );
  const timeoutMs = options.timeoutMs ?? metadataTimeoutMs(options.env);
  const signal = () =>
    options.signal
      ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);
  try {
    const tokenResponse = await fetch(`${base}/latest/api/token`, {
      method: "PUT",
      headers: { "X-aws-ec2-metadata-token-ttl-seconds": "21600" },
      signal: signal(),
    });
    if (!tokenResponse.ok) return undefined;
    const token = (await tokenResponse.text()).trim();
    const get = async (path: string): Promise<string | undefined> => {
      const response = await fetch(`${base}/latest/meta-data/placement/${path}`, {
        headers: { "X-aws-ec2-metadata-token": token },
        signal: signal(),
      });
      if (!response.ok) return undefined;
      const text = (await response.text()).trim();
      return text === "" ? undefined : text;
    };
    const [region, availabilityZone] = await Promise.all([get("region"), get("availability-zone")]);
    if (region === undefined) return undefined;
    return { region, ...(availabilityZone === undefined ? {} : { availabilityZone }) };
  } catch {
    return undefined;
  }
}

/**
 * The lines `migrate` prints about regions: nothing off EC2; on EC2 the instance's zone, the
 * S3 client's region, and whether they match (a mismatch means cross-region transfer fees).
 *
 * @example
 * ```ts
 * regionReport({ region: "eu-west-1" }, "us-east-1", false);
 * ```
 */
export function regionReport(
  placement: Ec2Placement | undefined,
  clientRegion: string,
  regionGiven: boolean,
): { readonly lines: readonly string[]; readonly aligned: boolean } {
  if (placement === undefined) return { lines: [], aligned: true };
  const lines = [
    `EC2 instance: ${placement.availabilityZone ?? placement.region}`,
    `S3 client region: ${clientRegion}`,
  ];
  if (placement.region === clientRegion) {
    lines.push("Regions aligned: no cross-region transfer charges.");
    return { lines, aligned: true };
  }
  lines.push(
    regionGiven
      ? `Warning: EC2 region ${placement.region} differs from the S3 client region ${clientRegion} set by --region: data crosses regions (transfer fees, slower).`
      : `Note: EC2 region ${placement.region} differs from the S3 client region ${clientRegion}: consider --region ${placement.region} to avoid cross-region charges.`,
  );
  return { lines, aligned: false };
}
