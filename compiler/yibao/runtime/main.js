// JSON in, JSON out under node: one case a line on standard input (JSONL), one result a line
// out, in order. A line that is not a case gives the error line calc.py and `yibao eval` give
// ({"id"?, "error", "exit": 2, "code", "field", "message"}) and the rest still run; a blank line
// gives a blank line; `--decision NAME` (repeatable) asks for those decisions only, and one a case
// cannot decide is its error line (exit 3). Exit status 0, 2 if a line was bad, else 3 if a decision
// could not be made. Messages in English, or Chinese with --lang zh (default: the locale, LC_ALL /
// LC_MESSAGES / LANG).
function _lang(argv, env) {
  const i = argv.indexOf("--lang");
  if (i !== -1 && (argv[i + 1] === "zh" || argv[i + 1] === "en")) return argv[i + 1];
  for (const v of [env.LC_ALL, env.LC_MESSAGES, env.LANG]) if (v) return v.toLowerCase().startsWith("zh") ? "zh" : "en";
  return "en";
}
// node puts /dev/null, opened read-write, in place of a standard output that was closed (`>&-`);
// a shell's `> /dev/null` opens it write-only, so on Linux the open mode tells the two apart. (A
// caller's read-write /dev/null, as Python's subprocess.DEVNULL, is taken for closed too: 74.)
async function _stdoutClosed() {
  try {
    const fs = await import("node:fs");
    const out = fs.fstatSync(1), devnull = fs.statSync("/dev/null");
    if (!out.isCharacterDevice() || out.rdev !== devnull.rdev) return false;
    const flags = /^flags:\s*([0-7]+)/m.exec(fs.readFileSync("/proc/self/fdinfo/1", "latin1"));
    return flags !== null && (parseInt(flags[1], 8) & 3) === 2;
  } catch {
    return false;  // no /proc (not Linux): nothing to tell by
  }
}
export async function main() {
  const argv = process.argv.slice(2), lang = _lang(argv, process.env);
  const wanted = argv.flatMap((a, i) => (a === "--decision" && i + 1 < argv.length ? [argv[i + 1]] : []));
  for (const name of wanted) {  // a name outside the interface is bad input (2); one not stated, 3
    const error = wantedError(name, DOCUMENT, DECISIONS.keys());
    if (error !== null) {
      process.stderr.write((error instanceof CaseError ? error.line(lang) : error.text(lang)) + "\n");
      return error instanceof CaseError ? 2 : 3;
    }
  }
  if (await _stdoutClosed()) {  // as calc.py with `>&-`: results that go nowhere are not exit 0
    process.stderr.write("standard input or output is closed\n");
    return 74;
  }
  // a reader that went away (| head) ends it silently (141); any other write error says so once (74)
  process.stdout.on("error", (e) => {
    if (e.code !== "EPIPE") {
      const why = /^[A-Z0-9]+: ([^,]*)/.exec(e.message || "");
      const text = why ? why[1][0].toUpperCase() + why[1].slice(1) : String(e.message || e);
      process.stderr.write("cannot write the output: " + text + "\n");
    }
    process.exit(e.code === "EPIPE" ? 141 : 74);
  });
  let status = 0, number = 0, tail = [];
  const out = [];
  const flush = () => { if (out.length) { process.stdout.write(out.join("")); out.length = 0; } };
  const one = (bytes) => {  // a line as calc.py reads it: cut at "\n" only (a CR is JSON whitespace)
    number += 1;
    const line = new TextDecoder().decode(bytes);
    if (!line.trim()) { out.push("\n"); return; }
    const [result, code] = answerLine(line, "<stdin>:" + number, lang, wanted.length ? wanted : undefined);
    if (code) {
      process.stderr.write(JSON.parse(result).error + "\n");
      status = status === 2 ? 2 : Math.max(status, code);  // as calc.py: a bad line's 2 stands
    }
    out.push(result + "\n");
  };
  for await (const chunk of process.stdin) {
    let start = 0, cut;
    while ((cut = chunk.indexOf(10, start)) !== -1) {
      one(tail.length ? Buffer.concat([...tail, chunk.subarray(start, cut)]) : chunk.subarray(start, cut));
      tail = [];
      start = cut + 1;
    }
    if (start < chunk.length) tail.push(chunk.subarray(start));
    flush();  // what one read brings is answered at once, as calc.py does
  }
  if (tail.length) one(Buffer.concat(tail));
  flush();
  return status;
}

export { Undecidable, MissingFact, UnknownValue, OutsideDomain, NoRuleApplies, CaseError, JSONError, loads, dumps };

if (typeof process === "object" && process.argv && process.argv[1]) {
  const { pathToFileURL } = await import("node:url");
  if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
}
