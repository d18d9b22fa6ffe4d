<?php
// A big text body: KB KiB (default 256, ?kb=4|64|256|1024|8192) of 'x',
// like bench/app's /big.
$kb = isset($_GET['kb']) ? $_GET['kb'] : '256';
if (!in_array($kb, ['4', '64', '256', '1024', '8192'], true)) {
  http_response_code(400);
  echo "kb must be one of 4, 64, 256, 1024, 8192\n";
  exit;
}
header('Content-Type: text/plain');
echo str_repeat('x', (int)$kb * 1024);
