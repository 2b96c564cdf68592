// Prints the reliability suite's figures (test/reliability/figures.ts) as one table after the
// run. Test files append their figures to a file this reporter names in the environment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default class FiguresReporter {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-figures-'));
    this.file = path.join(this.dir, 'figures.jsonl');
    process.env.AUDIT_BOT_FIGURES_FILE = this.file;
  }

  onRunComplete() {
    let text = '';
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      // No reliability test ran.
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    const sections = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .sort((a, b) => a.section.localeCompare(b.section));
    if (sections.length === 0) return;
    const width = Math.max(...sections.flatMap(({ rows }) => rows.map(([label]) => label.length)), 10);
    const lines = ['', 'Reliability figures (issue #8)'];
    for (const { section, rows } of sections) {
      lines.push(`  ${section}`);
      for (const [label, value] of rows) lines.push(`    ${label.padEnd(width)}  ${value}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
