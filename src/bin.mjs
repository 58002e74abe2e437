#!/usr/bin/env node
// The `footnote` command. `npm ci` compiles the TypeScript into dist/ (the prepare script), which
// starts faster than the sources run through tsx. The sources run instead when dist/ is missing or
// older than any of them (while you edit), so what runs is never stale.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/src/cli/main.js', root);

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (existsSync(compiled) && statSync(compiled).mtimeMs >= Math.max(newest(new URL('src/', root)), newest(new URL('commands/', root)))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli/main.ts');
}
