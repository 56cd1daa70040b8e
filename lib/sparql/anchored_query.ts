/**
 * Recognises a subject-anchored query: a SELECT or ASK whose pattern is one
 * basic graph pattern in which every triple pattern has a constant IRI as
 * its subject, e.g. `SELECT ?p ?o WHERE { <http://…#ds1> ?p ?o }`. Its answer
 * depends only on the statements of those subjects, so it can be evaluated
 * over them alone (lib/sparql/subject_scoped.ts), found by binary search in
 * the sorted graph file, without loading the graph.
 *
 * The accepted text is a strict subset of SPARQL 1.1, read token by token:
 * `PREFIX` declarations, `SELECT [DISTINCT|REDUCED] (* | ?v …)` or `ASK`,
 * optional `WHERE`, one `{ … }` of triples (`;` and `,` lists; verbs a
 * variable, an IRI or `a`; objects a variable, an IRI or a simple literal),
 * then `LIMIT`/`OFFSET`. Anything else (comments, `BASE`, relative IRIs,
 * blank nodes, paths, FILTER, OPTIONAL, GRAPH, FROM, long strings, escapes in
 * names…) is not recognised, and the query goes to the whole graph: a
 * recognised query is always one the engine reads the same way, since the
 * same text is what the engine parses.
 *
 * @module
 */

/** A subject-anchored query's subjects and triple patterns. */
export interface AnchoredQuery {
  /** The subject IRIs as N-Quads tokens (`<http://…>`), each once, in order of appearance. */
  subjects: string[];
  /** For each triple pattern, the index in `subjects` of its subject. */
  patterns: number[];
}

type Token =
  | { kind: "iri"; iri: string }
  | { kind: "pname"; prefix: string; local: string }
  | { kind: "var" }
  | { kind: "literal"; integer?: boolean }
  | { kind: "word"; word: string }
  | { kind: "punct"; value: string };

