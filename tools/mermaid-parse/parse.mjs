// Parse a Mermaid file with mermaid.parse (the library's own parser) in Node.js, with jsdom
// standing in for the browser. Usage: node parse.mjs FILE. Prints the diagram type; exit 1 on a
// parse error. Install first: npm install --prefix tools/mermaid-parse
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
try {
  const result = await mermaid.parse(readFileSync(process.argv[2], "utf8"));
  console.log(result.diagramType);
} catch (error) {
  console.error(`mermaid: ${error.message}`);
  process.exit(1);
}
