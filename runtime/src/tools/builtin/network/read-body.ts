import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

/** The decoder for a Content-Encoding, or null when the body is sent as is. */
function decoderFor(encoding: string | undefined): Readable & NodeJS.WritableStream | null {
  switch ((encoding ?? "").trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    default:
      return null;
  }
}

/**
 * Reads a response body, decoded, up to `maxBytes`; the cap applies to the decoded bytes, so a
 * compression bomb stops at the cap. Stops reading (and closes the socket) once the cap is hit.
 */
export async function readCapped(response: IncomingMessage, maxBytes: number): Promise<{ body: Buffer; truncated: boolean }> {
  const decoder = decoderFor(response.headers["content-encoding"]);
  const source: Readable = decoder ? response.pipe(decoder) : response;
  if (decoder) response.once("error", (error) => decoder.destroy(error));
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of source) {
    const bytes = chunk as Buffer;
    if (size + bytes.length > maxBytes) {
      chunks.push(bytes.subarray(0, maxBytes - size));
      truncated = true;
      break;
    }
    chunks.push(bytes);
    size += bytes.length;
  }
  if (truncated) response.destroy();
  return { body: Buffer.concat(chunks), truncated };
}
