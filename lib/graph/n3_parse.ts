/**
 * Parsing N-Quads text of any provenance with npm:n3 (loaded only by the paths
 * that read text not written by our canonical writer).
 *
 * @module
 */
// @ts-types="npm:@types/n3@1.26.4"
import { Parser } from "n3";
import { dataFactory, NQuadsSyntaxError, type Quad } from "./rdf.ts";

/**
 * Parses N-Quads text into quads, keeping blank node labels as written.
 *
 * @throws {NQuadsSyntaxError} with the 1-based line number when the text is not valid N-Quads.
 */
export function parseNQuads(text: string): Quad[] {
  try {
    const parser = new Parser({
      format: "N-Quads",
      blankNodePrefix: "",
      factory: dataFactory as never,
    });
    return parser.parse(text) as unknown as Quad[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = /on line (\d+)/.exec(message)?.[1];
    throw new NQuadsSyntaxError(message, line === undefined ? undefined : Number(line));
  }
}
