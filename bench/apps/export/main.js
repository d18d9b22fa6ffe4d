/*
 * bench/stream_export.sh's app: /export?mb=N streams N MiB (default 1024)
 * from a generator, in pieces of about 64 KiB, each a new string (a
 * numbered line and a block), as an app writing out a report page by page
 * would; /export?mb=N&piece=K for K KiB pieces.  /hello for the warm-up.
 */
function filler(n) {
  let s = 'x';
  while (s.length * 2 <= n) s += s;
  return s + s.slice(0, n - s.length);
}

function* pieces(total, pieceBytes) {
  const block = filler(pieceBytes - 16);
  for (let i = 0, sent = 0; sent < total; i++) {
    const piece = ('piece ' + (1e9 + i)).slice(0, 15) + '\n' + block;
    sent += piece.length;
    yield piece;
  }
}

export default {
  fetch(req) {
    if (req.path !== '/export') return new Response('hello\n');
    const mb = Number(req.query.mb || 1024), kb = Number(req.query.piece || 64);
    return new Response(pieces(mb * 1024 * 1024, kb * 1024), { headers: { 'Content-Type': 'text/plain' } });
  },
};
