import * as prettier from "prettier";

/** The project's Prettier options, for when the repository has no config file yet. */
const FALLBACK: prettier.Options = {
  printWidth: 120,
  tabWidth: 2,
  singleQuote: false,
  trailingComma: "all",
  semi: true,
};

/**
 * `text` as Prettier writes the file at `filepath` with the repository's configuration, so generated files pass
 * `prettier --check` and `npm run format` leaves them unchanged (the CI gate compares them byte for byte).
 */
export async function formatAs(filepath: string, text: string): Promise<string> {
  const config = (await prettier.resolveConfig(filepath)) ?? FALLBACK;
  return prettier.format(text, { ...config, filepath });
}
