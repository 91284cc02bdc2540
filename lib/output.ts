// Where the CLI prints. Tests swap `output.write` to capture what an operator would read.

/** The CLI's printer. */
export const output = {
  write(line: string): void {
    console.log(line);
  },
};

/** Prints one line. */
export function say(line = ""): void {
  output.write(line);
}

/** Prints `label: value` pairs aligned in a column. */
export function sayFields(fields: [string, string][], indent = "  "): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) say(`${indent}${`${label}:`.padEnd(width + 2)}${value}`);
}

/** Prints a table with a header row; columns are padded to their widest cell. */
export function sayTable(header: string[], rows: string[][], indent = "  "): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  say(line(header));
  say(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) say(line(row));
}
