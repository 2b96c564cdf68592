import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package's root folder, from both src/ (tests) and dist/ (the built CLI). */
export const PACKAGE_ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

export const SANDBOX_SEED_DIR = path.join(PACKAGE_ROOT, 'src', 'sandbox', 'seed');
