/**
 * Errors about DataSources and their identifiers.
 *
 * @module
 */

/** An identifier that is neither a `ClassName:key` CURIE nor a full `<IRI>`. */
export class IdentifierSyntaxError extends SyntaxError {
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
export class DataSourceNotFoundError extends Error {
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
export class FieldError extends TypeError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "FieldError";
  }
}

/** A DataSource class that cannot be used (bad name, or a clash with another class). */
export class DataSourceClassError extends TypeError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "DataSourceClassError";
  }
}
