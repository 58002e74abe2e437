import 'dotenv/config';
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { createEngine, createFeedPoller, createWebFetcher } from '../app.js';
import { JsonlLog } from '../discord/logs.js';
import { ArticleEditor } from '../ingest/editor.js';
import type { FeedPoller } from '../ingest/feeds/poller.js';
import { articleFromLink } from '../ingest/web/link.js';
import { isShardProcess, loadConfig, type Config } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { ErrorCode, FootnoteError, toFootnoteError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { createProgressFactory, logProgress, silentProgress } from '../progress.js';
import { forTerminal } from '../render/safe-text.js';
import { renderAdded, renderAnswer, renderCheck, renderFeedAdded, renderFeedList, renderPoll, renderReload, renderSources, renderSummary } from '../render/terminal.js';
import { SummaryLengths, type ReloadReport, type SummaryLength } from '../types.js';
import { runConsole } from './console.js';
import { ConsoleScreen } from './screen.js';

interface Runtime {
  config: Config;
  logger: Logger;
  engine: Engine;
  /** What start-up found changed since the saved index (and any warning). */
  started: ReloadReport;
  /** The console's terminal, when it runs on one. */
  screen?: ConsoleScreen;
}

/** Prints a result: exactly one JSON object on stdout with --json, readable text otherwise. */
function print(json: boolean | undefined, value: unknown, text: (value: never) => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${forTerminal(text(value as never))}\n`);
}

/** An error on stderr: its message may hold what the user typed (an article name with escape codes). */
function printError(error: FootnoteError): void {
  // The terminal is the operator's: the message with its detail (a path, a cause), printed once.
  process.stderr.write(forTerminal(`${error.message}\n`));
}

/**
 * How a command uses the index: `waits` for every vector (with a progress bar on a terminal:
 * `reload`, `summary`, `sources`); `answers` at once, by words alone where vectors are missing, and
 * leaves the rest to the next process (`ask`: the vectors embedded meanwhile are saved); `serves`
 * while vectors land in the background (`start`, `console`).
 */
type Mode = 'waits' | 'answers' | 'serves';

async function boot(mode: Mode): Promise<Runtime> {
  const config = loadConfig(process.env);
  // Only the bot logs its routine by default: in the console and one-shot commands the answers are
  // what matters, so unless LOG_LEVEL says otherwise only warnings and errors are shown.
  const bot = mode === 'serves' && Boolean(config.DISCORD_TOKEN);
  const screen = mode === 'serves' && !bot && process.stdin.isTTY && process.stdout.isTTY ? new ConsoleScreen(process.stdout) : undefined;
  const logger = createLogger((process.env.LOG_LEVEL?.trim() || bot) ? config.LOG_LEVEL : 'warn', screen?.logStream);
  // A one-shot answer shows no bar: the embedding it starts stops when it has answered.
  const progress = screen?.progress ?? (mode === 'serves' ? logProgress(logger) : mode === 'answers' ? silentProgress : createProgressFactory(logger));
  const engine = await createEngine(config, logger, { progress, serving: mode !== 'waits' });
  return { config, logger, engine, started: await engine.start(), ...(screen ? { screen } : {}) };
}

/** Runs one command; any error becomes a clear message on stderr (and a JSON error with --json) and exit code 1. */
function action<A extends unknown[]>(run: (runtime: Runtime, ...args: A) => Promise<void>, wantsJson: (...args: A) => boolean = () => false, mode: Mode = 'waits') {
  return async (...args: A) => {
    let runtime: Runtime | undefined;
    try {
      runtime = await boot(mode);
      await run(runtime, ...args);
    } catch (raw) {
      const error = toFootnoteError(raw);
      if (wantsJson(...args)) process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.userMessage } })}\n`);
      printError(error);
      process.exitCode = 1;
    } finally {
      await runtime?.engine.close();
    }
  };
}

/** Aborts on SIGTERM or SIGINT: the console stops reading, and the engine is closed on the way out (progress saved, lock released). */
function untilSignalled(): AbortSignal {
  const controller = new AbortController();
  for (const name of ['SIGTERM', 'SIGINT'] as const) process.once(name, () => controller.abort());
  return controller.signal;
}

