// kbgen: spelling in the browser search: typo candidates, completions of a word still being typed,
// and "did you mean". Mirrors kbgen/search/spelling.py, as search-engine.js mirrors
// kbgen/search/ranking.py.
import { stem } from "./porter.js";
import { K, unique } from "./shared.js";

const WORDCHAR = "[\\p{L}\\p{N}]";

export function spellKey(word) {
  const first = String.fromCodePoint(word.codePointAt(0) ?? 95);
  if (/^[a-z0-9]$/i.test(first)) return first;
  return word ? `u${first.codePointAt(0).toString(16)}` : "_";
}

export function editDistance(a, b, limit) {
  a = [...a];
  b = [...b];
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous2 = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i, ...new Array(b.length).fill(0)];
    let best = current[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, previous2[j - 2] + 1);
      }
      current[j] = value;
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return Math.min(previous[b.length], limit + 1);
}

const maxDistance = (word) => { const n = [...word].length; return n < 4 ? 0 : n < 8 ? 1 : 2; };
const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

export function fuzzyCandidates(word, vocabulary, rarity = 0) {
  const limit = maxDistance(word);
  const least = K.COMMONER * rarity;
  const found = [];
  if (!limit) return found;
  for (const [other, df] of vocabulary) {
    if (other === word || df < least) continue;
    const distance = editDistance(word, other, limit);
    if (distance <= limit) found.push([distance, -df, other]);
  }
  found.sort((x, y) => x[0] - y[0] || x[1] - y[1] || byText(x[2], y[2]));
  return found.slice(0, K.FUZZY_CANDIDATES).map(([distance, , other]) => [other, distance]);
}

export function prefixCandidates(word, vocabulary) {
  const found = vocabulary.filter(([other]) => other.startsWith(word) && other !== word);
  found.sort((x, y) => y[1] - x[1] || byText(x[0], y[0]));
  return found.slice(0, K.PREFIX_CANDIDATES).map(([other]) => other);
}

// Words that may be typos, with how many articles have their term (spelling.py `doubtful_words`).
export function doubtfulWords(plan, entries) {
  const found = new Map();
  for (const word of plan.words) {
    const entry = entries[stem(word)];
    const count = entry == null ? 0 : entry.docs.length;
    if (count <= K.RARE_DOCS && !found.has(word)) found.set(word, count);
  }
  return found;
}

// spelling.py `likeliest_corrections`: among the closest candidates, the one found in the most
// articles that contain the query's other words, or the commonest fix of another misspelt word.
export function likeliestCorrections(plan, corrections, entries, fillerSet) {
  const docs = (term) => {
    const entry = entries[term];
    return entry != null && !fillerSet.has(term) ? entry.docs : [];
  };
  const known = new Set();
  for (const word of plan.words) for (const d of docs(stem(word))) known.add(d);
  // Each misspelt word's articles through its commonest fix: context for the others.
  const commonest = new Map();
  for (const word of unique(plan.words)) {
    if (corrections[word]?.length) commonest.set(word, docs(stem(corrections[word][0][0])));
  }
  const chosen = new Map();
  for (const word of commonest.keys()) {
    const fixes = corrections[word];
    const context = new Set(known);
    for (const [other, found] of commonest) if (other !== word) for (const d of found) context.add(d);
    const closest = fixes.filter(([, distance]) => distance === fixes[0][1]);
    // The first of the closest (the commonest) wins a tie.
    let best = closest[0][0];
    let bestShared = -1;
    for (const [other] of closest) {
      const shared = docs(stem(other)).filter((d) => context.has(d)).length;
      if (shared > bestShared) { best = other; bestShared = shared; }
    }
    chosen.set(word, best);
  }
  return chosen;
}

// spelling.only_drops_digits: "utf8" searched as "utf" (the index's "UTF-8") is no typo.
export function onlyDropsDigits(word, fix) {
  return word.replace(/\p{Nd}/gu, "") === fix;
}

export function didYouMean(fixes, original) {
  let suggestion = original;
  let changed = false;
  for (const [word, fix] of fixes) {
    if (onlyDropsDigits(word, fix)) continue;
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(`(?<!${WORDCHAR})${escaped}(?!${WORDCHAR})`, "iu");
    if (pattern.test(suggestion)) {
      suggestion = suggestion.replace(pattern, fix);
      changed = true;
    }
  }
  return changed ? suggestion.trim() : null;
}
