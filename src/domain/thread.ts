import type { TrackedIssue, TrackedNote } from '../gitlab/tracker.js';
import { formatUtc } from './render.js';

/** An issue and its notes as one Markdown document, the way a person reads it in GitLab. */
export function renderThread(issue: TrackedIssue, notes: TrackedNote[]): string {
  const lines = [
    `# #${issue.iid} ${issue.title}`,
    '',
    `> ${issue.state}${issue.confidential ? ' · confidential' : ''} · ` +
      `labels: ${issue.labels.map((label) => `~"${label}"`).join(' ')}`,
    '',
    issue.description.trim(),
  ];
  for (const note of notes) {
    const who = note.system ? `_${note.author}_ (system)` : `**@${note.author}**`;
    lines.push('', '---', '', `${who} · ${formatUtc(new Date(note.createdAt))}`, '', note.body.trim());
  }
  return `${lines.join('\n')}\n`;
}
