// ==== bounded (yibao/runtime/bounded.js) ====
// Bounded unknowns at run time, the twin of bounded.py: "不低于1000元" as a value that keeps its
// bounds (BigInt, or null where unbounded). Arithmetic, max/min and comparisons keep the bounds; a
// result the bounds fix is an ordinary value again, and a comparison they do not decide throws
// UnknownValue naming the unknown. Copied into a calculator only when its notice has one.
class Bounded {
  constructor(lo, hi, what) { this.lo = lo; this.hi = hi; this.what = what; }
}
function _bounded(lo, hi, what) { return lo !== null && lo === hi ? lo : new Bounded(lo, hi, what); }
function _iv(x) { return x instanceof Bounded ? x : new Bounded(x, x, ""); }
function _bnames(a, b) {
  const names = [];
  for (const x of [a, b]) if (x instanceof Bounded && x.what && !names.includes(x.what)) names.push(x.what);
  return names.join(" and ");
}
function _bplus(a, b) { return a === null || b === null ? null : a + b; }
function _add(a, b) {
  if (!(a instanceof Bounded) && !(b instanceof Bounded)) return a + b;
  const x = _iv(a), y = _iv(b);
  return _bounded(_bplus(x.lo, y.lo), _bplus(x.hi, y.hi), _bnames(a, b));
}
function _neg(a) {
  if (!(a instanceof Bounded)) return -a;
  return _bounded(a.hi === null ? null : -a.hi, a.lo === null ? null : -a.lo, a.what);
}
function _sub(a, b) { return _add(a, _neg(b)); }
function _mul(a, b) {
  if (!(a instanceof Bounded) && !(b instanceof Bounded)) return a * b;
  if (a instanceof Bounded && b instanceof Bounded) throw new UnknownValue(_bnames(a, b));
  const [x, k] = a instanceof Bounded ? [a, b] : [b, a];
  if (k === 0n) return 0n;
  const lo = x.lo === null ? null : x.lo * k, hi = x.hi === null ? null : x.hi * k;
  return k > 0n ? _bounded(lo, hi, x.what) : _bounded(hi, lo, x.what);
}
function _lt(a, b) {
  if (!(a instanceof Bounded) && !(b instanceof Bounded)) return a < b;
  const x = _iv(a), y = _iv(b);
  if (x.hi !== null && y.lo !== null && x.hi < y.lo) return true;
  if (x.lo !== null && y.hi !== null && x.lo >= y.hi) return false;
  throw new UnknownValue(_bnames(a, b));
}
function _le(a, b) {
  if (!(a instanceof Bounded) && !(b instanceof Bounded)) return a <= b;
  const x = _iv(a), y = _iv(b);
  if (x.hi !== null && y.lo !== null && x.hi <= y.lo) return true;
  if (x.lo !== null && y.hi !== null && x.lo > y.hi) return false;
  throw new UnknownValue(_bnames(a, b));
}
function _gt(a, b) { return _lt(b, a); }
function _ge(a, b) { return _le(b, a); }
function _eq(a, b) {
  if (a === b) return true;
  if (!(a instanceof Bounded) && !(b instanceof Bounded)) return a === b;
  const x = _iv(a), y = _iv(b);
  if ((x.hi !== null && y.lo !== null && x.hi < y.lo) || (x.lo !== null && y.hi !== null && x.lo > y.hi)) return false;
  throw new UnknownValue(_bnames(a, b));
}
function _ne(a, b) { return !_eq(a, b); }
function _bextreme(xs, most) {
  if (!xs.some((x) => x instanceof Bounded)) return most ? _max(...xs) : _min(...xs);
  const ivs = xs.map(_iv), pick = (vs) => vs.reduce((a, b) => ((most ? b > a : b < a) ? b : a));
  const los = ivs.map((x) => x.lo), his = ivs.map((x) => x.hi);
  const lo = most ? (los.some((v) => v !== null) ? pick(los.filter((v) => v !== null)) : null)
    : (los.includes(null) ? null : pick(los));
  const hi = most ? (his.includes(null) ? null : pick(his))
    : (his.some((v) => v !== null) ? pick(his.filter((v) => v !== null)) : null);
  const what = [...new Set(ivs.map((x) => x.what).filter((w) => w))].join(" and ");
  return _bounded(lo, hi, what);
}
function _bmax(...xs) { return _bextreme(xs, true); }
function _bmin(...xs) { return _bextreme(xs, false); }
// num/den of a bounded amount: monotonic, so its bounds are those of its bounds
function _pctB(fen, num, den) {
  if (!(fen instanceof Bounded)) return pct(fen, num, den);
  return _bounded(fen.lo === null ? null : pct(fen.lo, num, den), fen.hi === null ? null : pct(fen.hi, num, den), fen.what);
}
// A decision's value: a bounded unknown the bounds do not fix cannot be decided.
function _resolved(v) {
  if (v instanceof Bounded) throw new UnknownValue(v.what);
  return v;
}
