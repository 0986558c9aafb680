// kbgen: search in the browser from the static files the build exported from the Whoosh index.
// The analysis and the ranking mirror kbgen/search/{analysis,query,ranking}.py line for line, so
// a query gets the same articles in the same order as `kbgen search` and the service.
import { stem } from "./porter.js";
import { fold, K, unique } from "./shared.js";
import { highlight, snippet, TOKEN } from "./snippets.js";
import {
  didYouMean, doubtfulWords, fuzzyCandidates, likeliestCorrections, prefixCandidates, spellKey,
} from "./spelling.js";

const MAX_RESULTS = 100; // the most results a search returns (searcher.py MAX_LIMIT)
const RANGES_PER_REQUEST = 50; // Apache answers at most 200 ranges, Starlette 100, with the whole file
const QUOTES = /["\u201c\u201d\u201e]/;

// What `load()` promises, kept in `map` under `key` for the next asker; dropped if it fails, so
// that the next asker loads it again.
function cached(map, key, load) {
  if (!map.has(key)) {
    const loading = load();
    loading.catch(() => map.delete(key));
    map.set(key, loading);
  }
  return map.get(key);
}

// Words a customer types ("constructor", say) must never find Object.prototype's members:
// objects keyed by words or terms have no prototype, and parsed files are read with `own`.
const table = () => Object.create(null);
const own = (object, key) => (Object.hasOwn(object, key) ? object[key] : undefined);

export class Engine {
  constructor(root) {
    this.root = root; // URL of assets/kbgen/search/, ending in "/"
    this.files = new Map();
    this.manifest = null;
    this.ranged = null; // promise: whether the host answers several byte ranges in one request
    this.articles = new Bundle(this, "docs", (n) => `d/${n}.json`);
    this.shards = new Bundle(this, "terms", (k) => `t/${k}.json`);
  }

  fetchJson(path) {
    return cached(this.files, path, () => fetch(this.root + path).then((r) => {
      if (!r.ok) throw new Error(`kbgen search: ${path}: HTTP ${r.status}`);
      return r.json();
    }));
  }

  async load() {
    // Whether the host answers byte ranges is learnt while the manifest loads.
    if (!this.ranged) {
      this.ranged = answersRanges(this.root);
      this.shards.start();
      this.articles.start();
    }
    if (!this.manifest) {
      const m = await this.fetchJson("manifest.json");
      m.stopSet = new Set(m.stop);
      m.fillerSet = new Set(m.filler);
      m.spellingSet = m.spelling ? new Set(m.spelling) : null;
      Object.assign(K, m.params);
      this.manifest = m;
    }
    return this.manifest;
  }

  // ---- analysis (analysis.py, query.py)
  words(text) {
    const m = this.manifest;
    const out = [];
    for (const match of text.matchAll(TOKEN)) {
      const word = fold(match[0].toLowerCase().replace(/['\u2019]/g, ""));
      const size = [...word].length;
      if (size >= m.minLength && size <= m.maxLength && !m.stopSet.has(word)) out.push(word);
    }
    return out;
  }

  parse(text, prefix = false) {
    const plan = { words: [], phrases: [], prefix };
    const parts = text.split(QUOTES);
    parts.forEach((part, index) => {
      const found = this.words(part);
      plan.words.push(...found);
      const closed = index % 2 === 1 && index < parts.length - 1;
      if (closed && found.length > 1) plan.phrases.push(found);
    });
    if (prefix && text.trimEnd() !== text) plan.prefix = false;
    return plan;
  }

  // ---- index files (export.py)
  shardOf(term) {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(term)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    return h % this.manifest.shards;
  }

  async entries(terms, into) {
    const wanted = terms.filter((t) => !Object.hasOwn(into, t));
    const shards = await this.shards.get(wanted.map((t) => this.shardOf(t)));
    wanted.forEach((term, i) => {
      const data = own(shards[i], term);
      into[term] = data ? decodeEntry(data) : null;
    });
    return into;
  }

  async positions(terms) {
    const out = table();
    for (const term of terms) {
      const shard = await this.fetchJson(`p/${this.shardOf(term)}.json`);
      out[term] = own(shard, term) || {};
    }
    return out;
  }

  async vocabulary(word) {
    const key = spellKey(word);
    // The build wrote no file for a letter no spelling word starts with (Cyrillic, say).
    if (this.manifest.spellingSet && !this.manifest.spellingSet.has(key)) return [];
    try {
      return await this.fetchJson(`v/${key}.json`);
    } catch {
      return [];
    }
  }

  docs(numbers) {
    return this.articles.get(numbers);
  }

  // ---- the query pipeline (searcher.py `_rank`)
  async rank(query, { category = null, type = null, prefix = false } = {}) {
    const m = await this.load();
    const plan = this.parse(query, prefix);
    if (!plan.words.length) return { hits: [], fixes: new Map() };
    const entries = await this.entries(neededTerms(plan, m.synonyms, m.fillerSet), table());
    const corrections = table();
    const completions = table();
    const doubtful = doubtfulWords(plan, entries);
    const unknown = [...doubtful.keys()];
    // The last word may be the start of a longer one, known or not.
    const last = plan.prefix ? plan.words[plan.words.length - 1] : null;
    const spelled = last === null || doubtful.has(last) ? unknown : [...unknown, last];
    // One round trip for every spelling list needed, not one each.
    const vocabularies = await Promise.all(spelled.map((word) => this.vocabulary(word)));
    for (const [i, word] of spelled.entries()) {
      if (doubtful.has(word)) corrections[word] = fuzzyCandidates(word, vocabularies[i], doubtful.get(word));
      if (word === last) completions[word] = prefixCandidates(word, vocabularies[i]);
    }
    const more = [];
    for (const found of Object.values(corrections)) for (const [w] of found) more.push(stem(w));
    for (const found of Object.values(completions)) for (const w of found) more.push(stem(w));
    await this.entries(unique(more), entries);
    let keep = this.filter(category, type);
    for (const phrase of plan.phrases) {
      const positions = await this.positions(unique(phrase.map(stem)));
      const matching = phraseDocs(phrase, positions);
      if (matching.size) keep = keep === null ? matching : new Set([...keep].filter((d) => matching.has(d)));
    }
    const clauses = buildClauses(plan, entries, m.synonyms, corrections, completions, m.fillerSet);
    const fixes = likeliestCorrections(plan, corrections, entries, m.fillerSet);
    return { hits: rankClauses(clauses, entries, keep, m.boosts || {}), fixes };
  }

  filter(category, type) {
    if (category == null && type == null) return null;
    const m = this.manifest;
    const c = category == null ? -1 : m.categories.findIndex(([id]) => id === category);
    const t = type == null ? -1 : m.types.findIndex(([id]) => id === type);
    const keep = new Set();
    m.docs.forEach((code, n) => {
      if ((category == null || code >> 3 === c) && (type == null || (code & 7) === t)) keep.add(n);
    });
    return keep;
  }
}

// ---- bundles (export.py `_write_bundles`): where the host answers several byte ranges in one
// request (nginx, Apache, Caddy, `kbgen serve`), a search fetches the articles it shows, and the
// term files it needs, in one request each, instead of one request a file.
async function answersRanges(root) {
  try {
    if (sessionStorage.getItem("kbgen.ranges") === "no") return false;
  } catch { /* storage off */ }
  try {
    new DecompressionStream("deflate-raw"); // eslint-disable-line no-new
    const parts = await rangeParts(await fetch(root + "ranges.bin", { headers: { Range: "bytes=0-1,4-5" } }));
    const text = (start) => new TextDecoder().decode(pieceAt(parts, start, start + 2));
    if (parts.length === 2 && text(0) === "01" && text(4) === "45") return true;
  } catch { /* answered otherwise: one file a request */ }
  try {
    sessionStorage.setItem("kbgen.ranges", "no");
  } catch { /* storage off */ }
  return false;
}

class Bundle {
  constructor(engine, name, path) {
    this.engine = engine;
    this.name = name; // <name>.bin holds the files, <name>.json their lengths (in units)
    this.path = path; // number -> the file's own path
    this.files = new Map(); // number -> promise of the parsed file
    this.offsets = null;
  }

  // Where each file starts in the bundle (and where the last ends), or null: no ranges.
  start() {
    if (!this.offsets) {
      this.offsets = Promise.resolve(this.engine.ranged).then(async (ranged) => {
        if (!ranged) return null;
        const { unit, units } = await this.engine.fetchJson(`${this.name}.json`);
        const offsets = [0];
        for (const length of units) offsets.push(offsets[offsets.length - 1] + length * unit);
        return offsets;
      }).catch(() => null);
    }
    return this.offsets;
  }

  async get(numbers) {
    const wanted = unique(numbers.filter((n) => !this.files.has(n))).sort((a, b) => a - b);
    const offsets = wanted.length ? await this.start() : null;
    const single = (n) => this.engine.fetchJson(this.path(n));
    if (offsets) {
      for (let i = 0; i < wanted.length; i += RANGES_PER_REQUEST) {
        const batch = wanted.slice(i, i + RANGES_PER_REQUEST).filter((n) => n + 1 < offsets.length);
        if (!batch.length) continue; // a number the bundle doesn't have: its own file, below
        const loading = this.fetchRanges(batch, offsets);
        // A host that stops answering ranges (a deploy, say) gets one request a file from now.
        loading.catch(() => { this.offsets = Promise.resolve(null); });
        batch.forEach((n, j) => cached(this.files, n, () => loading.then((files) => files[j], () => single(n))));
      }
    }
    for (const n of wanted) cached(this.files, n, () => single(n));
    return Promise.all(numbers.map((n) => this.files.get(n)));
  }

  async fetchRanges(numbers, offsets) {
    const ranges = numbers.map((n) => `${offsets[n]}-${offsets[n + 1] - 1}`).join(",");
    const response = await fetch(`${this.engine.root}${this.name}.bin`, { headers: { Range: `bytes=${ranges}` } });
    const parts = await rangeParts(response);
    const chunks = numbers.map((n) => pieceAt(parts, offsets[n], offsets[n + 1]));
    chunks.push(new Uint8Array([3, 0])); // an empty final block ends the deflate stream
    const inflated = new Blob(chunks).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    // Each file's JSON, spaces, a tab and its number: a bundle replaced under the page (a deploy)
    // must not give one file's text for another.
    const lines = (await new Response(inflated).text()).split("\n");
    return numbers.map((n, i) => {
      const tab = (lines[i] ?? "").lastIndexOf("\t");
      if (tab < 0 || lines[i].slice(tab + 1) !== String(n)) throw new Error(`kbgen search: ${this.name}.bin out of step`);
      return JSON.parse(lines[i].slice(0, tab));
    });
  }
}

// The byte ranges a response carries: [{start, bytes}], from a multipart/byteranges body or a
// single 206 part (a host may merge adjacent ranges into one). Anything else throws.
async function rangeParts(response) {
  if (response.status !== 206) {
    response.body?.cancel().catch(() => {}); // the whole file: stop it coming
    throw new Error(`kbgen search: HTTP ${response.status} to a request of byte ranges`);
  }
  const body = new Uint8Array(await response.arrayBuffer());
  const type = response.headers.get("Content-Type") || "";
  const boundary = /^multipart\/byteranges\s*;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) return [{ start: rangeStart(response.headers.get("Content-Range"), body.length), bytes: body }];
  // One character per byte, so that offsets in the text are offsets in the body.
  const text = new TextDecoder("latin1").decode(body);
  const parts = [];
  let at = text.indexOf(`--${boundary}`);
  while (at >= 0 && !text.startsWith(`--${boundary}--`, at)) {
    const end = text.indexOf("\r\n\r\n", at);
    if (end < 0) break;
    const range = /content-range:[ \t]*bytes[ \t]+(\d+)-(\d+)\//i.exec(text.slice(at, end));
    if (!range) throw new Error("kbgen search: a byte range without Content-Range");
    const start = end + 4;
    const length = Number(range[2]) - Number(range[1]) + 1;
    parts.push({ start: Number(range[1]), bytes: body.subarray(start, start + length) });
    at = text.indexOf(`--${boundary}`, start + length);
  }
  return parts;
}

function rangeStart(header, length) {
  const range = /^bytes[ \t]+(\d+)-(\d+)\//i.exec(header || "");
  if (!range || Number(range[2]) - Number(range[1]) + 1 !== length) {
    throw new Error("kbgen search: a byte range without Content-Range");
  }
  return Number(range[1]);
}

// Bytes [start, end) of the file, from the part that holds them.
function pieceAt(parts, start, end) {
  const part = parts.find((p) => p.start <= start && end <= p.start + p.bytes.length);
  if (!part) throw new Error(`kbgen search: bytes ${start}-${end - 1} missing from the answer`);
  return part.bytes.subarray(start - part.start, end - part.start);
}

export function decodeEntry(data) {
  const entry = { idf: data[0], docs: [], weights: [], sections: [] };
  let i = 1;
  let doc = 0;
  while (i < data.length) {
    doc += data[i];
    const count = data[i + 2];
    entry.docs.push(doc);
    entry.weights.push(data[i + 1]);
    entry.sections.push(data.slice(i + 3, i + 3 + count));
    i += 3 + count;
  }
  return entry;
}

// ---- ranking.py
function compoundTerms(plan, filler) {
  const out = [];
  for (let i = 0; i + 1 < plan.words.length; i++) {
    const left = plan.words[i];
    const right = plan.words[i + 1];
    const short = [...left].length <= K.COMPOUND_MAX && [...right].length <= K.COMPOUND_MAX;
    const plain = !filler.has(stem(left)) && !filler.has(stem(right));
    out.push(short && plain ? stem(left + right) : null);
  }
  return out;
}

const sameTerms = (a, b) => a.length === b.length && a.every((t, i) => t === b[i]);

function synonymAlternatives(terms, groups) {
  const found = terms.map(() => []);
  for (const group of groups) {
    for (const member of group) {
      for (let start = 0; start + member.length <= terms.length; start++) {
        if (!sameTerms(terms.slice(start, start + member.length), member)) continue;
        for (let p = start; p < start + member.length; p++) {
          for (const other of group) {
            if (!sameTerms(other, member) && !found[p].some((o) => sameTerms(o, other))) found[p].push(other);
          }
        }
      }
    }
  }
  return found;
}

function neededTerms(plan, groups, fillerSet) {
  const terms = plan.words.map(stem);
  const needed = [...terms];
  for (const term of compoundTerms(plan, fillerSet)) if (term) needed.push(term);
  for (const alternatives of synonymAlternatives(terms, groups)) {
    for (const alternative of alternatives) needed.push(...alternative);
  }
  return unique(needed);
}

function buildClauses(plan, entries, groups, corrections, completions, fillerSet) {
  const terms = plan.words.map(stem);
  const synonyms = synonymAlternatives(terms, groups);
  const compounds = compoundTerms(plan, fillerSet);
  const onlyFiller = terms.every((t) => fillerSet.has(t));
  return plan.words.map((word, i) => {
    const weight = fillerSet.has(terms[i]) && !onlyFiller ? K.FILLER_WEIGHT : 1.0;
    const alternatives = [{ terms: [terms[i]], factor: 1.0 }];
    for (const other of synonyms[i]) alternatives.push({ terms: other, factor: K.SYNONYM_FACTOR });
    for (const compound of [i > 0 ? compounds[i - 1] : null, i < compounds.length ? compounds[i] : null]) {
      if (compound && entries[compound] != null) alternatives.push({ terms: [compound], factor: K.COMPOUND_FACTOR });
    }
    for (const [other, distance] of corrections[word] || []) {
      alternatives.push({ terms: [stem(other)], factor: K.FUZZY_FACTOR[distance] });
    }
    for (const other of completions[word] || []) alternatives.push({ terms: [stem(other)], factor: K.PREFIX_FACTOR });
    return { word, weight, alternatives };
  });
}

function termScores(entry) {
  const out = new Map();
  entry.docs.forEach((doc, i) => {
    out.set(doc, [entry.idf / K.IDF_SCALE * (entry.weights[i] / K.SCALE), entry.sections[i]]);
  });
  return out;
}

function rankClauses(clauses, entries, keep, boosts) {
  const scores = new Map();
  let candidates = new Set();
  for (const clause of clauses) {
    for (const alternative of clause.alternatives) {
      for (const term of alternative.terms) {
        const entry = entries[term];
        if (entry != null && !scores.has(term)) {
          scores.set(term, termScores(entry));
          for (const d of entry.docs) candidates.add(d);
        }
      }
    }
  }
  if (keep !== null) candidates = new Set([...candidates].filter((d) => keep.has(d)));
  const importance = clauses.map((c) => {
    let most = 0;
    for (const a of c.alternatives) for (const t of a.terms) if (entries[t] != null) most = Math.max(most, entries[t].idf);
    return c.weight * most / K.IDF_SCALE;
  });
  let totalWeight = 0.0;
  for (const value of importance) totalWeight += value;
  const hits = [];
  for (const doc of [...candidates].sort((a, b) => a - b)) {
    let total = 0.0;
    let matched = 0.0;
    let titled = null; // the matched share through terms all in the title
    let asked = null; // ... all in the article's queries
    let chosenAny = false;
    clauses.forEach((clause, index) => {
      const [best, chosen] = bestAlternative(clause, scores, doc);
      if (chosen === null) return;
      chosenAny = true;
      total += clause.weight * best;
      matched += importance[index];
      const allIn = (code) => chosen.terms.every((term) => scores.get(term)?.get(doc)?.[1].includes(code));
      if (allIn(K.TITLE_CODE)) titled = (titled ?? 0.0) + importance[index];
      if (allIn(K.QUERY_CODE)) asked = (asked ?? 0.0) + importance[index];
    });
    if (!chosenAny) continue; // only postings too weak to count
    const coverage = totalWeight ? matched / totalWeight : 0.0;
    let score = total * (1 - K.COORD + K.COORD * coverage);
    // The same additions in the same order: equal exactly when every clause was in the title
    // (or in the queries).
    if (titled === totalWeight || asked === totalWeight) score *= 1 + K.TITLE_BONUS;
    const boost = own(boosts, doc);
    if (boost !== undefined) score *= boost;
    hits.push({ doc, score, section: 0, terms: [] });
  }
  hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  // Which terms matched, and in which section, only for the hits a search can show.
  for (const hit of hits.slice(0, MAX_RESULTS)) describeHit(hit, clauses, scores, entries);
  return hits;
}

// A clause's best alternative for `doc`: [its value, the alternative] (null when none matches).
function bestAlternative(clause, scores, doc) {
  let best = 0.0;
  let chosen = null;
  for (const alternative of clause.alternatives) {
    let value = 0.0;
    for (const term of alternative.terms) {
      const found = scores.get(term)?.get(doc);
      if (found !== undefined) value += found[0];
    }
    value = value * alternative.factor / alternative.terms.length;
    if (value > best) { best = value; chosen = alternative; }
  }
  return [best, chosen];
}

// The terms `hit` matched through, and the section where they weigh most (headings double);
// ranking.py `Hit.terms` and `Hit.section`.
function describeHit(hit, clauses, scores, entries) {
  const sections = new Map();
  for (const clause of clauses) {
    const [, chosen] = bestAlternative(clause, scores, hit.doc);
    if (chosen === null) continue;
    for (const term of chosen.terms) {
      const found = scores.get(term)?.get(hit.doc);
      if (found === undefined) continue;
      hit.terms.push(term);
      for (const code of found[1]) {
        if (code === K.TITLE_CODE || code === K.QUERY_CODE) continue;
        const weight = clause.weight * (entries[term].idf / K.IDF_SCALE);
        sections.set(code >> 1, (sections.get(code >> 1) ?? 0.0) + weight * (1 + (code & 1)));
      }
    }
  }
  let sectionScore = -Infinity;
  for (const [s, v] of sections) {
    if (v > sectionScore || (v === sectionScore && s < hit.section)) { hit.section = s; sectionScore = v; }
  }
}

function phraseDocs(phrase, positions) {
  const terms = phrase.map(stem);
  const first = positions[terms[0]] || {};
  const found = new Set();
  for (const [docKey, fields] of Object.entries(first)) {
    const doc = Number(docKey);
    const hit = fields.some((starts, fieldIndex) => {
      const following = terms.slice(1).map((term) => new Set(own(positions[term] || {}, docKey)?.[fieldIndex] || []));
      return starts.some((p) => following.every((later, i) => later.has(p + i + 1)));
    });
    if (hit) found.add(doc);
  }
  return found;
}

// ---- results (searcher.py `_result`; the text of each in snippets.js)
export async function search(engine, query, { limit = 10, category = null, type = null, prefix = false } = {}) {
  const { hits, fixes } = await engine.rank(String(query ?? ""), { category, type, prefix });
  const m = engine.manifest;
  const top = hits.slice(0, Math.max(1, Math.min(MAX_RESULTS, limit)));
  const docs = await engine.docs(top.map((hit) => hit.doc));
  const categories = Object.fromEntries(m.categories);
  const types = Object.fromEntries(m.types);
  const results = top.map((hit, i) => {
    const d = docs[i];
    const [anchor, heading, text] = d.s[hit.section] || ["", "", ""];
    const terms = new Set(hit.terms);
    const passage = snippet(engine, text || d.d, terms) || d.d;
    return {
      url: anchor ? `${d.u}#${anchor}` : d.u,
      title: d.t,
      category: d.c,
      category_title: categories[d.c] ?? d.c,
      type: d.y,
      type_label: types[d.y] ?? d.y,
      section: heading,
      anchor,
      snippet: passage,
      snippet_html: highlight(engine, passage, terms),
      title_html: highlight(engine, d.t, terms),
      score: Math.round(hit.score * 1e4) / 1e4,
      id: d.id,
    };
  });
  return { query, results, total: hits.length, did_you_mean: didYouMean(fixes, query) };
}
