/*
 * jsfpm/internal/intl: a documented subset of ECMA-402 (Intl) on ICU
 * (workers/js_intl.c): Intl.NumberFormat, Intl.DateTimeFormat,
 * Intl.Collator, Intl.PluralRules, Intl.getCanonicalLocales, and the
 * locale-sensitive methods of Number, Date and String that use them.
 *
 * Locales: any that ICU has data for (tags are canonicalized; a
 * well-formed tag ICU does not know falls back to the default locale, the
 * first of [app] locales).  The options become an ICU skeleton; what is
 * not supported (formatToParts, formatRange, Intl.Segmenter, ...) is
 * listed in docs/javascript.md.  toLocaleString and friends never throw:
 * a bad locale or option falls back to the default locale's formatting.
 */
'use strict';

var hasOwn = Object.prototype.hasOwnProperty;

function defaultLocale() {
  var c = native.intlLocale(native.intlConfiguredLocale());
  return c !== null && native.intlHasLocale(c) ? c : 'en-US';
}

function localeList(locales) {
  if (locales === undefined) return [];
  var list = typeof locales === 'string' ? [locales] : Array.prototype.slice.call(Object(locales));
  return list.map(function (tag) {
    if (typeof tag !== 'string' && (typeof tag !== 'object' || tag === null)) throw new TypeError('Language ID should be string or object.');
    var c = native.intlLocale(String(tag));
    if (c === null) throw new RangeError('Incorrect locale information provided');
    return c;
  }).filter(function (c, i, all) { return all.indexOf(c) === i; });
}

function resolveLocale(locales) {
  var list = localeList(locales);
  for (var i = 0; i < list.length; i++) if (native.intlHasLocale(list[i])) return list[i];
  return defaultLocale();
}

function option(options, name, allowed, dflt) {
  var v = options[name];
  if (v === undefined) return dflt;
  v = String(v);
  if (allowed && allowed.indexOf(v) < 0) {
    throw new RangeError('Value ' + v + ' out of range for Intl options property ' + name);
  }
  return v;
}

function numberOption(options, name, min, max, dflt) {
  var v = options[name];
  if (v === undefined) return dflt;
  v = Number(v);
  if (!(v >= min && v <= max)) throw new RangeError(name + ' value is out of range.');
  return Math.floor(v);
}

function repeat(c, n) {
  var s = '';
  for (var i = 0; i < n; i++) s += c;
  return s;
}

