<?php
// 5 indexed reads and 1 insert in one transaction (BEGIN IMMEDIATE, like
// jsfpm's db.transaction), returned as JSON; SQLITE_BUSY failures are 503.
$db = new PDO('sqlite:' . getenv('BENCH_DB'));
$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$db->exec('PRAGMA busy_timeout = 5000');
$open = false;
try {
  $db->exec('BEGIN IMMEDIATE');
  $open = true;
  $rd = $db->prepare('SELECT id, name, email FROM users WHERE id = ?');
  $users = [];
  for ($i = 0; $i < 5; $i++) {
    $rd->execute([random_int(1, 10000)]);
    $users[] = $rd->fetch(PDO::FETCH_ASSOC);
    $rd->closeCursor();
  }
  $st = $db->prepare('INSERT INTO events (kind, payload) VALUES (?, ?)');
  $st->execute(['hit', str_repeat('x', 64)]);
  $id = (int)$db->lastInsertId();
  $db->exec('COMMIT');
  $open = false;
  header('Content-Type: application/json');
  echo json_encode(['id' => $id, 'users' => $users, 'tx' => true]);
} catch (PDOException $e) {
  if ($open) { try { $db->exec('ROLLBACK'); } catch (PDOException $ignored) {} }
  http_response_code(503);
  echo $e->getMessage();
}
