// Text assets (tests/integration/js_text.sh): require and import give the
// file's text.
var page = require('./views/page.html');
var modern = require('./modern.mjs');
module.exports = {
  fetch: function (req) {
    if (req.path === '/page') {
      return new Response(page.replace('{{name}}', 'Zoë'), { headers: { 'Content-Type': 'text/html' } });
    }
    return Response.json(modern.assets());
  }
};
