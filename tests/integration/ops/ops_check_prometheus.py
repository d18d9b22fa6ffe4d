#!/usr/bin/env python3
"""Strict-enough check of the Prometheus text exposition format (0.0.4).

Reads the exposition on standard input.  Checks: every sample's metric has
a preceding # HELP and # TYPE (counter|gauge|untyped), names match
[a-zA-Z_:][a-zA-Z0-9_:]*, labels are name="escaped value" pairs, values
are floats, no metric family is declared twice, every name starts with
PREFIX (argv[1], default jsfpm_), and counters end in _total.  Prints the
problems and exits 1, or exits 0.
"""
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r'^(%s)(\{(?:%s)(?:,(?:%s))*,?\})? (\S+)(?: -?\d+)?$' % (NAME, LABEL, LABEL))

prefix = sys.argv[1] if len(sys.argv) > 1 else 'jsfpm_'
problems = []
helps, types = {}, {}
samples = 0
for n, line in enumerate(sys.stdin.read().split('\n'), 1):
    if line == '':
        continue
    if line.startswith('#'):
        m = re.match(r'^# (HELP|TYPE) (%s) (.*)$' % NAME, line)
        if not m:
            if line.startswith('# HELP') or line.startswith('# TYPE'):
                problems.append('%d: malformed %r' % (n, line))
            continue
        kind, name, rest = m.groups()
        table = helps if kind == 'HELP' else types
        if name in table:
            problems.append('%d: second # %s for %s' % (n, kind, name))
        if kind == 'TYPE' and rest not in ('counter', 'gauge', 'untyped', 'histogram', 'summary'):
            problems.append('%d: bad type %r' % (n, rest))
        table[name] = rest
        continue
    m = SAMPLE.match(line)
    if not m:
        problems.append('%d: not a valid sample: %r' % (n, line))
        continue
    name, _, value = m.groups()
    samples += 1
    try:
        float(value)
    except ValueError:
        problems.append('%d: value %r is not a number' % (n, value))
    if not name.startswith(prefix):
        problems.append('%d: %s lacks the %s prefix' % (n, name, prefix))
    if name not in types or name not in helps:
        problems.append('%d: %s has no # HELP/# TYPE before it' % (n, name))
    elif types[name] == 'counter' and not name.endswith('_total'):
        problems.append('%d: counter %s should end in _total' % (n, name))
if samples == 0:
    problems.append('no samples at all')
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
