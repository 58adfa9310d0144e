// ==== runtime (yibao/backends/runtime.js) ====
// What a generated calculator needs at run time, the JavaScript twin of yibao/runtime.py and
// strict_json.py: exact money, the date idioms, strict JSON, case decoding, errors.
// Value model: money, whole numbers, days and months are BigInt (money in fen: never a float);
// a date is a day number (days since 1970-01-01, proleptic Gregorian), so `<` and `===` compare
// days; an enum member is its code (string or number); a set is a Set of codes; a rate is [n, d].

// ---- the message catalogue (runtime/messages.py, written into the calculator as CATALOGUE) ----
// say(key, lang, args): the message in zh or en with its arguments filled in, by messages.say's rules.
function say(key, lang, args) {
  const L = lang === "zh" ? "zh" : "en", a = args || {};
  return CATALOGUE.messages[key][L].replace(/\{(\w+)\}/g, (m, name) => {
    if (name === "hint") {
      const close = a.close || [];
      return close.length ? CATALOGUE.hint[L].replace("{close}", close.map((c) => "`" + c + "`").join(CATALOGUE.or[L])) : "";
    }
    const v = a[name] === undefined || a[name] === null ? "" : a[name];
    if (name === "type") return CATALOGUE.types[L][v] !== undefined ? CATALOGUE.types[L][v] : String(v);
    return Array.isArray(v) ? v.map(String).join(CATALOGUE.separator[L]) : String(v);
  });
}
// The candidates nearest a misspelt name, nearest first (messages.close_names).
function closeNames(name, candidates, most = 3) {
  if (typeof name !== "string" || !name) return [];
  const low = name.toLowerCase(), scored = [];
  candidates.forEach((c, i) => {
    if (typeof c !== "string" || c === name) return;
    const d = _distance(low, c.toLowerCase());
    if (d <= Math.max(1, Math.floor([...c].length / 3)) || ([...low].length >= 3 && c.toLowerCase().startsWith(low))) scored.push([d, i, c]);
  });
  scored.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return scored.slice(0, most).map((x) => x[2]);
}
function _distance(a, b) {
  a = [...a].slice(0, 60); b = [...b].slice(0, 60);
  const row = Array.from({length: b.length + 1}, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] !== b[j - 1] ? 1 : 0));
      prev = keep;
    }
  }
  return row[b.length];
}

