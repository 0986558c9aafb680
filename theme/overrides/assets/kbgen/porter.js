// kbgen: the Porter stemmer exactly as Whoosh implements it (whoosh.lang.porter), quirks included,
// and analysis.py's CONFLATE step after it, so the browser's terms are the index's terms. Tests
// compare the two on a whole corpus vocabulary.

const step2list = {
  ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble",
  alli: "al", entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate",
  alism: "al", iveness: "ive", fulness: "ful", ousness: "ous", aliti: "al", iviti: "ive",
  biliti: "ble", logi: "log",
};
const step3list = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };

const consSeq = "[^aeiouy]+";
const vowelSeq = "[aeiou]+";
const vowel = "[aeiouy]";
// Python's re.match anchors at the start only; every pattern here starts with "^" for that reason.
const mgr0 = new RegExp(`^(${consSeq})?${vowelSeq}${consSeq}`);
const meq1 = new RegExp(`^(${consSeq})?${vowelSeq}${consSeq}(${vowelSeq})?$`);
const mgr1 = new RegExp(`^(${consSeq})?${vowelSeq}${consSeq}${vowelSeq}${consSeq}`);
const sV = new RegExp(`^(${consSeq})?${vowel}`);
const cV = new RegExp(`^${consSeq}${vowel}[^aeiouwxy]$`);
const edIng = /^([\s\S]*)(ed|ing)$/;
const atBlIz = /^(at|bl|iz)$/;
const step1b = /^([^aeiouylsz])\1$/;
const step2 = /^([\s\S]+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
const step3 = /^([\s\S]+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
const step41 = /^([\s\S]+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
const step42 = /^([\s\S]+?)(s|t)(ion)$/;
const step5 = /^([\s\S]+?)e$/;

// analysis.py CONFLATE: endings that bring a verb and the noun made from it together
// ("notify", "notification" -> notif); the first that matches applies.
const CONFLATE = [
  [/(?<=..[^c])ifi$/u, "if"], [/applic$/u, "appli"], [/(?<=..)cili$/u, "cil"], [/(?<=.)script$/u, "scrib"],
];

export function stem(word) {
  const found = porterStem(word);
  for (const [pattern, replacement] of CONFLATE) {
    if (pattern.test(found)) return found.replace(pattern, replacement);
  }
  return found;
}

// Python's "$" also matches before a final newline; tokens never contain one, so "$" is the same.
function porterStem(word) {
  let w = word;
  if ([...w].length < 3) return w;
  const firstIsY = w[0] === "y";
  if (firstIsY) w = "Y" + w.slice(1);

  if (w.endsWith("s")) {
    if (w.endsWith("sses")) w = w.slice(0, -2);
    else if (w.endsWith("ies")) w = w.slice(0, -2);
    else if (w[w.length - 2] !== "s") w = w.slice(0, -1);
  }

  if (w.endsWith("eed")) {
    if (mgr0.test(w.slice(0, -3))) w = w.slice(0, -1);
  } else {
    const m = edIng.exec(w);
    if (m && sV.test(m[1])) {
      w = m[1];
      if (atBlIz.test(w)) w += "e";
      else if (step1b.test(w)) w = w.slice(0, -1);
      else if (cV.test(w)) w += "e";
    }
  }

  if (w.endsWith("y")) {
    const s = w.slice(0, -1);
    if (sV.test(s)) w = s + "i";
  }

  let m = step2.exec(w);
  if (m && mgr0.test(m[1])) w = m[1] + step2list[m[2]];

  m = step3.exec(w);
  if (m && mgr0.test(m[1])) w = m[1] + step3list[m[2]];

  m = step41.exec(w);
  if (m) {
    if (mgr1.test(m[1])) w = m[1];
  } else {
    m = step42.exec(w);
    if (m) {
      const s = m[1] + m[2];
      if (mgr1.test(s)) w = s;
    }
  }

  m = step5.exec(w);
  if (m) {
    const s = m[1];
    if (mgr1.test(s) || (meq1.test(s) && !cV.test(s))) w = s;
  }

  if (w.endsWith("ll") && mgr1.test(w)) w = w.slice(0, -1);
  if (firstIsY) w = "y" + w.slice(1);
  return w;
}
