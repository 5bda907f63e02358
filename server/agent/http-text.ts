/** Reading text from a node-local HTTP endpoint (kube-proxy's metrics, the lab proxies' rules and conntrack). */
export interface FetchTextOptions {
  timeoutMs: number;
  /** A body past this is refused rather than read in full or cut: a cut text would read as less. */
  maxBytes: number;
}

/** GETs `url` and returns its body; rejects on a non-2xx status, a timeout, or a body over the limit. */
export async function fetchText(url: string | URL, options: FetchTextOptions): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET ${String(url)}: HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body?.cancel();
    throw new Error(`GET ${String(url)}: body of ${declared} bytes is over the ${options.maxBytes}-byte limit`);
  }
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > options.maxBytes) {
      await reader.cancel();
      throw new Error(`GET ${String(url)}: body over the ${options.maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
