#!/bin/sh
# `make demo`: a fresh rolodex.db with the labels, companies and custom fields that
# examples/contacts.csv refers to, then the import itself. The file has one bad row on
# purpose, so the import exits 1 and writes it to rolodex-errors.csv.
set -eu
rolodex=.venv/bin/rolodex
rm -f rolodex.db rolodex.db-wal rolodex.db-shm rolodex-errors.csv
$rolodex labels add Marketing Trial Demo VIP >/dev/null
$rolodex companies add "Acme Inc." --domain acme.example >/dev/null
$rolodex companies add Globex --domain globex.example >/dev/null
$rolodex fields add plan --type select --options basic,pro,enterprise --title Plan >/dev/null
$rolodex fields add seats --type number --title Seats >/dev/null
$rolodex fields add renewal_date --type date --title "Renewal date" >/dev/null
echo "rolodex.db: 4 labels, 2 companies, 3 custom fields."
echo
echo "$ rolodex import contacts examples/contacts.csv --errors rolodex-errors.csv"
status=0
$rolodex import contacts examples/contacts.csv --errors rolodex-errors.csv || status=$?
[ "$status" -le 1 ] || exit "$status"
echo
echo "$ rolodex contacts list"
$rolodex contacts list
