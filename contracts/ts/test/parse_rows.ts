// Parse view rows with the generated Zod schemas; run by tests/test_contracts.py.
//   node .test-build/test/parse_rows.js <cases.json>
// cases.json: [{"case": name, "view": view name, "rows": [row, ...]}, ...]
// prints {name: {"rows": n, "failed": n, "issues": [first issues]}} as JSON.
import { readFileSync } from "node:fs";
import { rowSchemas } from "../src/index.js";

type Case = { case: string; view: string; rows: unknown[] };
const cases = JSON.parse(readFileSync(process.argv[2], "utf8")) as Case[];
const report: Record<string, { rows: number; failed: number; issues: unknown[] }> = {};
for (const c of cases) {
  const schema = rowSchemas[c.view as keyof typeof rowSchemas];
  if (!schema) throw new Error(`no row schema for ${c.view}`);
  const issues = c.rows.flatMap((row) => {
    const result = schema.safeParse(row);
    return result.success ? [] : [result.error.issues];
  });
  report[c.case] = { rows: c.rows.length, failed: issues.length, issues: issues.slice(0, 3) };
}
process.stdout.write(JSON.stringify(report));
