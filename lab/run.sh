#!/usr/bin/env bash
# spoofwatch mail lab: real Postfix + OpenDKIM + OpenDMARC + policyd-spf + nsd + rsyslog in a
# private network namespace on loopback, fed real (signed, sealed, forged) messages.
#
#   lab/run.sh up       install missing Debian packages, start everything in netns "swlab"
#   lab/run.sh send     run every scenario in every mode (report-only, enforce, content-filter)
#   lab/run.sh capture  copy the per-mode logs + truth to lab/fixtures and samples/
#   lab/run.sh down     stop only what the lab started; remove netns, addresses, /dev/log
#   lab/run.sh demo     up + send + capture + down (npm run lab)
#   lab/run.sh test     up + send + down, then the lab test suite over the fresh logs
#                       (npm run test:lab; lab/fixtures and samples/ stay as committed)
#
# Needs root on Debian 12. Nothing leaves the namespace: every address is 127.x on its lo.
# All configuration, queues, pids and daemon stderr live under lab/work/.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$LAB_DIR")
WORK=$LAB_DIR/work
NS=swlab
NS_IP=127.0.53.53
MX_IP=127.0.10.25
EDGE_IP=127.0.10.30
EXIM_IP=127.0.10.26
SM_IP=127.0.10.27
CHROOTS=$WORK/chroots
PFETC=$WORK/postfix/etc
PFSPOOL=$WORK/postfix/spool
STATE=$WORK/state
MODES=(report-only enforce content-filter haproxy-report-only)
# Exim runs in its own Debian chroot (it conflicts with Postfix as a package); LAB_NO_EXIM=1
# or a failed debootstrap leaves these modes out.
EXIM_MODES=(exim-report-only exim-enforce)
# Sendmail likewise (LAB_NO_SENDMAIL=1), with OpenDKIM, pyspf-milter and OpenDMARC as milters.
SENDMAIL_MODES=(sendmail-report-only sendmail-enforce)
PACKAGES=(postfix opendkim opendkim-tools opendmarc dbconfig-no-thanks postfix-policyd-spf-python
  nsd rsyslog swaks haproxy pyspf-milter debootstrap iproute2)

say() { printf '[lab %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}
nsx() { ip netns exec "$NS" "$@"; }

need_root() {
  [[ $(id -u) -eq 0 ]] || die "the lab needs root (network namespace, daemons); run with sudo"
}

# ---------------------------------------------------------------- packages
install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing: ${missing[*]}"
  # Package scripts would start the daemons on the host: forbid that while installing.
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  } >"$WORK/logs/apt.log" 2>&1 || rc=$?
  ((made_policy)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get failed (see $WORK/logs/apt.log)"
}

lab_addresses() {
  node --input-type=module -e \
    "import {labAddresses} from '$LAB_DIR/lib/topology.mjs'; console.log(labAddresses().join(' '))"
}

