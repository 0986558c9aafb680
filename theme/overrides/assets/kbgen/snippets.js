// kbgen: the words of a text that a search matched: snippets around them and highlights, in the
// results and on the page a result opens. Mirrors kbgen/search/snippets.py.
import { stem } from "./porter.js";
import { fold } from "./shared.js";

// The tokenizer (analysis.py `TOKEN`), shared with the engine.
export const TOKEN = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;
const SNIPPET_WORDS = 32;
const LOOK_BACK = 10; // words: a snippet starts at its sentence's start when that is this near
const ENDS = ".!?\u2026\u3002\uff01\uff1f"; // what ends a sentence (snippets.py `_ENDS`)
const CLAUSE_ENDS = ENDS + ":;,"; // a line ending so runs on into the next; others get " · "
const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Stemming changes only a word's ending, never its first letter (snippets.py): a word that starts
// otherwise than every matched term is not stemmed at all.
const initials = (terms) => new Set([...terms].map((t) => t.slice(0, 1)));

/** Where in `text` the words whose stems are in `terms` are: [[start, end], ...]. */
export function matchRanges(engine, text, terms) {
  const m = engine.manifest;
  const starts = initials(terms);
  const ranges = [];
  for (const match of text.matchAll(TOKEN)) {
    const word = fold(match[0].toLowerCase().replace(/['\u2019]/g, ""));
    if (!starts.has(word.slice(0, 1))) continue;
    const size = [...word].length;
    if (size < m.minLength || size > m.maxLength || m.stopSet.has(word) || !terms.has(stem(word))) continue;
    ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges;
}

/** The query's stems, filler left out, to highlight a page's words with `matchPieces` (once the
 * manifest is loaded). */
export function queryTerms(engine, query) {
  const stems = engine.parse(String(query ?? "")).words.map(stem);
  return new Set(stems.filter((term) => !engine.manifest.fillerSet.has(term)));
}

/** `text` cut where the matched words start and end: [[piece, matched], ...], in order. */
export function matchPieces(engine, text, terms) {
  const pieces = [];
  let last = 0;
  for (const [start, end] of matchRanges(engine, text, terms)) {
    pieces.push([text.slice(last, start), false], [text.slice(start, end), true]);
    last = end;
  }
  pieces.push([text.slice(last), false]);
  return pieces;
}

export function highlight(engine, text, terms) {
  return matchPieces(engine, text, terms)
    .map(([piece, matched]) => (matched ? `<mark>${escapeHtml(piece)}</mark>` : escapeHtml(piece)))
    .join("");
}

export function snippet(engine, text, terms, size = SNIPPET_WORDS) {
  const tokens = [...text.matchAll(TOKEN)];
  if (!tokens.length) return text.trim().slice(0, 200);
  const hits = new Set(matchRanges(engine, text, terms).map(([start]) => start));
  const flags = tokens.map((t) => hits.has(t.index));
  let first = 0;
  let bestCount = 0;
  flags.forEach((flag, index) => {
    if (!flag) return;
    const count = flags.slice(index, index + size).filter(Boolean).length;
    if (count > bestCount) { first = opening(text, tokens, index); bestCount = count; }
  });
  const last = Math.min(tokens.length, first + size);
  const begin = first === 0 ? 0 : tokens[first].index;
  const end = last === tokens.length ? text.length : tokens[last - 1].index + tokens[last - 1][0].length;
  return (begin ? "… " : "") + flowing(text.slice(begin, end)) + (end < text.length ? " …" : "");
}

// Where a snippet around word `index` starts: its sentence's (or line's) first word, if that is at
// most LOOK_BACK words back; else three words back. A line ending in ":" ("Note:") introduces the
// next, so the snippet starts before it.
function opening(text, tokens, index) {
  for (let i = index; i >= Math.max(0, index - LOOK_BACK); i--) {
    if (i === 0) return 0;
    const gap = text.slice(tokens[i - 1].index + tokens[i - 1][0].length, tokens[i].index);
    if ([...gap].some((c) => ENDS.includes(c)) || (gap.includes("\n") && !gap.includes(":"))) return i;
  }
  return Math.max(0, index - 3);
}

// `text` on one line: a line that ends without punctuation (a table cell, a list item, a heading)
// is set off from the next by " · " rather than run into it.
function flowing(text) {
  let out = "";
  for (const line of text.split("\n").map((l) => l.split(/\s+/).filter(Boolean).join(" "))) {
    if (!line) continue;
    if (out) out += CLAUSE_ENDS.includes(out[out.length - 1]) ? " " : " · ";
    out += line;
  }
  return out;
}
