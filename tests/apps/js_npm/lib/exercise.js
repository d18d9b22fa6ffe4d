// Each package from node_modules, exercised: one line of output per call.
// tests/integration/js/js_npm.sh compares the lines with what Node.js 20
// printed for this file.
import Mustache from 'mustache';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import relativeTime from 'dayjs/plugin/relativeTime.js';
import 'dayjs/locale/de.js';
import _ from 'lodash';
import qs from 'qs';
import validator from 'validator';
import { v5, v3, validate, version, NIL } from 'uuid';
import { marked } from 'marked';
import Handlebars from 'handlebars';

dayjs.extend(utc);
dayjs.extend(relativeTime);

export const packages = {
  mustache: () => [
    Mustache.render('Hello {{name}}! {{#items}}<{{.}}>{{/items}} {{{raw}}} {{esc}}',
                    { name: 'jsfpm', items: ['a', 'b'], raw: '<b>', esc: '<i>' })
  ],
  dayjs: () => {
    const d = dayjs.utc('2024-02-29T12:34:56Z');
    return [
      d.add(1, 'year').format('YYYY-MM-DD HH:mm:ss'),
      d.startOf('month').toISOString(),
      d.locale('de').format('dddd, D. MMMM YYYY'),
      d.from(dayjs.utc('2024-05-01T00:00:00Z')),
      String(d.isBefore(dayjs.utc('2025-01-01')))
    ];
  },
  lodash: () => [
    JSON.stringify(_.groupBy([6.1, 4.2, 6.3], Math.floor)),
    JSON.stringify(_.chunk(['a', 'b', 'c', 'd', 'e'], 2)),
    _.template('hello <%= user %>!')({ user: 'fred' }),
    JSON.stringify(_.merge({ a: [{ b: 2 }] }, { a: [{ c: 3 }] })),
    _.kebabCase('Foo Bar_baz'),
    JSON.stringify(_.sortBy([{ n: 'b', a: 2 }, { n: 'a', a: 2 }, { n: 'c', a: 1 }], ['a'])),
    String(_.isEqual(new Map([[1, { x: 1 }]]), new Map([[1, { x: 1 }]])))
  ],
  qs: () => [
    JSON.stringify(qs.parse('a[b][c]=1&list[]=x&list[]=y&e=%20sp')),
    qs.stringify({ a: { b: [1, 2] }, c: 'd e' }),
    qs.stringify({ a: ['x', 'y'] }, { arrayFormat: 'brackets', encode: false })
  ],
  validator: () => [
    [validator.isEmail('foo@bar.com'), validator.isEmail('foo@'), validator.isURL('https://jsfpm.example/x?y=1'),
     validator.isUUID('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d'), validator.isIP('192.168.0.300'),
     validator.isStrongPassword('Passw0rd!x'), validator.isISO8601('2024-02-29T12:00:00Z')].join(','),
    validator.escape('<a href="x">&</a>'),
    validator.normalizeEmail('Foo.Bar+tag@GMail.com')
  ],
  uuid: () => [
    v5('jsfpm', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'),
    v3('jsfpm', '6ba7b811-9dad-11d1-80b4-00c04fd430c8'),
    [validate(v5('x', NIL)), version(v5('x', NIL)), validate('nope')].join(',')
  ],
  marked: () => [
    marked.parse('# Title\n\nSome *emphasis*, **strong** and `code`; café_naïve_word.\n\n- one\n- two\n\n[link](https://x.example)').trim()
  ],
  handlebars: () => {
    Handlebars.registerHelper('upper', (s) => String(s).toUpperCase());
    const t = Handlebars.compile('{{#each people}}{{upper name}} is {{age}}{{#unless @last}}; {{/unless}}{{/each}} {{{html}}} {{html}}');
    return [t({ people: [{ name: 'ann', age: 30 }, { name: 'bob', age: 4 }], html: '<b>' })];
  }
};
