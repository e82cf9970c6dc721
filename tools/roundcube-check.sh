#!/usr/bin/env bash
# Roundcube → IMAP → aox, end to end: does a real webmail show aox's threads? Opt-in (npm test
# never runs it): on a Debian machine, as root,
#
#   tools/roundcube-check.sh
#
# 1. installs Debian's Roundcube if it is missing (roundcube-core, roundcube-sqlite3, php-cli,
#    php-sqlite3; no Apache is started, dbconfig-common is told to leave databases alone);
# 2. starts aox from this checkout with its own configuration in a scratch directory under
#    /var/tmp (embedded PostgreSQL, loopback ports, plaintext passwords from localhost), adds a
#    user and delivers nine messages over LMTP: a reply tree (In-Reply-To and References, three
#    levels), a subject-only reply, two replies to a message that is not there, and a loner;
# 3. runs Roundcube from /var/lib/roundcube/public_html under PHP's built-in web server with its
#    own configuration directory (ROUNDCUBE_CONFIG_DIR: SQLite database, logs and temp files in
#    the scratch directory, imap_debug on); /etc/roundcube is only read (defaults.inc.php);
# 4. logs in with curl (login form, request token, session cookie) and asks for the message list
#    with threads on (_action=list&_threads=1), as the browser does, and checks the thread tree
#    Roundcube builds from the server's answer: the order of the rows, each row's parent_uid and
#    depth, has_children on the parents. Roundcube prefers THREAD=REFS; a second login with
#    imap_disabled_caps = THREAD=REFS makes it use THREAD=REFERENCES, where the subject-only reply
#    joins its thread. Sorting by subject and sender, a search, opening a message, flagging,
#    moving to another folder, deleting to Trash and expunging, each checked in Roundcube's answer;
# 5. fails if any IMAP command Roundcube sent was answered NO or BAD (imap_debug log), and prints
#    the commands it sent;
# 6. cleans up: stops PHP and aox, removes the scratch directory (KEEP=1 keeps it).
# Exit status 0 means Roundcube showed the threads and every step worked.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)

die() { echo "roundcube-check: $*" >&2; exit 1; }
step() { echo "==> $*"; }

[ "$(id -u)" = 0 ] || die "run as root (Roundcube is installed with apt-get)"
[ -r /etc/debian_version ] || die "this script expects Debian (apt-get, debconf)"
command -v node >/dev/null || die "node is not installed"

RC_PUBLIC=/var/lib/roundcube/public_html
if [ ! -f "$RC_PUBLIC/index.php" ] || ! command -v php >/dev/null || ! php -m | grep -qi '^pdo_sqlite$' || ! command -v curl >/dev/null; then
  step "installing Roundcube (roundcube-core, roundcube-sqlite3, php-cli, php-sqlite3, curl)"
  # no database set-up by dbconfig-common: this script brings its own SQLite database
  echo "roundcube-core roundcube/dbconfig-install boolean false" | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    roundcube-core roundcube-sqlite3 php-cli php-sqlite3 curl >/dev/null
fi
RC_VERSION=$(dpkg-query -W -f='${Version}' roundcube-core 2>/dev/null || echo unknown)

WORK=$(mktemp -d /var/tmp/aox-roundcube.XXXXXX)
chmod 755 "$WORK"
CONF=$WORK/archiveopteryx.conf
RCCONF=$WORK/roundcube-config
AOX_STARTED=0
PHP_PID=

aox() { node "$REPO/tools/aox.mjs" -c "$CONF" "$@"; }

