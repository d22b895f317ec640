export { Authorizer } from './authorizer.js';
export { parseChallenge, type Challenge } from './challenge.js';
export { basicAuthorization, fetchToken, MAX_TOKEN_BODY, type Token, type TokenCredentials, type TokenFetch, type TokenRequestInit } from './token.js';
