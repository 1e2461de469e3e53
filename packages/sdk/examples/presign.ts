// Share a file by URL: only objects stored as they are can be presigned, so store the file
// without delta compression first.
//   node --import tsx examples/presign.ts installer.dmg
import { basename } from "node:path";
import { createClient, hasCode } from "@dg/sdk";

const [file] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: presign.ts FILE");
const client = createClient();
try {
  const { key } = await client.uploadFile(file, "s3://downloads/public/", { delta: false });
  console.log(await client.getSignedUrl({ Bucket: "downloads", Key: key, ExpiresIn: 3600 }));
  try {
    await client.getSignedUrl({ Bucket: "releases", Key: `app/${basename(file)}` });
  } catch (error) {
    if (hasCode(error, "UNSUPPORTED")) console.error(error.message, "\n", error.hint);
    else throw error;
  }
} finally {
  client.destroy();
}
