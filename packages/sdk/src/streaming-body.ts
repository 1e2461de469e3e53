import { Readable } from "node:stream";
import type { ByteStream } from "@dg/core";
import type { StreamingBody } from "./object-types.js";

/**
 * Wrap a byte stream as a Node `Readable` with the AWS SDK's `transformTo*` helpers. Errors of
 * the stream (an integrity failure at its end included) are emitted as the Readable's error.
 */
export function toStreamingBody(stream: ByteStream): StreamingBody {
  const readable = Readable.from(stream, { objectMode: false, highWaterMark: 1024 * 1024 });
  const body = readable as StreamingBody;
  body.transformToByteArray = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of readable) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  };
  body.transformToString = async (encoding = "utf8") =>
    Buffer.from(await body.transformToByteArray()).toString(encoding);
  body.transformToWebStream = () => Readable.toWeb(readable) as ReadableStream<Uint8Array>;
  return body;
}
