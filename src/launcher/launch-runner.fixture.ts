/**
 * Test fixture: a separate Node process that runs launch() on a spec file, so tests can capture
 * the container's stdout/stderr and SIGKILL "mydocker" mid-run. Events and the result go to fd 3
 * as JSON lines.
 */
import { readFileSync, writeSync } from 'node:fs';
import type { RuntimeSpec } from '../runtime/spec.js';
import { launch, LaunchError } from './index.js';

function send(value: unknown): void {
  writeSync(3, `${JSON.stringify(value)}\n`);
}

const specFile = process.argv[2];
if (specFile === undefined) throw new Error('usage: launch-runner.fixture.js <spec.json>');
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as RuntimeSpec;
try {
  const outcome = await launch(spec, { stdin: 'ignore', onEvent: (event) => send({ event }) });
  send({ outcome });
} catch (error) {
  if (!(error instanceof LaunchError)) throw error;
  send({ error: { code: error.code, stage: error.stage, errnoName: error.errnoName, message: error.message } });
}