# ---------------------------------------------------------------- pids
start_bg() { # name cmd... : run in the namespace, stderr+stdout to logs/name.stderr, pid to state
  local name=$1
  shift
  # A plain command (not the nsx function) so that $! is the daemon itself: `ip netns exec`
  # execs it in place.
  ip netns exec "$NS" "$@" >"$WORK/logs/$name.stderr" 2>&1 &
  echo $! >"$STATE/$name.pid"
}
stop_pid() { # name
  local f=$STATE/$1.pid pid i
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
pid_alive() { [[ -f $STATE/$1.pid ]] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }
wait_for() { # description tries cmd...
  local what=$1 tries=$2 i
  shift 2
  for ((i = 0; i < tries; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "timed out waiting for $what"
}

# ---------------------------------------------------------------- configuration
write_static_configs() {
  mkdir -p "$WORK"/{opendkim,opendmarc,rsyslog,mailstore} "$PFETC" "$PFSPOOL" "$WORK/postfix/lib"
  node "$LAB_DIR/lib/gen-dns.mjs" "$WORK" >&2

  cat >"$WORK/rsyslog/rsyslog.conf" <<EOF
global(workDirectory="$WORK/rsyslog" localHostName="mx" maxMessageSize="64k")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0" SysSock.Unlink="on")
# /dev/log is the host's: keep only the lab's own programs, so nothing else lands in a capture.
if \$syslogfacility-text == "mail" and (\$programname startswith "postfix" or \$programname == "opendkim" or \$programname == "opendmarc" or \$programname == "policyd-spf" or \$programname == "pyspf-milter" or \$programname == "haproxy" or \$programname == "exim" or \$programname == "sendmail") then {
  action(type="omfile" file="$WORK/mail.log" template="RSYSLOG_TraditionalFileFormat")
}
EOF

  cat >"$WORK/opendkim/unbound.conf" <<EOF
server:
  do-not-query-localhost: no
  local-zone: "test." nodefault
  local-zone: "127.in-addr.arpa." nodefault
EOF
  cat >"$WORK/opendkim/opendkim.conf" <<EOF
Syslog yes
SyslogSuccess yes
LogWhy yes
Mode v
Socket inet:8891@127.0.0.1
PidFile $WORK/opendkim/opendkim.pid
UserID opendkim
UMask 007
AuthservID mx.corp.example
InternalHosts 127.0.0.1
Nameservers $NS_IP
ResolverConfiguration $WORK/opendkim/unbound.conf
AlwaysAddARHeader yes
EOF
  chown opendkim: "$WORK/opendkim"

  # As in a real deployment: the trusted relays in mynetworks are not DMARC-checked.
  printf '127.0.0.1\n127.0.20.5\n' >"$WORK/opendmarc/ignore.hosts"
  chown opendmarc: "$WORK/opendmarc"

  cat >"$PFETC/header_checks" <<'EOF'
/^From:/ WARN
/^Sender:/ WARN
/^Reply-To:/ WARN
/^Return-Path:/ WARN
/^To:/ WARN
/^Subject:/ WARN
/^Message-ID:/ WARN
/^List-Id:/ WARN
/^List-Unsubscribe:/ WARN
/^List-Post:/ WARN
/^Precedence:/ WARN
/^Received-SPF:/ WARN
/^Authentication-Results:/ WARN
/^ARC-Seal:/ WARN
/^ARC-Authentication-Results:/ WARN
/^DKIM-Signature:/ WARN
EOF
  cat >"$PFETC/milter_header_checks" <<'EOF'
/^Authentication-Results:/ WARN
EOF
  mkdir -p "$WORK/haproxy"
  cat >"$WORK/haproxy/haproxy.cfg" <<EOF
global
  log /dev/log format local mail info
  maxconn 200
defaults
  mode tcp
  log global
  option tcplog
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend smtp_edge
  bind $EDGE_IP:25
  default_backend postfix_postscreen
backend postfix_postscreen
  server mx $MX_IP:2525 send-proxy
EOF
  haproxy -c -f "$WORK/haproxy/haproxy.cfg" >>"$WORK/logs/haproxy.stderr" 2>&1 || die "bad haproxy config"

  chown -R nobody:nogroup "$WORK/mailstore"
  chown postfix: "$WORK/postfix/lib"
}

write_postfix_main() { # mode
  local mode=$1 cf=''
  [[ $mode == content-filter ]] && cf='smtp:[127.0.0.1]:10025'
  cat >"$PFETC/main.cf" <<EOF
# spoofwatch lab instance ($mode) -- generated by lab/run.sh
compatibility_level = 3.6
queue_directory = $PFSPOOL
data_directory = $WORK/postfix/lib
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.corp.example
mydomain = corp.example
myorigin = \$mydomain
mydestination =
inet_interfaces = $MX_IP, 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32, 127.0.20.5/32
smtpd_banner = \$myhostname ESMTP
biff = no
append_dot_mydomain = no
smtpd_helo_required = yes
disable_vrfy_command = yes
alias_maps =
alias_database =
virtual_mailbox_domains = corp.example
virtual_mailbox_base = $WORK/mailstore
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
# Mail for anyone else stays in the lab.
default_transport = discard:outside the lab
header_checks = regexp:$PFETC/header_checks
milter_header_checks = regexp:$PFETC/milter_header_checks
smtpd_milters = inet:127.0.0.1:8891, inet:127.0.0.1:8893
non_smtpd_milters =
milter_default_action = accept
smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, check_policy_service unix:private/policyd-spf
policyd-spf_time_limit = 3600
content_filter = $cf
smtp_send_xforward_command = yes
maximal_backoff_time = 10s
minimal_backoff_time = 5s
queue_run_delay = 5s
# postscreen (haproxy-report-only mode): short greet wait so the lab stays fast; a client
# that talks before the banner is logged (PREGREET) and rejected.
postscreen_greet_wait = 1s
postscreen_greet_action = enforce
postscreen_access_list = permit_mynetworks
EOF
}

write_postfix_master() {
  cat >"$PFETC/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
$MX_IP:smtp      inet  n       -       n       -       -       smtpd
# Behind HAProxy (PROXY protocol): postscreen, then the real smtpd.
$MX_IP:2525      inet  n       -       n       -       1       postscreen
  -o postscreen_upstream_proxy_protocol=haproxy
smtpd     pass  -       -       n       -       -       smtpd
127.0.0.1:10025  inet  n       -       n       -       -       smtpd
  -o content_filter=
  -o smtpd_milters=
  -o milter_header_checks=
  -o receive_override_options=no_unknown_recipient_checks
  -o smtpd_recipient_restrictions=permit_mynetworks,reject
  -o smtpd_authorized_xforward_hosts=127.0.0.0/8
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
policyd-spf unix -      n       n       -       0       spawn
  user=policyd-spf argv=/usr/bin/policyd-spf $WORK/policyd-spf.conf
EOF
}

write_policyd_spf() { # mode
  # Report-only: check and prepend Received-SPF for every result, never reject
  # ("TestOnly = 0" would also drop the header for Fail results). Enforce: reject Fail.
  local reject=False
  [[ $1 == enforce ]] && reject=Fail
  cat >"$WORK/policyd-spf.conf" <<EOF
debugLevel = 1
TestOnly = 1
HELO_reject = $reject
Mail_From_reject = $reject
PermError_reject = False
TempError_Defer = False
skip_addresses = 127.0.0.1/32,::1
EOF
}

write_opendmarc() { # mode
  local reject=false
  [[ $1 == enforce ]] && reject=true
  cat >"$WORK/opendmarc/opendmarc.conf" <<EOF
AuthservID mx.corp.example
TrustedAuthservIDs mx.corp.example, mx3.corp.example
Socket inet:8893@127.0.0.1
PidFile $WORK/opendmarc/opendmarc.pid
UserID opendmarc
UMask 007
Syslog true
SyslogFacility mail
IgnoreHosts $WORK/opendmarc/ignore.hosts
IgnoreAuthenticatedClients true
SPFSelfValidate false
SPFIgnoreResults false
RejectFailures $reject
RequiredHeaders false
FailureReports false
HistoryFile $WORK/opendmarc/opendmarc.dat
PublicSuffixList /usr/share/publicsuffix/public_suffix_list.dat
EOF
}

# ---------------------------------------------------------------- daemons
start_opendmarc() {
  start_bg opendmarc opendmarc -f -c "$WORK/opendmarc/opendmarc.conf"
  wait_for "opendmarc on :8893" 50 nsx bash -c 'exec 3<>/dev/tcp/127.0.0.1/8893'
}

postfix_running() { [[ -f $PFSPOOL/pid/master.pid ]] && kill -0 "$(tr -d ' ' <"$PFSPOOL/pid/master.pid")" 2>/dev/null; }

# The settings a mode runs with (haproxy-report-only = report-only, reached through HAProxy).
base_mode() {
  case $1 in
    haproxy-* | exim-* | sendmail-*) echo "${1#*-}" ;;
    *) echo "$1" ;;
  esac
}
# The fixture a mode's log is captured to.
log_name() {
  case $1 in
    haproxy-*) echo "haproxy-postfix-${1#haproxy-}.log" ;;
    exim-* | sendmail-*) echo "$1.log" ;;
    *) echo "postfix-$1.log" ;;
  esac
}

