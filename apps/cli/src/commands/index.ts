import { analyzeCommand } from "./analyze.js";
import { getBucketAclCommand, putBucketAclCommand } from "./bucket-acl.js";
import { cpCommand } from "./cp.js";
import type { CliCommand } from "./define.js";
import { lsCommand } from "./ls.js";
import { mbCommand } from "./mb.js";
import { migrateCommand } from "./migrate.js";
import { presignCommand } from "./presign.js";
import { purgeCommand } from "./purge.js";
import { rbCommand } from "./rb.js";
import { rebaseCommand } from "./rebase.js";
import { rmCommand } from "./rm.js";
import { statsCommand } from "./stats.js";
import { syncCommand } from "./sync.js";
import { verifyCommand } from "./verify.js";

/** Every command of the CLI, in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [
  cpCommand,
  lsCommand,
  rmCommand,
  syncCommand,
  statsCommand,
  migrateCommand,
  verifyCommand,
  analyzeCommand,
  presignCommand,
  purgeCommand,
  rebaseCommand,
  mbCommand,
  rbCommand,
  putBucketAclCommand,
  getBucketAclCommand,
];