cleanup() {
  local status=$?
  set +e
  if [ -n "$PHP_PID" ]; then kill "$PHP_PID" 2>/dev/null; wait "$PHP_PID" 2>/dev/null; fi
  if [ "$AOX_STARTED" = 1 ]; then aox stop >/dev/null 2>&1; fi
  if [ "$status" != 0 ]; then
    echo "--- Roundcube IMAP log (tail)"; tail -n 40 "$WORK/rc-logs/imap.log" 2>/dev/null | cut -c1-300
    echo "--- Roundcube errors (tail)"; tail -n 20 "$WORK/rc-logs/errors.log" 2>/dev/null
    echo "--- aox log (tail)"; tail -n 20 "$WORK/aox-cli.log" "$WORK/aox.log" 2>/dev/null
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
IMAP_PORT=$(free_port); LMTP_PORT=$(free_port); PG_PORT=$(free_port); HTTP_PORT=$(free_port)

step "starting aox (IMAP on 127.0.0.1:$IMAP_PORT, LMTP on $LMTP_PORT, embedded PostgreSQL on $PG_PORT)"
# run as root, the embedded PostgreSQL drops to the postgres user: it needs its own directory
mkdir -p "$WORK/pg" "$WORK/run"
cat >"$CONF" <<EOF
hostname = aox-roundcube.localdomain
embedded-db-directory = $WORK/pg
embedded-db-port = $PG_PORT
pidfile-dir = $WORK/run
logfile = $WORK/aox.log
use-tls = off
imap-address = 127.0.0.1
imap-port = $IMAP_PORT
lmtp-address = 127.0.0.1
lmtp-port = $LMTP_PORT
allow-plaintext-passwords = localhost
EOF
RC_USER=rc
RC_PASS='rc pass "quoted"'
aox add user "$RC_USER" "$RC_PASS" rc@rc.test >/dev/null 2>>"$WORK/aox-cli.log"
aox start >/dev/null 2>>"$WORK/aox-cli.log"
AOX_STARTED=1

step "delivering nine threaded messages over LMTP"
#  uid  Message-ID  Subject              In-Reply-To / References      Date (Jan 2024)
#   1   plan        Project plan         -                             1 09:00
#   2   plan-r1     Re: Project plan     plan / plan                   1 10:00
#   3   plan-r2     Re: Project plan     plan-r1 / plan plan-r1        1 11:00
#   4   plan-r3     Re: Project plan     plan / plan                   2 09:00
#   5   lunch       Lunch on Friday      -                             3 09:00
#   6   lunch-r     Re: Lunch on Friday  - (subject only)              3 12:00
#   7   budget-r1   Re: Budget 2024      budget (missing) / budget     4 09:00
#   8   budget-r2   Re: Budget 2024      budget-r1 / budget budget-r1  5 09:00
#   9   note        Standalone note      -                             6 09:00
LMTP_PORT=$LMTP_PORT node --input-type=module -e '
import net from "node:net";
const msgs = [
  ["plan", "Project plan", "Alice <alice@t.example>", 1, "09:00", null, []],
  ["plan-r1", "Re: Project plan", "Bob <bob@t.example>", 1, "10:00", "plan", ["plan"]],
  ["plan-r2", "Re: Project plan", "Carol <carol@t.example>", 1, "11:00", "plan-r1", ["plan", "plan-r1"]],
  ["plan-r3", "Re: Project plan", "Dave <dave@t.example>", 2, "09:00", "plan", ["plan"]],
  ["lunch", "Lunch on Friday", "Erin <erin@t.example>", 3, "09:00", null, []],
  ["lunch-r", "Re: Lunch on Friday", "Frank <frank@t.example>", 3, "12:00", null, []],
  ["budget-r1", "Re: Budget 2024", "Grace <grace@t.example>", 4, "09:00", "budget", ["budget"]],
  ["budget-r2", "Re: Budget 2024", "Heidi <heidi@t.example>", 5, "09:00", "budget-r1", ["budget", "budget-r1"]],
  ["note", "Standalone note", "Ivan <ivan@t.example>", 6, "09:00", null, []],
];
const s = net.connect(Number(process.env.LMTP_PORT), "127.0.0.1");
let buf = "";
s.on("data", (d) => { buf += d.toString("latin1"); });
const reply = () => new Promise((resolve, reject) => {
  const t0 = Date.now();
  const t = setInterval(() => {
    if (/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buf)) { clearInterval(t); const r = buf; buf = ""; resolve(r); }
    else if (Date.now() - t0 > 10000) { clearInterval(t); reject(new Error("LMTP timeout: " + buf)); }
  }, 10);
});
const cmd = async (line, want) => { s.write(line + "\r\n"); const r = await reply(); if (!r.startsWith(want)) throw new Error(line + ": " + r); };
if (!(await reply()).startsWith("220")) throw new Error("no LMTP greeting");
await cmd("LHLO check.localdomain", "250");
for (const [id, subject, from, day, time, irt, refs] of msgs) {
  await cmd("MAIL FROM:<sender@t.example>", "250");
  await cmd("RCPT TO:<rc@rc.test>", "250");
  await cmd("DATA", "354");
  const head = ["From: " + from, "To: <rc@rc.test>", "Subject: " + subject,
    `Date: ${["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][day - 1]}, ${day} Jan 2024 ${time}:00 +0000`,
    `Message-ID: <${id}@t.example>`];
  if (irt) head.push(`In-Reply-To: <${irt}@t.example>`);
  if (refs.length) head.push("References: " + refs.map((r) => `<${r}@t.example>`).join(" "));
  s.write(head.join("\r\n") + `\r\n\r\nThis is ${id}.\r\n.\r\n`);
  const r = await reply();
  if (!r.startsWith("250")) throw new Error(id + ": " + r);
}
await cmd("QUIT", "221");
s.end();
'