// ---- why a decision could not be made (exit code 3) ----
// Each error is a catalogue key with its arguments: .message is the English text, text(lang) any.
class Undecidable extends Error {
  constructor(key, args) {
    const known = Object.prototype.hasOwnProperty.call(CATALOGUE.messages, key);
    const params = known ? (args || {}) : {text: key};
    super();  // (no message here: an OutsideDomain's is a getter, which an own property would hide)
    this.name = "Undecidable"; this.key = known ? key : "text"; this.params = params;
    this.message = say(this.key, "en", params);
  }
  text(lang) { return say(this.key, lang, this.params); }
}
class MissingFact extends Undecidable {
  constructor(fact) { super("missing", {fact}); this.fact = fact; }
}
class UnknownValue extends Undecidable {
  constructor(what) { super("unknown", {what}); this.what = what; }
}
class NoRuleApplies extends Undecidable {
  constructor(name, where) { super("no_rule", {name, where: where ? " (" + where + ")" : ""}); }
}
class DateOutOfRange extends Undecidable {
  constructor() { super("date_range"); }
}
// The case lies where the notice does not speak; the message is written from its parts when read.
class OutsideDomain extends Undecidable {
  constructor(parts) { super("outside", {}); this._parts = parts; this._message = null; }  // the getter writes the message
  get message() {
    if (this._message === null) this._message = _write(this._parts);
    return this._message;
  }
  set message(_) {}
  text(lang) { return say("outside", lang, {because: this.message}); }
}
// A case that does not fit the interface (exit code 2); names the field. .message is the field and
// the English text (as before), text(lang) the message alone, line(lang) the field and the message.
class CaseError extends Error {
  constructor(field, key, args) {
    const known = Object.prototype.hasOwnProperty.call(CATALOGUE.messages, key);
    const params = known ? (args || {}) : {text: key};
    super("");
    this.name = "CaseError"; this.field = field; this.key = known ? key : "text"; this.params = params;
    this.shown = _showField(field);
    this.message = this.line("en");
  }
  text(lang) { return say(this.key, lang, this.params); }
  line(lang) { return (this.field !== "" ? say("field", lang, {field: this.shown}) : "") + this.text(lang); }
}
// A decision asked for by name that cannot be answered: CaseError where the name is no decision of
// the interface (with the closest names), Undecidable where the notice does not state it; else null.
function wantedError(name, document, stated) {
  stated = [...stated];
  if (stated.includes(name)) return null;
  if (!CATALOGUE.decisions.includes(name)) {
    const known = stated.concat(CATALOGUE.decisions.filter((d) => !stated.includes(d)));
    const shown = typeof name === "string" ? _show(name).slice(1, -1) : _show(name);
    return new CaseError("decision", "unknown_decision", {name: shown, close: closeNames(name, known), names: stated});
  }
  const error = new Undecidable("not_stated", {document, name, names: stated});
  error.field = "decision";
  return error;
}
// A case's error line (messages.error_entry): id, error, exit, code, field, message.
function errorEntry(where, e, lang, id) {
  let message, line, code, field;
  if (e instanceof CaseError) { message = e.text(lang); line = e.line(lang); code = "bad_input"; field = e.field; }
  else if (e instanceof Undecidable) { message = line = e.text(lang); code = "undecidable"; field = e.fact || e.field; }
  else { message = line = say("malformed_json", lang, {detail: e.message}); code = "bad_input"; field = null; }
  const out = Object.create(null);
  if (id !== undefined && id !== null) out.id = id;
  out.error = where ? where + ": " + line : line;
  out.exit = code === "bad_input" ? 2 : 3;
  out.code = code; out.field = field || null; out.message = message;
  return out;
}
// One JSONL line → [its result line, exit status 0, 2 or 3], as calc.py and `yibao eval --cases` answer it:
// the result, or the error line (`where` is the line's position, e.g. "<stdin>:3").
function answerLine(line, where, lang, decisions) {
  let raw;
  try {
    raw = loads(line);
    return [dumps(evaluate(raw, decisions)), 0];
  } catch (e) {
    if (!(e instanceof JSONError || e instanceof CaseError || e instanceof Undecidable)) throw e;
    return [dumps(errorEntry(where, e, lang, raw === undefined ? null : caseId(raw))), e instanceof Undecidable ? 3 : 2];
  }
}
// A case's good `id` (as decodeCase reads it), else null: an error line echoes it.
function caseId(raw) {
  try {
    raw = _fromJS(raw);
    return raw instanceof Map && raw.has("id") ? _idIn(raw.get("id")) : null;
  } catch (e) {
    if (e instanceof CaseError) return null;
    throw e;
  }
}
class JSONError extends Error {
  constructor(message) { super(message); this.name = "JSONError"; }
}

// ---- exact money ----
// num/den of an amount in fen, rounded half up to the fen only where it is not whole.
function pct(fen, num, den) {
  const v = fen * num;
  if (v >= 0n) return (2n * v + den) / (2n * den);
  return -((-2n * v + den) / (2n * den));
}
function _pctRate(rate, fen) { return pct(fen, rate[0], rate[1]); }

// An amount (BigInt fen, or an exact [num, den]) divided by a whole number, exactly.
function divExact(amount, k) {
  if (k === 0n) throw new Undecidable("division_by_zero");
  const [n, d] = Array.isArray(amount) ? amount : [amount, 1n];
  return k < 0n ? [-n, -d * k] : [n, d * k];
}
function _qmul(q, k) { return Array.isArray(q) ? [q[0] * k, q[1]] : q * k; }
// An exact amount rounded to `unit` fen: half_up (四舍五入, away from zero), down (舍去), up (进一).
function roundTo(amount, unit, mode) {
  const [n0, d0] = Array.isArray(amount) ? amount : [amount, 1n];
  const n = n0 < 0n ? -n0 : n0, d = d0 * unit;
  const whole = mode === "half_up" ? (2n * n + d) / (2n * d) : mode === "down" ? n / d : (n + d - 1n) / d;
  return (n0 < 0n ? -whole : whole) * unit;
}

