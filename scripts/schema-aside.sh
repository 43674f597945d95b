#!/bin/sh
# schema-aside.sh DB VERSION -- used by the Makefile's NAME.hw rule: when
# DB exists and was written by an hwsweep of another database schema
# version (SQLite's user_version, the 4 bytes at offset 60 of the file's
# header), move it aside to DB.schemaN (nothing is deleted) so that
# `make NAME.sw.MODEL` after an upgrade explores the hardware again instead
# of stopping at "database schema version N, this hwsweep writes version M".
db=$1 want=$2
[ -f "$db" ] || exit 0
[ -e "$db-wal" ] && [ -s "$db-wal" ] && {
    echo "schema-aside.sh: $db has a write-ahead log (in use?): left alone" >&2
    exit 0
}
v=$(od -An -tu1 -j60 -N4 "$db" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}')
[ -n "$v" ] && [ "$v" != "$want" ] || exit 0
to=$db.schema$v
n=1
while [ -e "$to" ]; do to=$db.schema$v.$n; n=$((n + 1)); done
mv "$db" "$to" || exit 1
echo "$db: written by an older hwsweep (database schema version $v, this one writes $want): moved to $to"
