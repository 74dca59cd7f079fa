/** A filter that does not parse: the message names the column, and `column`/`length` locate it for UI. */
export class FilterError extends Error {
  constructor(
    readonly reason: string,
    readonly column: number,
    readonly length = 1,
  ) {
    super(reason.includes('column') ? reason : `${reason} at column ${column}`);
    this.name = 'FilterError';
  }
}