configure_mode() { # mode: rewrite the per-mode settings and make every daemon take them
  local mode
  mode=$(base_mode "$1")
  say "mode $1"
  if [[ $1 == exim-* ]]; then
    write_exim_config "$mode"
    stop_pid exim
    start_exim
    return 0
  fi
  if [[ $1 == sendmail-* ]]; then
    stop_pid exim
    write_opendmarc "$mode"
    stop_pid opendmarc
    start_opendmarc
    write_pyspf_milter "$mode"
    stop_pid pyspf-milter
    start_bg pyspf-milter pyspf-milter "$WORK/pyspf/pyspf-milter.conf"
    wait_for "pyspf-milter on :8895" 50 nsx bash -c 'exec 3<>/dev/tcp/127.0.0.1/8895'
    write_sendmail_config
    stop_pid sendmail
    start_sendmail
    return 0
  fi
  write_postfix_main "$mode"
  write_policyd_spf "$mode"
  write_opendmarc "$mode"
  stop_pid opendmarc
  start_opendmarc
  if postfix_running; then
    nsx postfix -c "$PFETC" reload >>"$WORK/logs/postfix.stderr" 2>&1
    sleep 1
  fi
}

# ---------------------------------------------------------------- Exim (Debian chroot)
EXIM_CH=$CHROOTS/exim

