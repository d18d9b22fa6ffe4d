<?php
// A list page: ROWS users (default 100, ?rows=1..1000) in id order after a
// random id, returned as a JSON array (like bench/app's /list).
$n = isset($_GET['rows']) ? filter_var($_GET['rows'], FILTER_VALIDATE_INT) : 100;
if ($n === false || $n < 1 || $n > 1000) {
  http_response_code(400);
  echo "rows must be an integer from 1 to 1000\n";
  exit;
}
$db = new PDO('sqlite:' . getenv('BENCH_DB'));
$st = $db->prepare('SELECT id, name, email FROM users WHERE id > ? ORDER BY id LIMIT ?');
$st->bindValue(1, random_int(0, 10000 - $n), PDO::PARAM_INT);
$st->bindValue(2, $n, PDO::PARAM_INT);
$st->execute();
header('Content-Type: application/json');
echo json_encode($st->fetchAll(PDO::FETCH_ASSOC));
