/**
 * The parts of undici mydocker uses: Agent and ProxyAgent, with the request API on them, required
 * from undici's own modules rather than its index, which also builds fetch, WebSocket, the caches,
 * mocks and interceptors (~65 ms of every cold pull, where these take ~25 ms). CommonJS (.cts) so
 * that the same file serves the library (tsc's output requires node_modules at run time) and the
 * bundled CLI (esbuild bundles it into dist/bundle/undici.cjs, loaded with a code cache). undici is
 * pinned by package-lock.json; the e2e pulls would fail at once if these paths moved.
 */
import type { Agent as AgentClass, ProxyAgent as ProxyAgentClass } from 'undici';

const dispatcher = require('undici/lib/dispatcher/dispatcher') as { prototype: object };
// What undici's index does first: every dispatcher gets request(), stream(), pipeline()…
Object.assign(dispatcher.prototype, require('undici/lib/api') as object);

export const Agent = require('undici/lib/dispatcher/agent') as typeof AgentClass;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent') as typeof ProxyAgentClass;