function moneyOut(fen) {
  const sign = fen < 0n ? "-" : "";
  if (fen < 0n) fen = -fen;
  return sign + (fen / 100n).toString() + "." + (fen % 100n).toString().padStart(2, "0");
}

// ---- the date idioms (Civil Code art. 201–203, interface.md) ----
function _daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400), yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}
function _civil(z) {
  z += 719468;
  const era = Math.floor(z / 146097), doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, doy - Math.floor((153 * mp + 2) / 5) + 1];
}
const _MIN_DAY = _daysFromCivil(1, 1, 1), _MAX_DAY = _daysFromCivil(9999, 12, 31);
function _monthDays(y, m) {
  return m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}
function _inRangeDay(d) {
  if (d < _MIN_DAY || d > _MAX_DAY) throw new DateOutOfRange();
  return d;
}
function dateOut(day) {
  const [y, m, d] = _civil(day);
  return String(y).padStart(4, "0") + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0");
}
function dayAfter(d) { return _inRangeDay(d + 1); }
function plusDays(d, n) {
  if (n > 4000000n || n < -4000000n) throw new DateOutOfRange();
  return _inRangeDay(d + Number(n));
}
// The same day n months later; the month's last day where that day does not exist.
function plusMonths(d, n) {
  const [y, m, day] = _civil(d);
  const total = BigInt(m - 1) + n;
  let years = total / 12n, month = total % 12n;
  if (month < 0n) { month += 12n; years -= 1n; }
  const y2 = BigInt(y) + years;
  if (y2 < 1n || y2 > 9999n) throw new DateOutOfRange();
  const yy = Number(y2), mm = Number(month) + 1;
  return _daysFromCivil(yy, mm, Math.min(day, _monthDays(yy, mm)));
}
// Completed years (周岁) on a day: N from the day after the N-th birthday (Civil Code art. 201–202).
function ageOn(birth, on) {
  if (birth > on) throw new Undecidable("age_before_birth");
  let n = BigInt(_civil(on)[0] - _civil(birth)[0]);
  if (n > 0n && plusMonths(birth, 12n * n) >= on) n -= 1n;
  return n;
}
// Whole months from one day to a later one: the most n with start + n months on or before end.
function monthsBetween(start, end) {
  if (start > end) throw new Undecidable("months_backwards");
  const [y1, m1] = _civil(start), [y2, m2] = _civil(end);
  let n = BigInt((y2 - y1) * 12 + m2 - m1);
  if (plusMonths(start, n) > end) n -= 1n;
  return n;
}
function monthOf(d) { return BigInt(_civil(d)[1]); }
function yearOf(d) { return BigInt(_civil(d)[0]); }
function firstOfNextMonth(d) {
  const [y, m] = _civil(d);
  return m === 12 ? yearStart(BigInt(y + 1)) : _daysFromCivil(y, m + 1, 1);
}
function yearStart(y) {
  if (y < 1n || y > 9999n) throw new DateOutOfRange();
  return _daysFromCivil(Number(y), 1, 1);
}
function yearEnd(y) {
  if (y < 1n || y > 9999n) throw new DateOutOfRange();
  return _daysFromCivil(Number(y), 12, 31);
}