# The Debian mirror apt itself uses (debootstrap does not read apt's configuration).
apt_mirror() {
  local m
  m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1)
  [[ -n $m ]] || m=$(sed -n 's/^deb[[:space:]]\{1,\}\(http[^[:space:]]*\)[[:space:]]\{1,\}bookworm[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n1)
  echo "${m:-http://deb.debian.org/debian}"
}

exim_chroot() { # build once (about 2 minutes), kept under lab/work/chroots
  [[ -x $EXIM_CH/usr/sbin/exim4 && -x $EXIM_CH/usr/bin/spfquery.mail-spf-perl ]] && return 0
  say "debootstrap bookworm for Exim (once; $(apt_mirror))"
  rm -rf "$EXIM_CH"
  mkdir -p "$CHROOTS"
  debootstrap --variant=minbase --include=exim4-daemon-heavy,spf-tools-perl bookworm "$EXIM_CH" "$(apt_mirror)" \
    >"$WORK/logs/debootstrap-exim.log" 2>&1
}

write_exim_config() { # mode (report-only | enforce)
  local deny=''
  [[ $1 == enforce ]] && deny='  deny    message = SPF check failed: $sender_host_address is not allowed to send mail from $sender_address_domain
          log_message = SPF check failed
          condition = ${if match{$acl_m_spf}{\N^fail \N}}'
  printf 'nameserver %s\n' "$NS_IP" >"$EXIM_CH/etc/resolv.conf"
  printf '127.0.0.1\tlocalhost\n' >"$EXIM_CH/etc/hosts"
  # Mail::SPF (libspf2, Exim's built-in SPF, passes every 127/8 client): "result (comment)".
  cat >"$EXIM_CH/usr/local/bin/lab-spf" <<'EOF'
#!/bin/sh
out=$(/usr/bin/spfquery.mail-spf-perl --scope mfrom --identity "$1" --ip-address "$2" --helo-identity "$3" 2>/dev/null)
res=$(printf '%s\n' "$out" | head -n1)
com=$(printf '%s\n' "$out" | sed -n 's/^Received-SPF: [a-z]* (\(.*\)) receiver=.*/\1/p')
printf '%s (%s)' "$res" "$com"
EOF
  chmod 755 "$EXIM_CH/usr/local/bin/lab-spf"
  cat >"$EXIM_CH/etc/exim4/exim4.conf" <<EOF
# spoofwatch lab: Exim as mx2.corp.example ($1) -- generated by lab/run.sh
primary_hostname = mx2.corp.example
qualify_domain = corp.example
domainlist local_domains = corp.example
hostlist relay_from_hosts = 127.0.0.1 : 127.0.20.5
local_interfaces = $EXIM_IP
daemon_smtp_ports = 25
never_users = root
host_lookup = *
rfc1413_hosts =
tls_advertise_hosts =
log_file_path = syslog
syslog_timestamp = false
syslog_processname = exim
syslog_duplication = false
log_selector = +subject +received_recipients +dkim_verbose
acl_smtp_rcpt = acl_check_rcpt
acl_smtp_data = acl_check_data
# Exim logs DKIM results itself; SPF and headers are logged by the ACLs below in the form
# spoofwatch reads ("ID SPF: result (comment)", "ID header Name: value").

begin acl
acl_check_rcpt:
  accept  hosts = :
  deny    message = relay not permitted
          !domains = +local_domains
          !hosts = +relay_from_hosts
  accept  hosts = +relay_from_hosts
  warn    condition = \${if def:acl_m_spf {no}{yes}}
          set acl_m_spf = \${run{/usr/local/bin/lab-spf \$sender_address \$sender_host_address \$sender_helo_name}{\$value}{\$value}}
$deny
  accept

acl_check_data:
  warn    condition = \${if def:acl_m_spf}
          logwrite = :main:SPF: \$acl_m_spf
  warn    logwrite = :main:header From: \$h_from:
  warn    condition = \${if def:h_sender:}
          logwrite = :main:header Sender: \$h_sender:
  warn    condition = \${if def:h_reply-to:}
          logwrite = :main:header Reply-To: \$h_reply-to:
  warn    condition = \${if def:h_list-id:}
          logwrite = :main:header List-Id: \$h_list-id:
  warn    condition = \${if def:h_authentication-results:}
          logwrite = :main:header Authentication-Results: \$h_authentication-results:
  warn    condition = \${if def:h_arc-seal:}
          logwrite = :main:header ARC-Seal: \$h_arc-seal:
  accept

begin routers
lab_local:
  driver = accept
  domains = +local_domains
  transport = lab_mbox
outside:
  driver = redirect
  data = :blackhole:

begin transports
lab_mbox:
  driver = appendfile
  file = /var/mail/lab
  user = mail
  group = mail
  mode = 0660
EOF
}