function defineMethods(target, methods) {
  for (var name in methods) {
    if (hasOwn.call(methods, name)) {
      Object.defineProperty(target, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
    }
  }
}

/* ---- NumberFormat --------------------------------------------------------------- */

var CURRENCY_DIGITS = { BHD: 3, BIF: 0, CLP: 0, DJF: 0, GNF: 0, IQD: 3, ISK: 0, JOD: 3, JPY: 0, KMF: 0, KRW: 0,
  KWD: 3, LYD: 3, OMR: 3, PYG: 0, RWF: 0, TND: 3, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0 };

function NumberFormat(locales, options) {
  if (!(this instanceof NumberFormat)) return new NumberFormat(locales, options);
  options = options === undefined ? {} : Object(options);
  var o = { locale: resolveLocale(locales), numberingSystem: 'latn' };
  var sk = [];
  o.style = option(options, 'style', ['decimal', 'percent', 'currency', 'unit'], 'decimal');
  var fmin = 0, fmax = 3;
  if (o.style === 'currency') {
    if (options.currency === undefined) throw new TypeError('Currency code is required with currency style.');
    o.currency = String(options.currency).toUpperCase();
    if (!/^[A-Z]{3}$/.test(o.currency)) throw new RangeError('Invalid currency code : ' + options.currency);
    o.currencyDisplay = option(options, 'currencyDisplay', ['symbol', 'narrowSymbol', 'code', 'name'], 'symbol');
    o.currencySign = option(options, 'currencySign', ['standard', 'accounting'], 'standard');
    sk.push('currency/' + o.currency);
    sk.push({ symbol: '', narrowSymbol: 'unit-width-narrow', code: 'unit-width-iso-code', name: 'unit-width-full-name' }[o.currencyDisplay]);
    fmin = fmax = hasOwn.call(CURRENCY_DIGITS, o.currency) ? CURRENCY_DIGITS[o.currency] : 2;
  } else if (o.style === 'percent') {
    sk.push('percent', 'scale/100');
    fmax = 0;
  } else if (o.style === 'unit') {
    if (options.unit === undefined) throw new TypeError('Unit is required with unit style.');
    o.unit = String(options.unit);
    if (!/^[a-z]+(-[a-z]+)*$/.test(o.unit)) throw new RangeError('Invalid unit argument: ' + o.unit);
    o.unitDisplay = option(options, 'unitDisplay', ['short', 'narrow', 'long'], 'short');
    sk.push('unit/' + o.unit, { short: 'unit-width-short', narrow: 'unit-width-narrow', long: 'unit-width-full-name' }[o.unitDisplay]);
  }
  o.notation = option(options, 'notation', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
  if (o.notation === 'compact') {
    o.compactDisplay = option(options, 'compactDisplay', ['short', 'long'], 'short');
    sk.push('compact-' + o.compactDisplay);
  } else if (o.notation !== 'standard') {
    sk.push(o.notation);
  }
  o.minimumIntegerDigits = numberOption(options, 'minimumIntegerDigits', 1, 21, 1);
  if (o.minimumIntegerDigits > 1) sk.push('integer-width/*' + repeat('0', o.minimumIntegerDigits));
  if (options.minimumSignificantDigits !== undefined || options.maximumSignificantDigits !== undefined) {
    o.minimumSignificantDigits = numberOption(options, 'minimumSignificantDigits', 1, 21, 1);
    o.maximumSignificantDigits = numberOption(options, 'maximumSignificantDigits', o.minimumSignificantDigits, 21, 21);
    sk.push(repeat('@', o.minimumSignificantDigits) + repeat('#', o.maximumSignificantDigits - o.minimumSignificantDigits));
  } else if (o.notation !== 'compact' || options.minimumFractionDigits !== undefined || options.maximumFractionDigits !== undefined) {
    o.minimumFractionDigits = numberOption(options, 'minimumFractionDigits', 0, 100, fmin);
    o.maximumFractionDigits = numberOption(options, 'maximumFractionDigits', 0, 100, Math.max(fmax, o.minimumFractionDigits));
    if (o.maximumFractionDigits < o.minimumFractionDigits) throw new RangeError('maximumFractionDigits value is out of range.');
    sk.push(o.maximumFractionDigits === 0 ? 'precision-integer'
      : '.' + repeat('0', o.minimumFractionDigits) + repeat('#', o.maximumFractionDigits - o.minimumFractionDigits));
  }
  var grouping = options.useGrouping === undefined ? 'auto' : options.useGrouping === false ? false : String(options.useGrouping);
  if (grouping === 'true') grouping = 'always';
  o.useGrouping = grouping;
  if (grouping === false) sk.push('group-off');
  else if (grouping === 'always') sk.push('group-on-aligned');
  else if (grouping === 'min2') sk.push('group-min2');
  o.signDisplay = option(options, 'signDisplay', ['auto', 'never', 'always', 'exceptZero', 'negative'], 'auto');
  var accounting = o.currencySign === 'accounting' ? '-accounting' : '';
  var sign = { auto: accounting ? 'sign-accounting' : '', never: 'sign-never', always: 'sign' + accounting + '-always',
               exceptZero: 'sign' + accounting + '-except-zero', negative: 'sign' + (accounting || '') + '-negative' }[o.signDisplay];
  sk.push(sign, 'rounding-mode-half-up'); /* ECMA-402's halfExpand; ICU's default is half-even */
  Object.defineProperty(this, '_o', { value: o });
  Object.defineProperty(this, '_skeleton', { value: sk.filter(function (x) { return x; }).join(' ') });
}
defineMethods(NumberFormat.prototype, {
  resolvedOptions: function () {
    var out = {};
    for (var k in this._o) if (hasOwn.call(this._o, k)) out[k] = this._o[k];
    return out;
  },
  formatToParts: function () {
    throw new TypeError('Intl.NumberFormat.prototype.formatToParts is not supported by jsfpm');
  }
});
Object.defineProperty(NumberFormat.prototype, 'format', {
  configurable: true,
  get: function () {
    var self = this;
    return function (value) { return native.intlNumber(self._o.locale, self._skeleton, Number(value)); };
  }
});

/* ---- DateTimeFormat ------------------------------------------------------------- */

var DATE_FIELDS = [
  ['weekday', { narrow: 'EEEEE', short: 'EEE', long: 'EEEE' }],
  ['era', { narrow: 'GGGGG', short: 'G', long: 'GGGG' }],
  ['year', { numeric: 'y', '2-digit': 'yy' }],
  ['month', { numeric: 'M', '2-digit': 'MM', narrow: 'MMMMM', short: 'MMM', long: 'MMMM' }],
  ['day', { numeric: 'd', '2-digit': 'dd' }],
  ['hour', { numeric: 'j', '2-digit': 'jj' }],
  ['minute', { numeric: 'm', '2-digit': 'mm' }],
  ['second', { numeric: 's', '2-digit': 'ss' }],
  ['timeZoneName', { short: 'z', long: 'zzzz', shortOffset: 'O', longOffset: 'OOOO', shortGeneric: 'v', longGeneric: 'vvvv' }]
];
var STYLES = { full: 0, long: 1, medium: 2, short: 3 };
var HOUR_LETTER = { h11: 'K', h12: 'h', h23: 'H', h24: 'k' };

function canonicalZone(tz) {
  if (/^(etc\/)?(utc|gmt|uct|zulu|universal|greenwich)$/i.test(tz)) return 'UTC';
  var c = native.intlTimeZone(tz);
  if (c === null) throw new RangeError('Invalid time zone specified: ' + tz);
  return c === 'Etc/UTC' || c === 'Etc/GMT' ? 'UTC' : c;
}

/* DEFAULTS: which fields to show when the options name none: "date", "time" or "all". */
function DateTimeFormat(locales, options, defaults) {
  if (!(this instanceof DateTimeFormat)) return new DateTimeFormat(locales, options);
  options = options === undefined ? {} : Object(options);
  var o = { locale: resolveLocale(locales), calendar: 'gregory', numberingSystem: 'latn' };
  o.timeZone = options.timeZone === undefined ? canonicalZone(native.intlDefaultTimeZone()) : canonicalZone(String(options.timeZone));
  var skeleton = '', any = false;
  var hourCycle = options.hour12 !== undefined ? (options.hour12 ? 'h12' : 'h23')
    : option(options, 'hourCycle', ['h11', 'h12', 'h23', 'h24'], undefined);
  DATE_FIELDS.forEach(function (f) {
    var v = option(options, f[0], Object.keys(f[1]), undefined);
    if (v === undefined) return;
    any = true;
    o[f[0]] = v;
    var letters = f[1][v];
    if (f[0] === 'hour' && hourCycle) letters = letters.replace(/j/g, HOUR_LETTER[hourCycle]);
    skeleton += letters;
  });
  var fractional = numberOption(options, 'fractionalSecondDigits', 1, 3, undefined);
  if (fractional !== undefined) {
    any = true;
    o.fractionalSecondDigits = fractional;
    skeleton += repeat('S', fractional);
  }
  var dateStyle = option(options, 'dateStyle', ['full', 'long', 'medium', 'short'], undefined);
  var timeStyle = option(options, 'timeStyle', ['full', 'long', 'medium', 'short'], undefined);
  if ((dateStyle || timeStyle) && any) throw new TypeError("Can't set option " + (dateStyle ? 'dateStyle' : 'timeStyle') + ' when other date/time options are set');
  if (dateStyle) o.dateStyle = dateStyle;
  if (timeStyle) o.timeStyle = timeStyle;
  if (!any && !dateStyle && !timeStyle) {
    defaults = defaults || 'date';
    if (defaults !== 'time') {
      skeleton += 'yMd';
      o.year = 'numeric'; o.month = 'numeric'; o.day = 'numeric';
    }
    if (defaults !== 'date') {
      skeleton += (hourCycle ? HOUR_LETTER[hourCycle] : 'j') + 'ms';
      o.hour = 'numeric'; o.minute = '2-digit'; o.second = '2-digit';
    }
  }
  if (hourCycle && (o.hour || timeStyle)) o.hourCycle = hourCycle;
  Object.defineProperty(this, '_o', { value: o });
  Object.defineProperty(this, '_skeleton', { value: skeleton });
  Object.defineProperty(this, '_styles', { value: [dateStyle ? STYLES[dateStyle] : -1, timeStyle ? STYLES[timeStyle] : -1] });
}

function formatDate(dtf, date) {
  var ms = date === undefined ? Date.now() : date instanceof Date ? date.getTime() : Number(date);
  if (!isFinite(ms)) throw new RangeError('Invalid time value');
  return native.intlDate(dtf._o.locale, dtf._skeleton, dtf._styles[0], dtf._styles[1], dtf._o.timeZone, ms);
}

defineMethods(DateTimeFormat.prototype, {
  resolvedOptions: function () {
    var out = {};
    for (var k in this._o) if (hasOwn.call(this._o, k)) out[k] = this._o[k];
    return out;
  },
  formatToParts: function () {
    throw new TypeError('Intl.DateTimeFormat.prototype.formatToParts is not supported by jsfpm');
  }
});
Object.defineProperty(DateTimeFormat.prototype, 'format', {
  configurable: true,
  get: function () {
    var self = this;
    return function (date) { return formatDate(self, date); };
  }
});

/* ---- Collator, PluralRules ---------------------------------------------------------- */

function Collator(locales, options) {
  if (!(this instanceof Collator)) return new Collator(locales, options);
  options = options === undefined ? {} : Object(options);
  var o = { locale: resolveLocale(locales), usage: option(options, 'usage', ['sort', 'search'], 'sort') };
  o.sensitivity = option(options, 'sensitivity', ['base', 'accent', 'case', 'variant'], 'variant');
  o.ignorePunctuation = false;
  Object.defineProperty(this, '_o', { value: o });
}
defineMethods(Collator.prototype, {
  resolvedOptions: function () {
    return { locale: this._o.locale, usage: this._o.usage, sensitivity: this._o.sensitivity, ignorePunctuation: false,
             collation: 'default', numeric: false, caseFirst: 'false' };
  }
});
Object.defineProperty(Collator.prototype, 'compare', {
  configurable: true,
  get: function () {
    var o = this._o;
    return function (a, b) { return native.intlCompare(o.locale, o.sensitivity, String(a), String(b)); };
  }
});

function PluralRules(locales, options) {
  if (!(this instanceof PluralRules)) throw new TypeError("Constructor Intl.PluralRules requires 'new'");
  options = options === undefined ? {} : Object(options);
  Object.defineProperty(this, '_o', { value: { locale: resolveLocale(locales), type: option(options, 'type', ['cardinal', 'ordinal'], 'cardinal') } });
}
defineMethods(PluralRules.prototype, {
  select: function (n) { return native.intlPlural(this._o.locale, this._o.type, Number(n)); },
  resolvedOptions: function () { return { locale: this._o.locale, type: this._o.type }; }
});

function supportedLocalesOf(locales) {
  return localeList(locales).filter(function (c) { return native.intlHasLocale(c); });
}
[NumberFormat, DateTimeFormat, Collator, PluralRules].forEach(function (C) {
  defineMethods(C, { supportedLocalesOf: supportedLocalesOf });
});

var Intl = {};
defineMethods(Intl, {
  NumberFormat: NumberFormat,
  DateTimeFormat: DateTimeFormat,
  Collator: Collator,
  PluralRules: PluralRules,
  getCanonicalLocales: function (locales) { return localeList(locales); }
});
if (typeof Symbol === 'function' && Symbol.toStringTag) {
  Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
}

/* ---- the locale-sensitive methods of the built-ins ------------------------------------ */

/* Runs FORMAT(locales, options); a bad locale or option falls back to the
 * default locale without options, so these methods never throw for them. */
function lenient(format, locales, options) {
  try {
    return format(locales, options);
  } catch (e) {
    if (!(e instanceof RangeError) && !(e instanceof TypeError)) throw e;
    return format(undefined, undefined);
  }
}

function numberToLocaleString(value, locales, options) {
  return lenient(function (l, o) { return new NumberFormat(l, o).format(value); }, locales, options);
}

function dateToLocale(date, defaults, locales, options) {
  var ms = date.getTime();
  if (isNaN(ms)) return 'Invalid Date';
  return lenient(function (l, o) { return formatDate(new DateTimeFormat(l, o, defaults), ms); }, locales, options);
}

function localeCompare(a, b, locales, options) {
  return lenient(function (l, o) { return new Collator(l, o).compare(a, b); }, locales, options);
}

exports.Intl = Intl;
exports.numberToLocaleString = numberToLocaleString;
exports.dateToLocale = dateToLocale;
exports.localeCompare = localeCompare;