// ---- strict JSON (as strict_json.py): numbers keep their text, objects their order ----
const MAX_TEXT_CHARS = 1000000, MAX_DEPTH = 32, MAX_NUMBER_CHARS = 40;
class JNum {  // a JSON number as written: money must never pass through a float
  constructor(text) { this.text = text; }
  get isInt() { return /^-?[0-9]+$/.test(this.text); }
}
function loads(text) {
  if (text.startsWith("\ufeff")) text = text.slice(1);
  if (text.length > MAX_TEXT_CHARS) throw new JSONError(text.length + " characters, more than the " + MAX_TEXT_CHARS + " a case may have");
  let i = 0;
  const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
  const fail = (what) => { throw new JSONError(what + " (column " + (i + 1) + ")"); };
  const value = (depth) => {
    if (depth > MAX_DEPTH) fail("nested more than " + MAX_DEPTH + " deep");
    ws();
    const ch = text[i];
    if (ch === "{") {
      i++; const obj = new Map(); ws();
      if (text[i] === "}") { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("Expecting property name enclosed in double quotes");
        const key = string(); ws();
        if (text[i] !== ":") fail("Expecting ':' delimiter");
        i++;
        if (obj.has(key)) throw new JSONError("the key " + _show(key) + " appears twice");
        obj.set(key, value(depth + 1)); ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return obj; }
        fail("Expecting ',' delimiter");
      }
    }
    if (ch === "[") {
      i++; const arr = []; ws();
      if (text[i] === "]") { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1)); ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return arr; }
        fail("Expecting ',' delimiter");
      }
    }
    if (ch === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 4096));
    if (!m || !m[0]) fail("Expecting value");
    if (m[0].length > MAX_NUMBER_CHARS) throw new JSONError("a number of " + m[0].length + " characters (at most " + MAX_NUMBER_CHARS + ")");
    i += m[0].length;
    return new JNum(m[0]);
  };
  const string = () => {
    i++;
    let out = "";
    for (;;) {
      const j = i;
      while (i < text.length && text[i] !== '"' && text[i] !== "\\" && text.charCodeAt(i) >= 0x20) i++;
      out += text.slice(j, i);
      if (i >= text.length) fail("Unterminated string");
      const ch = text[i];
      if (ch === '"') { i++; break; }
      if (ch !== "\\") fail("Invalid control character");
      const e = text[i + 1];
      const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }[e];
      if (simple !== undefined) { out += simple; i += 2; continue; }
      if (e !== "u" || !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("Invalid \\escape");
      out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
      i += 6;
    }
    if (/[\ud800-\udfff]/.test(out) && !out.isWellFormed()) {
      throw new JSONError("the string " + _show(out) + " holds an unpaired surrogate (\\ud800–\\udfff)");
    }
    return out;
  };
  const v = value(1);
  ws();
  if (i !== text.length) fail("Extra data");
  return v;
}
// A JavaScript value (a form's, a caller's object) as the strict reader would give it.
function _fromJS(v) {
  if (typeof v === "number") return new JNum(String(v));
  if (typeof v === "bigint") return new JNum(v.toString());
  if (Array.isArray(v)) return v.map(_fromJS);
  if (v !== null && typeof v === "object" && !(v instanceof Map) && !(v instanceof JNum)) {
    return new Map(Object.entries(v).map(([k, x]) => [k, _fromJS(x)]));
  }
  return v;
}

// ---- cases in (runtime.decode_case) ----
const MAX_MONEY_YUAN = 10n ** 15n, MAX_INT = 1000000000n;
function _jsonType(v) {  // the catalogue's TYPES name
  if (typeof v === "boolean") return "boolean";
  if (v instanceof JNum) return "number";
  if (typeof v === "string") return "string";
  if (Array.isArray(v)) return "list";
  if (v === null) return "null";
  return "object";
}
// A value for a one-line message, written as Python's repr would (the Python calculator's words).
function _show(v, limit = 60) {
  let text;
  if (typeof v === "string") {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    text = q + v.replace(/\\/g, "\\\\").replace(new RegExp(q, "g"), "\\" + q)
      .replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t") + q;
  } else if (v instanceof JNum) text = v.text;
  else if (typeof v === "boolean") text = v ? "True" : "False";
  else if (v === null) text = "None";
  else if (Array.isArray(v)) text = "[" + v.map((x) => _show(x, Infinity)).join(", ") + "]";
  else if (v instanceof Map) text = "{" + [...v].map(([k, x]) => _show(k, Infinity) + ": " + _show(x, Infinity)).join(", ") + "}";
  else text = String(v);
  return text.length <= limit ? text : text.slice(0, limit - 1) + "…";
}
function _showField(f) { return typeof f === "string" && f.length <= 60 && !/[\x00-\x1f\x7f]/.test(f) ? f : _show(f); }

