/**
 * The figures of the reliability suite. Each test file records its own in `afterAll`; the
 * reporter (figures-reporter.js) prints them all as one table at the end of the run. When the
 * reporter is not active (another reporter chosen on the command line), the file prints its own.
 */
import fs from 'node:fs';

export type FigureRows = [label: string, value: string | number][];

export function reportFigures(section: string, rows: FigureRows): void {
  const file = process.env.AUDIT_BOT_FIGURES_FILE;
  if (file) {
    fs.appendFileSync(file, `${JSON.stringify({ section, rows })}\n`);
    return;
  }
  process.stdout.write(renderFigures([{ section, rows }]));
}

export function renderFigures(sections: { section: string; rows: FigureRows }[]): string {
  const width = Math.max(...sections.flatMap(({ rows }) => rows.map(([label]) => label.length)), 10);
  const lines = ['', 'Reliability figures (issue #8)'];
  for (const { section, rows } of sections) {
    lines.push(`  ${section}`);
    for (const [label, value] of rows) lines.push(`    ${label.padEnd(width)}  ${value}`);
  }
  return `${lines.join('\n')}\n`;
}
