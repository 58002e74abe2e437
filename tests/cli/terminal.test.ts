import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { SEEDS_DIR, tempDir } from '../helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'src', 'bin.mjs');
const COLUMNS = 60;

/**
 * The console in a real pseudo-terminal (util-linux `script`), 60 columns wide, as a person runs
 * it: the prompt, progress and wrapping only happen on a terminal.
 */
async function inTerminal(seedsDir: string) {
  const env = { PATH: process.env.PATH, SEEDS_DIR: seedsDir, DATA_DIR: await tempDir(), EMBED_WORKERS: '1', LOG_LEVEL: 'info', TERM: 'xterm' };
  const child = spawn('script', ['-qfec', `stty cols ${COLUMNS} rows 40; exec ${process.execPath} ${BIN} console`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  child.stdout.on('data', (data: Buffer) => {
    screen += data.toString();
    for (const waiter of waiters.filter((w) => w.test())) waiter.resolve();
  });
  const until = (test: (screen: string) => boolean) => new Promise<void>((resolve) => (test(screen) ? resolve() : waiters.push({ test: () => test(screen), resolve })));
  return { child, until, type: (line: string) => child.stdin.write(`${line}\r`), screen: () => screen };
}

/** What a terminal of that width shows after `raw` (a terminal emulator: redraws overwrite, as on screen). */
function shown(raw: string): Promise<string[]> {
  const screen = new xterm.Terminal({ cols: COLUMNS, rows: 200, allowProposedApi: true });
  return new Promise((resolve) =>
    screen.write(raw, () => {
      const buffer = screen.buffer.active;
      resolve(Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)!.translateToString(true)));
    }),
  );
}

describe('the console on a terminal', () => {
  it('GIVEN vectors still being embedded THEN progress redraws on the prompt line, answers wrap at word boundaries to the width, and a log line printed meanwhile is followed by the prompt again', async () => {
    const seedsDir = await tempDir('footnote-seeds-');
    for (const file of await readdir(SEEDS_DIR)) await copyFile(join(SEEDS_DIR, file), join(seedsDir, file));
    for (let n = 0; n < 40; n++) {
      const body = Array.from({ length: 10 }, (_, s) => `Harbour ${n} logged ${s * 7 + n} ferries in week ${s} of the season, and the harbour master said the busiest days came after storms.`).join(' ');
      await writeFile(join(seedsDir, `harbour-${n}.txt`), `Harbour ${n} traffic\n\n${body}\n`);
    }
    const term = await inTerminal(seedsDir);
    await term.until((s) => s.includes('Footnote is ready'));
    term.type('How many attacks did Iran say it neutralized last year?');
    await term.until((s) => {
      const logged = s.lastIndexOf('every passage has its vector');
      return logged >= 0 && s.slice(logged).includes('> ');
    });
    term.type('/quit');
    await once(term.child, 'exit');
    const raw = term.screen();
    const lines = await shown(raw);

    // Wrapped: no line wider than the terminal, and the quote reads whole once the lines are joined.
    // (Whether it is the answer or the closest passage depends on how many vectors are in by then.)
    const first = lines.findIndex((l) => l.startsWith('[1] Calling such attempts'));
    const quote = lines.slice(first, lines.findIndex((l, i) => i > first && l.startsWith('    — ')));
    expect(quote.length).toBeGreaterThan(1);
    for (const line of quote) expect(line.length).toBeLessThanOrEqual(COLUMNS);
    expect(quote.join(' ')).toBe('[1] Calling such attempts “cyber-terrorism,” he also touted his country’s cyber defenses, saying, “Last year we neutralized 33 million attacks with the (national) firewall.”');

    // Progress: several counts were drawn on the prompt line, in place: no bare progress prompt is
    // left on the screen (a line typed at one stays, as any typed line does).
    expect(new Set([...raw.matchAll(/\[Embedding (\d+)\/\d+/g)].map((m) => m[1])).size).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => /^\[Embedding [^\]]*\] >\s*$/.test(l))).toEqual([]);

    // The log line that came while the prompt waited is on a line of its own, and the prompt follows it.
    const logged = lines.findIndex((l) => l.includes('every passage has its vector'));
    const prompt = lines.indexOf('> /quit');
    expect(prompt).toBeGreaterThan(logged);
    expect(lines.slice(logged, prompt).join(' ')).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: every passage has its vector \{"embedded":\d+,"left":0,"ms":[\d.]+\}$/);
    for (const line of lines.slice(logged, prompt)) expect(line.length).toBeLessThanOrEqual(COLUMNS);
  });
});