// A JSON number's exact value: [mantissa BigInt, exponent] (value = mantissa × 10^exponent).
function _decimal(text) {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?$/.exec(text);
  if (!m) return null;
  const frac = m[3] || "";
  const mant = BigInt(m[1] + m[2] + frac);
  return [mant, Number(m[4] || "0") - frac.length, m[1] === "-"];
}
function _moneyIn(field, raw) {
  if (typeof raw === "string") {
    if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(raw)) {
      throw new CaseError(field, "money_text", {value: _show(raw)});
    }
  } else if (!(raw instanceof JNum)) {
    throw new CaseError(field, "money_type", {type: _jsonType(raw)});
  }
  const text = typeof raw === "string" ? raw : raw.text;
  const dec = _decimal(text);
  const shown = typeof raw === "string" ? raw : text;
  if (dec === null) throw new CaseError(field, "money_range", {value: shown});
  const [mant, exp] = dec;
  const digits = (mant < 0n ? -mant : mant).toString().length;
  if (mant < 0n || (mant !== 0n && digits + exp > 15)) {  // ≥ 10^(digits+exp-1)
    throw new CaseError(field, "money_range", {value: shown});
  }
  let fen;
  if (mant === 0n) fen = 0n;
  else if (exp + 2 >= 0) fen = mant * 10n ** BigInt(exp + 2);
  else {
    const scale = -(exp + 2);
    if (scale > digits || mant % 10n ** BigInt(scale) !== 0n) {
      throw new CaseError(field, "money_fen", {value: shown});
    }
    fen = mant / 10n ** BigInt(scale);
  }
  if (fen >= MAX_MONEY_YUAN * 100n) throw new CaseError(field, "money_range", {value: shown});
  return fen;
}
// A JSON number that is a whole number within MAX_INT (2.0 is 2), as BigInt; else null.
function _whole(raw) {
  const dec = _decimal(raw.text);
  if (dec === null) return null;
  const [mant, exp] = dec;
  if (raw.isInt) return mant;
  if (mant === 0n) return 0n;
  const digits = (mant < 0n ? -mant : mant).toString().length;
  if (digits + exp > 10) return null;
  if (exp >= 0) return mant * 10n ** BigInt(exp);
  if (-exp > digits) return null;
  const p = 10n ** BigInt(-exp);
  if (mant % p !== 0n) return null;
  const v = mant / p;
  return v <= MAX_INT && v >= -MAX_INT ? v : null;
}
function _intIn(field, raw, minimum) {
  const v = raw instanceof JNum ? _whole(raw) : null;
  if (v === null) throw new CaseError(field, "int_type", {value: _show(raw)});
  if (minimum !== null && v < minimum) throw new CaseError(field, "int_min", {minimum, value: v});
  if (v > MAX_INT || v < -MAX_INT) {
    throw new CaseError(field, "int_max", {value: _show(raw), maximum: MAX_INT});
  }
  return v;
}
function _dateIn(field, raw) {
  if (typeof raw !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(raw)) {
    throw new CaseError(field, "date_text", {value: _show(raw)});
  }
  const y = Number(raw.slice(0, 4)), m = Number(raw.slice(5, 7)), d = Number(raw.slice(8, 10));
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > _monthDays(y, m)) throw new CaseError(field, "date_day", {value: raw});
  return _daysFromCivil(y, m, d);
}
// An enum code or label as a map key: a string, or a whole JSON number as a Number.
function _codeKey(raw, whole) {
  if (typeof raw === "string") return raw;
  if (raw instanceof JNum && (whole || raw.isInt)) {
    const v = _whole(raw);
    return v === null ? undefined : Number(v);
  }
  return undefined;
}
function _codes(aliases) { return [...new Set(aliases.values())]; }
// An `id`: a string, or a whole number within MAX_INT (2.0 is 2), passed through unchanged.
function _idIn(raw) {
  if (typeof raw === "string") return raw;
  const v = raw instanceof JNum ? _whole(raw) : null;
  if (v !== null && v <= MAX_INT && v >= -MAX_INT) return Number(v);
  throw new CaseError("id", "id", {maximum: MAX_INT, value: _show(raw)});
}

