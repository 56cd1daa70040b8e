/**
 * Errors about DataSources and their identifiers.
 *
 * @module
 */
import { OwmError, OwmSyntaxError, OwmTypeError } from "../errors/owm_error.ts";

/** An identifier that is neither a `ClassName:key` CURIE nor a full `<IRI>`. */
export class IdentifierSyntaxError extends OwmSyntaxError {
  /** The error's code: `bad-id`. */
  override readonly code: string = "bad-id";
  /** The identifier as given. */
  readonly id: string;
  /** Creates the error. */
  constructor(id: string, detail: string) {
    super(`Malformed data source id '${id}': ${detail}; use ClassName:key or a full <IRI>`);
    this.name = "IdentifierSyntaxError";
    this.id = id;
  }
}

/** No DataSource with the given identifier is in the store. */
export class DataSourceNotFoundError extends OwmError {
  /** The error's code: `not-found`. */
  override readonly code: string = "not-found";
  /** The identifier as given. */
  readonly id: string;
  /** The full IRI it resolved to. */
  readonly iri: string;
  /** Creates the error. */
  constructor(id: string, iri: string) {
    super(
      `No data source '${id}' in the store (looked for <${iri}>): check the id with \`owm source list\``,
    );
    this.name = "DataSourceNotFoundError";
    this.id = id;
    this.iri = iri;
  }
}

/** A field name or value that a DataSource class does not accept. */
export class FieldError extends OwmTypeError {
  /** The error's code: `bad-field`. */
  override readonly code: string = "bad-field";
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "FieldError";
  }
}

/** A DataSource class that cannot be used (bad name, or a clash with another class). */
export class DataSourceClassError extends OwmTypeError {
  /** The error's code: `bad-class`. */
  override readonly code: string = "bad-class";
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "DataSourceClassError";
  }
}
