// kbgen: what the browser search modules share.

// Ranking constants: read from the manifest, where ranking.py's `params()` put them.
export const K = {};

export function unique(items) {
  return [...new Set(items)];
}

// A word without its accents: "résumé" is "resume" (analysis.py `fold`).
const NOT_ASCII = /[^\x00-\x7f]/;
export function fold(word) {
  return NOT_ASCII.test(word) ? word.normalize("NFD").replace(/\p{Mn}/gu, "") : word;
}
