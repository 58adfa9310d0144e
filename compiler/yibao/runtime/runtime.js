// ==== runtime (yibao/backends/runtime.js) ====
// What a generated calculator needs at run time, the JavaScript twin of yibao/runtime.py and
// strict_json.py: exact money, the date idioms, strict JSON, case decoding, errors.
// Value model: money, whole numbers, days and months are BigInt (money in fen: never a float);
// a date is a day number (days since 1970-01-01, proleptic Gregorian), so `<` and `===` compare
// days; an enum member is its code (string or number); a set is a Set of codes; a rate is [n, d].

// ---- why a decision could not be made (exit code 3) ----
class Undecidable extends Error {
  constructor(message) { super(message); this.name = "Undecidable"; }
}
class MissingFact extends Undecidable {
  constructor(fact) { super("needs `" + fact + "`, which the case does not give"); this.fact = fact; }
}
class UnknownValue extends Undecidable {
  constructor(what) { super("needs " + what + ": unknown"); this.what = what; }
}
class NoRuleApplies extends Undecidable {
  constructor(name, where) {
    super("no rule of `" + name + "` applies to this case" + (where ? " (" + where + ")" : ""));
  }
}
class DateOutOfRange extends Undecidable {
  constructor() { super("needs a date outside 0001-01-01 … 9999-12-31, the days a date can name"); }
}
// The case lies where the notice does not speak; the message is written from its parts when read.
class OutsideDomain extends Undecidable {
  constructor(parts) { super(); this._parts = parts; this._message = null; }  // no own message: the getter writes it
  get message() {
    if (this._message === null) this._message = _write(this._parts);
    return this._message;
  }
  set message(_) {}
}
// A case that does not fit the interface (exit code 2); names the field.
class CaseError extends Error {
  constructor(field, message) {
    super(field !== "" ? "field `" + _showField(field) + "`: " + message : message);
    this.name = "CaseError";
    this.field = field;
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
  if (k === 0n) throw new Undecidable("a division by zero");
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
  if (birth > on) throw new Undecidable("an age on a day before the birth");
  let n = BigInt(_civil(on)[0] - _civil(birth)[0]);
  if (n > 0n && plusMonths(birth, 12n * n) >= on) n -= 1n;
  return n;
}
// Whole months from one day to a later one: the most n with start + n months on or before end.
function monthsBetween(start, end) {
  if (start > end) throw new Undecidable("months from a later day to an earlier one");
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
function _jsonType(v) {
  if (typeof v === "boolean") return "a boolean";
  if (v instanceof JNum) return "a number";
  if (typeof v === "string") return "a string";
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  return "an object";
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
      throw new CaseError(field, _show(raw) + " is not an amount of money in yuan: digits 0-9, at most two decimals, not negative");
    }
  } else if (!(raw instanceof JNum)) {
    throw new CaseError(field, 'expected money (a number or a string like "342.00"), got ' + _jsonType(raw));
  }
  const text = typeof raw === "string" ? raw : raw.text;
  const dec = _decimal(text);
  const shown = typeof raw === "string" ? raw : text;
  if (dec === null) throw new CaseError(field, shown + " is not an amount of money from 0 to less than 10^15 yuan");
  const [mant, exp] = dec;
  const digits = (mant < 0n ? -mant : mant).toString().length;
  if (mant < 0n || (mant !== 0n && digits + exp > 15)) {  // ≥ 10^(digits+exp-1)
    throw new CaseError(field, shown + " is not an amount of money from 0 to less than 10^15 yuan");
  }
  let fen;
  if (mant === 0n) fen = 0n;
  else if (exp + 2 >= 0) fen = mant * 10n ** BigInt(exp + 2);
  else {
    const scale = -(exp + 2);
    if (scale > digits || mant % 10n ** BigInt(scale) !== 0n) {
      throw new CaseError(field, shown + " is not an amount of money in yuan with at most two decimals");
    }
    fen = mant / 10n ** BigInt(scale);
  }
  if (fen >= MAX_MONEY_YUAN * 100n) throw new CaseError(field, shown + " is not an amount of money from 0 to less than 10^15 yuan");
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
  if (v === null) throw new CaseError(field, "expected a whole number, got " + _show(raw));
  if (minimum !== null && v < minimum) throw new CaseError(field, "expected a whole number ≥ " + minimum + ", got " + v);
  if (v > MAX_INT || v < -MAX_INT) {
    throw new CaseError(field, _show(raw) + " is more than " + MAX_INT + ", the largest whole number a case may give");
  }
  return v;
}
function _dateIn(field, raw) {
  if (typeof raw !== "string" || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(raw)) {
    throw new CaseError(field, "expected a date YYYY-MM-DD, got " + _show(raw));
  }
  const y = Number(raw.slice(0, 4)), m = Number(raw.slice(5, 7)), d = Number(raw.slice(8, 10));
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > _monthDays(y, m)) throw new CaseError(field, raw + " is not a day that exists");
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

// spec: field → [kind, aliases (Map spelling → code), default (undefined: none)].
function decodeCase(raw, spec) {
  raw = _fromJS(raw);
  if (!(raw instanceof Map)) throw new CaseError("", "a case is a JSON object, got " + _jsonType(raw));
  const c = new Map();
  for (const [field, value] of raw) {
    const entry = spec.get(field);
    if (entry === undefined) {
      const close = field ? [...spec.keys()].filter((f) => f.startsWith([...field].slice(0, 3).join(""))) : [];
      throw new CaseError(field, "unknown field" + (close.length ? " (did you mean `" + close[0] + "`?)" : "")
        + "; the fields are " + [...spec.keys()].join(", "));
    }
    const [kind, aliases] = entry;
    if (kind === "money") c.set(field, _moneyIn(field, value));
    else if (kind === "date") c.set(field, _dateIn(field, value));
    else if (kind === "bool") {
      if (typeof value !== "boolean") throw new CaseError(field, "expected true or false, got " + _show(value));
      c.set(field, value);
    } else if (kind === "int" || kind === "count") c.set(field, _intIn(field, value, kind === "count" ? 0n : null));
    else if (kind === "enum") {
      const key = _codeKey(value, true);
      if (key === undefined || !aliases.has(key)) {
        throw new CaseError(field, _show(value) + " is not one of " + _codes(aliases).map((x) => _show(x)).join(", "));
      }
      c.set(field, aliases.get(key));
    } else if (kind === "set") {
      if (!Array.isArray(value)) throw new CaseError(field, "expected a list of codes, got " + _jsonType(value));
      const codes = new Set();
      value.forEach((item, i) => {
        const key = _codeKey(item, false);
        if (key === undefined || !aliases.has(key)) {
          throw new CaseError(field + "[" + i + "]", _show(item) + " is not a known code; the codes are " + _codes(aliases).join(", "));
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
