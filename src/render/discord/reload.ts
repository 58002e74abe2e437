import type { ReloadReport } from '../../types.js';
import { oneLine, withoutBidiControls } from '../safe-text.js';
import { Colors, DiscordLimits, type DiscordMessage, cut, fitMessage, ms, plain } from './message.js';

/** The /reload view: what changed, what failed and why. */

function idList(ids: string[]): string {
  return ids.length ? cut(ids.map((id) => `\`${id}\``).join(', '), DiscordLimits.fieldValue) : '—';
}

/** The /reload report: what changed, what failed and why, how long it took. */
export function renderReload(report: ReloadReport): DiscordMessage {
  const failed = report.failed.length
    ? cut(report.failed.map(({ file, reason }) => `\`${cut(oneLine(withoutBidiControls(file)).replace(/`/g, "'"), 120)}\`: ${cut(plain(reason), 200)}`).join('\n'), DiscordLimits.fieldValue)
    : '—';
  const changes = report.added.length + report.changed.length + report.removed.length;
  return fitMessage({
    embeds: [
      {
        title: changes ? 'Index reloaded' : 'Index already up to date',
        description: `${report.unchanged} unchanged article${report.unchanged === 1 ? '' : 's'}; ${report.chunks} chunks indexed.${report.warning ? `\n\n⚠️ ${plain(report.warning)}` : ''}`,
        color: report.failed.length || report.warning ? Colors.warning : Colors.summary,
        fields: [
          { name: `Added (${report.added.length})`, value: idList(report.added) },
          { name: `Changed (${report.changed.length})`, value: idList(report.changed) },
          { name: `Removed (${report.removed.length})`, value: idList(report.removed) },
          { name: `Failed (${report.failed.length})`, value: failed },
        ],
        footer: { text: `Reloaded in ${ms(report.ms)}` },
      },
    ],
  });
}
