/**
 * Puts zod in jitless mode before any schema runs in the renderer.
 *
 * Why: zod 4 probes for `new Function` the first time it parses an object, and under the app's CSP
 * (no 'unsafe-eval') that probe is reported as a `script-src eval` violation on every start.
 */
import { config } from 'zod';

config({ jitless: true });
