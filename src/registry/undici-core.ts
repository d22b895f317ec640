/**
 * The parts of undici mydocker uses: Agent and ProxyAgent, with the request API on them. They are
 * loaded from undici's own modules, not from its index, which also builds fetch, WebSocket, the
 * caches, mocks and interceptors: ~65 ms of every cold pull, where these take ~25 ms. undici is
 * pinned by package-lock.json; the e2e pulls would fail at once if these paths moved.
 */
import { createRequire } from 'node:module';
import type { Agent, ProxyAgent } from 'undici';

export interface UndiciCore {
  Agent: typeof Agent;
  ProxyAgent: typeof ProxyAgent;
}

let loaded: UndiciCore | undefined;

export function undiciCore(): UndiciCore {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const dispatcher = require('undici/lib/dispatcher/dispatcher') as { prototype: object };
  const api = require('undici/lib/api') as object;
  // What undici's index does first: every dispatcher gets request(), stream(), pipeline()…
  Object.assign(dispatcher.prototype, api);
  loaded = {
    Agent: require('undici/lib/dispatcher/agent') as typeof Agent,
    ProxyAgent: require('undici/lib/dispatcher/proxy-agent') as typeof ProxyAgent,
  };
  return loaded;
}
