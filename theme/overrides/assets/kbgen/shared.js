// kbgen: what the browser search modules share.

// Ranking constants: read from the manifest, where ranking.py's `params()` put them.
export const K = {};

export function unique(items) {
  return [...new Set(items)];
}
