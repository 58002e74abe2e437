import { readCapped } from '../ingest/web/fetch.js';
import { ErrorCode, FootnoteError } from '../errors.js';

export interface DownloadLimits {
  /** Origins attachments may come from: Discord's CDN (DISCORD_CDN_URL) and the API's own (DISCORD_API_URL). */
  origins: readonly string[];
  maxBytes: number;
  timeoutMs: number;
}

/** Redirects followed at most, each within the same origin. */
const MAX_REDIRECTS = 3;

const failed = (message: string, cause?: unknown) => new FootnoteError(ErrorCode.DownloadFailed, message, cause === undefined ? {} : { cause });

/**
 * Fetches an attachment a user sent: only from Discord's own origins, never following a redirect
 * to another host, within a size and time cap (the size counted as the bytes arrive, whatever the
 * headers claim).
 */
export async function downloadAttachment(url: string, { origins, maxBytes, timeoutMs }: DownloadLimits): Promise<Uint8Array> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw failed('That attachment has no usable address. Upload it again.');
  }
  if (!origins.includes(target.origin)) throw failed("That attachment is not on Discord's servers, so it was not downloaded.");
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await fetch(target, { redirect: 'manual', signal });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const next = new URL(response.headers.get('location') ?? '', target);
        if (next.origin !== target.origin) throw failed("Discord's server sent that attachment elsewhere; it was not followed.");
        target = next;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw failed(`Discord did not serve that attachment (HTTP ${response.status}); it may have expired. Upload it again.`);
      }
      const declared = Number(response.headers.get('content-length') ?? 0);
      const tooLarge = () => failed(`That attachment is larger than the ${Math.round(maxBytes / 1024)} KiB limit.`);
      if (declared > maxBytes) {
        await response.body?.cancel();
        throw tooLarge();
      }
      return response.body ? await readCapped(response.body, maxBytes, tooLarge) : Buffer.alloc(0);
    }
    throw failed("Discord's server redirected that attachment too many times.");
  } catch (error) {
    if (error instanceof FootnoteError) throw error;
    if (signal.aborted) throw failed(`Downloading that attachment took longer than ${Math.round(timeoutMs / 1000)} s. Try again.`, error);
    throw failed('That attachment could not be downloaded. Try again.', error);
  }
}