start_exim() {
  touch "$EXIM_CH/dev/log"
  # Own mount namespace: /dev/log is bind-mounted into the chroot for Exim only.
  ip netns exec "$NS" unshare -m --propagation private sh -c \
    "mount --bind /dev/log '$EXIM_CH/dev/log' && exec chroot '$EXIM_CH' /usr/sbin/exim4 -bdf -q1m" \
    >"$WORK/logs/exim.stderr" 2>&1 &
  echo $! >"$STATE/exim.pid"
  wait_for "exim on $EXIM_IP:25" 50 nsx bash -c "exec 3<>/dev/tcp/$EXIM_IP/25"
}

exim_queue_empty() {
  local n
  n=$(find "$EXIM_CH/var/spool/exim4/input" -type f 2>/dev/null | wc -l)
  [[ $n -eq 0 ]]
}

# ---------------------------------------------------------------- Sendmail (Debian chroot)
SM_CH=$CHROOTS/sendmail

sendmail_chroot() { # build once, kept under lab/work/chroots
  [[ -x $SM_CH/usr/libexec/sendmail/sendmail && -f $SM_CH/usr/share/sendmail/cf/m4/cf.m4 ]] && return 0
  say "debootstrap bookworm for Sendmail (once; $(apt_mirror))"
  rm -rf "$SM_CH"
  mkdir -p "$CHROOTS"
  debootstrap --variant=minbase --include=sendmail,m4,make,procps bookworm "$SM_CH" "$(apt_mirror)" \
    >"$WORK/logs/debootstrap-sendmail.log" 2>&1
}

write_pyspf_milter() { # mode: SPF for Sendmail (the same engine as policyd-spf, as a milter)
  local reject=False
  [[ $1 == enforce ]] && reject=Fail
  mkdir -p "$WORK/pyspf"
  rm -f "$WORK/pyspf/pyspf-milter.pid" # it refuses to start over a stale one
  cat >"$WORK/pyspf/pyspf-milter.conf" <<EOF
debugLevel = 1
TestOnly = 1
HELO_reject = $reject
Mail_From_reject = $reject
PermError_reject = False
TempError_Defer = False
skip_addresses = 127.0.0.1/32,::1
Socket = inet:8895@127.0.0.1
PidFile = $WORK/pyspf/pyspf-milter.pid
UserID = pyspf-milter
InternalHosts = 127.0.0.1
Authserv_Id = mx3.corp.example
EOF
}

