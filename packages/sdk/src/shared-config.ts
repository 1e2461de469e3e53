import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Env } from "./options.js";

/** The settings of one profile of the shared AWS config file that the client uses. */
export interface SharedProfileSettings {
  readonly region?: string;
  readonly endpointUrl?: string;
}

/**
 * Read `region` and `endpoint_url` of a profile from the shared config file
 * (`AWS_CONFIG_FILE`, default `~/.aws/config`): `[default]` or `[profile <name>]`. A missing or
 * unreadable file gives nothing; the AWS SDK still reads credentials itself.
 */
export function readSharedProfile(env: Env, profile: string): SharedProfileSettings {
  const home = env.HOME ?? homedir();
  const file = nonEmpty(env.AWS_CONFIG_FILE) ?? join(home, ".aws", "config");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return {};
  }
  const section = profile === "default" ? ["default", "profile default"] : [`profile ${profile}`];
  const values = parseIniSection(text, section);
  const region = nonEmpty(values.get("region"));
  const endpointUrl = nonEmpty(values.get("endpoint_url"));
  return {
    ...(region === undefined ? {} : { region }),
    ...(endpointUrl === undefined ? {} : { endpointUrl }),
  };
}

/** Top-level `key = value` pairs of the first matching section (nested sub-sections skipped). */
export function parseIniSection(text: string, names: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  let inSection = false;
  let found = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      if (found && inSection) break;
      inSection = names.includes((header[1] ?? "").replace(/\s+/g, " "));
      found ||= inSection;
      continue;
    }
    // Indented lines continue a nested setting (e.g. `s3 =` then `  addressing_style = …`).
    if (!inSection || raw !== line) continue;
    const at = line.indexOf("=");
    if (at < 0) continue;
    values.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
  }
  return values;
}

/** A trimmed value, or `undefined` when it is unset or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