// spec: field → [kind, aliases (Map spelling → code), default (undefined: none)].
function decodeCase(raw, spec) {
  raw = _fromJS(raw);
  if (!(raw instanceof Map)) throw new CaseError("", "not_object", {type: _jsonType(raw)});
  const c = new Map();
  for (const [field, value] of raw) {
    const entry = spec.get(field);
    if (entry === undefined && field === "id") {  // not a fact: passed through to the result unchanged
      c.set("id", _idIn(value));
      continue;
    }
    if (entry === undefined) {
      throw new CaseError(field, "unknown_field", {close: closeNames(field, [...spec.keys()]), fields: [...spec.keys()]});
    }
    const [kind, aliases] = entry;
    if (kind === "money") c.set(field, _moneyIn(field, value));
    else if (kind === "date") c.set(field, _dateIn(field, value));
    else if (kind === "bool") {
      if (typeof value !== "boolean") throw new CaseError(field, "bool", {value: _show(value)});
      c.set(field, value);
    } else if (kind === "int" || kind === "count") c.set(field, _intIn(field, value, kind === "count" ? 0n : null));
    else if (kind === "enum") {
      const key = _codeKey(value, true);
      if (key === undefined || !aliases.has(key)) {
        const codes = _codes(aliases);
        throw new CaseError(field, "enum", {value: _show(value), codes: codes.map((x) => _show(x)),
          close: closeNames(typeof value === "string" ? value : null, codes.map(String))});
      }
      c.set(field, aliases.get(key));
    } else if (kind === "set") {
      if (!Array.isArray(value)) throw new CaseError(field, "set_type", {type: _jsonType(value)});
      const codes = new Set();
      value.forEach((item, i) => {
        const key = _codeKey(item, false);
        if (key === undefined || !aliases.has(key)) {
          const known = _codes(aliases).map(String);
          throw new CaseError(field + "[" + i + "]", "set_item", {value: _show(item), codes: known,
            close: closeNames(typeof item === "string" ? item : null, known)});
        }
        codes.add(aliases.get(key));
      });
      c.set(field, codes);
    }
  }
  for (const [field, [, , dflt]] of spec) if (!c.has(field) && dflt !== undefined) c.set(field, dflt);
  return c;
}

// ---- results out ----
function outputValue(kind, v) {
  if (kind === "money") return moneyOut(v);
  if (kind === "date") return dateOut(v);
  if (kind === "set") return [...v].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  if (kind === "rate") return v[1] === 1n ? v[0].toString() : v[0] + "/" + v[1];
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  return v;
}
// JSON text of an output (BigInt as digits, which JSON.stringify refuses).
function dumps(v) {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return "[" + v.map(dumps).join(", ") + "]";
  if (v !== null && typeof v === "object") return "{" + Object.keys(v).map((k) => JSON.stringify(k) + ": " + dumps(v[k])).join(", ") + "}";
  return JSON.stringify(v);
}

// ---- what generated code calls ----
function _fact(c, name) {
  const v = c.f.get(name);
  if (v === undefined) throw new MissingFact(name);
  return v;
}
function _unknown(what) { throw new UnknownValue(what); }
function _outside(parts) { throw new OutsideDomain(parts); }
function _write(parts) {
  return parts.map((p) => {
    if (typeof p === "string") return p;
    try {
      return String(outputValue(p[0], p[1]()));
    } catch (e) {
      if (e instanceof Undecidable) return "?";
      throw e;
    }
  }).join("");
}
// A guarded decision: the first check that holds raises its OutsideDomain; a check that cannot be
// decided matters only where none holds.
function _inDomain(checks, value) {
  let undecided = null;
  for (const [holds, outside] of checks) {
    try {
      if (holds()) outside();
    } catch (e) {
      if (e instanceof OutsideDomain) throw e;
      if (!(e instanceof Undecidable)) throw e;
      undecided = undecided || e;
    }
  }
  if (undecided !== null) throw undecided;
  return value();
}
function _paramAt(values, year, name) {
  const v = values.get(year);
  if (v === undefined) throw new UnknownValue(name + " for " + year + ", which no notice here gives");
  return v;
}
function _max(...xs) { return xs.reduce((a, b) => (b > a ? b : a)); }
function _min(...xs) { return xs.reduce((a, b) => (b < a ? b : a)); }
function _overlaps(a, b) { for (const x of a) if (b.has(x)) return true; return false; }
function _setEq(a, b) { return a.size === b.size && [...a].every((x) => b.has(x)); }
function _fire(c, name, step) { if (c.t) c.t.set(name, step); }
