<?php
// A POSTed body (bench/run sends 1 MiB) read in pieces from php://input and
// hashed (SHA-256), like bench/app's /upload; answers the hex digest.
$ctx = hash_init('sha256');
$in = fopen('php://input', 'rb');
while (!feof($in)) {
  hash_update($ctx, fread($in, 65536));
}
header('Content-Type: text/plain');
echo hash_final($ctx), "\n";
