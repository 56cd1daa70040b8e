/**
 * Conversion between field values and RDF terms.
 *
 * @module
 */
import { literal, namedNode, type Term, vocab } from "../graph/rdf.ts";
import { resolveIdentifier } from "./identifier.ts";
import type { FieldValue, Informational } from "./informational.ts";

/** The RDF term for one value of `field`; object values may be CURIEs, resolved with `prefixes`. */
export function valueToTerm(
  field: Informational,
  value: FieldValue,
  prefixes: ReadonlyMap<string, string>,
): Term {
  if (field.propertyType === "object") return namedNode(resolveIdentifier(String(value), prefixes));
  if (field.datatype === "json") return literal(JSON.stringify(value), namedNode(vocab.rdfJson));
  switch (typeof value) {
    case "number":
      return Number.isInteger(value)
        ? literal(String(value), namedNode(vocab.xsdInteger))
        : literal(String(value), namedNode(vocab.xsdDouble));
    case "boolean":
      return literal(String(value), namedNode(vocab.xsdBoolean));
    default:
      return literal(String(value));
  }
}

/** The field value held by an RDF term. */
export function termToValue(term: Term): FieldValue {
  if (term.termType !== "Literal") return term.value;
  switch (term.datatype.value) {
    case vocab.xsdInteger:
    case vocab.xsdDecimal:
    case vocab.xsdDouble: {
      const n = Number(term.value);
      return Number.isFinite(n) ? n : term.value;
    }
    case vocab.xsdBoolean:
      return term.value === "true" || term.value === "1";
    case vocab.rdfJson:
      try {
        return JSON.parse(term.value) as FieldValue;
      } catch {
        return term.value;
      }
    default:
      return term.value;
  }
}
