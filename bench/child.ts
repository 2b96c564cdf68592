/**
 * One measured run in its own process (so one run's memory never counts for another): the CLI
 * in-process through runCli with the real clock and real sleeps, or the naive strategy. Prints
 * one `BENCH_RESULT <json>` line: exit code, wall time, CPU time and peak RSS of this process.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli.js';
import { loadConfiguration } from '../src/commands/runtime.js';
import { readEnv } from '../src/config/env.js';
import { runNaive, type NaiveJob } from './naive.js';
import { pacingDefaults } from '../src/http/client.js';

/** The share of each vendor's limit the platform clients keep to, and the scaled window they count it in. */
export interface Pacing {
  budgetShare: number;
  budgetWindowMs: number;
}

export type ChildJob = (
  | { kind: 'cli'; argv: string[]; env: Record<string, string> }
  /** Only what a run does before it may send a request: read and check the config and the roster. */
  | { kind: 'startup'; env: Record<string, string> }
  | ({ kind: 'naive' } & NaiveJob)
) & { pacing?: Pacing };

export interface ChildResult {
  code: number;
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  stdout: string;
  stderr: string;
  naive?: Awaited<ReturnType<typeof runNaive>>;
}

/** The repository root (this file runs from dist-bench/bench/). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as ChildJob;
  // Every VendorClient of this process (the CLI's and the naive strategy's) keeps to the share, over the scaled window.
  if (job.pacing) Object.assign(pacingDefaults, job.pacing);
  let stdout = '';
  let stderr = '';
  let code = 0;
  let naive: ChildResult['naive'];
  const cpu = process.cpuUsage();
  const started = performance.now();
  if (job.kind === 'cli') {
    code = await runCli(
      job.argv,
      { ...job.env, LOG_LEVEL: 'warn' },
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
      {
        logDestination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            stderr += chunk.toString();
            done();
          },
        }),
        baseDir: ROOT,
      },
    );
  } else if (job.kind === 'startup') {
    loadConfiguration(readEnv(job.env));
  } else {
    naive = await runNaive(job);
  }
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const result: ChildResult = {
    code,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    stdout: stdout.slice(0, 200_000),
    stderr: stderr.slice(0, 4000),
    naive,
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

await main();
