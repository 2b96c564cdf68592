import { loadRoster } from '../src/config/roster.js';
const t1 = Date.now();
const r = loadRoster(process.argv[2]!);
const t2 = Date.now();
(globalThis as unknown as { gc?: () => void }).gc?.();
console.log('load', t2 - t1, r.length, 'rssMB', Math.round(process.resourceUsage().maxRSS / 1024), 'heapAfterGC', Math.round(process.memoryUsage().heapUsed / 1e6));
