// The empty handler: what the runtime costs around a request that does nothing.
module.exports = { fetch: function () { return new Response('Hello, world\n'); } };
