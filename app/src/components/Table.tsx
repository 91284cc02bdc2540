// A data table that scrolls sideways on a narrow screen: column headers, then one row per item.
import type { ReactNode } from "react";

export interface TableProps<T> {
  headers: ReactNode[];
  rows: readonly T[];
  rowKey(row: T): string;
  cells(row: T): ReactNode[];
  testId?: string;
}

export function Table<T>({ headers, rows, rowKey, cells, testId }: TableProps<T>) {
  return (
    <div className="scroll">
      <table data-testid={testId}>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th scope="col" key={i}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {cells(row).map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
