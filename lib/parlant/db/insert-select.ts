/**
 * The row of an `insert … select`: drizzle's insert-select names every column of the table in the
 * table's order, so the select must give each one. Columns the caller does not give get the
 * default the schema declares for them (or null), as an `insert … values` would. Built once per
 * prepared statement, never per row.
 */
import { type Column, getTableColumns, is, Placeholder, SQL, sql, type Table } from 'drizzle-orm'

/** The select list for one row of `table`: `given` values, every other column's default. */
export function rowWithDefaults(
  table: Table,
  given: Record<string, SQL | Placeholder | Column>
): Record<string, SQL | Column> {
  const row: Record<string, SQL | Column> = {}
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = given[key]
    if (value !== undefined) {
      row[key] = is(value, Placeholder) ? sql`${value}` : (value as SQL | Column)
      continue
    }
    // A default computed in JS (`$defaultFn`) has no SQL form here: the caller must give it.
    if (column.defaultFn || column.onUpdateFn)
      throw new Error(`insert-select of ${column.name}: give its value (its default is JS)`)
    const fallback = column.default
    row[key] =
      fallback === undefined || fallback === null
        ? sql`null`
        : is(fallback, SQL)
          ? fallback
          : sql`${sql.param(fallback, column)}`
  }
  return row
}
