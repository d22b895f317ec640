import { spawn } from 'node:child_process';
import { MyDockerError } from '../errors.js';

/** What a docker-credential-* helper stores for one server (the helper protocol's JSON). */
export interface HelperCredentials {
  ServerURL: string;
  Username: string;
  Secret: string;
}

// The helpers' own "nothing stored" answer (docker-credential-helpers' ErrCredentialsNotFound).
const NOT_FOUND = /credentials not found/i;
// A helper that hangs (a locked keyring waiting for a GUI) must not hang a pull forever.
const HELPER_TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 1 << 20;

interface HelperRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runHelper(helper: string, action: 'get' | 'store' | 'erase', input: string, env: NodeJS.ProcessEnv): Promise<HelperRun> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: HELPER_TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    child.stdin.on('error', () => undefined); // a helper that exits without reading stdin
    child.on('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT';
      reject(new MyDockerError('usage', 'ERR_CREDENTIAL_HELPER',
        missing ? `credential helper ${program} not found on PATH` : `cannot run credential helper ${program}: ${error.message}`,
        { hint: 'Install it, or change "credsStore"/"credHelpers" in the Docker config file.', cause: error }));
    });
    child.on('close', (code, signal) => resolve({ code: signal ? null : code, stdout, stderr }));
    child.stdin.end(input);
  });
}

function helperFailure(helper: string, action: string, run: HelperRun): MyDockerError {
  const said = (run.stdout.trim() || run.stderr.trim()).split('\n')[0] ?? '';
  const why = said ? `: ${said}` : run.code === null ? ` (killed, or no answer within ${HELPER_TIMEOUT_MS / 1000} s)` : ` (exit ${run.code})`;
  return new MyDockerError('usage', 'ERR_CREDENTIAL_HELPER', `credential helper docker-credential-${helper} failed to ${action} credentials${why}`);
}

/** `get`: the stored credentials for a server key, or undefined when the helper has none. */
export async function helperGet(helper: string, serverKey: string, env: NodeJS.ProcessEnv = process.env): Promise<HelperCredentials | undefined> {
  const run = await runHelper(helper, 'get', serverKey, env);
  if (run.code !== 0) {
    if (NOT_FOUND.test(run.stdout) || NOT_FOUND.test(run.stderr)) return undefined;
    throw helperFailure(helper, 'get', run);
  }
  let doc: Partial<HelperCredentials>;
  try {
    doc = JSON.parse(run.stdout) as Partial<HelperCredentials>;
  } catch {
    throw new MyDockerError('usage', 'ERR_CREDENTIAL_HELPER', `credential helper docker-credential-${helper} answered with something that is not JSON`);
  }
  if (typeof doc.Secret !== 'string' || doc.Secret === '') return undefined;
  return { ServerURL: typeof doc.ServerURL === 'string' ? doc.ServerURL : serverKey, Username: typeof doc.Username === 'string' ? doc.Username : '', Secret: doc.Secret };
}

/** `store`: hands the credentials to the helper on stdin, as JSON. */
export async function helperStore(helper: string, credentials: HelperCredentials, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const run = await runHelper(helper, 'store', JSON.stringify(credentials), env);
  if (run.code !== 0) throw helperFailure(helper, 'store', run);
}

/** `erase`: forgets a server; "not found" counts as done. */
export async function helperErase(helper: string, serverKey: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const run = await runHelper(helper, 'erase', serverKey, env);
  if (run.code !== 0 && !NOT_FOUND.test(run.stdout) && !NOT_FOUND.test(run.stderr)) throw helperFailure(helper, 'erase', run);
}
