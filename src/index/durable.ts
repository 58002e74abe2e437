import { open } from 'node:fs/promises';

/** Writes a file and flushes it to disk before returning, so a rename after it never exposes a torn file. */
export async function writeDurably(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