const jsonOption = new Option('--json', 'print one JSON object on stdout instead of text');
type JsonFlag = { json?: boolean };

const program = new Command('footnote')
  .description('Answers questions about the articles in seeds/ with verbatim, cited passages. Offline by default.')
  .showHelpAfterError();

program
  .command('ask')
  .description('answer one question')
  .argument('<question...>', 'the question')
  .addOption(jsonOption)
  .action(
    action(
      async ({ engine }, question: string[], options: JsonFlag) => print(options.json, await engine.ask(question.join(' ')), renderAnswer),
      (_q, options) => Boolean(options.json),
      'answers',
    ),
  );

program
  .command('check')
  .description('check a claim against the articles: supported, the articles differ, or not in the articles, for each factual sentence (at most 5)')
  .argument('<claim...>', 'the claim, as posted')
  .addOption(jsonOption)
  .action(
    action(
      async ({ engine }, claim: string[], options: JsonFlag) => print(options.json, await engine.check(claim.join(' ')), renderCheck),
      (_c, options) => Boolean(options.json),
      'answers',
    ),
  );

program
  .command('summary')
  .description('summarise an article with a citation for every sentence')
  .option('--article <idOrTitle>', 'article id or words of its title (default: the most recent)')
  .option('--topic <topic>', 'focus the summary on a topic')
  .addOption(
    new Option('--length <length>', Object.entries(SummaryLengths).map(([name, n]) => `${name}: ${n} sentences`).join(', '))
      .choices(Object.keys(SummaryLengths))
      .default('medium'),
  )
  .addOption(jsonOption)
  .action(
    action(
      async ({ engine }, options: JsonFlag & { article?: string; topic?: string; length: SummaryLength }) =>
        print(options.json, await engine.summarize(options), renderSummary),
      (options) => Boolean(options.json),
    ),
  );

program
  .command('reload')
  .description('re-read the seeds folder and update the index (only changed articles are embedded)')
  .addOption(jsonOption)
  // Start-up has just synced the index with the seeds: its report is what changed since the saved index.
  // Beside a process that holds the folder nothing was synced: reloading says so (and exits 1) instead of reporting nothing new.
  .action(action(async ({ engine, started }, options: JsonFlag) => print(options.json, engine.lifecycle.heldBy ? await engine.reload() : started, renderReload), (options) => Boolean(options.json)));

/** The editor of the seeds folder, over this process's index. */
const editorOf = ({ config, engine }: Runtime) => new ArticleEditor({ seedsDir: config.SEEDS_DIR, maxFileBytes: config.MAX_FILE_BYTES, index: engine });

const article = program.command('article').description('change the articles in the seeds folder');
article
  .command('add')
  .description('fetch a web page, extract its article and add it to the seeds folder (with its link and date), then reload')
  .requiredOption('--url <link>', "the article's page (http or https)")
  .addOption(jsonOption)
  .action(
    action(
      async (runtime, options: JsonFlag & { url: string }) => print(options.json, await editorOf(runtime).add((await articleFromLink(createWebFetcher(runtime.config), options.url)).input), renderAdded),
      (options) => Boolean(options.json),
    ),
  );

/**
 * Runs `work` with a feed poller over this process's index; the articles it changes are audited in
 * AUDIT_LOG, as the bot's are. `changes`: refused beside a process that holds the data folder, which
 * alone may reload, and whose poller writes the same feeds.json.
 */
async function withFeeds<T>(runtime: Runtime, work: (feeds: FeedPoller) => Promise<T>, { changes = true } = {}): Promise<T> {
  const owner = runtime.engine.lifecycle.heldBy;
  if (changes && owner !== undefined) {
    throw new FootnoteError(ErrorCode.IndexLocked, `Another Footnote process (pid ${owner}) holds the data folder: change the feeds there (/feeds in Discord), or stop it first.`);
  }
  const audit = new JsonlLog(runtime.config.AUDIT_LOG);
  const feeds = await createFeedPoller(runtime.config, { sources: () => runtime.engine.sources(), editor: editorOf(runtime), web: createWebFetcher(runtime.config), logger: runtime.logger, audit: (entry) => audit.append(entry) });
  try {
    return await work(feeds);
  } finally {
    await feeds.stop();
    await audit.flush();
  }
}