step "configuring Roundcube $RC_VERSION in $RCCONF (imap_host 127.0.0.1:$IMAP_PORT)"
mkdir -p "$RCCONF" "$WORK/rc-logs" "$WORK/rc-temp" "$WORK/http"
ln -s /etc/roundcube/defaults.inc.php "$RCCONF/defaults.inc.php"
[ -f /etc/roundcube/mimetypes.php ] && ln -s /etc/roundcube/mimetypes.php "$RCCONF/mimetypes.php"
DES_KEY=$(node -e 'console.log(require("crypto").randomBytes(18).toString("base64"))')
write_rc_config() {   # $1: extra PHP lines
  cat >"$RCCONF/config.inc.php" <<EOF
<?php
\$config = [];
\$config['db_dsnw'] = 'sqlite:///$WORK/roundcube.db?mode=0640';
\$config['imap_host'] = '127.0.0.1:$IMAP_PORT';
\$config['imap_debug'] = true;
\$config['log_driver'] = 'file';
\$config['log_dir'] = '$WORK/rc-logs/';
\$config['temp_dir'] = '$WORK/rc-temp/';
\$config['smtp_host'] = '';
\$config['des_key'] = '$DES_KEY';
\$config['plugins'] = [];
\$config['skin'] = 'elastic';
\$config['enable_spellcheck'] = false;
\$config['enable_installer'] = false;
$1
EOF
}
write_rc_config ""
php -r '$db = new PDO("sqlite:" . $argv[1]); $db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
        $db->exec(file_get_contents("/usr/share/roundcube/SQL/sqlite.initial.sql"));' "$WORK/roundcube.db"

step "starting PHP's web server on 127.0.0.1:$HTTP_PORT"
# opcache off: it would serve config.inc.php as compiled up to revalidate_freq seconds ago, and the
# REFERENCES pass below rewrites that file between two logins
ROUNDCUBE_CONFIG_DIR=$RCCONF php -d opcache.enable=0 -S "127.0.0.1:$HTTP_PORT" -t "$RC_PUBLIC" >"$WORK/php.log" 2>&1 &
PHP_PID=$!
for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break
  sleep 0.2
done

BASE="http://127.0.0.1:$HTTP_PORT/"
JAR=$WORK/cookies
TOKEN=
login() {
  rm -f "$JAR"
  local form_token
  form_token=$(curl -s -c "$JAR" -b "$JAR" "$BASE" | sed -n 's/.*name="_token" value="\([^"]*\)".*/\1/p' | head -1)
  [ -n "$form_token" ] || die "no login form token from Roundcube"
  local code
  code=$(curl -s -c "$JAR" -b "$JAR" -o /dev/null -w '%{http_code}' \
    --data-urlencode "_token=$form_token" --data-urlencode "_task=login" --data-urlencode "_action=login" \
    --data-urlencode "_timezone=UTC" --data-urlencode "_url=" --data-urlencode "_user=$RC_USER" \
    --data-urlencode "_pass=$RC_PASS" "${BASE}?_task=login")
  [ "$code" = 302 ] || die "login answered HTTP $code, not a redirect to the mailbox"
  TOKEN=$(curl -s -c "$JAR" -b "$JAR" "${BASE}?_task=mail&_mbox=INBOX" | sed -n 's/.*"request_token":"\([^"]*\)".*/\1/p' | head -1)
  [ -n "$TOKEN" ] || die "no request token after login"
}
# rc_get NAME QUERY / rc_post NAME QUERY DATA: an AJAX request as the browser sends it; the JSON
# answer is kept in $WORK/http/NAME.json
rc_get() { curl -s -c "$JAR" -b "$JAR" -H "X-Roundcube-Request: $TOKEN" -o "$WORK/http/$1.json" "${BASE}?$2&_remote=1"; }
rc_post() { curl -s -c "$JAR" -b "$JAR" -H "X-Roundcube-Request: $TOKEN" -o "$WORK/http/$1.json" -d "$3&_remote=1" "${BASE}?$2"; }

