// Share a file by URL. Upload it (as a delta when it pays), then link it: a delta-stored file
// is rebuilt into .deltaglider/tmp/ for the link, and the copy expires with it (purge it later).
//   node --import tsx examples/presign.ts dist/app-1.4.zip
import { createClient } from "@dg/sdk";

const [file] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: presign.ts FILE");
const client = createClient();
try {
  const { key, storageType } = await client.uploadFile(file, "s3://releases/app/");
  const url = await client.getSignedUrl({ Bucket: "releases", Key: key, ExpiresIn: 3600 });
  console.log(storageType, url);
  // Expired copies are removed by a purge (e.g. nightly): this one goes in an hour.
  const { tempFiles } = await client.purgeTempFiles("releases", { dryRun: true });
  console.log(`${tempFiles.live} live link copies, ${tempFiles.expired.length} expired`);
} finally {
  client.destroy();
}