write_sendmail_config() {
  printf 'nameserver %s\n' "$NS_IP" >"$SM_CH/etc/resolv.conf"
  printf '127.0.0.1\tlocalhost\n%s\tmx3.corp.example mx3\n' "$SM_IP" >"$SM_CH/etc/hosts"
  printf 'corp.example\nmx3.corp.example\n' >"$SM_CH/etc/mail/local-host-names"
  # Debian's postinst (sendmailconfig) would set these up; the lab does it for its chroot.
  chroot "$SM_CH" sh -c 'chown root:smmsp /var/spool/mqueue && chmod 0770 /var/spool/mqueue &&
    mkdir -p /run/sendmail/mta && chown smmta:smmsp /run/sendmail/mta && mkdir -p /var/lib/sendmail/host_status'
  local u
  for u in alice bob finance ceo; do
    chroot "$SM_CH" id "$u" >/dev/null 2>&1 || chroot "$SM_CH" useradd -M -N -s /usr/sbin/nologin "$u"
  done
  cat >"$SM_CH/etc/mail/lab.mc" <<'EOF'
divert(-1)
# spoofwatch lab: Sendmail as mx3.corp.example -- generated by lab/run.sh
divert(0)dnl
include(`/usr/share/sendmail/cf/m4/cf.m4')dnl
VERSIONID(`spoofwatch lab')dnl
OSTYPE(`debian')dnl
define(`confDOMAIN_NAME', `mx3.corp.example')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confLOG_LEVEL', `9')dnl
define(`confMILTER_LOG_LEVEL', `9')dnl
define(`confPRIVACY_FLAGS', `goaway')dnl
define(`confTO_IDENT', `0s')dnl
define(`confTO_CONNECT', `10s')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`use_cw_file')dnl
DAEMON_OPTIONS(`Family=inet, Name=MTA-v4, Addr=127.0.10.27, Port=smtp')dnl
INPUT_MAIL_FILTER(`opendkim', `S=inet:8891@127.0.0.1, F=T, T=S:30s;R:30s;E:1m')dnl
INPUT_MAIL_FILTER(`pyspf', `S=inet:8895@127.0.0.1, F=T, T=S:30s;R:30s;E:1m')dnl
INPUT_MAIL_FILTER(`opendmarc', `S=inet:8893@127.0.0.1, F=T, T=S:30s;R:30s;E:1m')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
dnl Sendmail logs no header by itself: a syslog map called from header rulesets does
dnl (the convention src/parse/sendmail.ts reads: "QID: header.From:...").
LOCAL_CONFIG
Klog syslog -L info
HFrom: $>+LogHeaderFrom
HReply-To: $>+LogHeaderReplyTo
HSender: $>+LogHeaderSender
HList-Id: $>+LogHeaderListId
HAuthentication-Results: $>+LogHeaderAR
LOCAL_RULESETS
SLogHeaderFrom
R$*	$: $(log header From: $1 $) $1
SLogHeaderReplyTo
R$*	$: $(log header Reply-To: $1 $) $1
SLogHeaderSender
R$*	$: $(log header Sender: $1 $) $1
SLogHeaderListId
R$*	$: $(log header List-Id: $1 $) $1
SLogHeaderAR
R$*	$: $(log header Authentication-Results: $1 $) $1
EOF
  chroot "$SM_CH" sh -c 'm4 /etc/mail/lab.mc > /etc/mail/sendmail.cf' 2>>"$WORK/logs/sendmail.stderr"
}

start_sendmail() {
  touch "$SM_CH/dev/log"
  # Own mount and UTS namespaces: /dev/log bind-mounted into the chroot, and the host name
  # Sendmail looks up at start is mx3's (the machine's own name is left alone).
  ip netns exec "$NS" unshare -m -u --propagation private sh -c \
    "hostname mx3.corp.example && mount --bind /dev/log '$SM_CH/dev/log' && exec chroot '$SM_CH' /usr/libexec/sendmail/sendmail -bD -q1m" \
    >"$WORK/logs/sendmail.stderr" 2>&1 &
  echo $! >"$STATE/sendmail.pid"
  wait_for "sendmail on $SM_IP:25" 100 nsx bash -c "exec 3<>/dev/tcp/$SM_IP/25"
}

sendmail_queue_empty() {
  local n
  n=$(find "$SM_CH/var/spool/mqueue" -type f -name 'qf*' 2>/dev/null | wc -l)
  [[ $n -eq 0 ]]
}

check_dev_log() {
  if [[ -e /dev/log || -L /dev/log ]]; then
    if [[ -f $STATE/devlog-ours ]] && ! pid_alive rsyslogd; then
      rm -f /dev/log # stale socket left by an earlier lab run
    else
      die "/dev/log exists and belongs to someone else (a host syslog?): the lab's rsyslog needs it"
    fi
  fi
}

cmd_up() {
  need_root
  mkdir -p "$WORK/logs" "$STATE"
  if ip netns list | grep -qw "$NS" || ls "$STATE"/*.pid >/dev/null 2>&1; then
    say "leftovers from an earlier run: tearing them down first"
    cmd_down
    mkdir -p "$WORK/logs" "$STATE"
  fi
  install_packages
  # The Exim and Sendmail chroots (built once, about 2-3 minutes each) are built side by side.
  rm -f "$STATE/exim-ok" "$STATE/sendmail-ok"
  local exim_job='' sm_job=''
  if [[ -z ${LAB_NO_EXIM:-} ]]; then
    exim_chroot &
    exim_job=$!
  fi
  if [[ -z ${LAB_NO_SENDMAIL:-} ]]; then
    sendmail_chroot &
    sm_job=$!
  fi
  if [[ -n $exim_job ]]; then
    if wait "$exim_job"; then touch "$STATE/exim-ok"; else
      say "warning: no Exim chroot (see $WORK/logs/debootstrap-exim.log): exim modes left out"
    fi
  fi
  if [[ -n $sm_job ]]; then
    if wait "$sm_job"; then touch "$STATE/sendmail-ok"; else
      say "warning: no Sendmail chroot (see $WORK/logs/debootstrap-sendmail.log): sendmail modes left out"
    fi
  fi
  check_dev_log

  # Fresh per-run state (keys are kept: regenerating them is slow and changes nothing).
  rm -rf "$PFSPOOL" "$WORK/postfix/lib" "$WORK/mailstore" "$WORK/mail.log" "$WORK/capture" "$WORK/sent.jsonl"
  rm -f "$WORK/opendmarc/opendmarc.dat"
  write_static_configs

  say "network namespace $NS"
  ip netns add "$NS"
  touch "$STATE/netns-ours"
  ip -n "$NS" link set lo up
  local a
  for a in $(lab_addresses); do ip -n "$NS" addr add "$a/32" dev lo; done
  mkdir -p "/etc/netns/$NS"
  touch "$STATE/etc-netns-ours"
  printf 'nameserver %s\noptions timeout:2 attempts:2\n' "$NS_IP" >"/etc/netns/$NS/resolv.conf"
  printf '127.0.0.1\tlocalhost\n' >"/etc/netns/$NS/hosts"

  say "rsyslogd (writes $WORK/mail.log)"
  touch "$STATE/devlog-ours"
  rm -f "$WORK/rsyslog/rsyslogd.pid"
  start_bg rsyslogd rsyslogd -n -f "$WORK/rsyslog/rsyslog.conf" -i "$WORK/rsyslog/rsyslogd.pid"
  wait_for "/dev/log" 50 test -S /dev/log

  say "nsd on $NS_IP"
  start_bg nsd nsd -d -c "$WORK/nsd/nsd.conf"
  wait_for "nsd answering" 50 nsx getent ahostsv4 mx.corp.example

  say "opendkim, opendmarc"
  start_bg opendkim opendkim -f -x "$WORK/opendkim/opendkim.conf"
  wait_for "opendkim on :8891" 50 nsx bash -c 'exec 3<>/dev/tcp/127.0.0.1/8891'

  write_postfix_master
  configure_mode "${MODES[0]}"

  say "haproxy on $EDGE_IP:25"
  start_bg haproxy haproxy -db -f "$WORK/haproxy/haproxy.cfg"

  say "postfix (config $PFETC)"
  nsx postfix -c "$PFETC" check >>"$WORK/logs/postfix.stderr" 2>&1 || true
  nsx postfix -c "$PFETC" start >>"$WORK/logs/postfix.stderr" 2>&1 || die "postfix did not start (see $WORK/logs/postfix.stderr)"
  wait_for "postfix master" 50 postfix_running
  sleep 1
  say "up"
}

queue_empty() {
  local n
  n=$(find "$PFSPOOL"/{maildrop,incoming,active,deferred} -type f 2>/dev/null | wc -l)
  [[ $n -eq 0 ]] && exim_queue_empty && sendmail_queue_empty
}

all_modes() { # the modes this run can do
  echo "${MODES[@]}"
  [[ -f $STATE/exim-ok ]] && echo "${EXIM_MODES[@]}"
  [[ -f $STATE/sendmail-ok ]] && echo "${SENDMAIL_MODES[@]}"
  return 0
}

wait_quiet() { # wait until the queue is empty (hold excluded) and the log stops growing
  local i last=-1 size
  for ((i = 0; i < 150; i++)); do
    size=$(stat -c %s "$WORK/mail.log" 2>/dev/null || echo 0)
    if queue_empty && [[ $size -eq $last ]]; then return 0; fi
    last=$size
    sleep 1
  done
  say "warning: queue did not drain"
}

cmd_send() {
  need_root
  postfix_running || die "the lab is not up (lab/run.sh up)"
  mkdir -p "$WORK/capture"
  rm -f "$WORK/sent.jsonl"
  local mode start end server
  for mode in $(all_modes); do
    configure_mode "$mode"
    wait_quiet
    start=$(stat -c %s "$WORK/mail.log")
    server=$MX_IP
    [[ $mode == haproxy-* ]] && server=$EDGE_IP
    [[ $mode == exim-* ]] && server=$EXIM_IP
    [[ $mode == sendmail-* ]] && server=$SM_IP
    nsx node "$LAB_DIR/sender/send.mjs" --mode "$mode" --server "$server" --work "$WORK" --scenarios "$LAB_DIR/scenarios.yaml" ||
      die "sending ($mode) failed"
    wait_quiet
    end=$(stat -c %s "$WORK/mail.log")
    tail -c +"$((start + 1))" "$WORK/mail.log" | head -c "$((end - start))" >"$WORK/capture/$(log_name "$mode")"
    say "$mode: $(wc -l <"$WORK/capture/$(log_name "$mode")") log lines"
  done
  node "$LAB_DIR/lib/truth.mjs" "$LAB_DIR/scenarios.yaml" "$WORK/sent.jsonl" "$WORK/capture/truth.json" $(all_modes)
}

cmd_capture() {
  [[ -f $WORK/capture/truth.json ]] || die "nothing sent yet (lab/run.sh send)"
  local mode
  mkdir -p "$LAB_DIR/fixtures" "$REPO/samples"
  for mode in $(all_modes); do
    cp "$WORK/capture/$(log_name "$mode")" "$LAB_DIR/fixtures/$(log_name "$mode")"
  done
  cp "$WORK/capture/truth.json" "$LAB_DIR/fixtures/truth.json"
  cp "$WORK/capture/postfix-report-only.log" "$REPO/samples/postfix-lab.log"
  say "captured into lab/fixtures/ and samples/postfix-lab.log"
}

cmd_down() {
  need_root
  mkdir -p "$STATE"
  if [[ -f $PFETC/main.cf ]] && postfix_running; then
    nsx postfix -c "$PFETC" stop >>"$WORK/logs/postfix.stderr" 2>&1 || true
    local i
    for i in $(seq 1 50); do
      postfix_running || break
      sleep 0.1
    done
    if postfix_running; then kill "$(tr -d ' ' <"$PFSPOOL/pid/master.pid")" 2>/dev/null || true; fi
  fi
  stop_pid exim
  stop_pid sendmail
  stop_pid pyspf-milter
  stop_pid haproxy
  stop_pid opendmarc
  stop_pid opendkim
  stop_pid nsd
  stop_pid rsyslogd
  if [[ -f $STATE/devlog-ours ]]; then
    [[ -S /dev/log ]] && rm -f /dev/log # rsyslog (stopped above) normally unlinks it itself
    rm -f "$STATE/devlog-ours"
  fi
  if [[ -f $STATE/netns-ours ]] || ip netns list | grep -qw "$NS"; then
    # Addresses live on the namespace's own lo: deleting the namespace removes them.
    ip netns pids "$NS" 2>/dev/null | while read -r p; do say "namespace process $p still running"; done
    ip netns delete "$NS" 2>/dev/null || true
    rm -f "$STATE/netns-ours"
  fi
  if [[ -f $STATE/etc-netns-ours ]]; then
    rm -f "/etc/netns/$NS/resolv.conf" "/etc/netns/$NS/hosts"
    rmdir "/etc/netns/$NS" 2>/dev/null || true
    rmdir /etc/netns 2>/dev/null || true
    rm -f "$STATE/etc-netns-ours"
  fi
  say "down"
}

cmd_demo() {
  trap 'cmd_down' EXIT
  cmd_up
  cmd_send
  cmd_capture
}

cmd_test() {
  # The tests read this run's logs from $WORK/capture; the committed fixtures change only
  # by `lab/run.sh capture` (or demo), so a test run leaves the working tree as it was.
  trap 'cmd_down' EXIT
  cmd_up
  cmd_send
  cmd_down
  trap - EXIT
  cd "$REPO"
  SPOOFWATCH_LAB_LOGS="$WORK/capture" node scripts/run-tests.mjs test/lab
}

case "${1:-}" in
  up)
    trap 'say "up failed: tearing down"; cmd_down' EXIT
    cmd_up
    trap - EXIT
    ;;
  send) cmd_send ;;
  capture) cmd_capture ;;
  down) cmd_down ;;
  demo) cmd_demo ;;
  test) cmd_test ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
