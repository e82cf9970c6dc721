#!/usr/bin/env bash
# Postfix → LMTP → aox, end to end. Opt-in (npm test never runs it): on a Debian machine, as root,
#
#   tools/postfix-e2e.sh
#
# 1. installs Postfix if it is missing (non-interactively, "No configuration");
# 2. starts aox from this checkout with its own configuration in a scratch directory under
#    /var/tmp (embedded PostgreSQL, no db-address), and adds a user e2e@e2e.test;
# 3. runs a second, temporary Postfix instance (its own config and queue directories in the
#    scratch directory, no SMTP listener) that delivers the domain e2e.test over LMTP to aox:
#    virtual_mailbox_domains = e2e.test, virtual_transport = lmtp:inet:127.0.0.1:<lmtp port>;
# 4. submits a message with sendmail, and one to an unknown address;
# 5. checks over POP3 that the message arrived with a Received field from the LMTP hop, and in
#    Postfix's log that the unknown address bounced with aox's "550 5.1.1";
# 6. cleans up: stops both, restores /etc/postfix/main.cf, removes the scratch directory.
#
# The default Postfix instance is never started. Its main.cf gets one temporary line,
# alternate_config_directories, because the set-gid postdrop behind sendmail only accepts a
# non-default -C directory listed there; the file is restored (or removed, if it did not exist).
# Keep the scratch directory for inspection with KEEP=1. Exit status 0 means the mail arrived.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)

die() { echo "postfix-e2e: $*" >&2; exit 1; }
step() { echo "==> $*"; }

[ "$(id -u)" = 0 ] || die "run as root (Postfix must be installed and started)"
[ -r /etc/debian_version ] || die "this script expects Debian (apt-get, debconf)"
command -v node >/dev/null || die "node is not installed"

if ! command -v postfix >/dev/null; then
  step "installing postfix"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
SENDMAIL=$(command -v sendmail || echo /usr/sbin/sendmail)

# maillog_file must live below a maillog_file_prefixes entry (/var by default)
WORK=$(mktemp -d /var/tmp/aox-postfix-e2e.XXXXXX)
chmod 755 "$WORK"
PFDIR=$WORK/postfix
CONF=$WORK/archiveopteryx.conf
MAINCF=/etc/postfix/main.cf
MAINCF_SAVED=$WORK/main.cf.orig
AOX_STARTED=0
PF_STARTED=0

aox() { node "$REPO/tools/aox.mjs" -c "$CONF" "$@"; }