# check.mjs COMMAND FILE ARGS: reads Roundcube's JSON answer (its "exec" holds the JavaScript
# calls the browser would run: add_message_row(uid, columns, flags), display_message(...)).
cat >"$WORK/check.mjs" <<'EOF'
import { readFileSync } from 'node:fs';
const [command, file, ...args] = process.argv.slice(2);
let answer;
try { answer = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { fail(`not a JSON answer (${e.message}): ${readFileSync(file, 'utf8').slice(0, 300)}`); }
const exec = answer.exec ?? '';
function fail(why) { console.error(`roundcube-check: ${file.replace(/.*\//, '')}: ${why}`); process.exit(1); }
/** The message rows in display order, parsed from add_message_row(uid, cols, flags, insert_top). */
function rows() {
  const out = [];
  for (const line of exec.split('\n')) {
    if (!line.startsWith('this.add_message_row(')) continue;
    const [uid, cols, flags] = JSON.parse('[' + line.slice('this.add_message_row('.length, line.lastIndexOf(')')) + ']');
    out.push({ uid: String(uid), subject: cols.subject, flags });
  }
  return out;
}
/** "9 7 8<7 6" → rows 9, 7, 8 (child of 7), 6; depth and has_children follow from the parents. */
function tree(expected) {
  const got = rows();
  const want = expected.split(' ').map((x) => { const [uid, parent] = x.split('<'); return { uid, parent: parent ?? null }; });
  const show = got.map((r) => r.uid + (r.flags.parent_uid ? '<' + r.flags.parent_uid : '')).join(' ');
  if (got.length !== want.length) fail(`expected rows "${expected}", got "${show}"`);
  const depth = new Map();
  want.forEach((w, i) => {
    const r = got[i];
    const parent = r.flags.parent_uid === undefined ? null : String(r.flags.parent_uid);
    if (r.uid !== w.uid || parent !== w.parent) fail(`expected rows "${expected}", got "${show}"`);
    const d = w.parent === null ? 0 : depth.get(w.parent) + 1;
    depth.set(w.uid, d);
    if ((r.flags.depth ?? 0) !== d) fail(`row ${r.uid}: depth ${r.flags.depth ?? 0}, expected ${d} (rows "${show}")`);
    const hasChildren = want.some((c) => c.parent === w.uid);
    if (Boolean(r.flags.has_children) !== hasChildren) fail(`row ${r.uid}: has_children ${Boolean(r.flags.has_children)}, expected ${hasChildren}`);
  });
  console.log(`  ${file.replace(/.*\//, '').replace('.json', '')}: ${show}`);
}
switch (command) {
  case 'tree': tree(args[0]); break;
  case 'env': if (String(answer.env?.[args[0]]) !== args[1]) fail(`env.${args[0]} is ${answer.env?.[args[0]]}, expected ${args[1]}`); break;
  case 'flag': {
    const r = rows().find((x) => x.uid === args[0]);
    if (!r) fail(`no row ${args[0]}`);
    if (!r.flags[args[1]]) fail(`row ${args[0]} has no ${args[1]} (flags ${JSON.stringify(r.flags)})`);
    break;
  }
  case 'says': if (!exec.includes(args[0])) fail(`expected "${args[0]}" in: ${exec.slice(0, 400)}`); break;
  default: fail(`unknown check ${command}`);
}
EOF
check() { node "$WORK/check.mjs" "$1" "$WORK/http/$2.json" "${@:3}"; }

step "logging in and listing INBOX with threads (Roundcube picks THREAD=REFS)"
login
rc_get list-threads "_task=mail&_action=list&_mbox=INBOX&_threads=1&_sort=date_DESC"
check env list-threads threading true
check env list-threads messagecount 5            # five threads
# REFS: threads ordered by their newest message, newest first; no subject merging, so the
# subject-only reply 6 stands alone; 7 and 8 share the missing parent "budget"
check tree list-threads "9 7 8<7 6 5 1 2<1 3<2 4<1"
grep -q 'C: A[0-9]* UID THREAD REFS ' "$WORK/rc-logs/imap.log" || die "Roundcube did not send UID THREAD REFS"

step "sorting the threads by subject and by sender"
rc_get sort-subject "_task=mail&_action=list&_mbox=INBOX&_threads=1&_sort=subject_ASC"
check tree sort-subject "7 8<7 5 6 1 2<1 3<2 4<1 9"
rc_get sort-from "_task=mail&_action=list&_mbox=INBOX&_threads=1&_sort=from_ASC"
check tree sort-from "1 2<1 3<2 4<1 5 6 7 8<7 9"

step "searching (subject contains \"budget\"), threaded"
rc_get search "_task=mail&_action=search&_q=budget&_headers=subject&_mbox=INBOX&_scope=base&_filter=ALL"
check tree search "7 8<7"
check says search "2 messages found"

step "logging in again without THREAD=REFS: Roundcube falls back to THREAD=REFERENCES"
write_rc_config "\$config['imap_disabled_caps'] = ['THREAD=REFS'];"
login
rc_get references "_task=mail&_action=list&_mbox=INBOX&_threads=1&_sort=date_DESC"
# REFERENCES also gathers replies by base subject: "Re: Lunch on Friday" joins its thread;
# Roundcube orders threads by their first message's date, newest first
check tree references "9 7 8<7 5 6<5 1 2<1 3<2 4<1"
grep -q 'C: A[0-9]* UID THREAD REFERENCES ' "$WORK/rc-logs/imap.log" || die "Roundcube did not send UID THREAD REFERENCES"
write_rc_config ""
login

step "opening message 3, flagging 2, moving 9 to Archive, deleting 6 to Trash and expunging it there"
curl -s -c "$JAR" -b "$JAR" -o "$WORK/http/show.html" "${BASE}?_task=mail&_action=show&_uid=3&_mbox=INBOX"
grep -q 'This is plan-r2\.' "$WORK/http/show.html" || die "message 3's body is not shown"
rc_post flag "_task=mail&_action=mark" "_uid=2&_flag=flagged&_mbox=INBOX"
check says flag "marked successfully"
rc_post move "_task=mail&_action=move" "_uid=9&_target_mbox=Archive&_mbox=INBOX"
check says move "moved successfully"
rc_post trash "_task=mail&_action=move" "_uid=6&_target_mbox=Trash&_mbox=INBOX"
check says trash "moved to Trash successfully"
rc_get after "_task=mail&_action=list&_mbox=INBOX&_threads=1&_sort=date_DESC"
check tree after "7 8<7 5 1 2<1 3<2 4<1"
check flag after 2 flagged
check flag after 1 flagged_children
rc_get archive "_task=mail&_action=list&_mbox=Archive&_threads=0"
check tree archive "1"
rc_get trash-list "_task=mail&_action=list&_mbox=Trash&_threads=0"
check tree trash-list "1"
rc_post expunge "_task=mail&_action=delete" "_uid=1&_mbox=Trash"
check says expunge "deleted successfully"
rc_get trash-empty "_task=mail&_action=list&_mbox=Trash&_threads=0"
check env trash-empty messagecount 0

step "checking that aox answered every IMAP command Roundcube sent"
if grep -E 'S: A[0-9]+ (NO|BAD)' "$WORK/rc-logs/imap.log"; then die "aox refused a command (above)"; fi
echo "  commands Roundcube sent (how often), none answered NO or BAD:"
sed -n 's/.* C: A[0-9]* \(UID [A-Z]*\|[A-Z]*\).*/\1/p' "$WORK/rc-logs/imap.log" | sort | uniq -c | sort -rn | \
  awk '{ n = $1; $1 = ""; sub(/^ /, ""); item = $0 " " n
         if (length(line) + length(item) > 90) { print "    " line ","; line = item } else line = line (line == "" ? "" : ", ") item }
       END { print "    " line }'
echo "  its THREAD and SORT commands:"
grep -oE 'C: A[0-9]+ UID (THREAD|SORT) .*' "$WORK/rc-logs/imap.log" | sed 's/^C: A[0-9]* /    /' | sort -u

echo "roundcube-check: OK (Roundcube $RC_VERSION shows aox's threads)"