const feeds = program.command('feeds').description('follow RSS, Atom and JSON feeds (the running bot reads them every FEED_POLL_MINUTES)');
feeds
  .command('add')
  .description('follow a feed, and add its articles now')
  .argument('<url>', "the feed's address")
  .addOption(jsonOption)
  .action(action(async (runtime, url: string, options: JsonFlag) => print(options.json, await withFeeds(runtime, (f) => f.add(url)), renderFeedAdded), (_url, options) => Boolean(options.json)));
feeds
  .command('remove')
  .description('stop following a feed (the articles it added stay)')
  .argument('<url>', "the feed's address, as `feeds list` shows it")
  .addOption(jsonOption)
  .action(action(async (runtime, url: string, options: JsonFlag) => print(options.json, await withFeeds(runtime, (f) => f.remove(url)), (feed: { url: string }) => `No longer following ${feed.url}.`), (_url, options) => Boolean(options.json)));
feeds
  .command('list')
  .description('the feeds followed: articles added, last read, last error, next read')
  .addOption(jsonOption)
  .action(action(async (runtime, options: JsonFlag) => print(options.json, await withFeeds(runtime, (f) => f.list(), { changes: false }), renderFeedList), (options) => Boolean(options.json)));
feeds
  .command('poll')
  .description('read every followed feed now and add what is new (one reload)')
  .addOption(jsonOption)
  .action(action(async (runtime, options: JsonFlag) => print(options.json, await withFeeds(runtime, (f) => f.poll({ all: true })), renderPoll), (options) => Boolean(options.json)));

program
  .command('sources')
  .description('list the indexed articles')
  .addOption(jsonOption)
  .action(action(async ({ engine }, options: JsonFlag) => print(options.json, engine.sources(), (sources: ReturnType<Engine['sources']>) => renderSources(sources, engine.indexing())), (options) => Boolean(options.json)));

program
  .command('console')
  .description('ask questions interactively')
  .action(action(async ({ engine, screen }) => runConsole(engine, process.stdin, process.stdout, untilSignalled(), screen), undefined, 'serves'));

program
  .command('deploy-commands')
  .description('register the commands (slash and message) with Discord by bulk overwrite: in DISCORD_GUILD_ID when set (instant), else globally')
  .action(async () => {
    try {
      const config = loadConfig(process.env);
      const { deployCommands } = await import('../discord/register.js');
      const { count, scope } = await deployCommands(config);
      process.stdout.write(`Registered ${count} commands ${scope === 'guild' ? `in server ${config.DISCORD_GUILD_ID}` : 'globally (they can take up to an hour to appear)'}.\n`);
    } catch (raw) {
      printError(toFootnoteError(raw));
      process.exitCode = 1;
    }
  });

const serve = action(async ({ config, engine, logger, screen }) => {
      if (config.DISCORD_TOKEN) {
        const { runBot } = await import('../discord/bot.js');
        await runBot({ config, engine, logger });
        // A shard's channel to its manager would keep the process alive after the bot stopped.
        if (isShardProcess(process.env)) process.disconnect?.();
        return;
      }
      const why = existsSync('.env') ? 'No DISCORD_TOKEN in .env' : 'No .env file (copy .env.example to .env and set DISCORD_TOKEN to run the bot)';
      process.stderr.write(`${why}: starting the terminal console. See README › Discord to connect the bot.\n`);
      await runConsole(engine, process.stdin, process.stdout, untilSignalled(), screen);
    }, undefined, 'serves');

program
  .command('start', { isDefault: true })
  .description('run the Discord bot when DISCORD_TOKEN is set (in shard processes with SHARDS), else the interactive console')
  .action(async () => {
    let config: Config;
    try {
      config = loadConfig(process.env);
    } catch (raw) {
      printError(toFootnoteError(raw));
      process.exitCode = 1;
      return;
    }
    if (!config.DISCORD_TOKEN || !config.SHARDS) return serve();
    const { runShards } = await import('../discord/shards.js');
    await runShards(config, createLogger(config.LOG_LEVEL), process.argv[1]!).catch((raw: unknown) => {
      printError(toFootnoteError(raw));
      process.exitCode = 1;
    });
  });

await program.parseAsync();