cleanup() {
  local status=$?
  set +e
  if [ "$PF_STARTED" = 1 ]; then postfix -c "$PFDIR" stop >/dev/null 2>&1; fi
  if [ "$AOX_STARTED" = 1 ]; then aox stop >/dev/null 2>&1; fi
  if [ -f "$MAINCF_SAVED" ]; then cp -p "$MAINCF_SAVED" "$MAINCF"; elif [ -f "$WORK/main.cf.absent" ]; then rm -f "$MAINCF"; fi
  if [ "$status" != 0 ]; then
    echo "--- aox log (tail)"; tail -n 30 "$WORK/aox.log" 2>/dev/null
    echo "--- postfix log (tail)"; tail -n 30 "$WORK/postfix.log" 2>/dev/null
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
LMTP_PORT=$(free_port); POP_PORT=$(free_port); IMAP_PORT=$(free_port); PG_PORT=$(free_port)

step "starting aox (LMTP on 127.0.0.1:$LMTP_PORT, POP3 on $POP_PORT, embedded PostgreSQL on $PG_PORT)"
# run as root, the embedded PostgreSQL drops to the postgres user: it needs its own directory
mkdir -p "$WORK/pg" "$WORK/run"
cat >"$CONF" <<EOF
hostname = aox-e2e.localdomain
embedded-db-directory = $WORK/pg
embedded-db-port = $PG_PORT
pidfile-dir = $WORK/run
logfile = $WORK/aox.log
use-tls = off
imap-address = 127.0.0.1
imap-port = $IMAP_PORT
use-pop = on
pop-address = 127.0.0.1
pop-port = $POP_PORT
lmtp-address = 127.0.0.1
lmtp-port = $LMTP_PORT
allow-plaintext-passwords = localhost
EOF
aox add user e2e e2e-password e2e@e2e.test >/dev/null
aox start >/dev/null
AOX_STARTED=1

step "configuring a temporary Postfix instance in $PFDIR"
# Postfix reads the default main.cf to check that a -c/-C directory is authorised
if [ -f "$MAINCF" ]; then cp -p "$MAINCF" "$MAINCF_SAVED"; else touch "$WORK/main.cf.absent"; echo "compatibility_level = 3.6" >"$MAINCF"; fi
postconf -e "alternate_config_directories = $PFDIR"
mkdir -p "$PFDIR"
# main.cf starts empty (Postfix's built-in defaults); master.cf is the system's, minus port 25
: >"$PFDIR/main.cf"
if [ -f /etc/postfix/master.cf ]; then cp /etc/postfix/master.cf "$PFDIR/"; else cp /usr/share/postfix/master.cf.dist "$PFDIR/master.cf"; fi
postconf -c "$PFDIR" -e \
  "compatibility_level = 3.6" \
  "queue_directory = $WORK/spool" \
  "data_directory = $WORK/data" \
  "myhostname = mx.e2e.localdomain" \
  "mydomain = e2e.localdomain" \
  "myorigin = \$myhostname" \
  "mydestination =" \
  "inet_interfaces = loopback-only" \
  "inet_protocols = ipv4" \
  "alias_maps =" \
  "alias_database =" \
  "relayhost =" \
  "maillog_file = $WORK/postfix.log" \
  "virtual_mailbox_domains = e2e.test" \
  "virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT" \
  "lmtp_lhlo_name = mx.e2e.localdomain"
# no SMTP listener on port 25: mail comes in through sendmail/pickup only
postconf -c "$PFDIR" -M# smtp/inet
mkdir -p "$WORK/spool" "$WORK/data"
chown postfix "$WORK/data"
postfix -c "$PFDIR" check   # creates the queue's subdirectories with their owners and modes
postfix -c "$PFDIR" start >/dev/null
PF_STARTED=1

TOKEN="aox-e2e-$(date +%s)-$$"
step "sending a message with sendmail (Subject: $TOKEN)"
printf 'From: sender@e2e.localdomain\nTo: e2e@e2e.test\nSubject: %s\nMessage-ID: <%s@e2e.localdomain>\n\nDelivered by Postfix over LMTP.\n.leading dot\n' \
  "$TOKEN" "$TOKEN" | "$SENDMAIL" -C "$PFDIR" -f sender@e2e.localdomain e2e@e2e.test
printf 'Subject: %s unknown\n\nnobody is here\n' "$TOKEN" | "$SENDMAIL" -C "$PFDIR" -f sender@e2e.localdomain nobody@e2e.test

step "waiting for the message in e2e's INBOX (POP3)"
# A small POP3 client: waits up to 60 s for a message whose Subject is $TOKEN and prints it.
export POP_PORT TOKEN
node --input-type=module -e '
import net from "node:net";
const port = Number(process.env.POP_PORT), token = process.env.TOKEN;
async function session(commands) {
  const s = net.connect(port, "127.0.0.1");
  let data = "";
  s.on("data", (d) => { data += d.toString("latin1"); });
  const until = (re) => new Promise((resolve, reject) => {
    const t = setInterval(() => { if (re.test(data)) { clearInterval(t); resolve(); } }, 20);
    setTimeout(() => { clearInterval(t); reject(new Error("POP3 timeout: " + data)); }, 10000);
  });
  await until(/^\+OK.*\r\n/);
  for (const [command, end] of commands) { data = ""; s.write(command + "\r\n"); await until(end); if (data.startsWith("-ERR")) throw new Error(command.split(" ")[0] + ": " + data); }
  s.end();
  return data;
}
const deadline = Date.now() + 60000;
for (;;) {
  const stat = await session([["USER e2e", /\r\n/], ["PASS e2e-password", /\r\n/], ["STAT", /\r\n/]]);
  if (Number(stat.split(" ")[1]) > 0) {
    const msg = await session([["USER e2e", /\r\n/], ["PASS e2e-password", /\r\n/], ["RETR 1", /\r\n\.\r\n$/]]);
    if (!msg.includes("Subject: " + token)) throw new Error("unexpected message:\n" + msg);
    if (!/Received: from mx\.e2e\.localdomain \(\[127\.0\.0\.1\]\)\r\n\tby aox-e2e\.localdomain \(aox\) with LMTP id /.test(msg)) {
      throw new Error("no Received field from the LMTP hop:\n" + msg);
    }
    if (!msg.includes("\r\n..leading dot\r\n")) throw new Error("dot-stuffing lost:\n" + msg);
    console.log(msg.split("\r\n").slice(1, 12).join("\n"));
    break;
  }
  if (Date.now() > deadline) throw new Error("no message after 60 s");
  await new Promise((r) => setTimeout(r, 500));
}
'

step "checking that Postfix bounced nobody@e2e.test with aox's 550 5.1.1"
for _ in $(seq 1 40); do
  if grep -q 'to=<nobody@e2e.test>.*status=bounced.*550 5\.1\.1' "$WORK/postfix.log" 2>/dev/null; then break; fi
  sleep 0.5
done
grep -q 'to=<nobody@e2e.test>.*status=bounced.*550 5\.1\.1' "$WORK/postfix.log" || die "no bounce for nobody@e2e.test in the Postfix log"
grep 'to=<e2e@e2e.test>' "$WORK/postfix.log" | grep -q 'status=sent' || die "Postfix did not log the delivery as sent"
grep 'to=<e2e@e2e.test>' "$WORK/postfix.log" | sed -n 's/.*\(relay=[^ ]*\).*\(status=sent.*\)/  \1 \2/p' | head -1

echo "postfix-e2e: OK"
