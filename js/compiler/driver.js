/*
 * The compiler driver: runs in jsfpm's compiler heap (workers/js_compiler.c),
 * after the runtime library's polyfills (TypeScript needs Map and Set) and
 * TypeScript 4.9 (third_party/typescript).  It lowers one ES2022 module to
 * ES5 plus CommonJS that Duktape runs, and reports what it depends on.
 *
 *   jsfpmCompile(source, fileName) ->
 *     { code, mappings, esm, imports: [...], requires: [...], dynamicImports: [...] }
 *   or
 *     { error: message, line, column }       (1-based; the first problem)
 *
 * The checks TypeScript leaves to its type checker but Node.js applies
 * (early errors, a reassigned const) are taken from the checker's
 * diagnostics, which the emit computes anyway.  What Duktape cannot run and
 * no lowering fixes is refused here, naming the construct.
 */
var jsfpmCompile = (function () {
  'use strict';
  var ts = globalThis.ts;
  var SK = ts.SyntaxKind;

  var OPTIONS = {
    target: ts.ScriptTarget.ES5,
    module: ts.ModuleKind.CommonJS,
    downlevelIteration: true,          /* for-of and spread follow the iteration protocol */
    useDefineForClassFields: true,     /* class fields are defined, as in ES2022 */
    importsNotUsedAsValues: ts.ImportsNotUsedAsValues.Preserve, /* an import always runs its module */
    esModuleInterop: true,             /* import x from 'cjs' gives module.exports */
    noEmitHelpers: true,               /* the helpers are globals of the runtime library */
    removeComments: true,
    sourceMap: true,
    newLine: ts.NewLineKind.LineFeed,
    noLib: true,
    noResolve: true,
    isolatedModules: true,
    allowJs: true,
    allowNonTsExtensions: true,
    suppressOutputPathCheck: true
  };

  /* Checker diagnostics that are errors in every JavaScript engine, beyond
   * the list TypeScript itself reports for plain JavaScript files. */
  var EARLY_ERRORS = {
    1155: true, /* 'const' declarations must be initialized */
    1308: true, /* 'await' only in async functions */
    1103: true  /* 'for await' only in async functions */
  };
  /* Constructs that no lowering makes run on Duktape: refused by name. */
  var REFUSED = {
    2737: 'BigInt literal',
    1343: 'import.meta',
    1375: 'top-level await',
    1378: 'top-level await',
    1432: 'top-level for await'
  };
  var CONST_ASSIGNMENT = 2588; /* Cannot assign to 'x' because it is a constant */

  function position(sf, pos) {
    var lc = ts.getLineAndCharacterOfPosition(sf, pos);
    return { line: lc.line + 1, column: lc.character + 1 };
  }

  function problem(sf, pos, message) {
    var p = position(sf, pos);
    return { pos: pos, line: p.line, column: p.column, error: message };
  }

  function diagnosticProblem(sf, d) {
    var text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    var name = REFUSED[d.code];
    return problem(sf, d.start, name
      ? name + ' is not supported: Duktape cannot run it and it cannot be rewritten (' + text + ')'
      : 'SyntaxError: ' + text);
  }

  function stringArgument(node) {
    var a = node.arguments.length === 1 ? node.arguments[0] : null;
    return a && (a.kind === SK.StringLiteral || a.kind === SK.NoSubstitutionTemplateLiteral) ? a.text : null;
  }

  /* What the module depends on: static imports and re-exports (needed
   * before it runs), require() and import() of a literal string (compiled
   * at start when they resolve). */
  function collectDependencies(sf, out, problems) {
    function visit(node) {
      checkProxy(node, sf, problems);
      switch (node.kind) {
        case SK.ImportDeclaration:
        case SK.ExportDeclaration:
          if (node.moduleSpecifier && node.moduleSpecifier.kind === SK.StringLiteral) out.imports.push(node.moduleSpecifier.text);
          break;
        case SK.CallExpression:
          var s = stringArgument(node);
          if (s !== null) {
            if (node.expression.kind === SK.ImportKeyword) out.dynamicImports.push(s);
            else if (node.expression.kind === SK.Identifier && node.expression.escapedText === 'require') out.requires.push(s);
          }
          break;
      }
      ts.forEachChild(node, visit);
    }
    visit(sf);
  }

  /* A reassigned const throws when the assignment runs (as in ES2015),
   * instead of silently assigning the var it is lowered to: the assignment
   * becomes `(value, __jsfpmConstAssign("name"))`. */
  function constAssignmentRewriter(context, positions) {
    var f = context.factory;
    function thrower(name) {
      return f.createCallExpression(f.createIdentifier('__jsfpmConstAssign'), undefined, [f.createStringLiteral(name)]);
    }
    function isConstTarget(id) {
      return id && id.kind === SK.Identifier && positions[ts.skipTrivia(id.getSourceFile().text, id.pos)] === true;
    }
    function visit(node) {
      if (node.kind === SK.BinaryExpression && node.operatorToken.kind >= SK.FirstAssignment &&
          node.operatorToken.kind <= SK.LastAssignment && isConstTarget(node.left)) {
        return f.createParenthesizedExpression(f.createCommaListExpression([
          ts.visitNode(node.right, visit), thrower(ts.idText(node.left))]));
      }
      if ((node.kind === SK.PrefixUnaryExpression || node.kind === SK.PostfixUnaryExpression) &&
          (node.operator === SK.PlusPlusToken || node.operator === SK.MinusMinusToken) && isConstTarget(node.operand)) {
        return thrower(ts.idText(node.operand));
      }
      return ts.visitEachChild(node, visit, context);
    }
    return visit;
  }

  /* `class A extends Error` lowered: `_super.call(this, msg) || this` calls
   * Error as a function, which makes a new error that is not an A.  Every
   * such super call goes through __jsfpmSuper (js/jsfpm/internal/
   * lowering.js), which constructs a built-in base with `new` and gives the
   * result the derived prototype, as an ES2015 engine does. */
  function superCallRewriter(context) {
    var f = context.factory;
    function superCall(node) {
      if (node.kind !== SK.CallExpression || node.expression.kind !== SK.PropertyAccessExpression) return null;
      var target = node.expression.expression, method = ts.idText(node.expression.name);
      if (target.kind !== SK.Identifier || ts.idText(target).indexOf('_super') !== 0) return null;
      if ((method !== 'call' && method !== 'apply') || node.arguments.length === 0 ||
          node.arguments[0].kind !== SK.ThisKeyword) return null;
      var rest = node.arguments.slice(1);
      var args = method === 'call' ? f.createArrayLiteralExpression(rest) : rest[0] || f.createArrayLiteralExpression([]);
      /* The lowering swaps `this` for `_this` in a constructor; this one must stay. */
      var self = ts.setEmitFlags(f.createThis(), ts.EmitFlags.NoSubstitution);
      return f.createCallExpression(f.createIdentifier('__jsfpmSuper'), undefined, [target, self, args]);
    }
    function visit(node) {
      if (node.kind === SK.BinaryExpression && node.operatorToken.kind === SK.BarBarToken &&
          node.right.kind === SK.ThisKeyword) {
        var left = node.left, replaced = superCall(left);
        if (replaced) return f.updateBinaryExpression(node, replaced, node.operatorToken, node.right);
        if (left.kind === SK.BinaryExpression && left.operatorToken.kind === SK.AmpersandAmpersandToken &&
            (replaced = superCall(left.right))) {
          return f.updateBinaryExpression(node, f.updateBinaryExpression(left, left.left, left.operatorToken, replaced),
                                          node.operatorToken, node.right);
        }
      }
      return ts.visitEachChild(node, visit, context);
    }
    return function (file) { return file.text.indexOf('extends') < 0 ? file : ts.visitNode(file, visit); };
  }

  /*
   * An async function that never awaits needs no state machine: its body
   * runs to its first (and only) return at once.  Lowered as one, it costs
   * a generator and two closures per call, most of an async fetch's time
   * on Duktape.  So `async function f(x) { ...; return v; }` becomes
   *   function f(x) { try { ...; return __jsfpmAsyncReturn(v); }
   *                   catch (e) { return __jsfpmAsyncThrow(e); }
   *                   return __jsfpmAsyncReturn(undefined); }
   * which returns a new promise settled exactly as the async function's
   * (a throw rejects it; a returned promise is adopted).  Not done when a
   * parameter has a default or a pattern (its errors must reject, not throw).
   */
  function isFunctionLike(node) {
    switch (node.kind) {
      case SK.FunctionDeclaration: case SK.FunctionExpression: case SK.ArrowFunction: case SK.MethodDeclaration:
      case SK.Constructor: case SK.GetAccessor: case SK.SetAccessor: case SK.ClassDeclaration: case SK.ClassExpression:
        return true;
    }
    return false;
  }

  function awaits(node) {
    var found = false;
    (function visit(n) {
      if (found) return;
      if (n.kind === SK.AwaitExpression || (n.kind === SK.ForOfStatement && n.awaitModifier)) {
        found = true;
        return;
      }
      if (n !== node && isFunctionLike(n)) return;
      ts.forEachChild(n, visit);
    })(node);
    return found;
  }

  function isSimpleAsync(node) {
    if (!(ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Async) || node.asteriskToken || !node.body) return false;
    for (var i = 0; i < node.parameters.length; i++) {
      var p = node.parameters[i];
      if (p.initializer || p.name.kind !== SK.Identifier) return false;
    }
    return !awaits(node);
  }

  function simpleAsyncRewriter(context) {
    var f = context.factory;
    function helper(name, arg) {
      return f.createCallExpression(f.createIdentifier(name), undefined, [arg]);
    }
    function rewriteReturns(node) {
      if (isFunctionLike(node)) return node;
      if (node.kind === SK.ReturnStatement) {
        return f.updateReturnStatement(node, helper('__jsfpmAsyncReturn',
          node.expression ? ts.visitNode(node.expression, visit) : f.createVoidZero()));
      }
      return ts.visitEachChild(node, rewriteReturns, context);
    }
    function newBody(node) {
      var statements = node.body.kind === SK.Block
        ? ts.visitNodes(node.body.statements, rewriteReturns)
        : [f.createReturnStatement(helper('__jsfpmAsyncReturn', ts.visitNode(node.body, visit)))];
      var e = f.createUniqueName('e');
      return f.createBlock([
        f.createTryStatement(f.createBlock(statements, true),
          f.createCatchClause(e, f.createBlock([f.createReturnStatement(helper('__jsfpmAsyncThrow', e))], true)),
          undefined),
        f.createReturnStatement(helper('__jsfpmAsyncReturn', f.createVoidZero()))
      ], true);
    }
    function withoutAsync(modifiers) {
      return modifiers && modifiers.filter(function (m) { return m.kind !== SK.AsyncKeyword; });
    }
    function visit(node) {
      if (isFunctionLike(node) && node.kind !== SK.ClassDeclaration && node.kind !== SK.ClassExpression &&
          isSimpleAsync(node)) {
        var params = ts.visitNodes(node.parameters, visit), body = newBody(node);
        switch (node.kind) {
          case SK.FunctionDeclaration:
            return f.updateFunctionDeclaration(node, withoutAsync(node.modifiers), undefined, node.name, node.typeParameters,
                                               params, node.type, body);
          case SK.FunctionExpression:
            return f.updateFunctionExpression(node, withoutAsync(node.modifiers), undefined, node.name, node.typeParameters,
                                              params, node.type, body);
          case SK.ArrowFunction:
            return f.updateArrowFunction(node, withoutAsync(node.modifiers), node.typeParameters, params, node.type,
                                         node.equalsGreaterThanToken, body);
          case SK.MethodDeclaration:
            return f.updateMethodDeclaration(node, withoutAsync(node.modifiers), undefined, node.name, node.questionToken,
                                             node.typeParameters, params, node.type, body);
        }
      }
      return ts.visitEachChild(node, visit, context);
    }
    return visit;
  }

  /* ---- regular expressions ------------------------------------------ */

  /* The compiler heap's own modules (third_party/compiler-modules.txt), run
   * CommonJS-style: regenerate and the Unicode property data. */
  var compilerModules = {};
  function compilerRequire(name) {
    if (compilerModules[name]) return compilerModules[name].exports;
    var source = jsfpmModuleSource(name.replace(/\.js$/, ''));
    if (source === undefined) throw new Error('compiler module ' + name + ' is not built in');
    var module = compilerModules[name] = { exports: {} };
    new Function('module', 'exports', 'require', source)(module, module.exports, compilerRequire);
    return module.exports;
  }

  /* A construct the rewriter cannot express for Duktape: refused at load. */
  function Refusal(offset, construct, why) {
    this.offset = offset;
    this.message = construct + ' is not supported: ' + why;
  }

  var ALL = 0x10FFFF;
  var WHITESPACE = [0x9, 0xA, 0xB, 0xC, 0xD, 0x20, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF];

  /* \p{...}: General_Category values and binary properties, with their
   * aliases (gc=Lu, Letter, L, Alpha...), from regenerate-unicode-properties. */
  function propertySet(body, offset) {
    var aliases = compilerRequire('unicode-property-aliases-ecmascript');
    var canonical = compilerRequire('unicode-canonical-property-names-ecmascript');
    var values = compilerRequire('unicode-match-property-value-ecmascript/data/mappings');
    var eq = body.indexOf('='), name = eq < 0 ? body : body.slice(0, eq), value = eq < 0 ? null : body.slice(eq + 1);
    var property = canonical.has(name) ? name : aliases.get(name);
    var path = null;
    if (value !== null && property === 'General_Category' && values.get(property).has(value)) {
      path = 'General_Category/' + values.get(property).get(value);
    } else if (value === null && values.get('General_Category').has(name)) {
      path = 'General_Category/' + values.get('General_Category').get(name);
    } else if (value === null && property && property !== 'General_Category' && property !== 'Script' &&
               property !== 'Script_Extensions') {
      path = 'Binary_Property/' + property;
    }
    var data = null;
    try {
      data = path && compilerRequire('regenerate-unicode-properties/' + path);
    } catch (e) {
      data = null;
    }
    if (!data) {
      throw new Refusal(offset, 'the Unicode property \\p{' + body + '}',
                        'jsfpm rewrites General_Category values and binary properties, not scripts');
    }
    return data.characters.clone();
  }

  function hex(text, from, count) {
    var digits = text.substr(from, count);
    return /^[0-9A-Fa-f]+$/.test(digits) && digits.length === count ? parseInt(digits, 16) : -1;
  }

  /* One escape at P (after the backslash) as a code point or a set:
   * {cp, set, end}.  Only what a character class with the u flag needs. */
  function classEscape(p, i, u) {
    var regenerate = compilerRequire('regenerate'), c = p.charAt(i);
    function full() { return regenerate().addRange(0, ALL); }
    switch (c) {
      case 'd': return { set: regenerate().addRange(0x30, 0x39), end: i + 1 };
      case 'D': return { set: full().removeRange(0x30, 0x39), end: i + 1 };
      case 'w': return { set: regenerate().addRange(0x30, 0x39).addRange(0x41, 0x5A).addRange(0x61, 0x7A).add(0x5F), end: i + 1 };
      case 'W': return { set: full().removeRange(0x30, 0x39).removeRange(0x41, 0x5A).removeRange(0x61, 0x7A).remove(0x5F), end: i + 1 };
      case 's': return { set: regenerate(WHITESPACE).addRange(0x2000, 0x200A), end: i + 1 };
      case 'S': return { set: full().remove(WHITESPACE).removeRange(0x2000, 0x200A), end: i + 1 };
      case 'p': case 'P':
        var close = p.indexOf('}', i);
        if (p.charAt(i + 1) !== '{' || close < 0) break;
        var set = propertySet(p.slice(i + 2, close), i);
        return { set: c === 'P' ? full().remove(set) : set, end: close + 1 };
      case 'u':
        if (u && p.charAt(i + 1) === '{') {
          var end = p.indexOf('}', i);
          return { cp: parseInt(p.slice(i + 2, end), 16), end: end + 1 };
        }
        var cp = hex(p, i + 1, 4);
        if (cp < 0) break;
        var low = p.substr(i + 5, 2) === '\\u' ? hex(p, i + 7, 4) : -1;
        if (u && cp >= 0xD800 && cp <= 0xDBFF && low >= 0xDC00 && low <= 0xDFFF) {
          return { cp: (cp - 0xD800) * 0x400 + low - 0xDC00 + 0x10000, end: i + 11 };
        }
        return { cp: cp, end: i + 5 };
      case 'x': if (hex(p, i + 1, 2) >= 0) return { cp: hex(p, i + 1, 2), end: i + 3 }; break;
      case 'c': return { cp: p.charCodeAt(i + 1) % 32, end: i + 2 };
      case 'b': return { cp: 8, end: i + 1 };
      case 'n': return { cp: 10, end: i + 1 };
      case 'r': return { cp: 13, end: i + 1 };
      case 't': return { cp: 9, end: i + 1 };
      case 'v': return { cp: 11, end: i + 1 };
      case 'f': return { cp: 12, end: i + 1 };
      case '0': return { cp: 0, end: i + 1 };
    }
    return { cp: p.charCodeAt(i), end: i + 1 };
  }

  /* The code point at I, a surrogate pair taken whole under the u flag. */
  function codePointAt(p, i, u) {
    var c = p.charCodeAt(i), d = p.charCodeAt(i + 1);
    if (u && c >= 0xD800 && c <= 0xDBFF && d >= 0xDC00 && d <= 0xDFFF) {
      return { cp: (c - 0xD800) * 0x400 + d - 0xDC00 + 0x10000, end: i + 2 };
    }
    return { cp: c, end: i + 1 };
  }

  function setPattern(set) {
    return '(?:' + set.toString() + ')';
  }

  /* A character class starting at I ('['): rewritten through a set when
   * the u flag makes it mean more than Duktape's (astral characters,
   * \p{}, \u{}), else kept as written.  Returns {text, end}. */
  function rewriteClass(p, i, u) {
    var start = i, negated = p.charAt(i + 1) === '^', j = negated ? i + 2 : i + 1, needsSet = false;
    var regenerate = compilerRequire('regenerate'), set = regenerate(), pending = null;
    while (j < p.length && p.charAt(j) !== ']') {
      var atom = p.charAt(j) === '\\' ? classEscape(p, j + 1, u) : codePointAt(p, j, u);
      if (atom.set || (atom.cp !== undefined && atom.cp > 0xFFFF) || p.substr(j, 3) === '\\u{' || p.substr(j, 2) === '\\p' ||
          p.substr(j, 2) === '\\P') needsSet = true;
      j = atom.end;
      if (pending !== null && atom.cp !== undefined) {
        if (atom.cp < pending) throw new Refusal(j, 'the character class range', 'it is out of order');
        set.addRange(pending, atom.cp);
        pending = null;
        continue;
      }
      if (p.charAt(j) === '-' && p.charAt(j + 1) !== ']' && atom.cp !== undefined) {
        pending = atom.cp;
        j++;
        continue;
      }
      if (atom.set) set.add(atom.set);
      else set.add(atom.cp);
    }
    if (j >= p.length) throw new Refusal(start, 'the regular expression', 'a character class is not closed');
    if (!u || !needsSet) return { text: p.slice(start, j + 1), end: j + 1 };
    if (negated) set = regenerate().addRange(0, ALL).remove(set);
    return { text: setPattern(set), end: j + 1 };
  }

  /* The names of the capturing groups, by number. */
  function groupNames(p) {
    var names = {}, count = 0, any = false;
    for (var i = 0; i < p.length; i++) {
      var c = p.charAt(i);
      if (c === '\\') i++;
      else if (c === '[') {
        for (i++; i < p.length && p.charAt(i) !== ']'; i++) if (p.charAt(i) === '\\') i++;
      } else if (c === '(' && p.charAt(i + 1) !== '?') count++;
      else if (c === '(' && p.substr(i, 3) === '(?<' && p.charAt(i + 3) !== '=' && p.charAt(i + 3) !== '!') {
        var close = p.indexOf('>', i);
        names[p.slice(i + 3, close)] = ++count;
        any = true;
      }
    }
    return any ? names : null;
  }

  /*
   * Rewrites pattern P with FLAGS into one Duktape runs: the s flag (dotAll)
   * as [\s\S]; named groups as numbered ones (their names go to the run
   * time, __jsfpmNamedGroups); the u flag's astral characters, \u{...} and
   * \p{...} as surrogate-pair alternatives (regenerate).  Under the u flag
   * a `.`, \S, \W, \D or negated class outside these rewrites still matches
   * one UTF-16 unit of an astral character.  Lookbehind and the y, d and v
   * flags have no ES5 form: refused.
   */
  function rewriteRegExp(p, flags) {
    var refused = { y: 'the sticky flag y', d: 'the indices flag d', v: 'the unicode sets flag v' };
    for (var f = 0; f < flags.length; f++) {
      if (refused[flags.charAt(f)]) throw new Refusal(-1, refused[flags.charAt(f)], 'Duktape has no equivalent');
    }
    var u = flags.indexOf('u') >= 0, dotAll = flags.indexOf('s') >= 0;
    var names = groupNames(p), out = '', i = 0, regenerate;
    while (i < p.length) {
      var c = p.charAt(i);
      if (c === '\\') {
        var n = p.charAt(i + 1);
        if (n === 'k' && names && p.charAt(i + 2) === '<') {
          var close = p.indexOf('>', i), name = p.slice(i + 3, close);
          if (!(name in names)) throw new Refusal(i, 'the back reference \\k<' + name + '>', 'no group has that name');
          out += '\\' + names[name];
          i = close + 1;
        } else if (u && (n === 'p' || n === 'P' || (n === 'u' && (p.charAt(i + 2) === '{' || hex(p, i + 2, 4) >= 0xD800)))) {
          var atom = classEscape(p, i + 1, true);
          out += atom.set ? setPattern(atom.set)
                          : setPattern(compilerRequire('regenerate')(atom.cp));
          i = atom.end;
        } else {
          var len = n === 'u' && hex(p, i + 2, 4) >= 0 ? 6 : n === 'x' ? 4 : n === 'c' ? 3 : 2;
          out += p.substr(i, len);
          i += len;
        }
      } else if (c === '[') {
        var cls = rewriteClass(p, i, u);
        out += cls.text;
        i = cls.end;
      } else if (c === '(' && (p.substr(i, 4) === '(?<=' || p.substr(i, 4) === '(?<!')) {
        throw new Refusal(i, 'lookbehind ' + p.substr(i, 4) + '...)', 'Duktape\'s regular expressions have none');
      } else if (c === '(' && p.substr(i, 3) === '(?<') {
        out += '(';
        i = p.indexOf('>', i) + 1;
      } else if (c === '.' && (dotAll || u)) {
        regenerate = compilerRequire('regenerate');
        out += !u ? '[\\s\\S]' : setPattern(dotAll ? regenerate().addRange(0, ALL)
          : regenerate().addRange(0, ALL).remove([0xA, 0xD, 0x2028, 0x2029]));
        i++;
      } else if (u && c >= '\ud800' && c <= '\udbff' && p.charAt(i + 1) >= '\udc00' && p.charAt(i + 1) <= '\udfff') {
        out += '(?:' + p.substr(i, 2) + ')';
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
    return { pattern: out, flags: flags.replace(/[su]/g, ''), names: names };
  }

  /* P as the body of a literal: each `/` outside a class escaped. */
  function escapeSlashes(p) {
    var out = '', inClass = false;
    for (var i = 0; i < p.length; i++) {
      var c = p.charAt(i);
      if (c === '\\') { out += p.substr(i, 2); i++; continue; }
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      out += c === '/' && !inClass ? '\\/' : c;
    }
    return out;
  }

  function runsOnDuktape(pattern, flags) {
    try {
      new RegExp(pattern, flags);
      return true;
    } catch (e) {
      return false;
    }
  }

  /* Regular expression literals Duktape cannot run become ones it can,
   * wrapped in __jsfpmNamedGroups when they had named groups; PROBLEMS
   * gets what cannot be rewritten. */
  function regexRewriter(context, problems) {
    var f = context.factory;
    function visit(node) {
      if (node.kind === SK.RegularExpressionLiteral) {
        var text = node.text, slash = text.lastIndexOf('/');
        var pattern = text.slice(1, slash), flags = text.slice(slash + 1);
        if (runsOnDuktape(pattern, flags)) return node;
        var r;
        try {
          r = rewriteRegExp(pattern, flags);
        } catch (e) {
          if (!(e instanceof Refusal)) throw e;
          var sf = ts.getOriginalNode(node).getSourceFile(), start = ts.getOriginalNode(node).getStart();
          problems.push(problem(sf, e.offset < 0 ? start : start + 1 + e.offset, e.message));
          return node;
        }
        if (!runsOnDuktape(r.pattern, r.flags)) {
          var sf2 = ts.getOriginalNode(node).getSourceFile();
          problems.push(problem(sf2, ts.getOriginalNode(node).getStart(),
                                'SyntaxError: invalid regular expression /' + pattern + '/' + flags));
          return node;
        }
        var literal = f.createRegularExpressionLiteral('/' + escapeSlashes(r.pattern) + '/' + r.flags);
        if (!r.names) return literal;
        var props = [];
        for (var name in r.names) props.push(f.createPropertyAssignment(f.createStringLiteral(name), f.createNumericLiteral(r.names[name])));
        return f.createCallExpression(f.createIdentifier('__jsfpmNamedGroups'), undefined,
                                      [literal, f.createObjectLiteralExpression(props)]);
      }
      return ts.visitEachChild(node, visit, context);
    }
    return visit;
  }

  /* ES2022's `new Error(message, { cause })`: Duktape's Error ignores its
   * second argument, so the construction goes through __jsfpmNewError
   * (lowering.js), which sets `cause` as an ES2022 engine does. */
  var ERROR_CONSTRUCTORS = ['Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'URIError', 'EvalError'];

  function errorCauseRewriter(context) {
    var f = context.factory;
    function visit(node) {
      if (node.kind === SK.NewExpression && node.expression.kind === SK.Identifier && node.arguments &&
          node.arguments.length === 2 && ERROR_CONSTRUCTORS.indexOf(ts.idText(node.expression)) >= 0) {
        return f.createCallExpression(f.createIdentifier('__jsfpmNewError'), undefined,
          [node.expression].concat(ts.visitNodes(node.arguments, visit)));
      }
      return ts.visitEachChild(node, visit, context);
    }
    return visit;
  }

  /* Proxy handlers Duktape would silently ignore a trap of. */
  var PROXY_TRAPS_MISSING = ['getPrototypeOf', 'setPrototypeOf', 'isExtensible', 'preventExtensions',
                             'getOwnPropertyDescriptor', 'defineProperty'];

  function checkProxy(node, sf, problems) {
    if (node.kind !== SK.NewExpression || node.expression.kind !== SK.Identifier ||
        ts.idText(node.expression) !== 'Proxy' || !node.arguments || node.arguments.length < 2 ||
        node.arguments[1].kind !== SK.ObjectLiteralExpression) return;
    node.arguments[1].properties.forEach(function (prop) {
      var name = prop.name && (prop.name.kind === SK.Identifier || prop.name.kind === SK.StringLiteral) ? prop.name.text : null;
      if (name && PROXY_TRAPS_MISSING.indexOf(name) >= 0) {
        problems.push(problem(sf, prop.getStart(), 'the Proxy trap ' + name + ' is not supported: Duktape\'s Proxy has ' +
                              'only get, set, has, deleteProperty, ownKeys and apply, and would ignore it'));
      }
    });
  }

  function compile(source, fileName) {
    var sf = ts.createSourceFile(fileName, source, {
      languageVersion: ts.ScriptTarget.ES2022,
      setExternalModuleIndicator: ts.getSetExternalModuleIndicator(OPTIONS)
    }, false, ts.ScriptKind.JS);
    var code, map;
    var host = {
      getSourceFile: function (name) { return name === fileName ? sf : undefined; },
      writeFile: function (name, text) { if (/\.map$/.test(name)) map = text; else code = text; },
      getDefaultLibFileName: function () { return 'lib.d.ts'; },
      useCaseSensitiveFileNames: function () { return true; },
      getCanonicalFileName: function (name) { return name; },
      getCurrentDirectory: function () { return ''; },
      getNewLine: function () { return '\n'; },
      fileExists: function (name) { return name === fileName; },
      readFile: function () { return ''; },
      directoryExists: function () { return true; },
      getDirectories: function () { return []; }
    };
    var program = ts.createProgram([fileName], OPTIONS, host);
    var syntax = program.getSyntacticDiagnostics(sf);
    if (syntax.length > 0) return diagnosticProblem(sf, syntax[0]);

    var result = { esm: ts.isExternalModule(sf), imports: [], requires: [], dynamicImports: [] };
    var problems = [];
    var constPositions = {}, anyConst = false;
    function before(context) {
      return function (file) {
        var diags = (file.bindDiagnostics || []).concat(program.getTypeChecker().getDiagnostics(file));
        for (var i = 0; i < diags.length; i++) {
          var d = diags[i];
          if (d.code === CONST_ASSIGNMENT) {
            constPositions[d.start] = anyConst = true;
          } else if (REFUSED[d.code] || EARLY_ERRORS[d.code] || ts.plainJSErrors.has(d.code)) {
            problems.push(diagnosticProblem(file, d));
          }
        }
        collectDependencies(file, result, problems);
        if (anyConst) file = ts.visitNode(file, constAssignmentRewriter(context, constPositions));
        file = ts.visitNode(file, regexRewriter(context, problems));
        if (/\bcause\b/.test(file.text)) file = ts.visitNode(file, errorCauseRewriter(context));
        return /\basync\b/.test(file.text) ? ts.visitNode(file, simpleAsyncRewriter(context)) : file;
      };
    }
    program.emit(undefined, undefined, undefined, undefined, { before: [before], after: [superCallRewriter] });
    if (problems.length > 0) {
      problems.sort(function (a, b) { return a.pos - b.pos; });
      return problems[0];
    }
    /* The map is ours to apply; the comment pointing at it would mislead. */
    result.code = code.replace(/\n\/\/# sourceMappingURL=[^\n]*$/, '\n');
    result.mappings = JSON.parse(map).mappings;
    return result;
  }

  return compile;
})();
