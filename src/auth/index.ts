export { Authorizer } from './authorizer.js';
export { parseChallenge, type Challenge } from './challenge.js';
export { fetchToken, MAX_TOKEN_BODY, type Token, type TokenFetch } from './token.js';
