// Test driver: every decision of a generated calculator, one by one, for each JSONL case on
// standard input. Per line: {"json_error": true}, {"case_error": field}, or
// {"decisions": {name: {"value": v} | {"undecidable": message}}}.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const calc = await import(pathToFileURL(process.argv[2]).href);
const out = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  let raw;
  try {
    raw = calc.loads(line);
  } catch (e) {
    if (!(e instanceof calc.JSONError)) throw e;
    out.push(calc.dumps({ json_error: true }));
    continue;
  }
  try {
    calc.decode(raw);
  } catch (e) {
    if (!(e instanceof calc.CaseError)) throw e;
    out.push(calc.dumps({ case_error: e.field }));
    continue;
  }
  const decisions = {};
  for (const name of calc.DECISIONS.keys()) {
    try {
      decisions[name] = { value: calc.evaluate(raw, [name])[name] };
    } catch (e) {
      if (!(e instanceof calc.Undecidable)) throw e;
      decisions[name] = { undecidable: e.message };
    }
  }
  out.push(calc.dumps({ decisions }));
}
process.stdout.write(out.join("\n") + "\n");
