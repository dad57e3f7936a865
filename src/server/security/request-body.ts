export type LimitedBody = { ok: true; text: string } | { ok: false; reason: 'too_large' | 'unreadable' };
export type LimitedBytes = { ok: true; bytes: Buffer } | { ok: false; reason: 'too_large' | 'unreadable' };

/**
 * Reads a request body as UTF-8, but no more than `maxBytes`: a declared Content-Length above it
 * is refused before reading, and a stream that runs past it is cancelled, so a 30 MB post costs at
 * most `maxBytes` of memory whatever its headers say.
 */
export async function readBodyWithLimit(request: Request, maxBytes: number): Promise<LimitedBody> {
  const body = await readBytesWithLimit(request, maxBytes);
  return body.ok ? { ok: true, text: new TextDecoder().decode(body.bytes) } : body;
}

/** As readBodyWithLimit, keeping the bytes as they came (raw MIME is not necessarily UTF-8). */
export async function readBytesWithLimit(request: Request, maxBytes: number): Promise<LimitedBytes> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, reason: 'too_large' };
  if (!request.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return { ok: false, reason: 'too_large' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}
