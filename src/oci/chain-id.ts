import { sha256Digest } from './digest.js';

/**
 * The chain ID of the top of a layer stack (image-spec config.md): ChainID(L0) = DiffID(L0),
 * ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)). Identifies an unpacked root.
 */
export function chainId(diffIds: readonly string[]): string {
  let chain = '';
  for (const diffId of diffIds) chain = chain === '' ? diffId : sha256Digest(`${chain} ${diffId}`);
  return chain;
}
