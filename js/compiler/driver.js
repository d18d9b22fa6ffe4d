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
  function collectDependencies(sf, out) {
    function visit(node) {
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
        collectDependencies(file, result);
        return anyConst ? ts.visitNode(file, constAssignmentRewriter(context, constPositions)) : file;
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