/** IRI characters accepted (printable ASCII but for those N-Quads or SPARQL escape or refuse). */
const IRIREF = /<([!#-;=?-\[\]_a-z~]*)>/y;
const VAR = /[?$][A-Za-z_][A-Za-z0-9_]*/y;
const PNAME =
  /([A-Za-z](?:[A-Za-z0-9_-]*[A-Za-z0-9_-])?)?:((?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?)/y;
const WORD = /[A-Za-z]+/y;
const STRING = /"(?:[^"\\\n\r]|\\[tbnrf"'\\])*"|'(?:[^'\\\n\r]|\\[tbnrf"'\\])*'/y;
const LANGTAG = /@[A-Za-z]+(?:-[A-Za-z0-9]+)*/y;
const NUMBER = /[+-]?[0-9]+(?:\.[0-9]+)?/y;
const SPACE = /[ \t\r\n]*/y;
/** What may follow a name, variable, keyword or number (anything else may continue it). */
const DELIMITER = /[ \t\r\n{}.;,<"'?$]|$/y;
const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function at(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

/** The tokens of `text`, or `undefined` at anything outside the subset. */
function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let pos = at(SPACE, text, 0)![0].length;
  const delimited = (end: number) => at(DELIMITER, text, end) !== null;
  while (pos < text.length) {
    const c = text[pos]!;
    let m: RegExpExecArray | null;
    if ("{}.;,*".includes(c)) {
      tokens.push({ kind: "punct", value: c });
      pos++;
    } else if (c === "<") {
      if (!(m = at(IRIREF, text, pos))) return undefined;
      tokens.push({ kind: "iri", iri: m[1]! });
      pos += m[0].length;
    } else if (c === "?" || c === "$") {
      if (!(m = at(VAR, text, pos)) || !delimited(pos + m[0].length)) return undefined;
      tokens.push({ kind: "var" });
      pos += m[0].length;
    } else if (c === '"' || c === "'") {
      if (!(m = at(STRING, text, pos))) return undefined;
      pos += m[0].length;
      if (text[pos] === "@") {
        if (!(m = at(LANGTAG, text, pos)) || !delimited(pos + m[0].length)) return undefined;
        pos += m[0].length;
      } else if (text.startsWith("^^", pos)) {
        pos += 2;
        if (text[pos] === "<") {
          if (!(m = at(IRIREF, text, pos)) || !ABSOLUTE.test(m[1]!)) return undefined;
        } else if (!(m = at(PNAME, text, pos)) || !delimited(pos + m[0].length)) return undefined;
        pos += m[0].length;
      } else if (text[pos] === '"' || text[pos] === "'") return undefined; // a long string
      tokens.push({ kind: "literal" });
    } else if ((m = at(PNAME, text, pos)) && m[0].length > 0) {
      if (!delimited(pos + m[0].length)) return undefined;
      tokens.push({ kind: "pname", prefix: m[1] ?? "", local: m[2]! });
      pos += m[0].length;
    } else if ((m = at(NUMBER, text, pos)) && /[0-9+-]/.test(c)) {
      if (!delimited(pos + m[0].length)) return undefined;
      tokens.push({ kind: "literal", integer: /^[0-9]+$/.test(m[0]) });
      pos += m[0].length;
    } else if ((m = at(WORD, text, pos))) {
      if (!delimited(pos + m[0].length)) return undefined;
      tokens.push({ kind: "word", word: m[0] });
      pos += m[0].length;
    } else return undefined;
    pos += at(SPACE, text, pos)![0].length;
  }
  return tokens;
}

/**
 * The subjects and patterns of `sparql` when it is a subject-anchored query
 * (see the module doc), else `undefined`.
 *
 * @example
 * ```ts
 * import { anchoredQuery } from "./anchored_query.ts";
 * anchoredQuery("SELECT ?p ?o WHERE { <http://ex.org/a> ?p ?o }");
 * // { subjects: ["<http://ex.org/a>"], patterns: [0] }
 * anchoredQuery("SELECT ?s WHERE { ?s ?p ?o }"); // undefined: the subject is a variable
 * ```
 */
export function anchoredQuery(sparql: string): AnchoredQuery | undefined {
  if (sparql.length > 65536) return undefined;
  const tokens = tokenize(sparql);
  if (!tokens) return undefined;
  let i = 0;
  const peek = () => tokens[i];
  const keyword = (word: string) => {
    const t = tokens[i];
    if (t?.kind === "word" && t.word.toUpperCase() === word) {
      i++;
      return true;
    }
    return false;
  };
  const punct = (value: string) => {
    const t = tokens[i];
    if (t?.kind === "punct" && t.value === value) {
      i++;
      return true;
    }
    return false;
  };
  const prefixes = new Map<string, string>();
  /** The IRI a token names, or `undefined` (not an IRI, relative, or an undeclared prefix). */
  const iriOf = (t: Token | undefined): string | undefined => {
    if (t?.kind === "iri") return ABSOLUTE.test(t.iri) ? t.iri : undefined;
    if (t?.kind === "pname") {
      const ns = prefixes.get(t.prefix);
      return ns === undefined ? undefined : ns + t.local;
    }
    return undefined;
  };

  while (keyword("PREFIX")) {
    const name = tokens[i++];
    const ns = tokens[i++];
    if (name?.kind !== "pname" || name.local !== "" || prefixes.has(name.prefix)) return undefined;
    if (ns?.kind !== "iri" || !ABSOLUTE.test(ns.iri)) return undefined;
    prefixes.set(name.prefix, ns.iri);
  }
  if (keyword("SELECT")) {
    if (!keyword("DISTINCT")) keyword("REDUCED");
    if (!punct("*")) {
      if (peek()?.kind !== "var") return undefined;
      while (peek()?.kind === "var") i++;
    }
  } else if (!keyword("ASK")) return undefined;
  keyword("WHERE");
  if (!punct("{")) return undefined;

  const subjects: string[] = [];
  const patterns: number[] = [];
  const verb = () => {
    const t = tokens[i];
    if (t?.kind === "var" || (t?.kind === "word" && t.word === "a") || iriOf(t) !== undefined) {
      i++;
      return true;
    }
    return false;
  };
  const object = () => {
    const t = tokens[i];
    if (
      t?.kind === "var" || t?.kind === "literal" ||
      (t?.kind === "word" && (t.word === "true" || t.word === "false")) || iriOf(t) !== undefined
    ) {
      i++;
      return true;
    }
    return false;
  };
  while (!punct("}")) {
    const subject = iriOf(peek());
    if (subject === undefined) return undefined;
    i++;
    let index = subjects.indexOf(`<${subject}>`);
    if (index === -1) index = subjects.push(`<${subject}>`) - 1;
    // predicate-object list: verb objects (';' [verb objects])*
    for (;;) {
      if (!verb()) return undefined;
      do {
        if (!object()) return undefined;
        patterns.push(index);
      } while (punct(","));
      if (!punct(";")) break;
      while (punct(";")); // repeated semicolons are allowed
      if (peek()?.kind === "punct") break; // `;` before `.` or `}`
    }
    if (!punct(".")) {
      if (!punct("}")) return undefined;
      break;
    }
  }
  const seen = new Set<string>();
  for (;;) {
    const t = peek();
    const word = t?.kind === "word" ? t.word.toUpperCase() : "";
    if ((word !== "LIMIT" && word !== "OFFSET") || seen.has(word)) break;
    seen.add(word);
    i++;
    const n = tokens[i++];
    if (n?.kind !== "literal" || !n.integer) return undefined;
  }
  if (i !== tokens.length || patterns.length === 0) return undefined;
  return { subjects, patterns };
}
